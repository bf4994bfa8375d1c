"""Streamlit side of the layer-stack lab: the page's record, the layer editor, the bar charts.
The maths (shapes, counts, code, link text) is in cnnlib.architecture.

State: one record (``links.pages.Lab``) kept by ``SETTING`` (ui/page_setting.py): the stack (layer dicts,
the source of truth) on its input shape, the stacks to compare (as link text) and the input choice.

The layer editor (the total, "add layer" and one row per layer: its kind, its settings, move and remove) is ONE
browser component, ``static/stacklab.js`` mounted by ui/workbench.py: no Streamlit widget per layer (each
number box or select scans the whole session state on every run: N rows cost O(N²), docs/streamlit.md). An edit
comes back as ONE commit ``{seq, stack}`` of the whole stack; ``apply_commit`` checks it against the limits of
cnnlib.architecture (a commit that cannot be used is ignored, a number beyond a limit is clamped) and keeps it
in the record, from which the link, the table, the chart, the question, the notebook and the class follow.
"""

from __future__ import annotations

import functools
import logging
import math
import sys
import threading
import time
from collections.abc import Mapping

import streamlit as st

from cnnlib.architecture import (
    ACTIVATIONS,
    ALIASES,
    LAYER_TYPES,
    MAX_LAYERS,
    PADDINGS,
    PRESETS,
    STACK_LIMITS,
    LayerRow,
    StackError,
    normalize_layer,
    preset,
    summarize_partial,
)
from cnnlib.stack_text import decode_stack, encode_stack
from links.pages import CUSTOM, LAB, LAB_INPUTS, MAX_COMPARE, Lab, lab_input_of
from ui import workbench as bench
from ui.charts import ready
from ui.i18n import CATALOGUE, message, t
from ui.page_setting import PageSetting

SETTING = PageSetting("layer-stack-lab", LAB)
LAYER_KINDS = ("Conv2D", "MaxPool2D", "AveragePooling2D", "Flatten", "Dense", "Dropout")
NEW_LAYER = {
    "Conv2D": {"type": "Conv2D", "filters": 8, "kernel_size": 3, "activation": "swish"},
    "MaxPool2D": {"type": "MaxPool2D"},
    "AveragePooling2D": {"type": "AveragePooling2D", "pool_size": 2},
    "Flatten": {"type": "Flatten"},
    "Dense": {"type": "Dense", "units": 32, "activation": "swish"},
    "Dropout": {"type": "Dropout", "rate": 0.25},
}
ACTIVATION_CHOICES = (None, "swish", "relu", "sigmoid", "tanh", "softmax", "linear", "elu", "gelu", "leaky_relu")
RATE_STEP = 0.05
BENCH = "lab_bench"  # the editor's component key (ui/workbench.py, static/stacklab.js)
MODULE = "stacklab.js"
WORDS = {name: f"lab.{name}" for name in (  # the editor's words by the name the module uses: catalogue keys (words/lab.py)
    "editor", "total", "add_type", "add", "add_full", "up", "down", "remove", "kind", "layer_n", "filters", "kernel_size",
    "strides", "padding", "activation", "no_activation", "pool_size", "pool_strides", "same_as_pool", "units", "rate",
    "flatten_note")}
_KERAS_LOCK = threading.Lock()  # one Keras build at a time: Keras' name counters are global
_LOG = logging.getLogger(__name__)


def _high(arg: str):
    """A setting's maximum: the one limit cnnlib.architecture sets for links, summaries and runs alike."""
    return STACK_LIMITS[arg][1]


# ---- state and link -------------------------------------------------------------------------


def record() -> Lab:
    """The lab's record (read from the address on the first visit of a session)."""
    return SETTING.get()


def set_stack(stack: list[dict], input_shape: tuple) -> None:
    """Replace the whole stack (preset, link, comparison): the input widgets follow."""
    shape = tuple(input_shape)
    SETTING.update(stack=tuple(dict(layer) for layer in stack), shape=shape, input_choice=lab_input_of(shape))


