"""AppTest: the §4 arithmetic page."""

import numpy as np
import pytest

from tests import apphelp
from tests.apphelp import assert_clean, bench_state, commit_bench, component_data, page_record, send_state

PAGE = "lessons/4_arithmetic.py"
TYPED_OPEN = "arith_numbers_open"  # "type and read the numbers": x's paste box, w's boxes, y's table, drawn only while open
# The workbench (input grid, w1…w9 sliders, map, padding/stride/activation, step-through) is one component that
# AppTest cannot look into: these tests drive its commits (apphelp.commit_bench) and read what it was given
# (apphelp.bench_state); tests/test_browser_workbench.py checks what the browser draws from it.


def open_page(page: str, lang: str = "ko", *, state: dict | None = None, **kwargs):
    """apphelp.open_page with the filter's number boxes, its paste box and the map's table open (as after clicks)."""
    return apphelp.open_page(page, lang, state={TYPED_OPEN: True, **(state or {})}, **kwargs)


def with_cell(values, i: int, value: float) -> list:
    out = list(values)
    out[i] = value
    return out


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
    # the slide's formula for y1 is drawn by the workbench from this state: tests/test_browser_workbench.py
    assert bench_state(at)["cell"] == 1 and bench_state(at)["w"] == LECTURE_W


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
    commit_bench(at, x=with_cell(bench_state(at)["x"], 0, 1))  # the browser toggled x1
    assert page_record(at, "convolution-arithmetic").x[0, 0] == 1.0 and bench_state(at)["x"][0] == 1
    assert feature_map(at)[0, 0] == 0.0  # x1·w1 = 1·(−1) added to the slide's 1
    assert param(at, "x").startswith("bits:") and page_record(at, "convolution-arithmetic").x_preset == "custom"


def test_padding_stride_and_output_size():
    at = open_page(PAGE, "en")
    commit_bench(at, pad="same")
    commit_bench(at, stride=2)
    assert feature_map(at).shape == (4, 4)
    assert (bench_state(at)["pad"], bench_state(at)["stride"]) == ("same", 2)
    assert (param(at, "pad"), param(at, "stride")) == ("same", "2")
    # "⌈8 / 2⌉ = 4" is written by the workbench: tests/test_browser_workbench.py compares it with output_size_formula


def test_swish_squashes_negatives():
    at = open_page(PAGE)
    commit_bench(at, act="swish")
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
        "sliders": [float(v) for v in bench_state(at)["w"]],  # what the workbench's sliders show
        "boxes": [at.number_input(key=f"arith_w_{i}").value for i in range(9)],
        "paste": [float(v) for v in at.text_area(key="arith_w_paste").value.split()],
        "link": [float(v) for v in param(at, "w").split(",")] if "w" in at.query_params else LECTURE_W,
    }


def assert_shows(at, weights) -> None:
    for name, values in editor(at).items():
        assert values == list(map(float, weights)), (name, values)


def test_the_filter_is_nine_sliders_labelled_as_on_the_slide():
    at = open_page(PAGE)
    # the sliders' names w1 … w9 are the workbench's: tests/test_browser_workbench.py finds each by its label
    assert not at.slider  # no Streamlit slider left on the page: the workbench draws them
    assert_shows(at, LECTURE_W)
    assert not [b for b in at.button if b.label in ("불러오기", "Load")]  # presets apply when chosen


def test_a_slider_step_moves_the_box_the_paste_text_and_the_map():
    at = open_page(PAGE)
    before = feature_map(at)
    commit_bench(at, w=with_cell(LECTURE_W, 4, 2.5))
    assert_clean(at)
    w = LECTURE_W.copy()
    w[4] = 2.5
    assert_shows(at, w)
    assert feature_map(at)[3, 2] == before[3, 2] + 0.5


