"""Streamlit side of the §3 filters page: the filter set in session_state and the URL, its figures.

State: ``filt_w_0`` … ``filt_w_2`` (one 2-D filter per channel, the source of truth, edited through
ui.weight_editor, one channel at a time), ``filt_preset`` (the preset they match, or "custom"),
``filt_preset_choice`` (the dropdown, copied from ``filt_preset`` before each draw), ``filt_channel``
(whose editor is open), ``filt_row``/``filt_col`` (the explained cell, 1-based as on the slides).
URL: ``fset`` (preset), ``k`` (3 or 5), ``w`` (the weights when edited), ``b``, ``digit``, ``seed``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
from PIL import Image

from cnnlib.filter_sets import CHANNEL_NAMES, FILTER_SET_PRESETS, filter_set_preset
from ui import links
from ui.charts import heatmap, image
from ui.page_links import FILTER_SETS as LINK
from ui.page_links import parse_set_weights as parse_weights  # noqa: F401
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


def small_map(values: np.ndarray, title: str, *, annotate: bool = False, at: tuple[int, int] | None = None,
              height: int = 190):
    """A feature map (or a filter) in the one colour meaning of every page's maps."""
    return heatmap(values, annotate=annotate, highlight=(*at, 1, 1) if at is not None else None,
                   height=height, title=title)


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

