"""Streamlit-only helpers shared by pages (language, charts, grids). cnnlib never imports this."""
