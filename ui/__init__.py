"""Streamlit only: each page's widgets and figures, presenter mode, class mode's screens. Nothing below ui/
(cnnlib, services, words, links, notebooks) imports it; tests/test_house.py checks the layers."""
