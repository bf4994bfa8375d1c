"""AppTest: the §4 arithmetic page."""

import numpy as np
import pytest

from tests import apphelp
from tests.apphelp import assert_clean, page_record

PAGE = "lessons/4_arithmetic.py"
TYPED_OPEN = "arith_w_typed_open"  # the filter's "type the numbers" expander: its boxes are drawn only while open


def open_page(page: str, lang: str = "ko", *, state: dict | None = None, **kwargs):
    """apphelp.open_page with the filter's number boxes and paste box open (as after a click on the expander)."""
    return apphelp.open_page(page, lang, state={TYPED_OPEN: True, **(state or {})}, **kwargs)


def feature_map(at) -> np.ndarray:
    (table,) = at.dataframe
    return table.value.to_numpy()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_renders_in_both_languages(lang):
    at = open_page(PAGE, lang)
    assert_clean(at)
    assert at.title[0].value == {"ko": "합성곱 연산", "en": "Convolution arithmetic"}[lang]


def test_lecture_preset_shows_the_slide_row():
    at = open_page(PAGE)
    y = feature_map(at)
    assert y.shape == (6, 6)
    assert y[3].tolist() == [3, 5, 6, 4, 4, 2]
    formulas = [m.value for m in at.markdown if "y1 =" in m.value]
    assert "`y1 = x1·w1 + x2·w2 + x3·w3 + x9·w4 + x10·w5 + x11·w6 + x17·w7 + x18·w8 + x19·w9`" in formulas


def test_editing_the_filter_changes_the_map():
    at = open_page(PAGE)
    before = feature_map(at)
    at.number_input(key="arith_w_4").set_value(5.0).run()
    after = feature_map(at)
    assert_clean(at)
    assert after[3, 2] == before[3, 2] + 3  # w5 sits on the bar's centre cell: +3 × 1
    assert at.query_params["w"] == "-1,-1,-1,2,5,2,-1,-1,-1"


def test_clicking_an_input_cell_toggles_it():
    at = open_page(PAGE)
    at.button(key="arith_x_cell_0_0").click().run()
    assert page_record(at, "convolution-arithmetic").x[0, 0] == 1.0
    assert feature_map(at)[0, 0] == 0.0  # x1·w1 = 1·(−1) added to the slide's 1


def test_padding_stride_and_output_size():
    at = open_page(PAGE, "en")
    at.radio(key="arith_pad").set_value("same").run()
    at.radio(key="arith_stride").set_value(2).run()
    assert feature_map(at).shape == (4, 4)
    assert any("⌈8 / 2⌉ = 4" in i.value for i in at.info)


def test_swish_squashes_negatives():
    at = open_page(PAGE)
    at.radio(key="arith_act").set_value("swish").run()
    y = feature_map(at)
    assert y.min() > -0.3 and y.max() == pytest.approx(6 / (1 + np.exp(-6)), abs=1e-3)


@pytest.mark.parametrize("junk", ["1 2 x\n4 5 6\n7 8 9", "1 2\n3 4", "nan 1 1\n1 1 1\n1 1 1", "\n"])
def test_junk_filter_is_refused_and_the_last_filter_stays(junk):
    at = open_page(PAGE, "en")
    at.text_area(key="arith_w_paste").set_value(junk).run()
    at.button(key="arith_w_paste_apply").click().run()
    assert_clean(at)
    assert at.error, "a clear message"
    assert feature_map(at)[3].tolist() == [3, 5, 6, 4, 4, 2]


def test_huge_weight_is_clamped_with_a_message():
    at = open_page(PAGE, "ko")
    at.text_area(key="arith_w_paste").set_value("1e308 0 0\n0 0 0\n0 0 -inf").run()
    at.button(key="arith_w_paste_apply").click().run()
    assert_clean(at)
    assert at.warning and "범위" in at.warning[0].value
    assert at.number_input(key="arith_w_0").value == 10.0
    assert at.number_input(key="arith_w_8").value == -10.0


def test_link_sets_filter_input_padding_stride():
    at = open_page(PAGE, query={"w": "0,0,0,0,1,0,0,0,0", "x": "blank", "pad": "same", "stride": "2"})
    assert_clean(at)
    assert feature_map(at).shape == (4, 4) and not feature_map(at).any()


def test_malformed_link_falls_back_with_a_notice():
    at = open_page(PAGE, "en", query={"w": "1,2,zz", "x": "bits:nothex", "stride": "9"})
    assert_clean(at)
    assert at.warning and "could not be read" in at.warning[0].value
    assert feature_map(at)[3].tolist() == [3, 5, 6, 4, 4, 2]


