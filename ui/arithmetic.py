"""State of the arithmetic page: defaults, the shareable link, presets (page-specific UI glue)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnnlib.convolution import ACTIVATIONS, PADDINGS, CellStep, padding_amounts
from cnnlib.digits import examples_of, reduce_to_grid
from cnnlib.filters import FILTER_PRESETS, INPUT_RANGE, WEIGHT_RANGE
from cnnlib.grids import bits_to_hex, grid_from_text, grid_to_text, hex_to_bits
from cnnlib.lecture import FOUR_8X8
from ui.charts import heatmap
from ui.i18n import sync_query_param, t
from ui.state import keep, put

SIZE = 8
W_KEYS = [f"arith_w_{i}" for i in range(9)]
INPUT_PRESETS = ("four", "blank", "random", "digit")


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


def parse_input_spec(spec: str) -> tuple[np.ndarray, str, int] | None:
    name, _, arg = spec.partition(":")
    if name in ("four", "blank") and not arg:
        return input_preset(name), name, 0
    if name in ("random", "digit") and arg.isdigit() and len(arg) < 10:
        return input_preset(name, int(arg)), name, int(arg)
    if name == "bits":
        bits = hex_to_bits(arg, (SIZE, SIZE))
        return None if bits is None else (bits, "custom", 0)
    if name == "grid":
        checked = grid_from_text(arg, (SIZE, SIZE), *INPUT_RANGE)
        return (checked.values, "custom", 0) if checked.ok else None
    return None


def init_from_link() -> None:
    """A session's first visit: take the setting from the URL; a malformed part → default + notice."""
    if "arith_x" in st.session_state:
        return
    q, bad = st.query_params, []
    x, preset, arg = FOUR_8X8.copy(), "four", 0
    if "x" in q:
        parsed = parse_input_spec(q["x"])
        if parsed is None:
            bad.append("x")
        else:
            x, preset, arg = parsed
    w = FILTER_PRESETS["lecture_horizontal"]
    if "w" in q:
        checked = grid_from_text(q["w"], (3, 3), *WEIGHT_RANGE)
        if checked.ok:
            w = checked.values
        if checked.problems:
            bad.append("w")
    for key, allowed, default in (("pad", PADDINGS, "valid"), ("stride", ("1", "2", "3"), "1"), ("act", ACTIVATIONS, "none")):
        value = q.get(key, default)
        if value not in allowed:
            bad.append(key)
            value = default
        put(f"arith_{key}", int(value) if key == "stride" else value)
    st.session_state.arith_x = x
    st.session_state.arith_preset = (preset, arg)
    for key, v in zip(W_KEYS, np.asarray(w).ravel()):
        put(key, float(v))
    if bad:
        st.session_state.arith_bad_link = ", ".join(bad)


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


def sync_link(w: np.ndarray) -> None:
    preset, arg = st.session_state.arith_preset
    sync_query_param("x", input_spec(st.session_state.arith_x, preset, arg))
    sync_query_param("w", grid_to_text(w))
    sync_query_param("pad", st.session_state.arith_pad)
    sync_query_param("stride", str(st.session_state.arith_stride))
    sync_query_param("act", st.session_state.arith_act)


def bad_link_notice() -> None:
    bad = st.session_state.pop("arith_bad_link", None)
    if bad:
        st.warning(t("common.bad_link", what=bad))


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
