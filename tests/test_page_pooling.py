"""AppTest: the §5 max-pooling page (ui/pooling.py); what the browser draws of the step-through: test_browser_pooling."""

import numpy as np
import pytest

from cnnlib.architecture import preset
from cnnlib.lecture import POOLING_EXAMPLE_6X6
from cnnlib.stack_text import encode_stack
from tests.apphelp import assert_clean, commit_component, commit_window, component_data, open_page, page_record, window_state
from ui.pooling import sentences
from words import load_catalogue

PAGE = "lessons/5_pooling.py"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_renders_the_slide_result(lang):
    at = open_page(PAGE, lang)
    assert_clean(at)
    assert at.title[0].value == {"ko": "맥스풀링", "en": "Max-pooling"}[lang]
    winners = [m.value for m in at.markdown if "←" in m.value][0]
    # the slide's pooled values [[16,42,30],[22,45,41],[24,30,40]], each with its winning cell
    for value, cell in [(16, "(2, 2)"), (42, "(1, 4)"), (45, "(3, 4)"), (40, "(6, 6)")]:
        assert f"= {value} ← " in winners and cell in winners


def test_carried_map_from_arithmetic_is_pooled():
    at = open_page("lessons/4_arithmetic.py")
    at.button(key="arith_to_pool").click().run()
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert at.radio(key="pool_source").value == "carried"
    assert any("⌊(6 − 2) / 2⌋ + 1 = 3" in i.value for i in at.info)
    winners = [m.value for m in at.markdown if "←" in m.value][0]
    assert "= 6 ← " in winners  # the slide's strongest cell survives pooling


def test_no_carried_map_says_how_to_get_one():
    at = open_page(PAGE, "en")
    at.radio(key="pool_source").set_value("carried").run()
    assert_clean(at)
    assert any("arithmetic page" in i.value for i in at.info)


def test_pool_size_that_does_not_fit_is_explained():
    at = open_page(PAGE, "en", state={"carried_map": np.ones((2, 2)), "carried_fresh": True})  # a 2×2 map from §4
    at.radio(key="pool_size").set_value(3).run()
    assert_clean(at)
    assert at.warning and "does not fit" in at.warning[0].value


def test_edit_the_map_with_junk_keeps_the_old_map():
    at = open_page(PAGE, "ko")
    at.text_area(key="pool_paste").set_value("1 2 3\nx").run()
    at.button(key="pool_paste_apply").click().run()
    assert_clean(at)
    assert at.error
    assert page_record(at, "max-pooling").slide_map[1, 3] == 8


def metrics(at) -> list[int]:
    return [int(m.value.replace(",", "")) for m in at.metric]


@pytest.mark.tf
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_why_pooling_counts_the_three_models_as_keras_does(lang):
    from cnnlib.models import build_model
    from ui.pooling import STORY

    at = open_page(PAGE, lang)
    assert_clean(at)
    keras_totals = [build_model(*preset(name)).count_params() for name in STORY]
    assert metrics(at)[:3] == keras_totals == [66_790, 203_068, 9_532]  # the slides' totals, in the slides' order
    assert [m.delta for m in at.metric[:3]][1:] == ["+136,278", "-193,536"]
    frames = [f.value for f in at.table]
    assert [int(str(v).replace(",", "")) for v in frames[2].iloc[:, 2]] == [0, 78, 0, 456, 0, 0, 8148, 850]
    pooled_code = at.code[2].value
    assert pooled_code.count("tf.keras.layers.MaxPool2D()(H)") == 2 and "swis'" not in pooled_code
    assert "scategorical" not in pooled_code and "model.summary()" in pooled_code


def test_the_lab_link_carries_each_model():
    at = open_page(PAGE, "en")
    links = at.get("page_link")
    stacks = [encode_stack(*preset(name)) for name in ("dense_only", "two_conv", "two_conv_pool")]
    assert len(links) == 3
    for link, stack in zip(links, stacks, strict=True):
        assert link.proto.page.endswith("layer-stack-lab") or "2_stack_lab" in link.proto.page
        assert f"stack={stack}" in link.proto.query_string


def test_the_step_through_is_drawn_in_the_browser_from_the_map_and_the_window():
    # ← / → / play, the window's box and max(…) = v are drawn by static/pooling.js from this state:
    # tests/test_browser_pooling.py checks what the browser draws from it
    at = open_page(PAGE, "en")
    data = component_data(at, "pool_bench")
    assert data["module"].startswith("pooling.js?v=") and data["present"] is False
    assert window_state(at) == {"map": POOLING_EXAMPLE_6X6.ravel().tolist(), "h": 6, "w": 6, "size": 2, "stride": 2,
                                "win": 1, "playing": False}
    assert all(isinstance(v, int) for v in window_state(at)["map"])  # whole numbers without ".0": fewer bytes
    words = data["kit"]["words"]
    assert (words["prev"], words["next"], words["play"], words["pause"], words["window"]) == (
        "Back", "Next", "Play", "Pause", "Window")
    assert sentences(POOLING_EXAMPLE_6X6, 2, 2, 1, "en")[0] == "max(10, 7, 1, 16) = 16"
    assert any("space plays or pauses" in c.value for c in at.caption)
    at.run()
    assert "kit" not in component_data(at, "pool_bench")  # the words go once per session


