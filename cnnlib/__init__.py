"""cnnlib: the maths of the lecture "CNN basics" — numpy in, numpy out.

Never imports streamlit or plotly; TensorFlow/Keras are imported inside the functions
that need them, so the convolution and pooling lessons never pay for TensorFlow.
"""
