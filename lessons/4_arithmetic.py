"""§4 Convolution arithmetic: edit x and w, watch y; step the window with the slide's formula."""

import numpy as np
import pandas as pd
import streamlit as st

from cnnlib.convolution import ACTIVATIONS, PADDINGS, activate, conv2d, explain_cell, formula, output_size, output_size_formula
from cnnlib.filters import FILTER_PRESETS, INPUT_RANGE, WEIGHT_RANGE
from ui import arithmetic as page
from ui import links, take_home
from ui.charts import heatmap, png
from ui.grids import paste_box, set_weights, toggle_grid, weight_grid
from ui.i18n import labels, t
from ui.state import keep
from ui.guard import guarded

page.init_from_link()
page.keep_widgets()
st.title(t("arithmetic.title"))
st.caption(t("arithmetic.intro"))
links.notice("arith")

left, right = st.columns([1, 1], gap="large")
with left:
    st.subheader(t("arithmetic.input"))
    c1, c2, c3 = st.columns([4, 2, 2], vertical_alignment="bottom")
    preset = c1.selectbox(t("arithmetic.input_preset"), page.INPUT_PRESETS, format_func=labels("arithmetic.preset", page.INPUT_PRESETS), key="arith_input_choice")
    arg = c2.number_input(t("arithmetic.digit_pick"), 0, 9, 4, key="arith_digit") if preset == "digit" else int(np.random.default_rng().integers(1000)) if preset == "random" else 0
    c3.button(t("arithmetic.load"), on_click=page.load_input, args=(preset, arg), key="arith_load")
    toggle_grid("arith_x")
    with st.expander(t("arithmetic.type_numbers")):
        paste_box("arith_x_paste", "arith_x", (page.SIZE, page.SIZE), *INPUT_RANGE, on_ok=page.set_custom_input)

with right:
    st.subheader(t("arithmetic.filter"))
    name = st.selectbox(t("arithmetic.filter_preset"), list(FILTER_PRESETS), format_func=labels("arithmetic.filter", FILTER_PRESETS), key="arith_filter_choice")
    st.button(t("arithmetic.load"), on_click=page.load_filter, args=(name,), key="arith_filter_load")
    w = weight_grid("arith_w", (3, 3), *WEIGHT_RANGE)
    with st.expander(t("arithmetic.type_numbers")):
        st.session_state.arith_w_grid = w
        paste_box("arith_w_paste", "arith_w_grid", (3, 3), *WEIGHT_RANGE, on_ok=lambda g: set_weights("arith_w", g))
    with st.expander(t("arithmetic.options"), expanded=True):
        o1, o2, o3 = st.columns(3)
        padding = o1.radio(t("arithmetic.padding"), PADDINGS, format_func=labels("arithmetic.padding", PADDINGS), key="arith_pad")
        stride = o2.radio(t("arithmetic.stride"), (1, 2, 3), key="arith_stride", horizontal=True)
        act = o3.radio(t("arithmetic.activation"), ACTIVATIONS, format_func=labels("arithmetic.activation", ACTIVATIONS), key="arith_act")
        if act == "swish":
            st.caption(t("arithmetic.activation_note"))

x = st.session_state.arith_x
setting = page.sync_link(w)
y = activate(conv2d(x, w, stride, padding), act)
oh, ow = y.shape
st.info(t("arithmetic.size", formula=output_size_formula(page.SIZE, 3, stride, padding), h=oh, w=output_size(page.SIZE, 3, stride, padding)))


@st.fragment(run_every=0.9 if st.session_state.get("arith_playing") else None)
@guarded  # an error in a fragment's rerun: a message and a way back, never a traceback
def step_through() -> None:
    """The window on x, the cell on y and the formula — all from explain_cell, like the map."""
    n = oh * ow
    if st.session_state.get("arith_playing"):
        st.session_state.arith_cell = keep("arith_cell", 1) % n + 1
    if keep("arith_cell", 1) > n:
        st.session_state.arith_cell = 1
    s1, s2 = st.columns([4, 1], vertical_alignment="bottom")
    k = s1.slider(t("arithmetic.cell"), 1, n, key="arith_cell", format="y%d") if n > 1 else 1
    playing = st.session_state.get("arith_playing", False)
    if s2.button(t("arithmetic.pause") if playing else t("arithmetic.play"), key="arith_play", icon=":material/pause:" if playing else ":material/play_arrow:"):
        st.session_state.arith_playing = not playing
        st.rerun()
    step = explain_cell(x, w, (k - 1) // ow, (k - 1) % ow, stride, padding)
    m1, m2 = st.columns(2)
    m1.plotly_chart(page.input_figure(x, step, stride, padding), key="arith_x_fig", config={"displayModeBar": False})
    m2.plotly_chart(heatmap(y, marks=[(step.row, step.col)], height=340, title=t("arithmetic.map")), key="arith_y_fig", config=png("feature-map"))
    st.markdown(f"`{formula(step)}`")
    st.markdown(f"`{formula(step, numbers=True)}`")
    if act != "none":
        st.markdown(t("arithmetic.activated", name=act, total=f"{step.total:g}", value=f"{y[step.row, step.col]:.3f}"))
    st.caption(t("arithmetic.window_note", k=k) + (" " + t("arithmetic.padding_ring") if padding == "same" else ""))


st.subheader(t("arithmetic.step"))
step_through()
with st.expander(t("arithmetic.map_numbers")):
    st.dataframe(pd.DataFrame(np.round(y, 3), index=range(1, oh + 1), columns=[str(c) for c in range(1, ow + 1)]), key="arith_y_table")
if st.button(t("arithmetic.to_pooling"), key="arith_to_pool"):
    st.session_state.carried_map = y
    st.session_state.carried_fresh = True
    st.switch_page("lessons/5_pooling.py")
b1, b2 = st.columns([1, 2], vertical_alignment="center")
take_home.notebook_button("convolution-arithmetic", setting, where=b1)
b2.caption(t("arithmetic.share_help") + " " + t("take_home.png_hint"))