def test_carry_map_to_pooling():
    at = open_page(PAGE)
    at.button(key="arith_to_pool").click().run()
    assert_clean(at)
    assert at.session_state.carried_map.shape == (6, 6)


@pytest.mark.parametrize("spec", ["random:²", "digit:¹", "random:٣", "digit:３"])
def test_superscript_and_other_digits_fall_back_with_a_notice(spec):
    # issue 9 #3: "²".isdigit() is True but int("²") fails; int("٣") is 3: only ASCII digits are read
    at = open_page(PAGE, "en", query={"x": spec})
    assert_clean(at)
    assert at.warning and "could not be read" in at.warning[0].value and "x" in at.warning[0].value
    assert feature_map(at)[3].tolist() == [3, 5, 6, 4, 4, 2]  # the slide's input, the default


# ---- issue 10: sliders, one truth, presets, the stale editors, stepping, questions, presenter mode ----

LECTURE_W = [-1.0, -1.0, -1.0, 2.0, 2.0, 2.0, -1.0, -1.0, -1.0]


def param(at, name: str) -> str:
    value = at.query_params[name]
    return value if isinstance(value, str) else value[0]


def editor(at) -> dict:
    """What every filter widget shows, and the filter the map was computed with."""
    return {
        "sliders": [at.slider(key=f"arith_w_s{i}").value for i in range(9)],
        "boxes": [at.number_input(key=f"arith_w_{i}").value for i in range(9)],
        "paste": [float(v) for v in at.text_area(key="arith_w_paste").value.split()],
        "link": [float(v) for v in param(at, "w").split(",")] if "w" in at.query_params else LECTURE_W,
    }


def assert_shows(at, weights) -> None:
    for name, values in editor(at).items():
        assert values == list(map(float, weights)), (name, values)


def test_the_filter_is_nine_sliders_labelled_as_on_the_slide():
    at = open_page(PAGE)
    assert [at.slider(key=f"arith_w_s{i}").label for i in range(9)] == [f"w{i}" for i in range(1, 10)]
    assert_shows(at, LECTURE_W)
    assert not [b for b in at.button if b.label in ("불러오기", "Load")]  # presets apply when chosen


def test_a_slider_step_moves_the_box_the_paste_text_and_the_map():
    at = open_page(PAGE)
    before = feature_map(at)
    at.slider(key="arith_w_s4").set_value(2.5).run()
    assert_clean(at)
    w = LECTURE_W.copy()
    w[4] = 2.5
    assert_shows(at, w)
    assert feature_map(at)[3, 2] == before[3, 2] + 0.5


def test_a_box_moves_its_slider_and_a_paste_moves_both():
    at = open_page(PAGE)
    at.number_input(key="arith_w_0").set_value(-3.0).run()
    assert at.slider(key="arith_w_s0").value == -3.0
    at.text_area(key="arith_w_paste").set_value("0 0 0\n0 1 0\n0 0 0").run()
    at.button(key="arith_w_paste_apply").click().run()
    assert_shows(at, [0, 0, 0, 0, 1, 0, 0, 0, 0])
    assert at.selectbox(key="arith_filter_choice").value == "identity"  # the numbers are a preset exactly


def test_a_preset_applies_when_chosen_and_an_edit_says_custom():
    at = open_page(PAGE, "en")
    at.selectbox(key="arith_filter_choice").set_value("vertical").run()
    assert_shows(at, [-1, 2, -1, -1, 2, -1, -1, 2, -1])
    at.slider(key="arith_w_s0").set_value(0.5).run()
    assert at.selectbox(key="arith_filter_choice").value == "custom"
    assert at.selectbox(key="arith_filter_choice").format_func("custom") == "Custom"


@pytest.mark.parametrize(("w", "named"), [("0,0,0,0,1,0,0,0,0", "identity"), ("0,0,0,0,1.5,0,0,0,0", "custom"),
                                          ("-1,-1,-1,2,2,2,-1,-1,-1", "lecture_horizontal")])
def test_a_links_weights_are_named_only_by_the_preset_they_are(w, named):
    at = open_page(PAGE, query={"w": w})
    assert at.selectbox(key="arith_filter_choice").value == named
    assert_shows(at, [float(v) for v in w.split(",")])


def test_stale_editor_bug_the_paste_box_follows_w5_and_x1_and_apply_keeps_w5():
    # issue 10: after editing w5 and toggling x1 the typed-numbers box showed the old numbers, and 적용 reset w5
    at = open_page(PAGE)
    at.slider(key="arith_w_s4").set_value(4.0).run()
    at.button(key="arith_x_cell_0_0").click().run()
    w = LECTURE_W.copy()
    w[4] = 4.0
    assert_shows(at, w)
    at.button(key="arith_w_paste_apply").click().run()
    assert_shows(at, w)
    assert page_record(at, "convolution-arithmetic").x[0, 0] == 1.0


