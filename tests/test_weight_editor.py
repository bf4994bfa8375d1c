"""AppTest: ui/weight_editor.py — sliders, number boxes and the paste box edit ONE array and never disagree."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.apphelp import assert_clean

START = np.arange(9.0).reshape(3, 3) - 4  # -4 … 4, row by row


def editor_app():
    import numpy as np
    import streamlit as st

    from ui.grids import session_cells
    from ui.weight_editor import weight_editor

    cells = session_cells("truth", np.arange(9.0).reshape(3, 3) - 4)  # the ONE array (a page keeps it in its record)
    if "truth" not in st.session_state:
        cells.put(cells.get())

    def edited() -> None:
        st.session_state.edits = st.session_state.get("edits", 0) + 1

    st.button("preset", key="preset", on_click=cells.put, args=(np.eye(3),))
    w = weight_editor("w", cells, (3, 3), -10.0, 10.0, on_edit=edited, expander="")
    st.markdown(f"used={','.join(f'{v:g}' for v in w.ravel())}")


def app(lang: str = "ko") -> AppTest:
    at = AppTest.from_function(editor_app, default_timeout=30)
    at.session_state["lang"] = lang
    return at.run()


def shown(at) -> dict:
    """What each widget shows and what the script used."""
    used = [m.value for m in at.markdown if m.value.startswith("used=")][0]
    return {
        "truth": np.asarray(at.session_state["truth"]).ravel().tolist(),
        "sliders": [at.slider(key=f"w_s{i}").value for i in range(9)],
        "boxes": [at.number_input(key=f"w_n{i}").value for i in range(9)],
        "paste": [float(v) for v in at.text_area(key="w_paste").value.split()],
        "used": [float(v) for v in used[len("used="):].split(",")],
    }


def assert_agree(at, expected) -> None:
    expected = np.asarray(expected, dtype=float).ravel().tolist()
    for name, values in shown(at).items():
        assert values == expected, (name, values)


def edits(at) -> int:
    return at.session_state["edits"] if "edits" in at.session_state else 0


def test_first_draw_shows_the_truth_everywhere_labelled_as_on_the_slide():
    at = app()
    assert_clean(at)
    assert_agree(at, START)
    assert [s.label for s in at.slider] == [f"w{i}" for i in range(1, 10)]
    assert edits(at) == 0


def test_a_slider_moves_its_box_and_the_paste_text():
    at = app()
    at.slider(key="w_s4").set_value(2.5).run()
    expected = START.copy()
    expected[1, 1] = 2.5
    assert_agree(at, expected)
    assert edits(at) == 1


def test_a_box_moves_its_slider_and_the_paste_text():
    at = app()
    at.number_input(key="w_n1").set_value(-7.0).run()
    expected = START.copy()
    expected[0, 1] = -7.0
    assert_agree(at, expected)
    assert edits(at) == 1


@pytest.mark.parametrize(("typed", "used"), [(25.0, 10.0), (-1e308, -10.0)])
def test_an_out_of_range_box_shows_the_value_the_map_uses_and_says_so(typed, used):
    # issue 10: "w2 = 25 leaves 25 in a red box while the map uses the old value" must be impossible
    at = app("en")
    at.number_input(key="w_n1").set_value(typed).run()
    expected = START.copy()
    expected[0, 1] = used
    assert_agree(at, expected)
    assert at.warning and "w2" in at.warning[0].value and "outside the allowed range" in at.warning[0].value


def test_a_paste_moves_every_slider_and_box():
    at = app()
    at.text_area(key="w_paste").set_value("1 2 3\n4, 5, 6\n7\t8\t9").run()
    assert edits(at) == 0  # typing alone applies nothing
    at.button(key="w_paste_apply").click().run()
    assert_agree(at, np.arange(1.0, 10.0))
    assert at.success and edits(at) == 1


def test_a_refused_paste_keeps_the_students_text_and_says_why_in_both_languages():
    for lang, word in (("ko", "쓸 수 없어"), ("en", "cannot be used")):
        at = app(lang)
        at.text_area(key="w_paste").set_value("1 2 x\n4 5 6\n7 8 9").run()
        at.button(key="w_paste_apply").click().run()
        assert at.error and word in at.error[0].value
        assert at.text_area(key="w_paste").value == "1 2 x\n4 5 6\n7 8 9"
        sliders = [at.slider(key=f"w_s{i}").value for i in range(9)]
        boxes = [at.number_input(key=f"w_n{i}").value for i in range(9)]
        assert sliders == boxes == START.ravel().tolist()
        assert edits(at) == 0


def test_a_clamped_paste_shows_the_clamped_numbers_in_the_paste_box_too():
    at = app("en")
    at.text_area(key="w_paste").set_value("1e308 0 0\n0 0 0\n0 0 -inf").run()
    at.button(key="w_paste_apply").click().run()
    expected = np.zeros(9)
    expected[0], expected[8] = 10.0, -10.0
    assert_agree(at, expected)
    assert at.warning and "clamped" in at.warning[0].value


def test_weights_set_from_code_show_everywhere_and_are_not_a_manual_edit():
    at = app()
    at.slider(key="w_s0").set_value(1.0).run()  # a manual edit first
    at.text_area(key="w_paste").set_value("typed but not applied").run()
    at.button(key="preset").click().run()
    assert_agree(at, np.eye(3))  # the stale-editor bug: the paste text follows the preset too
    assert edits(at) == 1


def test_the_paste_text_follows_a_slider_after_a_refused_paste():
    at = app()
    at.text_area(key="w_paste").set_value("nonsense").run()
    at.button(key="w_paste_apply").click().run()
    at.slider(key="w_s8").set_value(-3.0).run()
    expected = START.copy()
    expected[2, 2] = -3.0
    assert_agree(at, expected)


def lazy_app():
    import numpy as np

    from ui.grids import session_cells
    from ui.weight_editor import weight_editor

    weight_editor("w", session_cells("truth", np.arange(9.0).reshape(3, 3) - 4), (3, 3), -10.0, 10.0, lazy=True)


def test_lazy_boxes_are_drawn_only_while_open_and_then_show_the_truth():
    at = AppTest.from_function(lazy_app, default_timeout=30).run()
    assert not at.number_input and not at.text_area  # closed: no box costs a rerun anything
    at.slider(key="w_s4").set_value(7.0).run()
    at.session_state["w_typed_open"] = True  # what opening the expander does (it reruns)
    at.run()
    expected = START.copy()
    expected[1, 1] = 7.0
    assert [at.number_input(key=f"w_n{i}").value for i in range(9)] == expected.ravel().tolist()
    assert [float(v) for v in at.text_area(key="w_paste").value.split()] == expected.ravel().tolist()
    at.number_input(key="w_n0").set_value(1.0).run()
    assert at.slider(key="w_s0").value == 1.0
