"""Streamlit side of the §3 filters page: the filter set in session_state and the URL, its figures.

State: ``filt_w_0`` … ``filt_w_2`` (one 2-D filter per channel, the source of truth, edited through
ui.weight_editor, one channel at a time), ``filt_preset`` (the preset they match, or "custom"),
``filt_preset_choice`` (the dropdown, copied from ``filt_preset`` before each draw), ``filt_channel``
(whose editor is open), ``filt_row``/``filt_col`` (the explained cell, 1-based as on the slides).
URL: ``fset`` (preset), ``k`` (3 or 5), ``w`` (the weights when edited), ``b``, ``digit``, ``seed``.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from PIL import Image

from cnnlib.filter_sets import CHANNEL_NAMES, FILTER_SET_PRESETS, filter_set_preset
from ui import links
from ui.charts import heatmap, image
from ui.page_links import FILTER_SETS as LINK
from ui.page_links import parse_set_weights as parse_weights  # noqa: F401
from ui.presenter import text_px
from ui.state import keep, put
from ui.weight_editor import set_grid

CHANNELS = len(CHANNEL_NAMES)
CHOICES = (*FILTER_SET_PRESETS, "custom")  # the dropdown: every preset, and what a manual edit makes
NO_BAR = {"displayModeBar": False}


def _set_all(w: np.ndarray) -> None:
    for c in range(CHANNELS):
        set_grid(f"filt_w_{c}", w[:, :, c])


def load_set(name: str, size: int) -> None:
    """Set all three channel filters from a preset (a callback, or before any widget is drawn)."""
    _set_all(filter_set_preset(name, size, CHANNELS))
    st.session_state.filt_preset = name


def matching_preset(w: np.ndarray) -> str:
    """The preset whose weights these are exactly, else "custom": a name never stands for other numbers."""
    for name in FILTER_SET_PRESETS:
        if np.array_equal(filter_set_preset(name, w.shape[0], CHANNELS), w):
            return name
    return "custom"


def on_preset_change() -> None:
    """Choosing a preset applies it at once; choosing "custom" keeps the weights as they are."""
    name = st.session_state.filt_preset_choice
    if name in FILTER_SET_PRESETS:
        load_set(name, st.session_state.filt_size)
    else:
        st.session_state.filt_preset = "custom"


def resized(w: np.ndarray, size: int) -> np.ndarray:
    """A custom filter set at the other size: the 3×3 centre of a 5×5, or a 3×3 framed by zeros."""
    k = w.shape[0]
    if size < k:
        m = (k - size) // 2
        return w[m:m + size, m:m + size].copy()
    out = np.zeros((size, size, w.shape[2]))
    m = (size - k) // 2
    out[m:m + k, m:m + k] = w
    return out


def on_size_change() -> None:
    """A preset is redrawn at the new size; a custom set keeps its centre (every editor the new shape)."""
    size = st.session_state.filt_size
    name = st.session_state.get("filt_preset", "horizontal")
    if name in FILTER_SET_PRESETS:
        load_set(name, size)
    else:
        _set_all(resized(weights(), size))
        st.session_state.filt_preset = matching_preset(weights())


def mark_custom() -> None:
    """The editor's on_edit: after a manual edit the dropdown says "custom"."""
    st.session_state.filt_preset = "custom"


def show_preset() -> None:
    """Before the dropdown is drawn: it shows the name of what the weights are (or "custom")."""
    name = st.session_state.get("filt_preset", "horizontal")
    name = name if name in CHOICES else "custom"
    if st.session_state.get("filt_preset_choice") != name:
        st.session_state.filt_preset_choice = name


def weights() -> np.ndarray:
    return np.stack([np.asarray(st.session_state[f"filt_w_{c}"], dtype=float) for c in range(CHANNELS)], axis=-1)


