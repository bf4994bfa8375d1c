"""AppTest: the §3 filters page in Korean and English."""

import io

import numpy as np
import pytest

from cnnlib.filter_sets import FILTER_SET_PRESETS, apply_filter_set, filter_set_preset, sample_colour_image
from tests.apphelp import assert_clean, commit_component, component_data, open_page, page_record

PAGE = "lessons/3_filters.py"
BENCH = "filt_bench"  # the editor in the browser (static/filtersets.js): channel chooser, sliders, filters, maps
TITLE = {"ko": "필터: 필터셋은 3차원", "en": "Filters: a filter set is 3-D"}
X = sample_colour_image().astype(float)


def cell_total(at) -> str:
    return [s.value for s in at.success if s.value.startswith("y(")][0]


def bench(at) -> dict:
    """What the browser's editor was given to show (x, w flat; k, b, channel, row, col)."""
    return component_data(at, BENCH)["state"]


def bench_w(at) -> np.ndarray:
    state = bench(at)
    return np.array(state["w"], dtype=float).reshape(state["k"], state["k"], 3)


TYPED = {f"filt_w_{c}_typed_open": True for c in range(3)}  # every channel's typed numbers opened


def commit(at, **changes):
    """The browser's editor commits its weights (flat, k·k·3) and channel with `changes`, as when an edit ends."""
    state = bench(at)
    return commit_component(at, BENCH, {"w": state["w"], "channel": state["channel"], **changes})


def set_weight(at, c: int, i: int, value: float):
    """Channel c's weight w{i+1} dragged to `value` in the browser, then released (one commit)."""
    w = bench_w(at)
    w.reshape(-1, 3)[i, c] = value
    return commit(at, w=w.ravel().tolist(), channel=c)


def editor(at, c: int, k: int) -> dict:
    """What channel c's editor shows: the browser's sliders (its data), its number boxes and its paste text."""
    return {
        "sliders": bench_w(at)[..., c],
        "boxes": np.array([at.number_input(key=f"filt_w_{c}_n{i}").value for i in range(k * k)]).reshape(k, k),
        "paste": at.text_area(key=f"filt_w_{c}_paste").value,
    }


def as_text(grid) -> str:
    return "\n".join(" ".join(f"{v + 0.0:g}" for v in row) for row in grid)


def show_channel(at, c: int):
    return commit(at, channel=c)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_renders_both_parts(lang):
    at = open_page(PAGE, lang)
    assert_clean(at)
    assert at.title[0].value == TITLE[lang]
    # one output cell = the three channel sums + b, the same number as the feature map's cell
    expected = apply_filter_set(X, filter_set_preset("horizontal", 3)).feature_map[15, 15]
    assert cell_total(at).startswith("y(16, 16) = ")  # 1-based, as the slides count
    assert cell_total(at).endswith(f"= {expected:,g}")
    assert (at.number_input(key="filt_row").value, at.number_input(key="filt_col").value) == (16, 16)
    assert any("(16, 16)" in c.value and c.value.endswith(f": {expected:,g}") for c in at.caption)
    assert at.selectbox(key="filt_preset_choice").value == "horizontal"
    products = [m.value for m in at.markdown if "| | x | w | x·w |" in m.value]  # one element: R's, G's, B's tables
    assert len(products) == 1 and [line for line in products[0].splitlines() if line.startswith("**")] == [
        "**R**", "**G**", "**B**"]
    tables = ["| | x | w | x·w |" + t for t in products[0].split("| | x | w | x·w |")[1:]]
    centre = X[16, 16, 0]  # w5 of the window at (16, 16) sees the picture's pixel (17, 17)
    assert len(tables) == 3 and f"| w5 | {centre:g} | 2 | {2 * centre:g} |" in tables[0].splitlines()
    assert bench(at)["k"] == 3 and len(bench(at)["w"]) == 27 and bench(at)["channel"] == 0  # the browser's editor
    assert not [n for n in at.number_input if n.key.startswith("filt_w_")]  # typed numbers: drawn once opened
    at.session_state["filt_w_0_typed_open"] = True  # what opening their expander does (it reruns)
    at.run()
    boxes = [n.label for n in at.number_input if n.key.startswith("filt_w_")]
    assert boxes == [f"w{i}" for i in range(1, 10)]  # one channel's typed numbers
    shapes = at.dataframe[-1].value
    assert list(shapes.iloc[:, 1]) == ["(5, 5, 1, 3)", "(5, 5, 3, 6)"]
    assert list(shapes.iloc[:, 2]) == ["(3, 5, 5, ?)", "(6, 5, 5, ?)"]
    assert list(shapes.iloc[:, 3]) == [1, 3]
    assert list(shapes.iloc[:, 4]) == ["3 × (5 × 5 × 1 + 1) = 78", "6 × (5 × 5 × 3 + 1) = 456"]