@pytest.mark.parametrize(("typed", "used"), [(25.0, 10.0), (-99.0, -10.0)])
def test_out_of_range_box_bug_the_box_shows_what_the_map_uses(typed, used):
    # issue 10: "typing w2 = 25 leaves 25 in a red box while the map uses the old value"
    at = open_page(PAGE, "en")
    before = feature_map(at)
    at.number_input(key="arith_w_1").set_value(typed).run()
    w = LECTURE_W.copy()
    w[1] = used
    assert_shows(at, w)
    assert feature_map(at)[0, 0] == before[0, 0] + (used + 1) * page_record(at, "convolution-arithmetic").x[0, 2]
    assert any("w2" in m.value and "outside the allowed range" in m.value for m in at.warning)


def test_an_input_preset_applies_when_chosen():
    at = open_page(PAGE)
    at.selectbox(key="arith_input_choice").set_value("blank").run()
    assert not page_record(at, "convolution-arithmetic").x.any() and not feature_map(at).any()
    assert param(at, "x") == "blank"


def test_previous_and_next_step_the_window_one_based_and_wrap():
    at = open_page(PAGE)
    assert at.slider(key="arith_cell").value == 1
    at.button(key="arith_next").click().run()
    assert at.slider(key="arith_cell").value == 2
    assert any(m.value.startswith("`y2 = x2·w1") for m in at.markdown)
    at.button(key="arith_prev").click().run()
    at.button(key="arith_prev").click().run()
    assert at.slider(key="arith_cell").value == 36  # wraps round to the last of the 6×6 cells
    assert any("y36" in c.value for c in at.caption)


def test_the_questions_get_the_computed_answers(monkeypatch):
    from ui import class_questions

    asked = {}
    monkeypatch.setattr(class_questions, "question", lambda qid, answer, **kw: asked.__setitem__(qid, (answer, kw)))
    at = open_page(PAGE)
    assert asked["arith.size"][0] == 6 and asked["arith.size"][1]["lo"] == 1
    assert asked["arith.y20"][0] == feature_map(at).ravel()[19] == 5  # row 4, column 2 of the slide's map
    at.radio(key="arith_pad").set_value("same").run()
    at.radio(key="arith_stride").set_value(3).run()
    assert asked["arith.size"][0] == 3 and asked["arith.y20"][0] is None  # a 3×3 map has no 20th cell


def test_presenter_mode_draws_the_formulas_at_20_px():
    at = open_page(PAGE, state={"present": True})
    assert_clean(at)
    assert not [m for m in at.markdown if m.value.startswith("`y1 =")]
    html = [h.proto.body for h in at.get("html") if "y1 =" in h.proto.body]
    assert len(html) == 2 and all("font-size:20px" in h for h in html)
    assert not at.caption or all("w1 … w9" not in c.value for c in at.caption)  # the intro is trimmed


def test_the_number_boxes_cost_nothing_until_opened():
    at = apphelp.open_page(PAGE)
    assert not [n for n in at.number_input if n.key.startswith("arith_w_")]
    assert not [a for a in at.text_area if a.key == "arith_w_paste"]
    at.slider(key="arith_w_s4").set_value(3.0).run()
    at.session_state[TYPED_OPEN] = True  # opening the expander reruns the page
    at.run()
    assert at.number_input(key="arith_w_4").value == 3.0 and at.text_area(key="arith_w_paste").value.split()[4] == "3"


def test_the_input_paste_box_follows_a_clicked_cell():
    at = apphelp.open_page(PAGE, state={"arith_x_typed_open": True})
    at.button(key="arith_x_cell_0_0").click().run()
    assert at.text_area(key="arith_x_paste").value.splitlines()[0].split()[0] == "1"
    at.text_area(key="arith_x_paste").set_value("junk").run()
    at.button(key="arith_x_paste_apply").click().run()
    assert at.error and at.text_area(key="arith_x_paste").value == "junk"  # a refused paste keeps the text


def test_a_digit_applies_when_chosen_and_another_digit_when_picked():
    at = open_page(PAGE, "en")
    at.selectbox(key="arith_input_choice").set_value("digit").run()
    assert param(at, "x") == "digit:4"
    four = page_record(at, "convolution-arithmetic").x.copy()
    at.number_input(key="arith_digit").set_value(7).run()
    assert param(at, "x") == "digit:7" and not np.array_equal(page_record(at, "convolution-arithmetic").x, four)
    assert_clean(at)
