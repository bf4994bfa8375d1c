"""AppTest: the §1 why-convolution page."""

import pytest

from tests.apphelp import assert_clean, open_page

PAGE = "lessons/1_why.py"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_renders(lang):
    at = open_page(PAGE, lang)
    assert_clean(at)
    assert at.title[0].value == {"ko": "왜 합성곱인가", "en": "Why convolution"}[lang]


def test_guess_then_reveal_scores_the_guess():
    at = open_page(PAGE, "en")
    for part, value in zip(("total", "top", "bottom"), (2, 1, 1)):  # the slide's row for 8
        at.number_input(key=f"why_guess_8_{part}").set_value(value).run()
    at.button(key="why_reveal").click().run()
    assert_clean(at)
    counted = [m.value for m in at.markdown if "Total **" in m.value]
    assert counted == ["Total **1** · Top **1** · Bottom **0**", "Total **2** · Top **1** · Bottom **1**", "Total **1** · Top **0** · Bottom **1**", "Total **1** · Top **0** · Bottom **0**"]
    assert at.success[0].value == "3 of 12 right"


def test_another_handwriting_changes_the_example():
    at = open_page(PAGE, "en")
    at.button(key="why_next_9").click().run()
    assert_clean(at)
    assert at.session_state.why_example_9 == 1


def test_pattern_finder_points_at_the_strongest_place():
    at = open_page(PAGE, "en")
    before = at.info[-1].value
    at.radio(key="why_pattern").set_value("vertical").run()
    assert_clean(at)
    assert at.info[-1].value.startswith("Strongest at row") and at.info[-1].value != before
