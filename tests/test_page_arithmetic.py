"""AppTest: the §4 arithmetic page."""

import numpy as np
import pytest

from tests.apphelp import assert_clean, open_page

PAGE = "lessons/4_arithmetic.py"


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
    assert at.session_state.arith_x[0, 0] == 1.0
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
