"""§4's widgets and figures: the page's record and its widgets, presets, the step-through.

The page's whole setting is one record (``links.pages.Arithmetic``: x, w, pad, stride, act) kept by
``SETTING`` (ui/page_setting.py); the filter's editor and the input grid edit its ``x`` and ``w`` through
``Cells``. The number boxes keep the keys ``arith_w_0`` … ``arith_w_8`` that tests have always used.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnnlib.convolution import CellStep, padding_amounts
from cnnlib.filters import FILTER_PRESETS, INPUT_RANGE, WEIGHT_RANGE
from links.pages import ARITHMETIC, CUSTOM, INPUT_PRESETS, filter_preset_of, input_preset
from ui.charts import heatmap_spec, ready
from ui.grids import Cells
from ui.page_setting import PageSetting

SETTING = PageSetting("convolution-arithmetic", ARITHMETIC)
W = "arith_w"  # the filter's widgets: sliders arith_w_s0…, the paste box arith_w_paste
W_BOX = "arith_w_{i}"  # its number boxes' keys (the old widget keys: arith_w_0 … arith_w_8)
CHOICE = "arith_filter_choice"
FILTER_CHOICES = (*FILTER_PRESETS, CUSTOM)
CELL = "arith_cell"
Y_BOUND = 9 * max(map(abs, WEIGHT_RANGE)) * max(map(abs, INPUT_RANGE))  # |y| can never be larger (before activation)
_ROW = '.st-key-{k} > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"]'
_ROWS = ", ".join(_ROW.format(k=k) for k in ("arith_top", "arith_work"))
_COLS = ", ".join(_ROW.format(k=k) + ' > [data-testid="stColumn"]' for k in ("arith_top", "arith_work"))
# Side by side from 1150 px of window width (1280×720 projector: x | w | y on one screen); narrower,
# e.g. 1280 px at 150 % zoom (853 px), the three parts stack so that no label or value is cut.
LAYOUT_CSS = (f"<style>@media (max-width: 1150px) {{ {_ROWS} {{ flex-wrap: wrap; }} "
              f"{_COLS} {{ width: 100% !important; flex: 1 1 100% !important; min-width: 100% !important; }} }}</style>")

# the filter: a manual edit (slider, box, paste) names the preset the weights are, else "custom"
WEIGHTS = Cells(lambda: SETTING.get().w, lambda w: SETTING.update(w=w, filter_choice=filter_preset_of(w)))
# the input: a click on a cell or a paste makes it the student's own drawing
INPUT = Cells(lambda: SETTING.get().x, lambda x: SETTING.update(x=x, x_preset=CUSTOM, x_arg=0))


def apply_filter_choice() -> None:
    """The preset dropdown's callback: a preset applies at once; "custom" keeps the weights."""
    name = SETTING.get().filter_choice
    if name in FILTER_PRESETS:
        SETTING.update(w=FILTER_PRESETS[name])


def shown_input(preset: str) -> str:
    """The input dropdown shows the preset the drawing came from ("blank" once it is one's own)."""
    return preset if preset in INPUT_PRESETS else "blank"


def choose_input(name: str | None = None, arg: int | None = None) -> None:
    """The input dropdown's, the digit's and "another random one"'s callback: the input applies at once."""
    record = SETTING.get()
    name = name or st.session_state.get("arith_input_choice", record.x_preset)
    if arg is None:
        arg = int(st.session_state.get("arith_digit", 4)) if name == "digit" else \
            int(np.random.default_rng().integers(1000)) if name == "random" else 0
    SETTING.update(x=input_preset(name, arg), x_preset=name, x_arg=arg)


def choose_digit() -> None:
    choose_input("digit", int(st.session_state.get("arith_digit", 4)))


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
