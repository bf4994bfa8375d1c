"""§4 Convolution arithmetic: edit x and w, watch y; step the window with the slide's formula.

One screen at 1280×720: the input grid, the filter's sliders and the feature map side by side.
Everything a filter edit changes runs in one fragment (`workbench`): a slider step reruns only it.
"""

import numpy as np
import pandas as pd
import streamlit as st

from cnnlib.convolution import ACTIVATIONS, PADDINGS, activate, conv2d, explain_cell, formula, output_size, output_size_formula
from cnnlib.filters import INPUT_RANGE, WEIGHT_RANGE
from links.pages import INPUT_PRESETS, SIZE
from ui import arithmetic as page
from ui import class_questions, class_session, take_home
from ui.charts import PLOT, png
from ui.grids import paste_box, toggle_grid
from ui.guard import guarded
from ui.i18n import labels, t
from ui.presenter import caption, presenting, text_px
from ui.weight_editor import weight_editor

setting = page.SETTING
record = setting.get()  # read from the address on the first visit of a session
st.title(t("arithmetic.title"))
caption(t("arithmetic.intro"))
setting.notice()
st.html(page.LAYOUT_CSS)

with st.container(key="arith_top"):
    left, right = st.columns([2.3, 6.7], gap="medium")
with left:
    st.markdown(f"**{t('arithmetic.input')}**")
    preset = page.shown_input(record.x_preset)
    st.selectbox(t("arithmetic.input_preset"), INPUT_PRESETS, format_func=labels("arithmetic.preset", INPUT_PRESETS),
                 label_visibility="collapsed", **setting.bind("arith_input_choice", "x_preset", shown=page.shown_input,
                                                              kept=str, then=page.choose_input))
    if preset == "digit":
        st.number_input(t("arithmetic.digit_pick"), 0, 9, **setting.bind("arith_digit", "x_arg", then=page.choose_digit))
    elif preset == "random":
        st.button(t("arithmetic.reroll"), key="arith_reroll", on_click=page.choose_input, args=("random",),
                  icon=":material/casino:")
    toggle_grid("arith_x", page.INPUT, cell_px=30 if presenting() else 26)
    typed = st.expander(t("arithmetic.type_numbers"), key="arith_x_typed_open", on_change="rerun")
    with typed:  # drawn only while open: a text box costs every rerun a scan of the session state
        if typed.open:
            paste_box("arith_x_paste", page.INPUT, (SIZE, SIZE), *INPUT_RANGE)
    st.radio(t("arithmetic.padding"), PADDINGS, format_func=labels("arithmetic.padding", PADDINGS),
             **setting.bind("arith_pad", "pad"))
    st.radio(t("arithmetic.stride"), (1, 2, 3), horizontal=True, **setting.bind("arith_stride", "stride"))
    st.radio(t("arithmetic.activation"), ACTIVATIONS, format_func=labels("arithmetic.activation", ACTIVATIONS),
             horizontal=True, **setting.bind("arith_act", "act"))
    if setting.get().act == "swish":
        caption(t("arithmetic.activation_note"))


def show_formula(text: str) -> None:
    """A formula as code: at least 20 px in presenter mode."""
    if presenting():
        st.html(f'<code style="font-size:{text_px()}px;white-space:pre-wrap">{text}</code>')
    else:
        st.markdown(f"`{text}`")


TICKING = bool(st.session_state.get("arith_playing"))  # the fragment's timer is set when the whole page runs