def init_from_link() -> None:
    """A session's first visit: settings from the URL; a malformed part → default + notice."""
    values = links.read_once(LINK, "filt")
    if values is None:
        if "filt_w_0" not in st.session_state:
            load_set("horizontal", 3)
        return
    name, size = values["fset"], values["k"]
    load_set(name if name != "custom" else "horizontal", size)
    if values["w"] is not None:  # a link's own numbers: named only when they ARE a preset
        _set_all(values["w"])
        st.session_state.filt_preset = matching_preset(values["w"])
    put("filt_size", size)
    put("filt_bias", values["b"])
    put("filt_digit", values["digit"])
    put("filt_seed", values["seed"])


def keep_widgets() -> None:
    keep("filt_size", 3)
    keep("filt_bias", 0.0)
    keep("filt_digit", 4)
    keep("filt_seed", 0)
    keep("filt_source", "sample")
    keep("filt_channel", 0)
    if st.session_state.filt_channel is None:  # never none open
        st.session_state.filt_channel = 0


def cell(oh: int, ow: int) -> tuple[int, int]:
    """The explained output cell, kept inside the map (a 5×5 set makes a smaller map): 0-based (row, col).

    The widgets hold it 1-based, as the slides count; call this before they are drawn."""
    for key, n in (("filt_row", oh), ("filt_col", ow)):
        keep(key, n // 2 + 1)
        st.session_state[key] = min(max(int(st.session_state[key]), 1), n)
    return st.session_state.filt_row - 1, st.session_state.filt_col - 1


def sync_link(w: np.ndarray) -> dict:
    """Write the setting into the address; returns it by link name (the notebook's settings too)."""
    name = st.session_state.get("filt_preset", "horizontal")
    custom = name not in FILTER_SET_PRESETS
    values = {"fset": "custom" if custom else name, "k": st.session_state.filt_size,
              "w": w if custom else None, "b": float(st.session_state.filt_bias),
              "digit": st.session_state.filt_digit, "seed": st.session_state.filt_seed}
    links.sync(LINK, values)
    return values


# ---- figures ----------------------------------------------------------------------------------


def chart(where, fig, key: str, config: dict | None = None) -> None:
    where.plotly_chart(fig, key=key, config=config or NO_BAR)


def channel_picture(values: np.ndarray, title: str, window: tuple[int, int, int, int], height: int):
    """One colour channel as greys (black 0 → white 255) with the filter's window on it."""
    fig = image(values, height=height, title=title)
    r0, c0, nr, nc = window
    fig.add_shape(type="rect", x0=c0 - 0.5, x1=c0 + nc - 0.5, y0=r0 - 0.5, y1=r0 + nr - 0.5,
                  line={"color": "#f5b800", "width": 3})
    return fig


TEXT = "rgb(49, 51, 63)"  # Streamlit's text colour (annotations default to a grey)
AXIS = {"showticklabels": False, "showgrid": False, "zeroline": False, "ticks": "", "constrain": "domain"}


def _colour_bar(y: float, length: float) -> dict:
    return {"thickness": 8, "len": length, "y": y, "yanchor": "middle", "x": 0.97, "xanchor": "left", "xpad": 4,
            "outlinewidth": 0, "nticks": 5, "tickfont": {"size": text_px(10)}}


def _place(fig: go.Figure, trace, n: int, x: tuple[float, float], y: tuple[float, float], title: str) -> None:
    """Trace n (1-based) on its own axes in the paper's [x] × [y] box, rows top-down, its title above it."""
    trace.update(xaxis=f"x{n}", yaxis=f"y{n}")
    fig.add_trace(trace)
    fig.layout[f"xaxis{n}"] = {**AXIS, "domain": list(x)}
    fig.layout[f"yaxis{n}"] = {**AXIS, "domain": list(y), "autorange": "reversed", "scaleanchor": f"x{n}",
                               "constraintoward": "top"}  # a narrow figure shrinks the map below its title
    fig.add_annotation(text=f"<b>{html.escape(title)}</b>", x=(x[0] + x[1]) / 2, y=y[1], xref="paper", yref="paper",
                       xanchor="center", yanchor="bottom", showarrow=False, font={"size": text_px(13), "color": TEXT})


def maps_figure(partials: np.ndarray, feature_map: np.ndarray, titles: list[str], at: tuple[int, int],
                height: int = 420) -> go.Figure:
    """The three partial maps and their sum + b (the ONE feature map) in a 2×2 grid on ONE colour scale
    (blue < 0 < red, one colour bar): a part is paler than the whole where the channels agree. The
    explained cell is boxed on each. One figure, so it never gets narrower than its colour bar (Plotly
    draws a chart at least 150 px wide, and a narrow column clipped the rest at 150 % zoom)."""
    fig = go.Figure()
    maps = [partials[..., c] for c in range(partials.shape[2])] + [feature_map]
    bound = shared_bound(np.stack(maps))
    xs, ys = ((0.0, 0.45), (0.49, 0.94)), ((0.54, 0.94), (0.0, 0.40))
    r0, c0 = at
    for n, values in enumerate(maps, start=1):
        trace = heatmap(values, annotate=False, zrange=(-bound, bound)).data[0]
        trace.update(showscale=n == 1, colorbar=_colour_bar(0.5, 0.9))
        _place(fig, trace, n, xs[(n - 1) % 2], ys[(n - 1) // 2], titles[n - 1])
        fig.add_shape(type="rect", xref=f"x{n}", yref=f"y{n}", x0=c0 - 0.5, x1=c0 + 0.5, y0=r0 - 0.5, y1=r0 + 0.5,
                      line={"color": "#f5b800", "width": 3})
    fig.update_layout(height=height, margin={"l": 4, "r": 40, "t": 24, "b": 4}, plot_bgcolor="rgba(0,0,0,0)")
    return fig


def filter_thumbs(w: np.ndarray, titles: list[str], height: int = 130) -> go.Figure:
    """The channels' filters side by side in ONE figure, numbers written in, on one colour scale.

    One figure rather than three narrow ones: at 150 % zoom a column ~80 px wide clipped a filter."""
    channels = w.shape[2]
    bound = shared_bound(w)
    gap = 0.08
    span = (1 - gap * (channels - 1)) / channels
    fig = go.Figure()
    for c in range(channels):
        trace = heatmap(w[..., c], annotate=True, zrange=(-bound, bound)).data[0]
        trace.update(showscale=False)
        left = c * (span + gap)
        _place(fig, trace, c + 1, (left, left + span), (0.0, 1.0), titles[c])
    fig.update_layout(height=height, margin={"l": 4, "r": 4, "t": 26, "b": 4}, plot_bgcolor="rgba(0,0,0,0)")
    return fig


def shared_bound(maps: np.ndarray) -> float:
    """The largest |value| over the partial maps: one colour scale for all three."""
    return float(np.abs(maps).max()) or 1.0


def enlarge_rgb(img: np.ndarray, scale: int = 6) -> Image.Image:
    pic = Image.fromarray(np.asarray(img, dtype=np.uint8), mode="RGB")
    return pic.resize((pic.width * scale, pic.height * scale), Image.Resampling.NEAREST)


def map_picture(values: np.ndarray, scale: int = 5) -> Image.Image:
    """A feature map as greys, min → black, max → white (each map scaled on its own)."""
    v = np.asarray(values, dtype=float)
    span = float(v.max() - v.min()) or 1.0
    grey = np.round((v - v.min()) / span * 255).astype(np.uint8)
    pic = Image.fromarray(grey, mode="L")
    return pic.resize((pic.width * scale, pic.height * scale), Image.Resampling.NEAREST)


def grey_legend(width: int = 240, height: int = 14) -> Image.Image:
    """A strip from black to white: the legend of map_picture's greys."""
    ramp = np.tile(np.linspace(0, 255, width), (height, 1)).astype(np.uint8)
    return Image.fromarray(ramp, mode="L")


def fmt(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".") if not float(v).is_integer() else f"{int(v):,}"