def test_a_committed_window_is_the_pages_window():
    at = open_page(PAGE, "en")
    commit_window(at, 2)
    assert_clean(at)
    assert page_record(at, "max-pooling").win == 2 and window_state(at)["win"] == 2
    assert component_data(at, "pool_bench")["ack"] == 1  # the browser's commit number, echoed
    line, words = sentences(POOLING_EXAMPLE_6X6, 2, 2, 2, "en")
    assert line == "max(2, 42, 33, 8) = 42"
    assert words == "Window 2: input rows 1–2 × columns 3–4 → output (1, 2). The largest value sits in input cell (1, 4)."
    commit_window(at, 9)  # ← from window 1 wraps to the last (in the browser): the last is committed
    assert page_record(at, "max-pooling").win == 9
    assert sentences(POOLING_EXAMPLE_6X6, 2, 2, 9, "en")[0] == "max(23, 6, 14, 40) = 40"
    assert sentences(POOLING_EXAMPLE_6X6, 2, 2, 5, "en")[0] == "max(11, 45, 31, 27) = 45"
    assert "input cell (3, 4)" in sentences(POOLING_EXAMPLE_6X6, 2, 2, 5, "en")[1]  # 1-based, as on the slide


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_sentences_are_the_catalogues(lang):
    at = open_page(PAGE, lang)
    words = component_data(at, "pool_bench")["kit"]["words"]
    catalogue = load_catalogue()
    for name, text in words.items():
        assert text == catalogue[f"pooling.{name}"][lang]


@pytest.mark.parametrize("commit", [{"win": "3"}, {"win": 0}, {"win": -2}, {"win": 10**9}, {"win": 2.0},
                                    {"playing": "yes"}, {"win": None, "playing": None}])
def test_a_commit_it_cannot_use_keeps_the_window(commit):
    at = open_page(PAGE, "en")
    commit_component(at, "pool_bench", commit)
    assert_clean(at)
    record = page_record(at, "max-pooling")
    assert (record.win, record.playing) == (1, False)


def test_a_window_past_the_last_goes_back_to_the_first():
    at = open_page(PAGE, "en")
    commit_window(at, 40)  # a stale browser's window on a map with 9 windows
    assert_clean(at)
    assert page_record(at, "max-pooling").win == 1 and window_state(at)["win"] == 1


def test_play_and_pause_are_commits_and_a_smaller_output_keeps_the_window_in_range():
    at = open_page(PAGE, "en")
    commit_window(at, 9, playing=True)  # play pressed on window 9: the browser plays from there
    assert page_record(at, "max-pooling").playing and window_state(at)["playing"] is True
    commit_window(at, 3, playing=False)  # pause: where the window stopped
    assert (window_state(at)["win"], window_state(at)["playing"]) == (3, False)
    commit_window(at, 9)
    at.radio(key="pool_size").set_value(3).run()  # 3×3 windows of stride 3: 4 windows, window 9 is gone
    assert_clean(at)
    assert window_state(at)["win"] == 1 and (window_state(at)["size"], window_state(at)["stride"]) == (3, 3)


def test_stride_one_and_a_carried_map_with_decimals_are_given_as_they_are():
    fmap = np.array([[0.5, -1.25, 2], [3, -0.0, 1 / 3], [7, 8, -9]])
    at = open_page(PAGE, "en", state={"carried_map": fmap, "carried_fresh": True})
    at.radio(key="pool_stride").set_value(1).run()
    assert_clean(at)
    state = window_state(at)
    assert (state["h"], state["w"], state["size"], state["stride"]) == (3, 3, 2, 1)
    assert np.array_equal(np.array(state["map"], dtype=float).reshape(3, 3), fmap)
    assert str(state["map"][4]) == "-0.0"  # -0 stays -0 (the browser writes what Python writes)
    assert sentences(fmap, 2, 1, 4, "en")[0] == "max(-0, 0.333, 8, -9) = 8"


def test_the_setting_comes_from_the_link_and_goes_back_into_it():
    at = open_page(PAGE, "en", query={"size": "3", "stride": "1", "digit": "7", "filter": "vertical"})
    assert_clean(at)
    assert (at.radio(key="pool_size").value, at.radio(key="pool_stride").value) == (3, 1)
    assert (at.selectbox(key="pool_digit").value, at.selectbox(key="pool_filter").value) == (7, "vertical")
    assert (window_state(at)["size"], window_state(at)["stride"]) == (3, 1)
    assert sentences(POOLING_EXAMPLE_6X6, 3, 1, 1, "en")[0] == "max(10, 7, 2, 1, 16, 33, 9, 22, 11) = 33"
    at.radio(key="pool_size").set_value(2).run()
    assert "size" not in at.query_params and at.query_params["stride"] == "1"


def test_a_bad_link_falls_back_with_one_notice():
    at = open_page(PAGE, "en", query={"size": "5", "src": "upload"})
    assert_clean(at)
    assert at.radio(key="pool_size").value == 2 and at.radio(key="pool_source").value == "slide"
    assert any("size, src" in w.value for w in at.warning)