def test_a_preset_applies_when_chosen_and_every_widget_shows_it():
    # the bug: after loading "vertical", the R channel's editor still showed the horizontal numbers
    at = open_page(PAGE, "ko", state=TYPED)
    at.selectbox(key="filt_preset_choice").set_value("vertical").run()
    assert_clean(at)
    vertical = filter_set_preset("vertical", 3)
    for c in range(3):
        if c:
            show_channel(at, c)
        shown = editor(at, c, 3)
        np.testing.assert_array_equal(shown["sliders"], vertical[..., c])
        np.testing.assert_array_equal(shown["boxes"], vertical[..., c])
        assert shown["paste"] == as_text(vertical[..., c])
    assert at.query_params["fset"] == "vertical" and "w" not in at.query_params
    assert cell_total(at).endswith(f"= {apply_filter_set(X, vertical).feature_map[15, 15]:,g}")
    assert "filt_load" not in [b.key for b in at.button]  # no separate "load" button


def test_five_by_five_gives_every_editor_five_by_five_numbers():
    # the bug: after 3×3 → 5×5 the "5 rows × 5" box held 3×3 numbers and Apply said "shape mismatch"
    at = open_page(PAGE, "en", state=TYPED)
    at.radio(key="filt_size").set_value(5).run()
    assert_clean(at)
    assert any("(5, 5, 3)" in c.value and "75 weights" in c.value for c in at.caption)
    assert at.query_params["k"] == "5"
    horizontal = filter_set_preset("horizontal", 5)
    for c in (0, 2):
        show_channel(at, c)
        shown = editor(at, c, 5)
        assert [n.label for n in at.number_input if n.key.startswith(f"filt_w_{c}_n")][-1] == "w25"
        np.testing.assert_array_equal(shown["sliders"], horizontal[..., c])
        assert shown["paste"] == as_text(horizontal[..., c]) and "5 rows" in at.text_area(key=f"filt_w_{c}_paste").label
        at.button(key=f"filt_w_{c}_paste_apply").click().run()  # apply what the box shows
        assert_clean(at)
        assert not at.error and any("pplied" in s.value for s in at.success)
    at.selectbox(key="filt_preset_choice").set_value("red_only").run()
    expected = apply_filter_set(X, filter_set_preset("red_only", 5)).feature_map[15, 15]
    assert expected == X[17, 17, 0]  # the red channel passed through
    assert cell_total(at) == f"y(16, 16) = {expected:g} + 0 + 0 + 0 = {expected:g}"
    show_channel(at, 0)
    assert editor(at, 0, 5)["sliders"][2, 2] == 1 and editor(at, 0, 5)["sliders"].sum() == 1


def test_a_slider_edit_says_custom_and_a_preset_brings_the_numbers_back():
    at = open_page(PAGE, "en", state=TYPED)
    set_weight(at, 0, 4, 3.5)
    assert_clean(at)
    assert at.selectbox(key="filt_preset_choice").value == "custom"
    assert at.query_params["fset"] == "custom"
    w = np.array([float(v) for v in at.query_params["w"].split(",")]).reshape(3, 3, 3)
    assert w[1, 1, 0] == 3.5 and w[1, 1, 1] == 2
    assert at.number_input(key="filt_w_0_n4").value == 3.5  # the box shows what the map uses
    expected = apply_filter_set(X, w).feature_map[15, 15]
    assert cell_total(at).endswith(f"= {expected:,g}")
    at.selectbox(key="filt_preset_choice").set_value("horizontal").run()
    assert bench_w(at)[1, 1, 0] == 2 and "w" not in at.query_params
    at.number_input(key="filt_w_0_n0").set_value(1.5).run()  # a number box is an edit too
    assert at.selectbox(key="filt_preset_choice").value == "custom" and bench_w(at)[0, 0, 0] == 1.5


