"""Plotly figures for feature maps and images: pictures instead of number dumps.

One colour meaning on every page: a map that can go below zero is red/blue centred on 0 (blue low,
white 0, red high) with a thin colour bar; a picture is grey. Figures are built as plain dicts in
Plotly's own form (``heatmap_spec``): ``heatmap()`` wraps one in a ``go.Figure`` for pages that
add to it, and ``ready()`` hands one to ``st.plotly_chart`` without Plotly validating it a second
time (the §4 page's edit is about ten times faster that way; tests/test_charts.py validates the spec).
"""

from __future__ import annotations

import functools

import numpy as np
import plotly.colors as pcolors
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure

from ui.presenter import text_px

# blue < 0 < red, white at 0: ColorBrewer's RdBu reversed (Plotly's named "RdBu" has a grey middle)
DIVERGING = [[i / 10, colour] for i, colour in enumerate(reversed(pcolors.diverging.RdBu))]
GREYS = "Greys"  # pictures and counts: white (low) to black (high)
HIGHLIGHT = "#f5b800"  # the sliding window and the max-pooling winners
PLOT = {"displayModeBar": False}  # st.plotly_chart(config=PLOT): no toolbar over the small teaching figures


def png(name: str) -> dict:
    """st.plotly_chart(config=png("feature-map")): only Plotly's camera, on hover — a PNG drawn in the browser, offline."""
    return {"displaylogo": False, "modeBarButtons": [["toImage"]],
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}}


def _fmt(value: float) -> str:
    if np.isnan(value):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _texts(z: np.ndarray) -> list[list[str]]:
    return [[_fmt(v) for v in row] for row in z.tolist()]


def _range(z: np.ndarray, diverging: bool) -> tuple[float, float]:
    finite = z[np.isfinite(z)] if z.size else z
    if diverging:
        bound = float(np.abs(finite).max()) if finite.size else 1.0
        return -(bound or 1.0), bound or 1.0
    if not finite.size:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    return lo, hi if hi != lo else lo + 1.0


def window_box(r0: int, c0: int, rows: int, cols: int, *, colour: str = HIGHLIGHT, width: int = 4) -> dict:
    """A rectangle around cells [r0, r0+rows) × [c0, c0+cols), as a Plotly layout shape."""
    return {"type": "rect", "x0": c0 - 0.5, "x1": c0 + cols - 0.5, "y0": r0 - 0.5, "y1": r0 + rows - 0.5,
            "line": {"color": colour, "width": width}}


HOVER_CELL = "(%{customdata[0]}, %{customdata[1]})"  # a cell's 1-based (row, column), from cell_numbers


@functools.lru_cache(maxsize=32)
def cell_numbers(rows: int, cols: int) -> list:
    """customdata for a rows×cols heatmap: each cell's 1-based (row, column), as the slides count
    (Plotly's own %{y}, %{x} count from 0). Shared and never changed, so cached per shape."""
    return [[[r + 1, c + 1] for c in range(cols)] for r in range(rows)]


def heatmap_spec(
    values: np.ndarray,
    *,
    annotate: bool = True,
    diverging: bool = True,
    highlight: tuple[int, int, int, int] | None = None,
    marks: list[tuple[int, int]] | None = None,
    height: int = 320,
    title: str | None = None,
    zrange: tuple[float, float] | None = None,
    labels: np.ndarray | None = None,
    colorbar: bool | None = None,
) -> dict:
    """A 2-D array as an annotated heatmap, row 0 on top, as a plain Plotly figure dict.

    diverging: red/blue centred on 0 (feature maps, filters); else greys (images).
    highlight: (row0, col0, rows, cols) drawn as a yellow box (the sliding window).
    marks: cells to circle (the max-pooling winners).
    colorbar: a thin colour bar; default on for diverging maps. Numbers take presenter.text_px().
    """
    z = np.asarray(values, dtype=float)
    zmin, zmax = zrange if zrange is not None else _range(z, diverging)
    show_bar = diverging if colorbar is None else colorbar
    small = z.ndim == 2 and z.shape[1] <= 10
    trace = {
        "type": "heatmap", "z": np.where(np.isfinite(z), z, np.nan).tolist() if z.size else [],
        "zmin": zmin, "zmax": zmax, "colorscale": DIVERGING if diverging else GREYS,
        "hovertemplate": f"{HOVER_CELL} = %{{z}}<extra></extra>", "showscale": show_bar, "xgap": 1, "ygap": 1,
    }
    if z.ndim == 2:
        trace["customdata"] = cell_numbers(*z.shape)  # hover says the slides' 1-based (row, column)
    if diverging:
        trace["zmid"] = 0.0
    if annotate or labels is not None:
        trace["text"] = np.asarray(labels).tolist() if labels is not None else _texts(z)
        trace["texttemplate"] = "%{text}"
        trace["textfont"] = {"size": text_px(13 if small else 9)}
    if show_bar:
        trace["colorbar"] = {"thickness": 8, "len": 0.9, "outlinewidth": 0, "xpad": 4,
                             "tickfont": {"size": text_px(10)}, "nticks": 5}
    shapes = [window_box(*highlight)] if highlight is not None else []
    shapes += [{"type": "circle", "x0": c - 0.45, "x1": c + 0.45, "y0": r - 0.45, "y1": r + 0.45,
                "line": {"color": HIGHLIGHT, "width": 3}} for r, c in marks or []]
    layout = {
        "height": height,
        "margin": {"l": 4, "r": 4, "t": 32 if title else 4, "b": 4},
        "yaxis": {"autorange": "reversed", "showticklabels": False, "scaleanchor": "x", "constrain": "domain",
                  "showgrid": False, "zeroline": False, "ticks": ""},
        "xaxis": {"showticklabels": False, "constrain": "domain", "showgrid": False, "zeroline": False, "ticks": ""},
        "plot_bgcolor": "rgba(0,0,0,0)",
        "shapes": shapes,
    }
    if title:
        layout["title"] = {"text": title, "font": {"size": text_px(14)}}
    return {"data": [trace], "layout": layout}


