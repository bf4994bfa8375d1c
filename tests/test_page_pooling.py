"""AppTest: the §5 max-pooling page."""

import numpy as np
import pytest

from tests.apphelp import assert_clean, open_page

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
    at = open_page(PAGE, "en", state={"pool_slide_map": np.ones((2, 2))})
    at.radio(key="pool_size").set_value(3).run()
    assert_clean(at)
    assert at.warning and "does not fit" in at.warning[0].value


def test_edit_the_map_with_junk_keeps_the_old_map():
    at = open_page(PAGE, "ko")
    at.text_area(key="pool_paste").set_value("1 2 3\nx").run()
    at.button(key="pool_paste_apply").click().run()
    assert_clean(at)
    assert at.error
    assert at.session_state.pool_slide_map[1, 3] == 8