def test_a_custom_set_keeps_its_centre_across_sizes():
    at = open_page(PAGE, "en", state=TYPED)
    set_weight(at, 0, 4, 5.0)
    at.radio(key="filt_size").set_value(5).run()
    assert_clean(at)
    grid = editor(at, 0, 5)["sliders"]
    assert grid[2, 2] == 5 and grid[0].sum() == 0 and grid[1, 1] == -1  # the 3×3 framed by zeros
    assert at.selectbox(key="filt_preset_choice").value == "custom"
    at.radio(key="filt_size").set_value(3).run()
    assert editor(at, 0, 3)["sliders"][1, 1] == 5


def test_edit_one_channel_and_the_link_carries_it():
    at = open_page(PAGE, "en", state=TYPED)
    show_channel(at, 2)
    assert at.number_input(key="filt_w_2_n0").label == "w1" and bench(at)["channel"] == 2
    at.text_area(key="filt_w_2_paste").set_value("0 0 0\n0 1 0\n0 0 0").run()
    at.button(key="filt_w_2_paste_apply").click().run()
    assert_clean(at)
    assert at.query_params["fset"] == "custom"
    w = np.array([float(v) for v in at.query_params["w"].split(",")]).reshape(3, 3, 3)
    assert w[1, 1, 2] == 1 and w[0, 0, 2] == 0
    again = open_page(PAGE, "en", query=dict(at.query_params))
    assert_clean(again)
    assert cell_total(again) == cell_total(at)
    assert again.selectbox(key="filt_preset_choice").value == "custom"


@pytest.mark.parametrize("name", FILTER_SET_PRESETS)
def test_a_link_is_named_only_by_the_preset_its_numbers_are(name):
    other = "vertical" if name == "horizontal" else "horizontal"
    w = filter_set_preset(name, 3)
    at = open_page(PAGE, "en", query={"fset": other, "w": ",".join(f"{v:g}" for v in w.ravel())})
    assert_clean(at)
    assert at.selectbox(key="filt_preset_choice").value == name
    w.flat[0] += 0.5  # one weight off
    at = open_page(PAGE, "en", query={"fset": name, "w": ",".join(f"{v:g}" for v in w.ravel())})
    assert_clean(at) and not at.warning
    assert at.selectbox(key="filt_preset_choice").value == "custom"


def test_bias_is_added_once():
    at = open_page(PAGE, "en", query={"fset": "red_only", "b": "2.5"})
    assert_clean(at)
    assert cell_total(at).split(" = ")[1].endswith(" + 2.5")


def test_the_explained_cell_counts_from_one():
    at = open_page(PAGE, "en")
    at.number_input(key="filt_row").set_value(1).run()
    at.number_input(key="filt_col").set_value(30).run()
    assert_clean(at)
    assert cell_total(at).startswith("y(1, 30) = ")
    assert cell_total(at).endswith(f"= {apply_filter_set(X, filter_set_preset('horizontal', 3)).feature_map[0, 29]:,g}")
    assert at.number_input(key="filt_col").max == 30
    at.radio(key="filt_size").set_value(5).run()  # the 28×28 map: the cell moves inside it
    assert at.number_input(key="filt_col").value == 28 and cell_total(at).startswith("y(1, 28) = ")


def test_bad_link_falls_back_with_a_notice():
    at = open_page(PAGE, "ko", query={"k": "7", "fset": "nope", "w": "1,2", "digit": "12"})
    assert_clean(at)
    assert at.warning and all(p in at.warning[0].value for p in ("k", "fset", "digit"))
    assert at.radio(key="filt_size").value == 3
    assert at.selectbox(key="filt_preset_choice").value == "horizontal"


