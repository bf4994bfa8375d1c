"""State of the arithmetic page: defaults, the shareable link, presets, the step-through (page-specific UI glue).

The filter's one truth is the array ``st.session_state.arith_w`` (ui/weight_editor.py); its number
boxes keep the keys ``arith_w_0`` … ``arith_w_8`` that links, notebooks and tests have always used.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnnlib.convolution import CellStep, padding_amounts
from cnnlib.filters import FILTER_PRESETS, INPUT_RANGE, WEIGHT_RANGE
from links.pages import ARITHMETIC, SIZE, input_preset, input_spec, parse_input_spec, parse_weights  # noqa: F401
from ui import links
from ui.charts import heatmap_spec, ready
from ui.state import keep, put
from ui.weight_editor import set_grid

W = "arith_w"  # the filter's truth (a 3×3 float array)
W_BOX = "arith_w_{i}"  # its number boxes' keys (the old widget keys: arith_w_0 … arith_w_8)
CHOICE = "arith_filter_choice"
CUSTOM = "custom"
FILTER_CHOICES = (*FILTER_PRESETS, CUSTOM)
INPUT_PRESETS = ("four", "blank", "random", "digit")
LINK = ARITHMETIC
CELL = "arith_cell"
Y_BOUND = 9 * max(map(abs, WEIGHT_RANGE)) * max(map(abs, INPUT_RANGE))  # |y| can never be larger (before activation)
_ROW = '.st-key-{k} > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"]'
_ROWS = ", ".join(_ROW.format(k=k) for k in ("arith_top", "arith_work"))
_COLS = ", ".join(_ROW.format(k=k) + ' > [data-testid="stColumn"]' for k in ("arith_top", "arith_work"))
# Side by side from 1150 px of window width (1280×720 projector: x | w | y on one screen); narrower,
# e.g. 1280 px at 150 % zoom (853 px), the three parts stack so that no label or value is cut.
LAYOUT_CSS = (f"<style>@media (max-width: 1150px) {{ {_ROWS} {{ flex-wrap: wrap; }} "
              f"{_COLS} {{ width: 100% !important; flex: 1 1 100% !important; min-width: 100% !important; }} }}</style>")


def preset_of(w: np.ndarray) -> str:
    """The preset these weights are exactly, else "custom" (a link's weights are never named wrongly)."""
    for name, grid in FILTER_PRESETS.items():
        if np.array_equal(np.asarray(w, dtype=float), np.asarray(grid, dtype=float)):
            return name
    return CUSTOM


def init_from_link() -> None:
    """A session's first visit: take the setting from the URL; a malformed part → default + notice."""
    values = links.read_once(LINK, "arith")
    if values is None:
        return
    x, preset, arg = values["x"]
    st.session_state.arith_x = np.array(x, dtype=float)
    st.session_state.arith_preset = (preset, arg)
    put("arith_input_choice", preset if preset in INPUT_PRESETS else "blank")
    w = np.asarray(values["w"], dtype=float).reshape(3, 3)
    set_grid(W, w)
    put(CHOICE, preset_of(w))
    for key in ("pad", "stride", "act"):
        put(f"arith_{key}", values[key])


def keep_widgets() -> None:
    if W not in st.session_state:
        set_grid(W, FILTER_PRESETS["lecture_horizontal"])
    keep(CHOICE, preset_of(st.session_state[W]))
    keep("arith_input_choice", "four")
    keep("arith_digit", 4)
    keep("arith_pad", "valid")
    keep("arith_stride", 1)
    keep("arith_act", "none")


def choose_filter() -> None:
    """The preset dropdown's callback: a preset applies at once; "custom" keeps the weights."""
    name = st.session_state[CHOICE]
    put(CHOICE, name)
    if name in FILTER_PRESETS:
        set_grid(W, FILTER_PRESETS[name])


def mark_custom() -> None:
    """After a manual edit (slider, box, paste) the dropdown says "custom" — unless it is a preset exactly."""
    put(CHOICE, preset_of(st.session_state[W]))


def choose_input() -> None:
    """The input dropdown's callback (and the digit's, and "another random one"): applies at once."""
    name = st.session_state.arith_input_choice
    put("arith_input_choice", name)
    arg = (
        int(st.session_state.get("arith_digit", 4))
        if name == "digit"
        else int(np.random.default_rng().integers(1000))
        if name == "random"
        else 0
    )
    put("arith_digit", st.session_state.get("arith_digit", 4))
    st.session_state.arith_x = input_preset(name, arg)
    st.session_state.arith_preset = (name, arg)


def set_custom_input(grid: np.ndarray) -> None:
    st.session_state.arith_x = grid
    st.session_state.arith_preset = ("custom", 0)


def sync_link(w: np.ndarray) -> dict:
    """Write the setting into the address; returns it by link name (the notebook's settings too)."""
    preset, arg = st.session_state.arith_preset
    values = {
        "x": (st.session_state.arith_x, preset, arg),
        "w": w,
        "pad": st.session_state.arith_pad,
        "stride": st.session_state.arith_stride,
        "act": st.session_state.arith_act,
    }
    links.sync(LINK, values)
    return values


def step_cell(delta: int, n: int) -> None:
    """← / → buttons: the window one output cell back or on (wrapping), 1-based as on the slide."""
    st.session_state[CELL] = (int(st.session_state.get(CELL, 1)) - 1 + delta) % n + 1
    st.session_state.arith_playing = False


def toggle_play() -> None:
    """Play/pause (a callback: a click during a play tick is never lost)."""
    st.session_state.arith_playing = not st.session_state.get("arith_playing", False)


def input_figure(x: np.ndarray, step: CellStep, stride: int, padding: str, height: int = 300):
    """x with the window of `step`; with 'same' padding the zero ring is drawn too (dashed edge)."""
    (top, bottom), (left, right) = (padding_amounts(n, 3, stride, padding) for n in x.shape)
    padded = np.pad(x, ((top, bottom), (left, right)))
    spec = heatmap_spec(
        padded, diverging=False, highlight=(step.top + top, step.left + left, 3, 3), height=height, title="x", colorbar=False
    )
    if top or bottom or left or right:
        spec["layout"]["shapes"].insert(
            0,
            {
                "type": "rect",
                "x0": left - 0.5,
                "x1": left + x.shape[1] - 0.5,
                "y0": top - 0.5,
                "y1": top + x.shape[0] - 0.5,
                "line": {"color": "#4da3ff", "width": 2, "dash": "dash"},  # visible on the black zeros too
            },
        )
    return ready(spec)


def map_figure(y: np.ndarray, cell: tuple[int, int], title: str, height: int = 300):
    """The feature map, red/blue around 0 with its colour bar, the current cell circled."""
    return ready(heatmap_spec(y, marks=[cell], height=height, title=title))


def y20(y: np.ndarray) -> float | None:
    """Cell 20 counted row by row from 1, as the slide asks; None when the map has fewer cells."""
    flat = np.asarray(y, dtype=float).ravel()
    return round(float(flat[19]), 2) if flat.size >= 20 else None
