"""AppTest: the §3 filters page in Korean and English."""

import io

import numpy as np
import pytest

from cnnlib.filter_sets import apply_filter_set, filter_set_preset, sample_colour_image
from tests.apphelp import assert_clean, open_page

PAGE = "lessons/3_filters.py"
TITLE = {"ko": "필터: 필터셋은 3차원", "en": "Filters: a filter set is 3-D"}


def cell_total(at) -> str:
    return [s.value for s in at.success if s.value.startswith("y(")][0]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_renders_both_parts(lang):
    at = open_page(PAGE, lang)
    assert_clean(at)
    assert at.title[0].value == TITLE[lang]
    # one output cell = the three channel sums + b, the same number as the feature map's cell
    x = sample_colour_image().astype(float)
    expected = apply_filter_set(x, filter_set_preset("horizontal", 3)).feature_map[15, 15]
    assert cell_total(at).endswith(f"= {expected:g}")
    assert any("(15, 15)" in c.value and c.value.endswith(f": {expected:g}") for c in at.caption)
    shapes = at.dataframe[-1].value
    assert list(shapes.iloc[:, 1]) == ["(5, 5, 1, 3)", "(5, 5, 3, 6)"]
    assert list(shapes.iloc[:, 2]) == ["(3, 5, 5, ?)", "(6, 5, 5, ?)"]
    assert list(shapes.iloc[:, 3]) == [1, 3]
    assert list(shapes.iloc[:, 4]) == ["3 × (5 × 5 × 1 + 1) = 78", "6 × (5 × 5 × 3 + 1) = 456"]


def test_five_by_five_and_presets_change_the_block():
    at = open_page(PAGE, "en")
    at.radio(key="filt_size").set_value(5).run()
    assert_clean(at)
    assert any("(5, 5, 3)" in i.value and "75 weights" in i.value for i in at.info)
    assert at.query_params["k"] == "5"
    at.selectbox(key="filt_preset_choice").set_value("red_only").run()
    at.button(key="filt_load").click().run()
    x = sample_colour_image().astype(float)
    expected = apply_filter_set(x, filter_set_preset("red_only", 5)).feature_map[15, 15]
    assert cell_total(at).startswith("y(15, 15) = ")  # the chosen cell stays: it is inside the 28×28 map
    assert cell_total(at).endswith(f" + 0 + 0 + 0 = {float(f'{expected:.2f}'):g}")


def test_edit_one_channel_and_the_link_carries_it():
    at = open_page(PAGE, "en")
    at.text_area(key="filt_paste_2").set_value("0 0 0\n0 1 0\n0 0 0").run()
    at.button(key="filt_paste_2_apply").click().run()
    assert_clean(at)
    assert at.query_params["fset"] == "custom"
    w = np.array([float(v) for v in at.query_params["w"].split(",")]).reshape(3, 3, 3)
    assert w[1, 1, 2] == 1 and w[0, 0, 2] == 0
    again = open_page(PAGE, "en", query=dict(at.query_params))
    assert_clean(again)
    assert cell_total(again) == cell_total(at)


def test_bias_is_added_once():
    at = open_page(PAGE, "en", query={"fset": "red_only", "b": "2.5"})
    assert_clean(at)
    assert cell_total(at).split(" = ")[1].endswith(" + 2.5")


def test_bad_link_falls_back_with_a_notice():
    at = open_page(PAGE, "ko", query={"k": "7", "fset": "nope", "w": "1,2", "digit": "12"})
    assert_clean(at)
    assert at.warning and all(p in at.warning[0].value for p in ("k", "fset", "digit"))
    assert at.radio(key="filt_size").value == 3


def test_upload_a_picture_and_a_non_picture():
    from PIL import Image

    at = open_page(PAGE, "en")
    at.radio(key="filt_source").set_value("upload").run()
    assert_clean(at)
    assert any("sample" in i.value for i in at.info)
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (255, 0, 0)).save(buf, format="PNG")
    at.selectbox(key="filt_preset_choice").set_value("red_only").run()
    at.button(key="filt_load").click().run()
    uploader = at.get("file_uploader")[0]
    uploader.set_value(("red.png", buf.getvalue(), "image/png")).run()
    assert_clean(at)
    assert cell_total(at) == "y(15, 15) = 255 + 0 + 0 + 0 = 255"  # all red, resized to 32×32, averaged
    at.get("file_uploader")[0].set_value(("notes.txt", b"not a picture", "text/plain")).run()
    assert_clean(at)
    assert at.error and "PNG" in at.error[0].value
    assert cell_total(at) != "y(15, 15) = 255 + 0 + 0 + 0 = 255"  # back to the sample


def test_lecture_maps_follow_the_digit():
    at = open_page(PAGE, "en")
    at.selectbox(key="filt_digit").set_value(7).run()
    assert_clean(at)
    assert at.query_params["digit"] == "7"


@pytest.mark.parametrize("query", [{"seed": "³"}, {"digit": "¹"}, {"seed": "٣"}, {"k": "3", "fset": "custom", "w": ",".join(["０.5"] * 27)}])
def test_superscript_and_other_digits_fall_back_with_a_notice(query):
    # issue 9 #3: only ASCII digits are read from a link
    at = open_page(PAGE, "en", query=query)
    assert_clean(at)
    assert at.warning and all(name in at.warning[0].value for name in query if name in ("seed", "digit", "w"))