def test_upload_a_picture_and_a_non_picture():
    from PIL import Image

    at = open_page(PAGE, "en")
    at.radio(key="filt_source").set_value("upload").run()
    assert_clean(at)
    assert any("sample" in i.value for i in at.info)
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (255, 0, 0)).save(buf, format="PNG")
    at.selectbox(key="filt_preset_choice").set_value("red_only").run()
    uploader = at.get("file_uploader")[0]
    uploader.set_value(("red.png", buf.getvalue(), "image/png")).run()
    assert_clean(at)
    assert cell_total(at) == "y(16, 16) = 255 + 0 + 0 + 0 = 255"  # all red, resized to 32×32
    kit = component_data(at, BENCH)["kit"]  # the browser's editor is sent the new picture
    assert np.array_equal(np.array(kit["x"]).reshape(32, 32, 3), np.broadcast_to([255, 0, 0], (32, 32, 3)))
    at.get("file_uploader")[0].set_value(("notes.txt", b"not a picture", "text/plain")).run()
    assert_clean(at)
    assert at.error and "PNG" in at.error[0].value
    assert cell_total(at) != "y(16, 16) = 255 + 0 + 0 + 0 = 255"  # back to the sample


def test_lecture_maps_follow_the_digit():
    at = open_page(PAGE, "en")
    at.selectbox(key="filt_digit").set_value(7).run()
    assert_clean(at)
    assert at.query_params["digit"] == "7"
    assert any("Black = the lowest" in m.value for m in at.markdown)  # the greys' legend


def test_presenter_mode_trims_the_captions():
    at = open_page(PAGE, "ko", state={"present": True})
    assert_clean(at)
    assert not [c.value for c in at.caption if "(16, 16)" in c.value or "(3, 3, 3)" in c.value or "시드" in c.value]
    assert cell_total(at).startswith("y(16, 16) = ")  # the sum stays (the presenter CSS draws it ≥ 20 px)


@pytest.mark.parametrize("query", [{"seed": "³"}, {"digit": "¹"}, {"seed": "٣"},
                                   {"k": "3", "fset": "custom", "w": ",".join(["０.5"] * 27)}])
def test_superscript_and_other_digits_fall_back_with_a_notice(query):
    # issue 9 #3: only ASCII digits are read from a link
    at = open_page(PAGE, "en", query=query)
    assert_clean(at)
    assert at.warning and all(name in at.warning[0].value for name in query if name in ("seed", "digit", "w"))


def test_the_channel_pictures_box_the_window_on_each_channel():
    import plotly.graph_objects as go

    from ui.filtersets import channel_pictures

    pictures = channel_pictures(X, ["R", "G", "B"], (0, 2, 5, 5)).to_dict()
    go.Figure(pictures)
    assert [(b["x0"], b["x1"], b["y0"], b["y1"]) for b in pictures["layout"]["shapes"]] == [(2.5, 7.5, 0.5, 5.5)] * 3
    assert not [tr for tr in pictures["data"] if "text" in tr]  # greys, no number written on each of 1,024 cells


# ---- the editor in the browser (static/filtersets.js): one commit when an edit ends ----------------------------


def test_the_editor_is_given_the_picture_once_the_weights_and_the_words():
    at = open_page(PAGE, "ko")
    data = component_data(at, BENCH)
    state, kit = data["state"], data["kit"]
    assert np.array_equal(np.array(kit["x"]).reshape(32, 32, 3), X) and (kit["h"], kit["wd"]) == (32, 32)  # row by row
    assert "x" not in state and data["kit_id"] == kit["id"]  # the picture comes with the kit, not the state
    assert (state["k"], state["b"], state["channel"], state["row"], state["col"]) == (3, 0, 0, 16, 16)
    np.testing.assert_array_equal(bench_w(at), filter_set_preset("horizontal", 3))  # cnnlib's order: w[a, b, c]
    assert data["module"].startswith("filtersets.js?v=")
    assert data["kit"]["words"]["channel_editor"] == "고칠 채널" and data["kit"]["channels"] == ["R", "G", "B"]
    set_weight(at, 0, 4, 3.5)  # a commit's rerun: the browser has the kit, the picture is not sent again
    assert "kit" not in component_data(at, BENCH) and component_data(at, BENCH)["kit_id"] == kit["id"]