def test_a_box_moves_its_slider_and_a_paste_moves_both():
    at = open_page(PAGE)
    at.number_input(key="arith_w_0").set_value(-3.0).run()
    assert bench_state(at)["w"][0] == -3.0
    at.text_area(key="arith_w_paste").set_value("0 0 0\n0 1 0\n0 0 0").run()
    at.button(key="arith_w_paste_apply").click().run()
    assert_shows(at, [0, 0, 0, 0, 1, 0, 0, 0, 0])
    assert page_record(at, "convolution-arithmetic").filter_choice == "identity"  # a preset exactly


def test_a_preset_applies_when_chosen_and_an_edit_says_custom():
    # the filter's presets are applied in the browser (its choice box: tests/test_browser_workbench.py) from the
    # weights the page gives it, which are cnnlib's; the commit names the preset the weights are, else "custom"
    from cnnlib.filters import FILTER_PRESETS

    at = open_page(PAGE, "en")
    kit = component_data(at, "arith_bench")["kit"]
    assert kit["filters"] == {name: np.asarray(grid, dtype=float).ravel().tolist() for name, grid in FILTER_PRESETS.items()}
    commit_bench(at, w=kit["filters"]["vertical"])
    assert_shows(at, [-1, 2, -1, -1, 2, -1, -1, 2, -1])
    assert page_record(at, "convolution-arithmetic").filter_choice == "vertical"
    commit_bench(at, w=with_cell(bench_state(at)["w"], 0, 0.5))
    assert page_record(at, "convolution-arithmetic").filter_choice == "custom"
    assert kit["words"]["filter.custom"] == "Custom"


@pytest.mark.parametrize(("w", "named"), [("0,0,0,0,1,0,0,0,0", "identity"), ("0,0,0,0,1.5,0,0,0,0", "custom"),
                                          ("-1,-1,-1,2,2,2,-1,-1,-1", "lecture_horizontal")])
def test_a_links_weights_are_named_only_by_the_preset_they_are(w, named):
    at = open_page(PAGE, query={"w": w})
    assert page_record(at, "convolution-arithmetic").filter_choice == named
    assert_shows(at, [float(v) for v in w.split(",")])


def test_stale_editor_bug_the_paste_box_follows_w5_and_x1_and_apply_keeps_w5():
    # issue 10: after editing w5 and toggling x1 the typed-numbers box showed the old numbers, and 적용 reset w5
    at = open_page(PAGE)
    commit_bench(at, w=with_cell(LECTURE_W, 4, 4.0))
    commit_bench(at, x=with_cell(bench_state(at)["x"], 0, 1))
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
    commit_bench(at, x_preset="blank", x_arg=0)  # the workbench's input choice: the server draws the preset
    assert not page_record(at, "convolution-arithmetic").x.any() and not feature_map(at).any() and not any(bench_state(at)["x"])
    assert param(at, "x") == "blank"


def test_the_window_cell_is_kept_in_the_record_one_based():
    # ← / → / play step in the browser (tests/test_browser_workbench.py: 1-based, wrapping, the formula of y2 and
    # y36); the cell they stop on is committed into the page's record, where a class can publish it
    at = open_page(PAGE)
    assert page_record(at, "convolution-arithmetic").cell == 1 and bench_state(at)["cell"] == 1
    commit_bench(at, cell=2)
    assert page_record(at, "convolution-arithmetic").cell == 2 and bench_state(at)["cell"] == 2
    commit_bench(at, cell=36)  # the last of the 6×6 cells
    assert page_record(at, "convolution-arithmetic").cell == 36
    commit_bench(at, stride=2)  # a 3×3 map has no 36th cell: back to y1
    assert page_record(at, "convolution-arithmetic").cell == 1 and bench_state(at)["cell"] == 1
    assert "cell" not in at.query_params  # what the page shows, not what a link shares


