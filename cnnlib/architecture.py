"""Layer stacks as plain dicts: output shapes and parameter counts without TensorFlow (§2, §5).

A stack is a list of dicts whose keys are the Keras arguments, e.g.
``{"type": "Conv2D", "filters": 6, "kernel_size": 5, "activation": "swish"}``.
``summarize(stack, input_shape)`` gives the rows of ``model.summary()`` with the slide's
formula for each count (``84 × (2400 + 1) = 201,684``); ``count_params`` the total.
The same spec builds the real Keras model in ``cnnlib.models.build_model``; the tests check
that both always agree, and that every stack refused here is one Keras cannot build either,
apart from the lab's limits (``STACK_LIMITS``, ``MAX_LAYERS``): sizes no lecture model comes near.
The Keras code shown to students is ``cnnlib.keras_code``; a stack as link text ``cnnlib.stack_text``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import ClassVar

from cnnlib.errors import Coded, LessonError

# The layer types of the lab, with the Keras argument names each takes and their defaults.
# The spec's "type" may be any alias; Keras reports the class name in `model.summary()`.
LAYER_TYPES = {
    "Conv2D": {"filters": None, "kernel_size": None, "strides": 1, "padding": "valid", "activation": None},
    "MaxPool2D": {"pool_size": 2, "strides": None, "padding": "valid"},
    "AveragePooling2D": {"pool_size": 2, "strides": None, "padding": "valid"},
    "Flatten": {},
    "Dense": {"units": None, "activation": None},
    "Dropout": {"rate": None},
}
ALIASES = {"MaxPooling2D": "MaxPool2D", "AvgPool2D": "AveragePooling2D"}
# What `model.summary()` shows in "(type)" and the snake_case base of Keras' automatic names.
KERAS_CLASS = {"Conv2D": "Conv2D", "MaxPool2D": "MaxPooling2D", "AveragePooling2D": "AveragePooling2D",
               "Flatten": "Flatten", "Dense": "Dense", "Dropout": "Dropout"}
KERAS_NAME = {"Conv2D": "conv2d", "MaxPool2D": "max_pooling2d", "AveragePooling2D": "average_pooling2d",
              "Flatten": "flatten", "Dense": "dense", "Dropout": "dropout"}
# Element-wise activations Keras accepts by name (glu and sparsemax left out: they are not
# applied cell by cell, and glu halves the last axis).
ACTIVATIONS = (
    None, "linear", "relu", "swish", "silu", "sigmoid", "softmax", "tanh", "elu", "selu", "gelu",
    "softplus", "softsign", "relu6", "leaky_relu", "mish", "hard_sigmoid", "hard_swish",
    "exponential", "log_softmax",
)
PADDINGS = ("valid", "same")

# ONE set of limits for a stack, used by summarize (and so RunConfig.check), the link text
# (cnnlib.stack_text) and the lab's widgets (their min/max), so nothing a link asks for is beyond
# what the widgets can show, and nothing the widgets show is refused by a run.
# LeNet-5, the lecture's biggest model, has 8 layers; 32 leaves room for a student's experiments
# while every per-layer step (the editor's widgets, the figure, the Keras code) stays small
# (32 layers: ~0.05 s for the lab's whole page logic; 1,000 took minutes before the cap).
MAX_LAYERS = 32
# (low, high) per argument; the numbers are the lab's widget ranges, which every lecture model fits:
# 512 filter sets and 4,096 units are far above LeNet-5's 16 and 120; 31×31 kernels, strides of 8
# and 16×16 pools cover every example; 512×512 inputs with up to 64 channels take any picture the
# lecture shows (28×28×1, 32×32×3) with room to spare. A model's memory is checked separately.
STACK_LIMITS = {
    "filters": (1, 512),
    "units": (1, 4096),
    "kernel_size": (1, 31),
    "strides": (1, 8),
    "pool_size": (1, 16),
    "height": (1, 512),
    "width": (1, 512),
    "channels": (1, 64),
    "rate": (0.0, 1.0),
    "layers": (0, MAX_LAYERS),
}


@dataclass(frozen=True)
class LayerPosition(Coded):
    """Which layer of a stack a report is about, shown in front of its message ("Layer 3: ")."""

    domain: ClassVar[str] = "stack_errors"
    codes: ClassVar[dict[str, tuple[str, ...]]] = {"where_layer": ("n",)}

    code: ClassVar[str] = "where_layer"
    index: int  # 0-based; the words count from 1

    @property
    def params(self) -> dict:
        return {"n": self.index + 1}


class StackError(LessonError):
    """A layer stack Keras cannot build; ``index`` is the 0-based layer at fault (None: no layer).

    >>> err = StackError("kernel_too_large", index=2, window_h=7, window_w=7, map_h=6, map_w=6)
    >>> err.key, err.where.params
    ('stack_errors.kernel_too_large', {'n': 3})
    """

    domain = "stack_errors"
    codes = {
        "unknown_type": ("kind", "known"),
        "unknown_argument": ("kind", "args"),
        "missing_argument": ("kind", "arg"),
        "count_too_small": ("kind", "arg", "value"),
        "bad_size": ("kind", "arg", "value"),
        "bad_padding": ("value",),
        "unknown_activation": ("value",),
        "bad_rate": ("value",),
        "above_limit": ("kind", "arg", "value", "limit"),
        "bad_input_shape": ("shape",),
        "input_too_large": ("shape", "side", "channels"),
        "too_many_layers": ("count", "limit"),
        "too_big_to_build": ("needed", "budget"),  # cnnlib.models.check_buildable: more memory than a run may use
        "build_failed": ("error",),  # cnnlib.models: Keras could not build it (the exception's class name)
        "not_a_list": (),
        "needs_feature_map": ("kind", "shape"),
        "no_feature_map_left": ("kind", "shape"),
        "kernel_too_large": ("window_h", "window_w", "map_h", "map_w"),
        "pool_too_large": ("window_h", "window_w", "map_h", "map_w"),
        "unreadable_text": ("text",),  # cnnlib.stack_text: a link's stack that cannot be read
    }

    def __init__(self, code: str, /, *, index: int | None = None, **params):
        super().__init__(code, **params)
        self.index = index

    @property
    def where(self) -> LayerPosition | None:
        """The layer named in front of the message (``ui.i18n.message`` shows it), None for the whole stack."""
        return None if self.index is None else LayerPosition(self.index)


@dataclass(frozen=True)
class LayerRow:
    """One row of ``model.summary()``: name (type), output shape, params, and how they were counted.

    formula: the parameter count as on the slide, ``84 × (2400 + 1) = 201,684`` ("" when 0).
    shape_formula: how the output size follows from the input, ``(28 − 5) / 1 + 1 = 24``.
    note: a code for what a page should explain (``"dense_last_axis"``) or None.
    """

    name: str
    type: str
    output_shape: tuple
    params: int
    formula: str = ""
    shape_formula: str = ""
    note: str | None = None

    def shape_text(self) -> str:
        return "(" + ", ".join("None" if d is None else str(d) for d in self.output_shape) + ")"


def _num(n: int) -> str:
    return f"{n:,}"


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


# ---------------------------------------------------------------------------------------------
# Validation of one layer's arguments


def canonical_type(layer: dict, index: int | None = None) -> str:
    kind = layer.get("type") if isinstance(layer, dict) else None
    kind = ALIASES.get(kind, kind)
    if kind not in LAYER_TYPES:
        raise StackError("unknown_type", index=index, kind=kind, known=", ".join(LAYER_TYPES))
    return kind


def _pair(value, arg: str, index: int | None, kind: str) -> tuple[int, int]:
    """An int or a pair of ints ≥ 1 (kernel_size, strides, pool_size), as Keras accepts them."""
    items = tuple(value) if isinstance(value, (list, tuple)) and len(value) == 2 else (value, value)
    if not (_whole(items[0]) and _whole(items[1])):
        raise StackError("bad_size", index=index, kind=kind, arg=arg, value=value)
    high = STACK_LIMITS[arg][1]
    if max(items) > high:
        raise StackError("above_limit", index=index, kind=kind, arg=arg, value=value, limit=high)
    return items


def normalize_layer(layer: dict, index: int | None = None) -> dict:
    """The layer with its type's defaults filled in, checked argument by argument (a new dict each call).

    A page run checks its stack several times over (its link, its summary, its code, its notebook): the same layer
    is worked out once per process (keyed by each argument's type and value, so True is not 1 and 1.0 is not 1)."""
    try:
        key = tuple(sorted((name, type(value), value) for name, value in layer.items()))
        hash(key)
    except TypeError:  # a list (e.g. kernel_size=[3, 3]) or an odd key: work it out each time
        return _normalize_layer(layer, index)
    return dict(_normalized(key, index))


@functools.lru_cache(maxsize=4096)
def _normalized(key: tuple, index: int | None) -> dict:
    return _normalize_layer({name: value for name, _, value in key}, index)


def _normalize_layer(layer: dict, index: int | None = None) -> dict:
    kind = canonical_type(layer, index)
    allowed = LAYER_TYPES[kind]
    unknown = sorted(layer.keys() - allowed.keys() - {"type"})
    if unknown:
        raise StackError("unknown_argument", index=index, kind=kind, args=", ".join(unknown))
    out = {"type": kind, **allowed, **{k: v for k, v in layer.items() if k != "type"}}
    for arg in allowed:
        if out[arg] is None and arg not in ("activation", "strides"):
            raise StackError("missing_argument", index=index, kind=kind, arg=arg)
    for arg in ("filters", "units"):
        if arg in allowed and not _whole(out[arg]):
            raise StackError("count_too_small", index=index, kind=kind, arg=arg, value=out[arg])
        if arg in allowed and out[arg] > STACK_LIMITS[arg][1]:
            raise StackError("above_limit", index=index, kind=kind, arg=arg, value=out[arg], limit=STACK_LIMITS[arg][1])
    for arg in ("kernel_size", "pool_size"):
        if arg in allowed:
            out[arg] = _pair(out[arg], arg, index, kind)
    if "strides" in allowed:
        if out["strides"] is None:
            out["strides"] = out.get("pool_size", (1, 1))
        out["strides"] = _pair(out["strides"], "strides", index, kind)
    if "padding" in allowed and out["padding"] not in PADDINGS:
        raise StackError("bad_padding", index=index, value=out["padding"])
    if "activation" in allowed and out["activation"] not in ACTIVATIONS:
        raise StackError("unknown_activation", index=index, value=out["activation"])
    if kind == "Dropout":
        rate = out["rate"]
        low, high = STACK_LIMITS["rate"]
        if not (isinstance(rate, (int, float)) and not isinstance(rate, bool) and low <= rate <= high):
            raise StackError("bad_rate", index=index, value=rate)
    return out


def check_input_shape(input_shape) -> tuple[int, ...]:
    """Whole numbers ≥ 1; height and width (the first two) up to STACK_LIMITS' sides, any further axis up to its channels."""
    shape = tuple(input_shape) if isinstance(input_shape, (list, tuple)) else ()
    if not shape or not all(_whole(d) for d in shape):
        raise StackError("bad_input_shape", shape=input_shape)
    highs = (STACK_LIMITS["height"][1], STACK_LIMITS["width"][1])
    channels = STACK_LIMITS["channels"][1]
    if any(d > high for d, high in zip(shape, highs, strict=False)) or max(shape[2:], default=1) > channels:
        raise StackError("input_too_large", shape=shape, side=max(highs), channels=channels)
    return shape


def check_layer_count(count: int) -> None:
    """Refuse more than MAX_LAYERS layers (before any of them is looked at)."""
    if count > MAX_LAYERS:
        raise StackError("too_many_layers", count=count, limit=MAX_LAYERS)


# ---------------------------------------------------------------------------------------------
# Shapes and counts


def _window_size(n: int, k: int, s: int, padding: str) -> tuple[int, str]:
    """Output length of a sliding window over n cells, and how it is computed."""
    if padding == "same":
        return -(-n // s), f"⌈{n} / {s}⌉ = {-(-n // s)}"
    out = (n - k) // s + 1 if n >= k else 0
    text = f"({n} − {k}) / {s} + 1 = {out}" if s == 1 else f"⌊({n} − {k}) / {s}⌋ + 1 = {out}"
    return out, text


def _spatial(kind: str, layer: dict, shape: tuple, index: int) -> tuple[tuple, str]:
    """(H, W) → (H', W') for a convolution or pooling layer, refusing what Keras refuses."""
    if len(shape) != 3:
        # Flatten or Dense before it left no (height, width, channels) map at all
        code = "no_feature_map_left" if len(shape) < 3 else "needs_feature_map"
        raise StackError(code, index=index, kind=kind, shape=(None, *shape))
    size = layer["kernel_size"] if kind == "Conv2D" else layer["pool_size"]
    strides, padding = layer["strides"], layer["padding"]
    dims, texts = [], []
    for n, k, s in zip(shape[:2], size, strides, strict=True):
        out, text = _window_size(n, k, s, padding)
        dims.append(out)
        texts.append(text)
    if min(dims) <= 0:
        raise StackError("kernel_too_large" if kind == "Conv2D" else "pool_too_large", index=index,
                         window_h=size[0], window_w=size[1], map_h=shape[0], map_w=shape[1])
    text = texts[0] if texts[0] == texts[1] else f"{texts[0]}; {texts[1]}"
    return (dims[0], dims[1]), text


def summarize(stack: list[dict], input_shape, *, into: list | None = None) -> list[LayerRow]:
    """The rows of ``model.summary()`` for the stack on input_shape (batch axis None), input row first.

    One pass over the layers. ``into``: the list the rows are appended to (so a caller keeps the
    rows before a refusal, see ``summarize_partial``).

    >>> [r.params for r in summarize(PRESETS["dense_only"]["stack"], (28, 28))]
    [0, 0, 65940, 850]
    """
    shape = check_input_shape(input_shape)
    if not isinstance(stack, (list, tuple)):
        raise StackError("not_a_list")
    check_layer_count(len(stack))
    rows = [] if into is None else into
    rows.append(LayerRow("input_layer", "InputLayer", (None, *shape), 0))
    seen: dict[str, int] = {}
    for index, raw in enumerate(stack):
        layer = normalize_layer(raw, index)
        kind = layer["type"]
        base = KERAS_NAME[kind]
        name = base if base not in seen else f"{base}_{seen[base]}"
        seen[base] = seen.get(base, 0) + 1
        params, formula, shape_formula, note = 0, "", "", None
        if kind == "Conv2D":
            (h, w), shape_formula = _spatial(kind, layer, shape, index)
            kh, kw = layer["kernel_size"]
            c, f = shape[2], layer["filters"]
            params = f * (kh * kw * c + 1)
            formula = f"{f} × ({kh} × {kw} × {c} + 1) = {_num(params)}"
            shape = (h, w, f)
        elif kind in ("MaxPool2D", "AveragePooling2D"):
            (h, w), shape_formula = _spatial(kind, layer, shape, index)
            shape = (h, w, shape[2])
        elif kind == "Flatten":
            flat = math.prod(shape)
            if len(shape) > 1:
                shape_formula = " × ".join(map(str, shape)) + f" = {_num(flat)}"
            shape = (flat,)
        elif kind == "Dense":
            n, u = shape[-1], layer["units"]
            params = u * (n + 1)
            formula = f"{u} × ({n} + 1) = {_num(params)}"
            if len(shape) > 1:
                note = "dense_last_axis"
            shape = (*shape[:-1], u)
        rows.append(LayerRow(name, KERAS_CLASS[kind], (None, *shape), params, formula, shape_formula, note))
    return rows


def summarize_partial(stack: list[dict], input_shape) -> tuple[list[LayerRow], StackError | None]:
    """(the rows up to the first refused layer, the refusal or None), from one ``summarize`` pass.

    >>> rows, err = summarize_partial([{"type": "Flatten"}, {"type": "Conv2D", "filters": 1, "kernel_size": 1}], (4, 4))
    >>> len(rows), err.code, err.index
    (2, 'no_feature_map_left', 1)
    """
    rows: list[LayerRow] = []
    try:
        summarize(stack, input_shape, into=rows)
    except StackError as err:
        return rows, err
    return rows, None


def count_params(stack: list[dict], input_shape) -> int:
    """Total parameters, as ``model.count_params()`` gives them (e.g. 9,532 for the pooled stack)."""
    return sum(row.params for row in summarize(stack, input_shape))


def output_shape(stack: list[dict], input_shape) -> tuple:
    return summarize(stack, input_shape)[-1].output_shape


# ---------------------------------------------------------------------------------------------
# The slides' stacks


def _conv(filters: int, **extra) -> dict:
    return {"type": "Conv2D", "filters": filters, "kernel_size": 5, **extra, "activation": "swish"}


_POOL = {"type": "MaxPool2D"}
_FLAT = {"type": "Flatten"}
_SOFTMAX = {"type": "Dense", "units": 10, "activation": "softmax"}

PRESETS: dict[str, dict] = {
    # §5: Flatten → Dense(84) → Dense(10) on 28×28: 84·(784+1) + 10·(84+1) = 66,790
    "dense_only": {
        "input_shape": (28, 28),
        "stack": [_FLAT, {"type": "Dense", "units": 84, "activation": "swish"}, _SOFTMAX],
    },
    # §2/§5: Conv2D(3, 5) → Conv2D(6, 5) → Flatten → Dense(84) → Dense(10): 203,068
    "two_conv": {
        "input_shape": (28, 28, 1),
        "stack": [_conv(3), _conv(6), _FLAT, {"type": "Dense", "units": 84, "activation": "swish"}, _SOFTMAX],
    },
    # §5: the same with MaxPool2D after each Conv2D: 9,532
    "two_conv_pool": {
        "input_shape": (28, 28, 1),
        "stack": [_conv(3), _POOL, _conv(6), _POOL, _FLAT, {"type": "Dense", "units": 84, "activation": "swish"},
                  _SOFTMAX],
    },
    # §6: LeNet-5 as on the slide: 61,706
    "lenet5": {
        "input_shape": (28, 28, 1),
        "stack": [_conv(6, padding="same"), _POOL, _conv(16), _POOL, _FLAT,
                  {"type": "Dense", "units": 120, "activation": "swish"},
                  {"type": "Dense", "units": 84, "activation": "swish"}, _SOFTMAX],
    },
}


def preset(name: str) -> tuple[list[dict], tuple[int, ...]]:
    """A fresh copy (stack, input_shape) of a preset, safe to edit."""
    entry = PRESETS[name]
    return [dict(layer) for layer in entry["stack"]], tuple(entry["input_shape"])


def with_classes(stack: list[dict], classes: int) -> list[dict]:
    """A copy of a layer stack whose last layer is Dense(classes, softmax): LeNet-5's Dense(10) for
    ten digits becomes Dense(4) for four folders (§7)."""
    stack = [dict(layer) for layer in stack]
    if stack and stack[-1].get("type") == "Dense":
        stack[-1].update(units=classes, activation="softmax")
    else:
        stack.append({"type": "Dense", "units": classes, "activation": "softmax"})
    return stack