def test_a_commit_changes_the_record_the_link_and_the_cell_spelt_out():
    at = open_page(PAGE, "en", query={"b": "1.5"}, state=TYPED)
    w = filter_set_preset("horizontal", 3)
    w[0, 2, 1] = -2.25  # G's w3
    w[2, 0, 2] = 7.5  # B's w7
    commit(at, w=w.ravel().tolist(), channel=1)
    assert_clean(at)
    record = page_record(at, "filter-sets")
    np.testing.assert_array_equal(record.w, w)
    assert record.fset == "custom" and record.channel == 1
    assert at.query_params["fset"] == "custom"
    np.testing.assert_array_equal(np.array([float(v) for v in at.query_params["w"].split(",")]).reshape(3, 3, 3), w)
    expected = apply_filter_set(X, w, 1.5).feature_map[15, 15]
    assert cell_total(at).endswith(f"= {expected:,g}") and cell_total(at).split(" = ")[1].endswith(" + 1.5")
    assert at.selectbox(key="filt_preset_choice").value == "custom"
    assert at.number_input(key="filt_w_1_n2").value == -2.25  # the typed numbers show the chosen channel's
    assert component_data(at, BENCH)["ack"] == 1  # the commit's number comes back
    np.testing.assert_array_equal(bench_w(at), w)
    commit(at, w=filter_set_preset("vertical", 3).ravel().tolist())  # a preset's numbers exactly: named by it
    assert page_record(at, "filter-sets").fset == "vertical" and "w" not in at.query_params
    assert at.selectbox(key="filt_preset_choice").value == "vertical"


def test_a_five_by_five_commit():
    at = open_page(PAGE, "en", query={"k": "5"})
    w = filter_set_preset("horizontal", 5)
    w[2, 2, 0] = 9.5
    commit(at, w=w.ravel().tolist())
    assert_clean(at)
    np.testing.assert_array_equal(page_record(at, "filter-sets").w, w)
    assert cell_total(at).startswith("y(15, 15) = ")  # the 28×28 map's centre
    assert cell_total(at).endswith(f"= {apply_filter_set(X, w).feature_map[14, 14]:,g}")


@pytest.mark.parametrize("bad", [
    {"w": [1.0] * 26},  # the wrong length
    {"w": [1.0] * 75},  # a 5×5 set on the 3×3 page
    {"w": [float("nan")] + [1.0] * 26},
    {"w": [float("inf")] * 27},
    {"w": ["a"] * 27},
    {"w": "1,2,3"},
    {"w": [[1.0] * 3] * 9},  # not flat
    {"w": None, "channel": 7},
    {"w": {"a": 1}, "channel": "G"},
    {"channel": -1},
    {"channel": True},
])
def test_a_bad_commit_is_ignored(bad):
    at = open_page(PAGE, "en")
    before = page_record(at, "filter-sets")
    commit_component(at, BENCH, bad)
    assert_clean(at)
    after = page_record(at, "filter-sets")
    np.testing.assert_array_equal(after.w, before.w)
    assert (after.fset, after.channel) == ("horizontal", 0) and "w" not in at.query_params


def test_weights_beyond_the_range_are_clamped():
    at = open_page(PAGE, "en")
    w = filter_set_preset("horizontal", 3)
    w[0, 0, 0] = 99
    commit(at, w=w.ravel().tolist())
    assert page_record(at, "filter-sets").w[0, 0, 0] == 10


def test_a_follower_is_shown_the_teachers_weights_and_channel():
    from streamlit.testing.v1 import AppTest

    from tests.apphelp import APP

    teacher = AppTest.from_file(APP, default_timeout=60)
    teacher.query_params["lang"] = "en"
    teacher.run()
    teacher.button(key="home_start_class").click().run()
    code = teacher.query_params["class"]
    teacher.switch_page(PAGE).run()
    student = AppTest.from_file(APP, default_timeout=60)
    student.query_params.update({"class": code, "lang": "en"})
    student.run()
    assert student.title[0].value == TITLE["en"] and student.session_state["class"].following
    w = filter_set_preset("horizontal", 3)
    w[1, 1, 2] = -4.5
    commit(teacher, w=w.ravel().tolist(), channel=2)  # the teacher's edit in the browser, committed
    assert_clean(teacher)
    student.run()
    assert_clean(student)
    np.testing.assert_array_equal(bench_w(student), w)  # the student's editor is given the teacher's weights
    assert bench(student)["channel"] == 2 and student.session_state["class"].following
    assert cell_total(student) == cell_total(teacher)
