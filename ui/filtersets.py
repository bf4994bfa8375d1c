"""Streamlit side of the §3 filters page: the filter set in session_state and the URL, pictures.

State: ``filt_w_0`` … ``filt_w_2`` (one 2-D filter per channel, the source of truth, edited
through ui.grids.paste_box), ``filt_preset`` (the name they came from, or "custom").
URL: ``fset`` (preset), ``k`` (3 or 5), ``w`` (the weights when edited), ``b``, ``digit``, ``seed``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
from PIL import Image

from cnnlib.filter_sets import CHANNEL_NAMES, FILTER_SET_PRESETS, filter_set_preset
from ui import links
from ui.page_links import FILTER_SETS as LINK
from ui.page_links import parse_set_weights as parse_weights  # noqa: F401
from ui.state import keep, put

CHANNELS = len(CHANNEL_NAMES)


def load_set(name: str, size: int) -> None:
    """Set all three channel filters from a preset (a callback: runs before any widget is drawn)."""
    w = filter_set_preset(name, size, CHANNELS)
    for c in range(CHANNELS):
        st.session_state[f"filt_w_{c}"] = w[:, :, c]
        st.session_state.pop(f"filt_paste_{c}", None)  # the text boxes show the new numbers
    st.session_state.filt_preset = name


def on_size_change() -> None:
    name = st.session_state.get("filt_preset", "horizontal")
    load_set(name if name in FILTER_SET_PRESETS else "horizontal", st.session_state.filt_size)


def mark_custom(c: int):
    def apply(grid: np.ndarray) -> None:
        st.session_state[f"filt_w_{c}"] = grid
        st.session_state.filt_preset = "custom"

    return apply


def weights() -> np.ndarray:
    return np.stack([np.asarray(st.session_state[f"filt_w_{c}"], dtype=float) for c in range(CHANNELS)], axis=-1)


def init_from_link() -> None:
    """A session's first visit: settings from the URL; a malformed part → default + notice."""
    values = links.read_once(LINK, "filt")
    if values is None:
        return
    name, size = values["fset"], values["k"]
    load_set(name if name != "custom" else "horizontal", size)
    if values["w"] is not None:
        for c in range(CHANNELS):
            st.session_state[f"filt_w_{c}"] = values["w"][:, :, c]
        st.session_state.filt_preset = "custom"
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


def clamp_cell(oh: int, ow: int) -> None:
    """Keep the chosen output cell inside the map (before its number inputs are drawn)."""
    for key, n in (("filt_row", oh), ("filt_col", ow)):
        keep(key, n // 2)
        st.session_state[key] = min(max(int(st.session_state[key]), 0), n - 1)


def sync_link(w: np.ndarray) -> dict:
    """Write the setting into the address; returns it by link name (the notebook's settings too)."""
    name = st.session_state.get("filt_preset", "horizontal")
    custom = name not in FILTER_SET_PRESETS
    values = {"fset": "custom" if custom else name, "k": st.session_state.filt_size,
              "w": w if custom else None, "b": float(st.session_state.filt_bias),
              "digit": st.session_state.filt_digit, "seed": st.session_state.filt_seed}
    links.sync(LINK, values)
    return values


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


def fmt(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".") if not float(v).is_integer() else f"{int(v):,}"