def load_preset(name: str) -> None:
    set_stack(*preset(name))


def sync_link() -> str:
    """Write the lab into the address; returns the stack's link text."""
    return SETTING.sync()["stack"]


def link_text() -> str:
    """The stack's link text as the record holds it now (a button outside the editor's fragment reads it at its click)."""
    lab = SETTING.get()
    return encode_stack(list(lab.stack), lab.shape)


def _choose_input() -> None:
    lab = SETTING.get()
    if lab.input_choice in LAB_INPUTS:
        SETTING.update(shape=LAB_INPUTS[lab.input_choice])


def _set_size(axis: int) -> None:
    """A custom input's height, width or channels (0 channels: no channel axis)."""
    h, w, c = (*SETTING.get().shape, 0)[:3]
    size = [h, w, c]
    size[axis] = int(st.session_state[("lab_h", "lab_w", "lab_c")[axis]])
    SETTING.update(shape=tuple(size) if size[2] else tuple(size[:2]))


def input_shape_widget() -> tuple:
    options = [*LAB_INPUTS, CUSTOM]
    choice = st.radio(t("lab.input"), options, horizontal=True, format_func={o: t(f"lab.input.{o}") for o in options}.__getitem__,
                      **SETTING.bind("lab_input_choice", "input_choice", then=_choose_input))
    shape = SETTING.get().shape
    if choice != CUSTOM:
        return shape
    c1, c2, c3 = st.columns(3)
    h, w, c = (*shape, 0)[:3]
    for axis, (col, key, label, value) in enumerate(((c1, "lab_h", "height", h), (c2, "lab_w", "width", w),
                                                     (c3, "lab_c", "channels", c))):
        if st.session_state.get(key) != value:
            st.session_state[key] = value
        col.number_input(t(f"lab.{label}"), 0 if axis == 2 else 1, _high(label), key=key, on_change=_set_size, args=(axis,))
    return SETTING.get().shape


# ---- the layer editor in the browser: static/stacklab.js ------------------------------------


@functools.lru_cache(maxsize=4)
def bench_kit(language: str) -> dict:
    """The editor's words in one language, the layer kinds with a new layer of each, the activations and the limits
    (sent while the browser lacks them)."""
    words = {name: CATALOGUE[key][language] for name, key in WORDS.items()}
    words["add_full"] = words["add_full"].replace("{limit}", str(MAX_LAYERS))
    limits = {arg: list(STACK_LIMITS[arg]) for arg in ("filters", "units", "kernel_size", "strides", "pool_size", "rate")}
    return {"words": words, "kinds": list(LAYER_KINDS), "new": NEW_LAYER, "activations": list(ACTIVATION_CHOICES),
            "paddings": list(PADDINGS), "limits": limits, "rate_step": RATE_STEP, "max_layers": MAX_LAYERS}


def _square(value):
    """A size as the editor shows it: one number for a square pair, the pair itself otherwise."""
    if isinstance(value, (list, tuple)):
        return int(value[0]) if value[0] == value[1] else [int(v) for v in value]
    return value


def editor_layer(layer: Mapping, index: int) -> dict:
    """A layer as the editor shows and commits it: its kind's every setting (defaults filled in), square sizes as one
    number; a pooling layer's strides None where they equal its pool size ("= pool size")."""
    try:
        spec = normalize_layer(dict(layer), index)
    except StackError:  # not from a link or a commit (both are checked): shown by its kind alone
        return {"type": str(layer.get("type"))}
    out = {name: _square(value) for name, value in spec.items()}
    if spec["type"] in ("MaxPool2D", "AveragePooling2D") and spec["strides"] == spec["pool_size"]:
        out["strides"] = None
    return out


