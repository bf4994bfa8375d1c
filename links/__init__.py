"""Each page's setting as its address (a link a teacher can send): the codec and every page's declaration.

Plain Python, no Streamlit: the pages (through ui/) and the command line (``python -m cnnlib notebook
--query …``) read a link with the same declarations.
"""
