"""The lecture map: a card per section saying what the student does there."""

import streamlit as st

from ui import class_session, classroom
from ui.i18n import t

st.title(t("home.title"))
st.write(t("home.intro"))

if class_session.role() is None:  # a class: the teacher starts one, students join by code (issues 11, 17)
    classroom.join_box()
elif class_session.role() == "teacher":  # the code and QR large on the projector: students join from here
    classroom.join_card()

CARDS = [  # (page file, title key, card text key) in lecture order
    ("lessons/1_why.py", "common.page.why_convolution", "home.card.why"),
    ("lessons/2_conv2d_keras.py", "common.page.conv2d_keras", "home.card.conv2d_keras"),
    ("lessons/3_filters.py", "common.page.filters", "home.card.filters"),
    ("lessons/4_arithmetic.py", "common.page.arithmetic", "home.card.arithmetic"),
    ("lessons/5_pooling.py", "common.page.pooling", "home.card.pooling"),
    ("lessons/2_stack_lab.py", "common.page.stack_lab", "home.card.stack_lab"),
    ("lessons/6_lenet5.py", "common.page.lenet5", "home.card.lenet5"),
    ("lessons/7_own_images.py", "common.page.own_images", "home.card.own_images"),
]

PER_ROW = 4
for start in range(0, len(CARDS), PER_ROW):
    for column, (path, title, text) in zip(st.columns(PER_ROW), CARDS[start : start + PER_ROW], strict=False):
        with column.container(border=True, height="stretch"):
            st.markdown(f"#### {t(title)}")
            st.write(t(text))
            st.page_link(path, label=t("home.open"), icon=":material/arrow_forward:")
