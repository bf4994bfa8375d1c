"""AppTest: the §1 why-convolution page."""

import pytest

from cnnlib.digits import typical_loops
from tests.apphelp import assert_clean, open_page, page_record

PAGE = "lessons/1_why.py"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_renders(lang):
    at = open_page(PAGE, lang)
    assert_clean(at)
    assert at.title[0].value == {"ko": "왜 합성곱인가", "en": "Why convolution"}[lang]


def test_guess_then_reveal_scores_the_guess():
    at = open_page(PAGE, "en")
    for part, value in zip(("total", "top", "bottom"), (2, 1, 1), strict=True):  # the slide's row for 8
        at.number_input(key=f"why_guess_8_{part}").set_value(value).run()
    at.button(key="why_reveal").click().run()
    assert_clean(at)
    counted = [
        at.number_input(key=f"why_guess_{digit}_{part}").label for digit in (9, 8, 6, 0) for part in ("total", "top", "bottom")
    ]
    assert counted == [
        f"{part} — counted **{n}**"
        for n9 in [(1, 1, 0), (2, 1, 1), (1, 0, 1), (1, 0, 0)]
        for part, n in zip(("Total", "Top", "Bottom"), n9, strict=True)
    ]
    assert at.success[0].value == "3 of 12 right"


def test_another_handwriting_changes_the_example():
    at = open_page(PAGE, "en")
    at.button(key="why_next_9").click().run()
    assert_clean(at)
    assert page_record(at, "why-convolution").example(9, first=-1) == typical_loops(9)[1] + 1  # the next after the typical one


def test_pattern_finder_points_at_the_strongest_place():
    at = open_page(PAGE, "en")
    before = at.info[-1].value
    at.radio(key="why_pattern").set_value("vertical").run()
    assert_clean(at)
    assert at.info[-1].value.startswith("Strongest at row") and at.info[-1].value != before


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_strongest_place_is_1_based_and_circled_on_a_map_in_the_one_colour_meaning(lang):
    import json

    import numpy as np

    from cnnlib.digits import examples_of
    from cnnlib.filters import pattern_map
    from ui.charts import DIVERGING

    at = open_page(PAGE, lang)
    at.selectbox(key="why_digit").set_value(7).run()
    assert_clean(at)
    fmap = pattern_map(examples_of(7, 1)[0] / 255.0, "lecture_horizontal")
    r, c = np.unravel_index(np.argmax(fmap), fmap.shape)
    words = {"ko": f"행 {r + 1}, 열 {c + 1}", "en": f"row {r + 1}, column {c + 1}"}[lang]
    assert words in at.info[-1].value
    charts = {e.proto.id: json.loads(e.proto.spec) for e in at.get("plotly_chart")}
    spec = next(s for s in charts.values() if s["layout"].get("title", {}).get("text") in ("특징맵", "Feature map"))
    assert spec["data"][0]["colorscale"] == DIVERGING and spec["data"][0]["showscale"]  # red high, with its colour bar
    circle = spec["layout"]["shapes"][0]
    assert (circle["x0"] + 0.45, circle["y0"] + 0.45) == (c, r)
