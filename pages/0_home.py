"""The lecture map: a card per section saying what the student does there."""

import streamlit as st

from ui.i18n import t

st.title(t("home.title"))
st.write(t("home.intro"))

CARDS = [  # (page file, title key, card text key) in lecture order; only pages that exist
    ("pages/1_why.py", "common.page.why_convolution", "home.card.why"),
    ("pages/4_arithmetic.py", "common.page.arithmetic", "home.card.arithmetic"),
    ("pages/5_pooling.py", "common.page.pooling", "home.card.pooling"),
]

columns = st.columns(3)
for i, (path, title, text) in enumerate(CARDS):
    with columns[i % 3].container(border=True):
        st.subheader(t(title))
        st.write(t(text))
        st.page_link(path, label=t("home.open"), icon=":material/arrow_forward:")