class Ready(BaseFigure):
    """A figure dict already in Plotly's form, for st.plotly_chart: sent as it is (Streamlit would
    otherwise rebuild and validate a dict as a go.Figure on every rerun). Only for specs built here."""

    def __init__(self, spec: dict) -> None:  # deliberately not BaseFigure.__init__: no validation
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec


def ready(spec: dict) -> Ready:
    return Ready(spec)


def side_by_side(titles, *, height: int, margin: dict) -> dict:
    """A layout of len(titles) plots in one row, each titled above, where plotly's make_subplots(rows=1) puts them
    (spacing 0.2 / n): axes x, x2, … with y, y2, … A plain dict for ``ready``: the first TensorFlow page draws three
    such figures in its first run, and make_subplots + go.Bar/Scatter validated each trace and property again."""
    n = len(titles)
    gap = 0.2 / n
    width = (1 - gap * (n - 1)) / n
    layout: dict = {"height": height, "margin": margin, "annotations": []}
    for i, title in enumerate(titles):
        suffix = "" if i == 0 else str(i + 1)
        x0 = i * (width + gap)
        layout[f"xaxis{suffix}"] = {"domain": [x0, x0 + width], "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {"domain": [0.0, 1.0], "anchor": f"x{suffix}"}
        layout["annotations"].append({"text": title, "x": x0 + width / 2, "y": 1.0, "xref": "paper", "yref": "paper",
                                      "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 16}})
    return layout


def axes_of(i: int) -> dict:
    """The trace keys that put a trace on the i-th (0-based) plot of ``side_by_side``."""
    return {"xaxis": "x" if i == 0 else f"x{i + 1}", "yaxis": "y" if i == 0 else f"y{i + 1}"}


def heatmap(values: np.ndarray, **kwargs) -> go.Figure:
    """heatmap_spec(...) as a go.Figure, for pages that add traces or shapes to it (same arguments)."""
    return go.Figure(heatmap_spec(values, **kwargs))


GRAY = [[0.0, "rgb(0, 0, 0)"], [1.0, "rgb(255, 255, 255)"]]  # black low → white high (plotly.js knows no "gray")


def image(values: np.ndarray, *, height: int = 260, title: str | None = None, overlay: np.ndarray | None = None) -> Ready:
    """A grayscale image (a digit): white ink on black, as MNIST stores it; `overlay` (a feature map of the
    same size) laid over it in the map's own colours, its positive cells only (a ready spec: no validation)."""
    spec = heatmap_spec(values, annotate=False, diverging=False, height=height, title=title)
    spec["data"][0].update(colorscale=GRAY, hovertemplate=f"{HOVER_CELL} = %{{z:.0f}}<extra></extra>", xgap=0, ygap=0)
    if overlay is not None:
        bound = float(np.max(overlay)) or 1.0
        shown = np.where(overlay > 0, overlay, np.nan)
        spec["data"].append({"type": "heatmap", "z": [[None if np.isnan(v) else float(v) for v in row] for row in shown],
                             "colorscale": DIVERGING, "zmin": -bound, "zmax": bound, "opacity": 0.6, "showscale": False,
                             "hoverinfo": "skip"})
    return ready(spec)
