"""State of the arithmetic page: defaults, the shareable link, presets (page-specific UI glue)."""

from __future__ import annotations

import re

import numpy as np
import streamlit as st

from cnnlib.convolution import ACTIVATIONS, PADDINGS, CellStep, padding_amounts
from cnnlib.digits import examples_of, reduce_to_grid
from cnnlib.filters import FILTER_PRESETS, INPUT_RANGE, WEIGHT_RANGE
from cnnlib.grids import bits_to_hex, grid_from_text, grid_to_text, hex_to_bits
from cnnlib.lecture import FOUR_8X8
from ui.charts import heatmap
from ui import links
from ui.state import keep, put

SIZE = 8
W_KEYS = [f"arith_w_{i}" for i in range(9)]
INPUT_PRESETS = ("four", "blank", "random", "digit")
_SEED = re.compile(r"[0-9]{1,9}")  # random:<seed> / digit:<n>, as input_spec writes them


def input_preset(name: str, arg: int = 0) -> np.ndarray:
    if name == "four":
        return FOUR_8X8.copy()
    if name == "random":
        return np.random.default_rng(arg).integers(0, 2, (SIZE, SIZE)).astype(float)
    if name == "digit":
        return reduce_to_grid(examples_of(int(arg) % 10, 1)[0], SIZE)
    return np.zeros((SIZE, SIZE))


def input_spec(x: np.ndarray, preset: str, arg: int) -> str:
    """How the URL names the input: a preset, or the drawing itself."""
    if preset in ("four", "blank") and np.array_equal(x, input_preset(preset)):
        return preset
    if preset in ("random", "digit") and np.array_equal(x, input_preset(preset, arg)):
        return f"{preset}:{arg}"
    bits = bits_to_hex(x)
    return f"bits:{bits}" if bits else f"grid:{grid_to_text(x)}"


def parse_input_spec(spec: str) -> tuple[np.ndarray, str, int]:
    """The inverse of input_spec; ValueError when the text names no input."""
    name, _, arg = spec.partition(":")
    if name in ("four", "blank") and not arg:
        return input_preset(name), name, 0
    if name in ("random", "digit") and _SEED.fullmatch(arg):  # ASCII digits only: "²".isdigit() but int("²") fails
        return input_preset(name, int(arg)), name, int(arg)
    if name == "bits":
        bits = hex_to_bits(arg, (SIZE, SIZE))
        if bits is not None:
            return bits, "custom", 0
    if name == "grid":
        checked = grid_from_text(arg, (SIZE, SIZE), *INPUT_RANGE)
        if checked.ok:
            return checked.values, "custom", 0
    raise ValueError(spec)


def parse_weights(text: str) -> np.ndarray | links.Adjusted:
    """A 3×3 filter from the link; out-of-range numbers are clamped (used, but named in the notice)."""
    checked = grid_from_text(text, (3, 3), *WEIGHT_RANGE)
    if not checked.ok:
        raise ValueError(text)
    return links.Adjusted(checked.values) if checked.problems else checked.values


LINK = links.Link(
    links.Param("x", (FOUR_8X8, "four", 0), parse_input_spec, lambda v: input_spec(*v)),
    links.Param("w", FILTER_PRESETS["lecture_horizontal"], parse_weights, grid_to_text),
    links.choice("pad", PADDINGS, "valid"),
    links.choice("stride", (1, 2, 3), 1, parse=int),
    links.choice("act", ACTIVATIONS, "none"),
)


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
