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
from links.pages import SIZE
from ui import arithmetic as page
from ui import class_questions, class_session, take_home
from ui.grids import paste_box
from ui.guard import guarded
from ui.i18n import t
from ui.presenter import caption
from ui.weight_editor import weight_editor

setting = page.SETTING
NUMBERS = "arith_numbers_open"  # the typed numbers' expander (open: they show the map's numbers, so no live edits)
setting.get()  # read from the address on the first visit of a session
st.title(t("arithmetic.title"))
caption(t("arithmetic.intro"))
setting.notice()


@st.fragment
@guarded  # an error in a fragment's rerun: a message and a way back, never a traceback
def workbench() -> None:
    """The workbench and all that a commit changes (a teacher's commit reruns only this for the class, or, while the
    typed numbers and the questions are closed, reaches a following student's workbench by the live channel with no
    rerun at all)."""
    questions = class_questions.standing("arith.size", "arith.y20")
    # live edits only while nothing shown here moves with the setting: the typed numbers closed, no question asked or
    # revealed (a reveal for this setting closes when it changes, which takes the student's rerun)
    quiet = not st.session_state.get(NUMBERS) and not any(q.opened for q in questions.values())
    class_session.refresh(live=setting.page if quiet else None)
    record = setting.get()
    y20_shown = class_questions.may_show(questions["arith.y20"])
    page.show_workbench(record, size_shown=class_questions.may_show(questions["arith.size"]), y20_shown=y20_shown,
                        live=class_session.live_link(setting.page))
    setting.sync()

    y = activate(conv2d(record.x, record.w, record.stride, record.pad), record.act)
    class_questions.question("arith.size", y.shape[0], prompt=t("arithmetic.q_size"), lo=1, hi=SIZE)
    class_questions.question(
        "arith.y20", page.y20(y), prompt=t("arithmetic.q_y20"), lo=-page.Y_BOUND, hi=page.Y_BOUND, step=0.1, digits=2
    )

    numbers = st.expander(t("arithmetic.type_numbers"), key=NUMBERS, on_change="rerun")
    with numbers:  # drawn only while open: every box costs each run a scan of the session state (docs/streamlit.md)
        if numbers.open:
            st.markdown(f"**{t('arithmetic.input')}**")
            paste_box("arith_x_paste", page.INPUT, (SIZE, SIZE), *INPUT_RANGE)
            st.markdown(f"**{t('arithmetic.filter')}**")
            weight_editor(page.W, page.WEIGHTS, (3, 3), *WEIGHT_RANGE, box_key=page.W_BOX, sliders=False, expander="")
            st.markdown(f"**{t('arithmetic.map_numbers')}**")
            table = np.round(y, 3)
            if not y20_shown and table.size >= 20:
                table.flat[19] = np.nan  # the class's y20 question is open: an empty cell until the reveal
            st.dataframe(pd.DataFrame(table, index=range(1, y.shape[0] + 1),
                                      columns=[str(c) for c in range(1, y.shape[1] + 1)]), key="arith_y_table")
    take_home.notebook_button("convolution-arithmetic", record.to_link(), where=st,  # its own line: its label is never cut
                              latest=class_session.latest_setting(setting.page))


workbench()
# Below the fragment: nothing here changes with a commit (one commit's rerun sends less).
if st.button(t("arithmetic.to_pooling"), key="arith_to_pool"):
    record = setting.get()
    st.session_state.carried_map = activate(conv2d(record.x, record.w, record.stride, record.pad), record.act)
    st.session_state.carried_fresh = True
    st.switch_page("lessons/5_pooling.py")
caption(t("arithmetic.share_help") + " " + t("arithmetic.png_hint"))
