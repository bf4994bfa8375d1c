"""The services: what holds state or touches the disk and the network, shared by every session.

- ``runs/``: training runs (configuration, shared progress, the queue and its worker, the cache on disk);
- ``class_store``: class mode's classes, published views, questions and answers (SQLite, or PostgreSQL for several replicas);
- ``training_data``: the datasets a run can name (Keras' MNIST download, students' uploads, pins);
- ``downloads``: notMNIST from the network into the cache folder;
- ``settings``: the CNNLIB_* environment settings, read in one place.

They use the lecture's maths and data (cnnlib) and know nothing of Streamlit or words: a problem is a
code with parameters (cnnlib.errors), and words/ has the text.
"""
