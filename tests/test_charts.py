"""ui/charts.py: one colour meaning, the colour bar, presenter text sizes, the window box — and specs Plotly accepts."""

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from ui import charts, presenter
from ui.charts import heatmap, heatmap_spec, image, ready

MAP = np.array([[-2.0, 0.0, 1.0], [3.0, -0.5, 0.25]])


def rgb(colour: str) -> tuple[int, ...]:
    return tuple(int(v) for v in colour[colour.index("(") + 1:-1].split(","))


@pytest.fixture
def presenting(monkeypatch):
    monkeypatch.setattr(presenter, "presenting", lambda: True)


def test_a_map_is_blue_low_white_zero_red_high_centred_on_zero_with_a_thin_colour_bar():
    trace = heatmap_spec(MAP)["data"][0]
    scale = trace["colorscale"]
    assert (trace["zmin"], trace["zmid"], trace["zmax"]) == (-3.0, 0.0, 3.0)  # symmetric: 0 is the middle colour
    low, middle, high = rgb(scale[0][1]), rgb(scale[5][1]), rgb(scale[-1][1])
    assert low[2] > low[0] and high[0] > high[2]  # blue at the bottom, red at the top
    assert min(middle) > 240  # white (Plotly's own "RdBu" is grey there)
    assert [s[0] for s in scale] == pytest.approx(np.linspace(0, 1, len(scale)))
    assert trace["showscale"] and trace["colorbar"]["thickness"] <= 10


def test_a_picture_is_grey_without_a_colour_bar():
    trace = image(np.arange(9.0).reshape(3, 3)).to_dict()["data"][0]
    assert trace["colorscale"][0][1] == "rgb(0, 0, 0)" and trace["colorscale"][-1][1] == "rgb(255, 255, 255)"
    assert not trace["showscale"]
    over = image(np.zeros((2, 2)), overlay=np.array([[1.0, -1.0], [0.0, 2.0]])).to_dict()["data"][1]
    assert over["z"] == [[1.0, None], [None, 2.0]] and (over["zmin"], over["zmax"]) == (-2.0, 2.0)  # its positive cells
    spec = heatmap_spec(np.eye(3), diverging=False)["data"][0]
    assert spec["colorscale"] == charts.GREYS and not spec["showscale"] and spec["zmin"] == 0 and spec["zmax"] == 1


def test_numbers_are_written_on_the_cells_and_the_window_box_and_marks_are_where_asked():
    spec = heatmap_spec(MAP, highlight=(0, 1, 2, 2), marks=[(1, 2)])
    assert spec["data"][0]["text"] == [["-2", "0", "1"], ["3", "-0.5", "0.25"]]
    box, circle = spec["layout"]["shapes"]
    assert (box["type"], box["x0"], box["x1"], box["y0"], box["y1"]) == ("rect", 0.5, 2.5, -0.5, 1.5)
    assert box["line"]["color"] == charts.HIGHLIGHT
    assert (circle["type"], circle["x0"], circle["x1"], circle["y0"], circle["y1"]) == ("circle", 1.55, 2.45, 0.55, 1.45)
    assert spec["layout"]["yaxis"]["autorange"] == "reversed"  # row 0 on top, as on the slide


def test_text_sizes_normal_and_in_presenter_mode(presenting):
    spec = heatmap_spec(MAP, title="y")
    assert spec["data"][0]["textfont"]["size"] >= 20
    assert spec["layout"]["title"]["font"]["size"] >= 20
    assert spec["data"][0]["colorbar"]["tickfont"]["size"] >= 20


def test_text_size_outside_presenter_mode():
    spec = heatmap_spec(MAP)
    assert spec["data"][0]["textfont"]["size"] == 13
    assert heatmap_spec(np.zeros((12, 12)))["data"][0]["textfont"]["size"] == 9  # a 12-wide map: smaller numbers


@pytest.mark.parametrize("values", [MAP, np.full((2, 2), np.nan), np.zeros((3, 3)), np.array([[np.inf, 1.0]])])
@pytest.mark.parametrize("diverging", [True, False])
def test_every_spec_is_a_valid_plotly_figure(values, diverging):
    spec = heatmap_spec(values, diverging=diverging, highlight=(0, 0, 1, 1), marks=[(0, 0)], title="t")
    go.Figure(spec)  # Plotly's validation: raises on any wrong property (ready() skips it at run time)
    trace = spec["data"][0]
    assert np.isfinite([trace["zmin"], trace["zmax"]]).all() and trace["zmin"] < trace["zmax"]


def test_heatmap_is_the_same_spec_as_a_figure_pages_can_add_to():
    fig = heatmap(MAP, highlight=(0, 0, 1, 1))
    fig.add_shape(type="rect", x0=0, x1=1, y0=0, y1=1)
    assert len(fig.layout.shapes) == 2 and fig.data[0].zmid == 0


def chart_app():
    import numpy as np
    import streamlit as st

    from ui.charts import heatmap_spec, ready

    st.plotly_chart(ready(heatmap_spec(np.array([[1.0, -1.0]]))), key="fig")


def test_a_ready_spec_is_sent_as_it_is():
    import json

    at = AppTest.from_function(chart_app).run()
    assert not at.exception
    sent = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sent["data"][0]["z"] == [[1.0, -1.0]] and sent["data"][0]["zmid"] == 0
    assert ready({"data": []}).to_dict() == {"data": []}


def test_hover_names_cells_from_one_as_the_slides_do():
    spec = heatmap_spec(np.zeros((2, 3)))
    trace = spec["data"][0]
    assert trace["customdata"][0][0] == [1, 1] and trace["customdata"][1][2] == [2, 3]
    assert "%{customdata[0]}" in trace["hovertemplate"] and "%{y}" not in trace["hovertemplate"]
    assert image(np.zeros((2, 2))).to_dict()["data"][0]["hovertemplate"].startswith("(%{customdata[0]}, %{customdata[1]})")


@pytest.mark.parametrize("n", [2, 3])
def test_side_by_side_lays_plots_out_as_make_subplots_does(n):
    from plotly.subplots import make_subplots

    titles = [f"plot {i}" for i in range(n)]
    ours = charts.side_by_side(titles, height=300, margin={"l": 8})
    theirs = make_subplots(rows=1, cols=n, subplot_titles=titles).layout
    for i in range(n):
        suffix = "" if i == 0 else str(i + 1)
        np.testing.assert_allclose(ours[f"xaxis{suffix}"]["domain"], theirs[f"xaxis{suffix}"].domain)
        assert ours[f"xaxis{suffix}"]["anchor"] == theirs[f"xaxis{suffix}"].anchor
        assert (ours["annotations"][i]["text"], ours["annotations"][i]["x"]) == pytest.approx(
            (theirs.annotations[i].text, theirs.annotations[i].x))
        assert charts.axes_of(i) == {"xaxis": theirs[f"yaxis{suffix}"].anchor, "yaxis": theirs[f"xaxis{suffix}"].anchor}
    go.Figure({"data": [{"type": "bar", "x": [1], "y": [2], **charts.axes_of(n - 1)}], "layout": ours})  # valid