def bench_state(stack: list[dict], rows: list[LayerRow], error: StackError | None, total: str) -> dict:
    """What the editor shows: the layers, under each its output shape and count (or the refusal, where the stack breaks)
    from the page's ONE summarize, and the total's text."""
    lines: list[dict | None] = []
    out = t("lab.row_out", shape="{shape}", params="{params}")  # the words once, not once per layer
    for i in range(len(stack)):
        if i + 1 < len(rows):
            row = rows[i + 1]
            lines.append({"text": out.format(shape=row.shape_text(), params=f"{row.params:,}")})
        elif error is not None and error.index == i:
            lines.append({"text": error_text(error), "error": True})
        else:
            lines.append(None)
    return {"layers": [editor_layer(layer, i) for i, layer in enumerate(stack)], "lines": lines, "total": total}


def _number(value, arg: str, whole: bool = True):
    """A committed number within STACK_LIMITS[arg] (clamped), or None when it is no finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    low, high = STACK_LIMITS[arg]
    value = min(max(value, low), high)
    return int(round(value)) if whole else round(float(value), 6)


def _size(value, arg: str):
    """A committed size: one number, or a pair (a non-square size a link gave), each clamped; None when unusable."""
    if isinstance(value, (list, tuple)):
        pair = [_number(v, arg) for v in value] if len(value) == 2 else [None]
        return None if None in pair else (pair[0] if pair[0] == pair[1] else tuple(pair))
    return _number(value, arg)


def clean_layer(raw) -> dict | None:
    """One committed layer as the record keeps it, or None when it cannot be used (not a layer, an unknown kind or
    setting, a value that is no number, an unknown padding or activation)."""
    if not isinstance(raw, Mapping):
        return None
    kind = ALIASES.get(raw.get("type"), raw.get("type"))
    if kind not in LAYER_TYPES or set(raw) - set(LAYER_TYPES[kind]) - {"type"}:
        return None
    out: dict = {"type": kind}
    for arg, default in LAYER_TYPES[kind].items():
        value = raw.get(arg, default)
        if arg == "strides" and value is None and kind != "Conv2D":
            continue  # a pooling layer's strides: its pool size
        if arg in ("padding", "activation"):
            if value not in (PADDINGS if arg == "padding" else ACTIVATIONS):
                return None
            out[arg] = value
            continue
        value = _number(value, arg, whole=False) if arg == "rate" else _size(value, arg)
        if value is None:
            return None
        out[arg] = value
    try:
        normalize_layer(out)
    except StackError:
        return None
    return out


def apply_commit(lab: Lab, commit: Mapping) -> Lab:
    """The record after one commit of the editor ({stack: the layers}); a commit that cannot be used keeps the record.
    More than MAX_LAYERS layers: the first MAX_LAYERS."""
    raw = commit.get("stack")
    if not isinstance(raw, list):
        return lab
    stack = [clean_layer(layer) for layer in raw[:MAX_LAYERS]]
    if any(layer is None for layer in stack):
        return lab
    return lab.but(stack=tuple(stack)) if tuple(stack) != lab.stack else lab


def committed() -> None:
    """The editor's on_commit_change: its commit into the page's record (before the script runs)."""
    commit = bench.last_commit(BENCH)
    if commit:
        SETTING.set(apply_commit(SETTING.get(), commit))


def editor(shape: tuple, present: bool, lang: str, shown: bool = True) -> tuple[list[dict], list[LayerRow],
                                                                              StackError | None, int | None]:
    """The layer editor; returns (the stack, its summary rows up to any refusal, the refusal or None, the total or None
    while the stack is refused). The shapes come from ONE summarize of the whole stack (linear in its length).
    shown: False while the class's question about the total is open (the editor shows "?")."""
    stack = list(SETTING.get().stack)
    rows, error = summarize_partial(stack, shape)
    total = sum(r.params for r in rows) if error is None else None
    text = "—" if total is None else f"{total:,}" if shown else "?"
    bench.mount(BENCH, bench_state(stack, rows, error, text), bench_kit(lang), present=present, on_commit=committed,
                module=MODULE)
    return stack, rows, error, total


