"""§4 Convolution arithmetic: edit x and w, watch y; step the window with the slide's formula.

The workbench (ui/workbench.py: the input, the filter's sliders, the feature map, padding / stride / activation and
the step-through) computes in the browser while the student drags; an edit ends in ONE commit to the page's record.
Everything a commit changes (the link, the questions, the typed numbers, the notebook) runs in one fragment.
"""

import numpy as np
import pandas as pd
import streamlit as st

from cnnlib.convolution import activate, conv2d
from cnnlib.filters import INPUT_RANGE, WEIGHT_RANGE
from links.pages import INPUT_PRESETS, SIZE
from ui import arithmetic as page
from ui import class_questions, take_home
from ui.grids import paste_box
from ui.guard import guarded
from ui.i18n import labels, t
from ui.presenter import caption
from ui.weight_editor import weight_editor

setting = page.SETTING
setting.get()  # read from the address on the first visit of a session
st.title(t("arithmetic.title"))
caption(t("arithmetic.intro"))
setting.notice()


@st.fragment
@guarded  # an error in a fragment's rerun: a message and a way back, never a traceback
def workbench() -> None:
    """The presets, the workbench and all that a commit changes."""
    record = setting.get()
    with st.container(horizontal=True, key="arith_presets", vertical_alignment="bottom"):
        st.selectbox(t("arithmetic.input_preset"), INPUT_PRESETS, format_func=labels("arithmetic.preset", INPUT_PRESETS),
                     width=260, **setting.bind("arith_input_choice", "x_preset", shown=page.shown_input, kept=str,
                                               then=page.choose_input))
        if record.x_preset == "digit":
            st.number_input(t("arithmetic.digit_pick"), 0, 9, width=120, **setting.bind("arith_digit", "x_arg",
                                                                                      then=page.choose_digit))
        elif record.x_preset == "random":
            st.button(t("arithmetic.reroll"), key="arith_reroll", on_click=page.choose_input, args=("random",),
                      icon=":material/casino:")
        choices = page.FILTER_CHOICES
        st.selectbox(t("arithmetic.filter_preset"), choices, format_func=labels("arithmetic.filter", choices), width=300,
                     **setting.bind(page.CHOICE, "filter_choice", then=page.apply_filter_choice))
    record = setting.get()
    page.show_workbench(record)
    setting.sync()

    y = activate(conv2d(record.x, record.w, record.stride, record.pad), record.act)
    with st.container(key="arith_questions"):  # one above the other: side by side, 150 % zoom cut "reveal"
        class_questions.question("arith.size", y.shape[0], prompt=t("arithmetic.q_size"), lo=1, hi=SIZE)
        class_questions.question(
            "arith.y20", page.y20(y), prompt=t("arithmetic.q_y20"), lo=-page.Y_BOUND, hi=page.Y_BOUND, step=0.1, digits=2
        )

    typed = st.expander(t("arithmetic.type_numbers"), key="arith_x_typed_open", on_change="rerun")
    with typed:  # drawn only while open: a text box costs every rerun a scan of the session state
        if typed.open:
            paste_box("arith_x_paste", page.INPUT, (SIZE, SIZE), *INPUT_RANGE)
    weight_editor(page.W, page.WEIGHTS, (3, 3), *WEIGHT_RANGE, box_key=page.W_BOX, lazy=True, sliders=False,
                  expander=t("arithmetic.type_filter"))
    numbers = st.expander(t("arithmetic.map_numbers"), key="arith_y_numbers_open", on_change="rerun")
    with numbers:  # the map as a table, drawn only while open (the workbench shows its numbers already)
        if numbers.open:
            st.dataframe(pd.DataFrame(np.round(y, 3), index=range(1, y.shape[0] + 1),
                                      columns=[str(c) for c in range(1, y.shape[1] + 1)]), key="arith_y_table")
    if st.button(t("arithmetic.to_pooling"), key="arith_to_pool"):
        st.session_state.carried_map = y
        st.session_state.carried_fresh = True
        st.switch_page("lessons/5_pooling.py")
    take_home.notebook_button("convolution-arithmetic", record.to_link(), where=st.container())  # its own line: not cut
    caption(t("arithmetic.share_help") + " " + t("arithmetic.png_hint"))


workbench()