def test_the_questions_get_the_computed_answers(monkeypatch):
    from ui import class_questions

    asked = {}
    monkeypatch.setattr(class_questions, "question", lambda qid, answer, **kw: asked.__setitem__(qid, (answer, kw)))
    at = open_page(PAGE)
    assert asked["arith.size"][0] == 6 and asked["arith.size"][1]["lo"] == 1
    assert asked["arith.y20"][0] == feature_map(at).ravel()[19] == 5  # row 4, column 2 of the slide's map
    commit_bench(at, pad="same")
    commit_bench(at, stride=3)
    assert asked["arith.size"][0] == 3 and asked["arith.y20"][0] is None  # a 3×3 map has no 20th cell


def test_presenter_mode_draws_the_formulas_at_20_px():
    at = open_page(PAGE, state={"present": True})
    assert_clean(at)
    # the workbench writes the formulas; in presenter mode at 20 px (tests/test_browser_arithmetic.py measures them)
    assert component_data(at, "arith_bench")["present"] is True
    assert component_data(open_page(PAGE), "arith_bench")["present"] is False
    assert not at.caption or all("w1 … w9" not in c.value for c in at.caption)  # the intro is trimmed


def test_the_number_boxes_cost_nothing_until_opened():
    at = apphelp.open_page(PAGE)
    assert not [n for n in at.number_input if n.key.startswith("arith_w_")]
    assert not [a for a in at.text_area if a.key == "arith_w_paste"]
    assert not at.dataframe  # nor the map's table
    commit_bench(at, w=with_cell(LECTURE_W, 4, 3.0))
    at.session_state[TYPED_OPEN] = True  # opening the expander reruns the page
    at.run()
    assert at.number_input(key="arith_w_4").value == 3.0 and at.text_area(key="arith_w_paste").value.split()[4] == "3"


def test_the_input_paste_box_follows_a_clicked_cell():
    at = apphelp.open_page(PAGE, state={TYPED_OPEN: True})
    commit_bench(at, x=with_cell(bench_state(at)["x"], 0, 1))
    assert at.text_area(key="arith_x_paste").value.splitlines()[0].split()[0] == "1"
    at.text_area(key="arith_x_paste").set_value("junk").run()
    at.button(key="arith_x_paste_apply").click().run()
    assert at.error and at.text_area(key="arith_x_paste").value == "junk"  # a refused paste keeps the text


def test_a_digit_applies_when_chosen_and_another_digit_when_picked():
    at = open_page(PAGE, "en")
    commit_bench(at, x_preset="digit", x_arg=4)
    assert param(at, "x") == "digit:4"
    four = page_record(at, "convolution-arithmetic").x.copy()
    commit_bench(at, x_preset="digit", x_arg=7)
    assert param(at, "x") == "digit:7" and not np.array_equal(page_record(at, "convolution-arithmetic").x, four)
    x = page_record(at, "convolution-arithmetic").x
    assert bench_state(at)["x"] == x.ravel().tolist()  # the workbench is given the digit
    commit_bench(at, x_preset="random", x_arg=123)  # "another random drawing": the browser picks the seed
    assert param(at, "x") == "random:123"
    assert_clean(at)


# ---- issue 18: the workbench's commit, as a pure function, and what it is given ----


def test_a_commit_becomes_the_next_record():
    from links.pages import ARITHMETIC
    from ui.arithmetic import apply_commit, bench_state

    record = ARITHMETIC.default()
    state = bench_state(record)
    assert apply_commit(record, state) is record  # nothing changed: the same record
    w = with_cell(state["w"], 4, 2.5)
    after = apply_commit(record, {**state, "w": w, "pad": "same", "stride": 2, "act": "relu", "cell": 3})
    assert after.w.ravel().tolist() == w and (after.pad, after.stride, after.act, after.cell) == ("same", 2, "relu", 3)
    assert after.filter_choice == "custom" and after.x_preset == "four"  # the weights are no preset now; x is the slide's
    assert apply_commit(after, {**state, "w": LECTURE_W}).filter_choice == "lecture_horizontal"
    assert apply_commit(after, {**bench_state(after), "playing": True}).playing  # play, from cell 3
    assert apply_commit(after, {**bench_state(after), "playing": 1}) is after  # not a bool: kept
    drawn = apply_commit(record, {**state, "x": with_cell(state["x"], 0, 1)})
    assert drawn.x[0, 0] == 1 and (drawn.x_preset, drawn.x_arg) == ("custom", 0)


