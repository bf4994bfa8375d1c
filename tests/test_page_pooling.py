"""AppTest: the §5 max-pooling page."""

import numpy as np
import pytest

from cnnlib.architecture import preset
from cnnlib.stack_text import encode_stack
from tests.apphelp import assert_clean, open_page, page_record

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


def test_next_and_back_step_the_windows_and_say_max():
    at = open_page(PAGE, "en")
    assert any("max(10, 7, 1, 16) = 16" in m.value for m in at.markdown)
    at.button(key="pool_next").click().run()
    assert at.slider(key="pool_win").value == 2
    assert any("max(2, 42, 33, 8) = 42" in m.value for m in at.markdown)
    assert any("Window 2: input rows 1–2 × columns 3–4 → output (1, 2)" in m.value for m in at.markdown)
    at.button(key="pool_prev").click().run()
    at.button(key="pool_prev").click().run()  # from the first window back to the last
    assert at.slider(key="pool_win").value == 9
    assert any("max(23, 6, 14, 40) = 40" in m.value and "(3, 3)" not in m.value for m in at.markdown)
    at.slider(key="pool_win").set_value(5).run()
    assert any("max(11, 45, 31, 27) = 45" in m.value for m in at.markdown)
    assert any("input cell (3, 4)" in m.value for m in at.markdown)  # 1-based, as on the slide
    assert_clean(at)


def test_play_toggles_and_a_smaller_output_keeps_the_window_in_range():
    at = open_page(PAGE, "en")
    at.slider(key="pool_win").set_value(9).run()
    at.button(key="pool_play").click().run()
    assert at.session_state.pool_playing and at.button(key="pool_play").label == "Pause"
    at.button(key="pool_play").click().run()
    assert not at.session_state.pool_playing
    at.radio(key="pool_size").set_value(3).run()  # 2×2 windows of stride 3: 4 windows, window 9 is gone
    assert_clean(at)
    assert at.slider(key="pool_win").value == 1 and at.slider(key="pool_win").max == 4


def test_the_setting_comes_from_the_link_and_goes_back_into_it():
    at = open_page(PAGE, "en", query={"size": "3", "stride": "1", "digit": "7", "filter": "vertical"})
    assert_clean(at)
    assert (at.radio(key="pool_size").value, at.radio(key="pool_stride").value) == (3, 1)
    assert (at.selectbox(key="pool_digit").value, at.selectbox(key="pool_filter").value) == (7, "vertical")
    assert any("max(10, 7, 2, 1, 16, 33, 9, 22, 11) = 33" in m.value for m in at.markdown)
    at.radio(key="pool_size").set_value(2).run()
    assert "size" not in at.query_params and at.query_params["stride"] == "1"


def test_a_bad_link_falls_back_with_one_notice():
    at = open_page(PAGE, "en", query={"size": "5", "src": "upload"})
    assert_clean(at)
    assert at.radio(key="pool_size").value == 2 and at.radio(key="pool_source").value == "slide"
    assert any("size, src" in w.value for w in at.warning)