# ---- keras, on demand -----------------------------------------------------------------------


def keras_summary(stack: list[dict], shape: tuple) -> tuple[str, list, int, float]:
    """(summary text, Keras rows, count_params, build+summary ms); loads TensorFlow the first time.

    StackError when it cannot be shown: "too_big_to_build" (refused by the memory estimate before
    Keras allocates anything) or "build_failed" (whatever else Keras raised; its traceback goes to the log).
    """
    from cnnlib.models import SUMMARY_MEMORY_MB, build_model, keras_rows, summary_text
    from services.settings import run_memory_mb

    with _KERAS_LOCK:
        start = time.perf_counter()
        try:
            model = build_model(stack, shape, budget_mb=min(SUMMARY_MEMORY_MB, run_memory_mb()))
            text = summary_text(model)
            rows, total = keras_rows(model), model.count_params()
        except StackError:
            raise
        except Exception as err:  # e.g. TensorFlow's ResourceExhaustedError: a message on the page, never a traceback
            _LOG.exception("Keras could not build the lab's stack")
            raise StackError("build_failed", error=type(err).__name__) from err
        ms = (time.perf_counter() - start) * 1000
        return text, rows, total, ms


def tensorflow_loaded() -> bool:
    return "keras" in sys.modules and "tensorflow" in sys.modules


# ---- comparison -----------------------------------------------------------------------------


def stack_label(text: str, n: int) -> str:
    for name, entry in PRESETS.items():
        if encode_stack(entry["stack"], entry["input_shape"]) == text:
            return t(f"lab.preset.{name}")
    return t("lab.custom_stack", n=n)


def compare_add() -> None:
    compared = SETTING.get().cmp
    if len(compared) < MAX_COMPARE:
        SETTING.update(cmp=(*compared, link_text()))


def compare_story() -> None:
    SETTING.update(cmp=tuple(encode_stack(*preset(n)) for n in ("two_conv", "two_conv_pool")))


def compare_clear() -> None:
    SETTING.update(cmp=())


def compare_remove(i: int) -> None:
    compared = SETTING.get().cmp
    SETTING.update(cmp=compared[:i] + compared[i + 1:])


def compare_load(text: str) -> None:
    set_stack(*decode_stack(text))


def param_bars(rows, title: str | None = None, ymax: float | None = None, height: int = 300, numbered: bool = False):
    """Parameters per layer as bars, each labelled with its count (the input row left out); a ready Plotly spec
    (ui/charts.ready: not validated again on every edit).

    numbered: the layers by their 1-based number in the editor (1, 2, …) instead of "name (type)",
    for the narrow comparison columns where long names piled on each other; hovering names them.
    """
    rows = [r for r in rows if r.type != "InputLayer"]
    names = [f"{r.name}<br>({r.type})" for r in rows]
    bars = {
        "type": "bar",
        "x": [str(i) for i in range(1, len(rows) + 1)] if numbered else names,
        "y": [r.params for r in rows],
        "customdata": names,
        "text": [f"{r.params:,}" for r in rows],
        "textposition": "outside",
        "constraintext": "none",
        "cliponaxis": False,
        "marker": {"color": "#4c78a8"},
        "hovertemplate": "%{customdata}: %{y:,}<extra></extra>",
    }
    layout = {
        "height": height,
        "margin": {"l": 4, "r": 4, "t": 32 if title else 8, "b": 4},
        "xaxis": {"type": "category"},
        "yaxis": {"range": [0, (ymax or max([r.params for r in rows] or [1]) or 1) * 1.18], "tickformat": ","},
    }
    if title:
        layout["title"] = {"text": title}
    return ready({"data": [bars], "layout": layout})


def error_text(err: StackError) -> str:
    return message(err)
