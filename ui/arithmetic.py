"""§4's record, its commits and widgets: the workbench (in the browser), presets, typed numbers.

The page's whole setting is one record (``links.pages.Arithmetic``: x, w, pad, stride, act, and the output cell
the window is on) kept by ``SETTING`` (ui/page_setting.py). The workbench (ui/workbench.py, static/workbench.js)
shows it and computes the map in the browser; an edit there comes back as one commit, which ``apply_commit``
turns into the next record. The presets and the typed numbers (``Cells``) edit the same record on the server.
The number boxes keep the keys ``arith_w_0`` … ``arith_w_8`` that tests have always used.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np

from cnnlib.convolution import ACTIVATIONS, PADDINGS, output_size
from cnnlib.filters import FILTER_PRESETS, INPUT_RANGE, WEIGHT_RANGE
from links.pages import ARITHMETIC, CUSTOM, INPUT_PRESETS, SIZE, Arithmetic, filter_preset_of, input_preset
from ui import class_session, workbench
from ui.charts import DIVERGING
from ui.grids import Cells
from ui.i18n import CATALOGUE, lang
from ui.page_setting import PageSetting
from ui.presenter import presenting
from ui.workbench import compact

SETTING = PageSetting("convolution-arithmetic", ARITHMETIC)
W = "arith_w"  # the filter's widgets: sliders arith_w_s0…, the paste box arith_w_paste
W_BOX = "arith_w_{i}"  # its number boxes' keys (the old widget keys: arith_w_0 … arith_w_8)
Y_BOUND = 9 * max(map(abs, WEIGHT_RANGE)) * max(map(abs, INPUT_RANGE))  # |y| can never be larger (before activation)
BENCH = "arith_bench"  # the workbench component's key
STRIDES = (1, 2, 3)
MAX_ARG = 999_999_999  # a preset's seed or digit, as the link reads it (links/pages.py: nine digits at most)
WEIGHT_STEP = 0.5  # the sliders' step, as the filter editors elsewhere (ui/weight_editor.py)
WORDS = {  # the workbench's words by the name the module uses: catalogue keys (words/arithmetic.py)
    name: f"arithmetic.{name}"
    for name in ("input", "filter", "padding", "padding.valid", "padding.same", "stride", "activation", "activation.none",
                 "activation.relu", "activation.swish", "activation_note", "size", "map_title", "step", "prev", "next",
                 "play", "pause", "cell", "window_note", "padding_ring", "activated", "save_png", "workbench", "input_preset",
                 "digit_pick", "reroll", "filter_preset", *(f"preset.{p}" for p in (*INPUT_PRESETS, CUSTOM)),
                 *(f"filter.{f}" for f in (*FILTER_PRESETS, CUSTOM)))
}

# the filter: a manual edit (slider, box, paste) names the preset the weights are, else "custom"
WEIGHTS = Cells(lambda: SETTING.get().w, lambda w: SETTING.update(w=w, filter_choice=filter_preset_of(w)))
# the input: a click on a cell or a paste makes it the student's own drawing
INPUT = Cells(lambda: SETTING.get().x, lambda x: SETTING.update(x=x, x_preset=CUSTOM, x_arg=0))


def bench_state(record: Arithmetic) -> dict:
    """The record as the workbench shows it (compact: a few hundred bytes)."""
    return {"x": compact(record.x), "x_preset": record.x_preset, "x_arg": record.x_arg, "w": compact(record.w),
            "pad": record.pad, "stride": record.stride, "act": record.act, "cell": record.cell,
            "playing": record.playing}


class_session.draws_live(SETTING.page, bench_state)  # a teacher's §4 edit reaches its students' workbenches as this state


@functools.lru_cache(maxsize=4)
def bench_kit(language: str) -> dict:
    """The workbench's words in one language, the colour scale and the presets (sent while the browser lacks them):
    the filters' weights (applied in the browser) and the inputs' names (drawn by the server, input_preset)."""
    return {"words": {name: CATALOGUE[key][language] for name, key in WORDS.items()}, "scale": DIVERGING,
            "filters": {name: compact(grid) for name, grid in FILTER_PRESETS.items()}, "inputs": list(INPUT_PRESETS)}


def _grid(values, shape: tuple[int, int], lo: float, hi: float) -> np.ndarray | None:
    """Numbers from the browser as a grid of `shape`, clamped to [lo, hi]; None when they are not such a grid."""
    try:
        grid = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return None
    if grid.size != shape[0] * shape[1] or not np.all(np.isfinite(grid)):
        return None
    return np.clip(grid.reshape(shape), lo, hi)


def apply_commit(record: Arithmetic, state: Mapping) -> Arithmetic:
    """The record after one commit of the workbench (its compact state: x, w, pad, stride, act, cell, playing). A value that
    cannot be used keeps the record's; a changed input is the student's own drawing, a changed filter names the
    preset it is exactly (else "custom"); a cell outside the new map goes back to y1."""
    changes: dict = {}
    preset, arg = state.get("x_preset"), state.get("x_arg")
    x = _grid(state.get("x"), (SIZE, SIZE), *INPUT_RANGE)
    if preset in INPUT_PRESETS and type(arg) is int and 0 <= arg <= MAX_ARG and (preset, arg) != (record.x_preset, record.x_arg):
        changes.update(x=input_preset(preset, arg), x_preset=preset, x_arg=arg)  # a preset chosen: the server draws it
    elif x is not None and not np.array_equal(x, record.x):
        changes.update(x=x, x_preset=CUSTOM, x_arg=0)
    w = _grid(state.get("w"), (3, 3), *WEIGHT_RANGE)
    if w is not None and not np.array_equal(w, record.w):
        changes.update(w=w, filter_choice=filter_preset_of(w))
    if state.get("pad") in PADDINGS:
        changes["pad"] = state["pad"]
    stride = state.get("stride")
    if type(stride) is int and stride in STRIDES:
        changes["stride"] = stride
    if state.get("act") in ACTIVATIONS:
        changes["act"] = state["act"]
    cell = state.get("cell")
    if type(cell) is int:
        changes["cell"] = cell
    if type(state.get("playing")) is bool:
        changes["playing"] = state["playing"]
    new = record.but(**changes)
    if not 1 <= new.cell <= output_size(SIZE, 3, new.stride, new.pad) ** 2:
        new = new.but(cell=1)
    same = all(getattr(new, name) == getattr(record, name) for name in ("pad", "stride", "act", "cell", "playing"))
    return record if same and "x" not in changes and "w" not in changes else new


def committed() -> None:
    """The workbench's on_commit_change: its commit into the page's record (before the script runs)."""
    commit = workbench.last_commit(BENCH)
    if commit:
        SETTING.set(apply_commit(SETTING.get(), commit))


def show_workbench(record: Arithmetic, size_shown: bool = True, y20_shown: bool = True, live: dict | None = None) -> None:
    """The workbench: input, filter, feature map, padding/stride/activation and the step-through, in the browser.
    size_shown=False: the output size and the map's shape read "?"; y20_shown=False: y20 reads "?" (the class's
    questions about them are open). live: a following student's live channel (ui/class_session.live_link)."""
    workbench.mount(BENCH, bench_state(record), bench_kit(lang()), present=presenting(), on_commit=committed,
                    extra=bench_extra(size_shown, y20_shown, live))


def bench_extra(size_shown: bool = True, y20_shown: bool = True, live: dict | None = None) -> dict:
    """The workbench's own data besides the state: the weights' range and step, the answers hidden, and (a
    following student) the live channel by which the teacher's next edits come."""
    extra = {"range": list(WEIGHT_RANGE), "step": WEIGHT_STEP, "secret": not size_shown, "hidden_cell": 0 if y20_shown else 20}
    if live is not None:
        extra["live"] = live
    return extra


def y20(y: np.ndarray) -> float | None:
    """Cell 20 counted row by row from 1, as the slide asks; None when the map has fewer cells."""
    flat = np.asarray(y, dtype=float).ravel()
    return round(float(flat[19]), 2) if flat.size >= 20 else None