@pytest.mark.parametrize("junk", [
    {"w": [1, 2]}, {"w": "1,2,3"}, {"w": [float("nan")] * 9}, {"x": [[1] * 7] * 8}, {"x": None}, {"pad": "full"},
    {"stride": 4}, {"stride": True}, {"stride": "2"}, {"act": "tanh"}, {"cell": "2"}, {"cell": 2.0}, {"cell": 99}, {},
    {"x_preset": "digit", "x_arg": "7"}, {"x_preset": "digit", "x_arg": -1}, {"x_preset": "random", "x_arg": 10**10},
    {"x_preset": "../etc", "x_arg": 1}, {"x_preset": "custom", "x_arg": 0},
])
def test_a_commit_that_cannot_be_used_keeps_the_record(junk):
    from links.pages import ARITHMETIC
    from ui.arithmetic import apply_commit

    record = ARITHMETIC.default()
    after = apply_commit(record, junk)
    assert np.array_equal(after.x, record.x) and np.array_equal(after.w, record.w)
    assert (after.pad, after.stride, after.act, after.cell) == (record.pad, record.stride, record.act, record.cell)


def test_a_commits_numbers_are_clamped_to_the_ranges():
    from links.pages import ARITHMETIC
    from ui.arithmetic import apply_commit

    after = apply_commit(ARITHMETIC.default(), {"w": [99, -99, 0, 0, 1e308, 0, 0, 0, 0], "x": [300] + [0] * 63})
    assert after.w.ravel().tolist()[:5] == [10, -10, 0, 0, 10] and after.x[0, 0] == 255


def test_the_words_go_once_and_the_module_by_its_content():
    at = open_page(PAGE, "en")
    data = component_data(at, "arith_bench")
    assert data["module"].startswith("workbench.js?v=") and data["base"] == ""
    kit = data["kit"]
    assert kit["id"] == data["kit_id"] and kit["words"]["prev"] == "Previous cell" and kit["scale"][5][1] == "rgb(247,247,247)"
    commit_bench(at, cell=2)  # the browser names the words it has in each commit
    assert component_data(at, "arith_bench")["ack"] == 1 and "kit" not in component_data(at, "arith_bench")
    at.session_state["lang"] = "ko"
    at.run()
    assert component_data(at, "arith_bench")["kit"]["words"]["prev"] == "이전 칸"  # another language: sent again


def test_a_follower_gets_the_words_once_and_again_only_when_its_browser_asks():
    at = open_page(PAGE, "en")
    assert "kit" in component_data(at, "arith_bench")
    at.run()  # another run without a commit (a class follower's update): the words are not sent again
    data = component_data(at, "arith_bench")
    assert "kit" not in data
    send_state(at, "arith_bench", {"need_kit": f"{data['kit_id']}:1"})  # a browser that lacks them says so
    assert component_data(at, "arith_bench")["kit"]["id"] == data["kit_id"]
    at.run()
    assert "kit" not in component_data(at, "arith_bench")


def test_a_commits_rerun_is_small():
    """What one commit's rerun sends back stays small (issue 17: a follower's update ≤ 5 KB): the state, no words."""
    at = open_page(PAGE, "ko")
    commit_bench(at, cell=2)
    data = component(at)
    assert len(data.proto.json.encode()) < 1200, len(data.proto.json)
    assert len(data.proto.js_content) < 400 and not data.proto.css_content and not data.proto.html_content


def component(at):
    return apphelp.component(at, "arith_bench")