@st.fragment(run_every=0.9 if TICKING else None)
@guarded  # an error in a fragment's rerun: a message and a way back, never a traceback
def workbench() -> None:
    """The filter, the map and the step-through: all that a filter edit (or a play tick) changes."""
    class_session.refresh(covers=("w", "filter_choice"))  # a teacher's filter edit reruns only this for the class
    playing = bool(st.session_state.get("arith_playing"))
    if playing != TICKING:  # play/pause was pressed inside this fragment: start or stop its timer
        st.rerun()
    record = setting.get()
    x, w, stride, padding, act = record.x, record.w, record.stride, record.pad, record.act
    y = activate(conv2d(x, w, stride, padding), act)
    oh, ow = y.shape
    n = oh * ow
    k = int(st.session_state.get(page.CELL, 1))
    moved = playing or not 1 <= k <= n
    if moved:
        k = k % n + 1 if playing and 1 <= k <= n else 1
        st.session_state[page.CELL] = k
    step = explain_cell(x, w, (k - 1) // ow, (k - 1) % ow, stride, padding)

    with st.container(key="arith_work"):
        cw, cy = st.columns([3.5, 3.2], gap="small")
    with cw:
        st.markdown(f"**{t('arithmetic.filter')}**")
        choices = page.FILTER_CHOICES
        st.selectbox(t("arithmetic.filter_preset"), choices, format_func=labels("arithmetic.filter", choices),
                     label_visibility="collapsed", **setting.bind(page.CHOICE, "filter_choice", then=page.apply_filter_choice))
        weight_editor(page.W, page.WEIGHTS, (3, 3), *WEIGHT_RANGE, box_key=page.W_BOX, lazy=True)
    with cy:
        title = t("arithmetic.map_title", h=oh, w=ow)
        st.plotly_chart(
            page.map_figure(y, (step.row, step.col), title, height=380 if presenting() else 300),
            key="arith_y_fig",
            config=png("feature-map"),
        )
        with st.container(key="arith_size"):  # the output-size formula: ≥ 20 px in presenter mode (ui/presenter's alert rule)
            st.info(
                t(
                    "arithmetic.size",
                    formula=output_size_formula(SIZE, 3, stride, padding),
                    h=oh,
                    w=output_size(SIZE, 3, stride, padding),
                )
            )
        class_questions.question("arith.size", oh, prompt=t("arithmetic.q_size"), lo=1, hi=SIZE)
        class_questions.question(
            "arith.y20", page.y20(y), prompt=t("arithmetic.q_y20"), lo=-page.Y_BOUND, hi=page.Y_BOUND, step=0.1, digits=2
        )
    setting.sync()

    st.markdown(f"**{t('arithmetic.step')}**")
    with st.container(horizontal=True, key="arith_steps"):  # content-wide buttons that wrap: no label is ever cut
        st.button(
            t("arithmetic.prev"),
            key="arith_prev",
            icon=":material/arrow_back:",
            shortcut="Left",
            on_click=page.step_cell,
            args=(-1, n),
        )
        st.button(
            t("arithmetic.next"),
            key="arith_next",
            icon=":material/arrow_forward:",
            shortcut="Right",
            on_click=page.step_cell,
            args=(1, n),
        )
        st.button(
            t("arithmetic.pause") if playing else t("arithmetic.play"),
            key="arith_play",
            shortcut="Space",
            icon=":material/pause:" if playing else ":material/play_arrow:",
            on_click=page.toggle_play,
        )
    if n > 1:
        st.slider(t("arithmetic.cell"), 1, n, None if moved else k, key=page.CELL, format="y%d")  # a value: no session scan
    fx, ff = st.columns([2, 3], vertical_alignment="center")
    fx.plotly_chart(
        page.input_figure(x, step, stride, padding, height=380 if presenting() else 300), key="arith_x_fig", config=PLOT
    )
    with ff:
        show_formula(formula(step))
        show_formula(formula(step, numbers=True))
        if act != "none":
            st.markdown(t("arithmetic.activated", name=act, total=f"{step.total:g}", value=f"{y[step.row, step.col]:.3f}"))
        caption(t("arithmetic.window_note", k=k) + (" " + t("arithmetic.padding_ring") if padding == "same" else ""))
    with st.expander(t("arithmetic.map_numbers")):
        st.dataframe(
            pd.DataFrame(np.round(y, 3), index=range(1, oh + 1), columns=[str(c) for c in range(1, ow + 1)]), key="arith_y_table"
        )
    if st.button(t("arithmetic.to_pooling"), key="arith_to_pool"):
        st.session_state.carried_map = y
        st.session_state.carried_fresh = True
        st.switch_page("lessons/5_pooling.py")
    take_home.notebook_button("convolution-arithmetic", record.to_link(), where=st.container())  # its own line: not cut
    caption(t("arithmetic.share_help") + " " + t("take_home.png_hint"))


with right:
    workbench()
