"""State of the arithmetic page: defaults, the shareable link, presets (page-specific UI glue)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnnlib.convolution import CellStep, padding_amounts
from cnnlib.filters import FILTER_PRESETS
from ui.charts import heatmap
from ui import links
from ui.page_links import ARITHMETIC, SIZE, input_preset, input_spec, parse_input_spec, parse_weights  # noqa: F401
from ui.state import keep, put

W_KEYS = [f"arith_w_{i}" for i in range(9)]
INPUT_PRESETS = ("four", "blank", "random", "digit")
LINK = ARITHMETIC


def init_from_link() -> None:
    """A session's first visit: take the setting from the URL; a malformed part → default + notice."""
    values = links.read_once(LINK, "arith")
    if values is None:
        return
    x, preset, arg = values["x"]
    st.session_state.arith_x = np.array(x, dtype=float)
    st.session_state.arith_preset = (preset, arg)
    for key, v in zip(W_KEYS, np.asarray(values["w"]).ravel()):
        put(key, float(v))
    for key in ("pad", "stride", "act"):
        put(f"arith_{key}", values[key])


def keep_widgets() -> None:
    for key, v in zip(W_KEYS, FILTER_PRESETS["lecture_horizontal"].ravel()):
        keep(key, float(v))
    keep("arith_pad", "valid")
    keep("arith_stride", 1)
    keep("arith_act", "none")


def load_filter(name: str) -> None:
    for key, v in zip(W_KEYS, FILTER_PRESETS[name].ravel()):
        put(key, float(v))


def load_input(name: str, arg: int) -> None:
    st.session_state.arith_x = input_preset(name, arg)
    st.session_state.arith_preset = (name, arg)


def set_custom_input(grid: np.ndarray) -> None:
    st.session_state.arith_x = grid
    st.session_state.arith_preset = ("custom", 0)


def sync_link(w: np.ndarray) -> dict:
    """Write the setting into the address; returns it by link name (the notebook's settings too)."""
    preset, arg = st.session_state.arith_preset
    values = {"x": (st.session_state.arith_x, preset, arg), "w": w, "pad": st.session_state.arith_pad,
              "stride": st.session_state.arith_stride, "act": st.session_state.arith_act}
    links.sync(LINK, values)
    return values


def input_figure(x: np.ndarray, step: CellStep, stride: int, padding: str):
    """x with the window of `step`; with 'same' padding the zero ring is drawn too (dashed edge)."""
    (top, bottom), (left, right) = (padding_amounts(n, 3, stride, padding) for n in x.shape)
    padded = np.pad(x, ((top, bottom), (left, right)))
    fig = heatmap(padded, highlight=(step.top + top, step.left + left, 3, 3), height=340, title="x")
    if top or bottom or left or right:
        fig.add_shape(
            type="rect", x0=left - 0.5, x1=left + x.shape[1] - 0.5, y0=top - 0.5, y1=top + x.shape[0] - 0.5,
            line={"color": "#555", "width": 2, "dash": "dash"},
        )
    return fig
