"""Streamlit side of the layer-stack lab: the page's record, the layer editor, the bar charts.
The maths (shapes, counts, code, link text) is in cnnlib.architecture.

State: one record (``links.pages.Lab``) kept by ``SETTING`` (ui/page_setting.py): the stack (layer dicts,
the source of truth) on its input shape, the stacks to compare (as link text), the input choice and one
id per layer (``uids``: a layer's widgets keep their values when it moves).
"""

from __future__ import annotations

import itertools
import logging
import sys
import threading
import time

import plotly.graph_objects as go
import streamlit as st

from cnnlib.architecture import (
    MAX_LAYERS,
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
from ui.i18n import message, t
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
_UIDS = itertools.count()  # layer ids, unique in the process: a new stack never takes over an old layer's widgets
_KERAS_LOCK = threading.Lock()  # one Keras build at a time: Keras' name counters are global
_LOG = logging.getLogger(__name__)


def _high(arg: str):
    """A widget's maximum: the one limit cnnlib.architecture sets for links, summaries and runs alike."""
    return STACK_LIMITS[arg][1]


# ---- state and link -------------------------------------------------------------------------


def record() -> Lab:
    """The lab's record, with an id for every layer (a stack read from a link has none yet)."""
    lab = SETTING.get()
    if len(lab.uids) != len(lab.stack):
        lab = SETTING.update(uids=tuple(next(_UIDS) for _ in lab.stack))
    return lab


def set_stack(stack: list[dict], input_shape: tuple) -> None:
    """Replace the whole stack (preset, link, comparison): fresh widget ids, the input widgets follow."""
    shape = tuple(input_shape)
    SETTING.update(stack=tuple(dict(layer) for layer in stack), shape=shape, input_choice=lab_input_of(shape),
                   uids=tuple(next(_UIDS) for _ in stack))


def load_preset(name: str) -> None:
    set_stack(*preset(name))


def sync_link() -> str:
    """Write the lab into the address; returns the stack's link text."""
    return SETTING.sync()["stack"]


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


# ---- the layer editor -----------------------------------------------------------------------


def _move(i: int, step: int) -> None:
    lab = record()
    stack, uids = list(lab.stack), list(lab.uids)
    j = i + step
    if 0 <= j < len(stack):
        stack[i], stack[j] = stack[j], stack[i]
        uids[i], uids[j] = uids[j], uids[i]
        SETTING.update(stack=tuple(stack), uids=tuple(uids))


def _remove(i: int) -> None:
    lab = record()
    SETTING.update(stack=lab.stack[:i] + lab.stack[i + 1:], uids=lab.uids[:i] + lab.uids[i + 1:])


def add_layer(kind: str) -> None:
    """Convolution and pooling go before the first Flatten; Dense/Dropout/Flatten before a final softmax."""
    lab = record()
    stack = list(lab.stack)
    if len(stack) >= MAX_LAYERS:
        return
    kinds = [layer.get("type") for layer in stack]
    at = len(stack)
    if kind in ("Conv2D", "MaxPool2D", "AveragePooling2D") and "Flatten" in kinds:
        at = kinds.index("Flatten")
    elif stack and stack[-1].get("type") == "Dense" and stack[-1].get("activation") == "softmax":
        at = len(stack) - 1
    stack.insert(at, dict(NEW_LAYER[kind]))
    SETTING.update(stack=tuple(stack), uids=lab.uids[:at] + (next(_UIDS),) + lab.uids[at:])


def _int_input(col, label: str, key: str, value, low: int, high: int):
    """A square size/count as a number box; a non-square pair from a link is kept and shown."""
    if isinstance(value, (list, tuple)) and value[0] != value[1]:
        col.caption(f"{label}: {value[0]}×{value[1]}")
        return tuple(value)
    value = value[0] if isinstance(value, (list, tuple)) else value
    return int(col.number_input(label, low, high, int(value), key=key, width=W_NUMBER))


def editor(shape: tuple) -> tuple[list[dict], list[LayerRow], StackError | None]:
    """Every layer's row; under each, its output shape and count, or the refusal where the stack breaks.

    Returns (the stack as edited, its summary rows up to any refusal, the refusal or None): the
    shapes come from ONE summarize of the whole stack, not one per layer (linear in its length).
    """
    lab = record()
    count = len(lab.stack)
    edited = [layer_row(i, uid, layer, count) for i, (uid, layer) in enumerate(zip(lab.uids, lab.stack, strict=True))]
    stack = [layer for layer, _ in edited]
    SETTING.update(stack=tuple(stack))  # what the layers' widgets show now
    rows, error = summarize_partial(stack, shape)
    for i, (_, box) in enumerate(edited):
        if i + 1 < len(rows):
            row = rows[i + 1]
            box.markdown(
                ":gray[" + t("lab.row_out", shape=row.shape_text(), params=f"{row.params:,}") + "]"
            )  # not a caption: presenter mode hides those
        elif error is not None and error.index == i:
            box.error(error_text(error))
    return stack, rows, error


# widths in px: a row's widgets wrap onto a second line where the page is narrow (150 % zoom),
# instead of squeezing a select until its text is cut ("= pool size" → "= po…")
W_LABEL, W_NUMBER, W_SELECT, W_WIDE = 96, 88, 100, 132


def layer_row(i: int, uid: int, layer: dict, count: int) -> tuple[dict, st.delta_generator.DeltaGenerator]:
    """One layer's widgets in one wrapping line (number, kind, settings, move and remove); returns the layer
    as edited and its box."""
    spec = normalize_layer(layer, i)
    kind = spec["type"]
    k = f"lab_{uid}_"
    box = st.container(border=True, key=f"lab_row_{uid}")
    line = box.container(horizontal=True, vertical_alignment="bottom", gap="xsmall")
    line.markdown(f"**{i + 1} · {kind}**", width=W_LABEL if len(kind) <= 10 else "content")  # never cut in a word
    out: dict = {"type": kind}
    acts = {a: (a or t("lab.no_activation")) for a in dict.fromkeys([*ACTIVATION_CHOICES, spec.get("activation")])}
    if kind == "Conv2D":
        out["filters"] = int(
            line.number_input(t("lab.filters"), 1, _high("filters"), spec["filters"], key=k + "filters", width=W_NUMBER)
        )
        out["kernel_size"] = _int_input(line, t("lab.kernel_size"), k + "kernel", spec["kernel_size"], 1, _high("kernel_size"))
        out["strides"] = _int_input(line, t("lab.strides"), k + "strides", spec["strides"], 1, _high("strides"))
    elif kind in ("MaxPool2D", "AveragePooling2D"):
        out["pool_size"] = _int_input(line, t("lab.pool_size"), k + "pool", spec["pool_size"], 1, _high("pool_size"))
        pool, stride = spec["pool_size"], spec["strides"]
        if stride == pool or stride[0] == stride[1]:
            current = None if stride == pool else stride[0]
            options = {
                None: t("lab.same_as_pool"),
                **{s: str(s) for s in sorted({*range(1, _high("strides") + 1), current} - {None})},
            }
            chosen = line.selectbox(
                t("lab.pool_strides"),
                list(options),
                index=list(options).index(current),
                format_func=options.__getitem__,
                key=k + "strides",
                width=W_WIDE,
            )
        else:
            chosen = _int_input(line, t("lab.pool_strides"), k + "strides", stride, 1, _high("strides"))
        if chosen is not None:
            out["strides"] = chosen
    elif kind == "Dense":
        out["units"] = int(line.number_input(t("lab.units"), 1, _high("units"), spec["units"], key=k + "units", width=W_NUMBER))
    elif kind == "Dropout":
        out["rate"] = float(
            line.number_input(t("lab.rate"), *STACK_LIMITS["rate"], float(spec["rate"]), 0.05, key=k + "rate", width=W_WIDE)
        )
    else:
        line.caption(t("lab.flatten_note"), width=2 * W_WIDE)
    if "padding" in spec:
        out["padding"] = line.selectbox(
            t("lab.padding"), ["valid", "same"], index=["valid", "same"].index(spec["padding"]), key=k + "padding", width=W_SELECT
        )
    if "activation" in spec:
        out["activation"] = line.selectbox(
            t("lab.activation"),
            list(acts),
            index=list(acts).index(spec["activation"]),
            format_func=acts.__getitem__,
            key=k + "activation",
            width=W_WIDE,
        )
    moves = line.container(horizontal=True, wrap=False, width="content", gap="xxsmall")
    moves.button(
        "", icon=":material/arrow_upward:", key=f"lab_up_{uid}", help=t("lab.up"), on_click=_move, args=(i, -1), disabled=i == 0
    )
    moves.button(
        "",
        icon=":material/arrow_downward:",
        key=f"lab_down_{uid}",
        help=t("lab.down"),
        on_click=_move,
        args=(i, 1),
        disabled=i == count - 1,
    )
    moves.button("", icon=":material/close:", key=f"lab_remove_{uid}", help=t("lab.remove"), on_click=_remove, args=(i,))
    return out, box


# ---- the total, kept in view ----------------------------------------------------------------

# The bar with the total and "add layer" sticks under Streamlit's header while the layer editor
# scrolls (its scope is the editor's container, so it leaves with the last layer). Streamlit wraps
# a keyed container in a layout wrapper of the same height: that wrapper is what must stick. Not on
# very low screens (150 % zoom on a laptop): there it would cover half the page.
_STYLE = """<style>
@media (min-height: 560px) {
  [data-testid="stLayoutWrapper"]:has(> .st-key-lab_bar) { position: sticky; top: 3.75rem; z-index: 20; }
  .st-key-lab_bar { background: #ffffff; box-shadow: 0 2px 6px rgba(0, 0, 0, 0.08); }
}
</style>"""
# presenter mode: the total larger still than ui.presenter's metric values (more specific, also !important)
_PRESENTING = """<style>
[data-testid="stMain"] .st-key-lab_bar [data-testid="stMetricValue"],
[data-testid="stMain"] .st-key-lab_bar [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
  font-size: 56px !important; line-height: 1.15 !important; }
</style>"""


def style(presenting: bool) -> None:
    st.html(_STYLE + (_PRESENTING if presenting else ""))


def total_bar(bar, stack: list[dict], rows: list[LayerRow], error: StackError | None, shown: bool = True) -> int | None:
    """The stack's total (the headline, None while the stack is refused; "?" when not `shown`: the class's
    question about it is open), the layer kind to add and the button."""
    total = sum(r.params for r in rows) if error is None else None
    line = bar.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    line.metric(t("lab.total"), "—" if total is None else f"{total:,}" if shown else "?", width="content")
    kind = line.selectbox(t("lab.add_type"), LAYER_KINDS, key="lab_add_type", width=W_WIDE + 24)
    full = len(stack) >= MAX_LAYERS
    line.button(
        t("lab.add"),
        key="lab_add",
        on_click=add_layer,
        args=(kind,),
        type="primary",
        disabled=full,
        icon=":material/add:",
        help=t("lab.add_full", limit=MAX_LAYERS) if full else None,
    )
    return total


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


def compare_add(text: str) -> None:
    compared = SETTING.get().cmp
    if len(compared) < MAX_COMPARE:
        SETTING.update(cmp=(*compared, text))


def compare_story() -> None:
    SETTING.update(cmp=tuple(encode_stack(*preset(n)) for n in ("two_conv", "two_conv_pool")))


def compare_clear() -> None:
    SETTING.update(cmp=())


def compare_remove(i: int) -> None:
    compared = SETTING.get().cmp
    SETTING.update(cmp=compared[:i] + compared[i + 1:])


def compare_load(text: str) -> None:
    set_stack(*decode_stack(text))


def param_bars(rows, title: str | None = None, ymax: float | None = None, height: int = 300, numbered: bool = False) -> go.Figure:
    """Parameters per layer as bars, each labelled with its count (the input row left out).

    numbered: the layers by their 1-based number in the editor (1, 2, …) instead of "name (type)",
    for the narrow comparison columns where long names piled on each other; hovering names them.
    """
    rows = [r for r in rows if r.type != "InputLayer"]
    names = [f"{r.name}<br>({r.type})" for r in rows]
    fig = go.Figure(
        go.Bar(
            x=[str(i) for i in range(1, len(rows) + 1)] if numbered else names,
            y=[r.params for r in rows],
            customdata=names,
            text=[f"{r.params:,}" for r in rows],
            textposition="outside",
            constraintext="none",
            cliponaxis=False,
            marker_color="#4c78a8",
            hovertemplate="%{customdata}: %{y:,}<extra></extra>",
        )
    )
    fig.update_layout(
        height=height,
        margin={"l": 4, "r": 4, "t": 32 if title else 8, "b": 4},
        title=title,
        xaxis={"type": "category"},
        yaxis={"range": [0, (ymax or max([r.params for r in rows] or [1]) or 1) * 1.18], "tickformat": ","},
    )
    return fig


def error_text(err: StackError) -> str:
    return message(err)
