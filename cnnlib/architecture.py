"""Layer stacks as plain dicts: output shapes and parameter counts without TensorFlow (§2, §5).

A stack is a list of dicts whose keys are the Keras arguments, e.g.
``{"type": "Conv2D", "filters": 6, "kernel_size": 5, "activation": "swish"}``.
``summarize(stack, input_shape)`` gives the rows of ``model.summary()`` with the slide's
formula for each count (``84 × (2400 + 1) = 201,684``); ``count_params`` the total.
The same spec builds the real Keras model in ``cnnlib.models.build_model``; the tests check
that both always agree, and that every stack refused here is one Keras cannot build either.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

from cnnlib.errors import LessonError

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
ALIASES = {
    "MaxPooling2D": "MaxPool2D",
    "AvgPool2D": "AveragePooling2D",
    "AveragePooling2D": "AveragePooling2D",
}
# What `model.summary()` shows in "(type)" and the snake_case base of Keras' automatic names.
KERAS_CLASS = {
    "Conv2D": "Conv2D",
    "MaxPool2D": "MaxPooling2D",
    "AveragePooling2D": "AveragePooling2D",
    "Flatten": "Flatten",
    "Dense": "Dense",
    "Dropout": "Dropout",
}
KERAS_NAME = {
    "Conv2D": "conv2d",
    "MaxPool2D": "max_pooling2d",
    "AveragePooling2D": "average_pooling2d",
    "Flatten": "flatten",
    "Dense": "dense",
    "Dropout": "dropout",
}
# Element-wise activations Keras accepts by name (glu and sparsemax left out: they are not
# applied cell by cell, and glu halves the last axis).
ACTIVATIONS = (
    None, "linear", "relu", "swish", "silu", "sigmoid", "softmax", "tanh", "elu", "selu", "gelu",
    "softplus", "softsign", "relu6", "leaky_relu", "mish", "hard_sigmoid", "hard_swish",
    "exponential", "log_softmax",
)
PADDINGS = ("valid", "same")


class StackError(LessonError):
    """A layer stack Keras cannot build; ``index`` is the 0-based layer at fault (None: the input)."""

    def __init__(self, ko: str, en: str, index: int | None = None):
        super().__init__(ko=ko, en=en)
        self.index = index


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

    def as_dict(self) -> dict:
        return asdict(self)


def _num(n: int) -> str:
    return f"{n:,}"


# ---------------------------------------------------------------------------------------------
# Validation of one layer's arguments


def canonical_type(layer: dict, index: int | None = None) -> str:
    kind = layer.get("type") if isinstance(layer, dict) else None
    kind = ALIASES.get(kind, kind)
    if kind not in LAYER_TYPES:
        raise StackError(
            ko=f"{_where_ko(index)}알 수 없는 층 종류입니다: {kind!r}. 가능한 종류: {', '.join(LAYER_TYPES)}",
            en=f"{_where_en(index)}unknown layer type {kind!r}. Known types: {', '.join(LAYER_TYPES)}",
            index=index,
        )
    return kind


def _where_ko(index: int | None) -> str:
    return "입력: " if index is None else f"{index + 1}번째 층: "


def _where_en(index: int | None) -> str:
    return "Input: " if index is None else f"Layer {index + 1}: "


def _pair(value, arg: str, index: int, kind: str) -> tuple[int, int]:
    """An int or a pair of ints ≥ 1 (kernel_size, strides, pool_size), as Keras accepts them."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        items = tuple(value)
    else:
        items = (value, value)
    if all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in items):
        return items
    raise StackError(
        ko=f"{_where_ko(index)}{kind}의 {arg}는 1 이상의 정수(또는 정수 두 개)여야 합니다: {value!r}",
        en=f"{_where_en(index)}{kind}'s {arg} must be a whole number ≥ 1 (or two of them): {value!r}",
        index=index,
    )


def normalize_layer(layer: dict, index: int | None = None) -> dict:
    """The layer with its type's defaults filled in, checked argument by argument."""
    kind = canonical_type(layer, index)
    allowed = LAYER_TYPES[kind]
    unknown = sorted(set(layer) - set(allowed) - {"type"})
    if unknown:
        raise StackError(
            ko=f"{_where_ko(index)}{kind}에는 {', '.join(unknown)} 인자가 없습니다",
            en=f"{_where_en(index)}{kind} takes no argument {', '.join(unknown)}",
            index=index,
        )
    out = {"type": kind, **allowed, **{k: v for k, v in layer.items() if k != "type"}}
    for arg in allowed:
        if out[arg] is None and arg not in ("activation", "strides"):
            raise StackError(
                ko=f"{_where_ko(index)}{kind}에는 {arg} 값이 필요합니다",
                en=f"{_where_en(index)}{kind} needs a value for {arg}",
                index=index,
            )
    for arg in ("filters", "units"):
        if arg in allowed:
            value = out[arg]
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
                raise StackError(
                    ko=f"{_where_ko(index)}{kind}의 {arg}는 1 이상의 정수여야 합니다 (받은 값: {value!r}). "
                    "필터셋이나 뉴런이 0개인 층은 아무것도 만들지 않습니다.",
                    en=f"{_where_en(index)}{kind}'s {arg} must be a whole number ≥ 1 (got {value!r}): "
                    "a layer with no filter sets or units makes nothing.",
                    index=index,
                )
    for arg in ("kernel_size", "pool_size"):
        if arg in allowed:
            out[arg] = _pair(out[arg], arg, index, kind)
    if "strides" in allowed:
        if out["strides"] is None:
            out["strides"] = out.get("pool_size", (1, 1))
        out["strides"] = _pair(out["strides"], "strides", index, kind)
    if "padding" in allowed and out["padding"] not in PADDINGS:
        raise StackError(
            ko=f"{_where_ko(index)}padding은 'valid' 또는 'same'이어야 합니다: {out['padding']!r}",
            en=f"{_where_en(index)}padding must be 'valid' or 'same': {out['padding']!r}",
            index=index,
        )
    if "activation" in allowed and out["activation"] not in ACTIVATIONS:
        raise StackError(
            ko=f"{_where_ko(index)}알 수 없는 활성화 함수입니다: {out['activation']!r}",
            en=f"{_where_en(index)}unknown activation {out['activation']!r}",
            index=index,
        )
    if kind == "Dropout":
        rate = out["rate"]
        if not (isinstance(rate, (int, float)) and not isinstance(rate, bool) and 0 <= rate <= 1):
            raise StackError(
                ko=f"{_where_ko(index)}Dropout의 rate는 0과 1 사이여야 합니다: {rate!r}",
                en=f"{_where_en(index)}Dropout's rate must be between 0 and 1: {rate!r}",
                index=index,
            )
    return out


def check_input_shape(input_shape) -> tuple[int, ...]:
    shape = tuple(input_shape) if isinstance(input_shape, (list, tuple)) else ()
    if not shape or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in shape):
        raise StackError(
            ko=f"입력 모양은 1 이상의 정수들이어야 합니다: {input_shape!r}",
            en=f"The input shape must be whole numbers ≥ 1: {input_shape!r}",
        )
    return shape


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
        raise StackError(
            ko=f"{_where_ko(index)}{kind}는 (높이, 너비, 채널) 3차원 특징맵이 필요한데 "
            f"들어오는 모양이 {_shape(shape)}입니다"
            + (" (Flatten이나 Dense 뒤에는 특징맵이 없습니다)" if len(shape) < 3 else ""),
            en=f"{_where_en(index)}{kind} needs a 3-D (height, width, channels) feature map but receives "
            f"{_shape(shape)}" + (" (after Flatten or Dense there is no feature map left)" if len(shape) < 3 else ""),
            index=index,
        )
    size = layer["kernel_size"] if kind == "Conv2D" else layer["pool_size"]
    strides, padding = layer["strides"], layer["padding"]
    dims, texts = [], []
    for n, k, s in zip(shape[:2], size, strides):
        out, text = _window_size(n, k, s, padding)
        dims.append(out)
        texts.append(text)
    if min(dims) <= 0:
        what_ko = "커널" if kind == "Conv2D" else "풀링 창"
        what_en = "kernel" if kind == "Conv2D" else "pooling window"
        raise StackError(
            ko=f"{_where_ko(index)}{what_ko} 크기({size[0]}×{size[1]})가 특징맵({shape[0]}×{shape[1]})보다 커서 "
            f"출력 크기가 0 이하가 됩니다 (padding='valid'). 더 작은 {what_ko}이나 padding='same'을 쓰세요.",
            en=f"{_where_en(index)}the {what_en} {size[0]}×{size[1]} is larger than the {shape[0]}×{shape[1]} "
            f"feature map, so the output size would be 0 or less (padding='valid'). "
            f"Use a smaller {what_en} or padding='same'.",
            index=index,
        )
    text = texts[0] if texts[0] == texts[1] else f"{texts[0]}; {texts[1]}"
    return (dims[0], dims[1]), text


def _shape(shape: tuple) -> str:
    return "(" + ", ".join(["None", *map(str, shape)]) + ")"


def summarize(stack: list[dict], input_shape) -> list[LayerRow]:
    """The rows of ``model.summary()`` for the stack on input_shape (batch axis None), input row first.

    >>> [r.params for r in summarize(PRESETS["dense_only"]["stack"], (28, 28))]
    [0, 0, 65940, 850]
    """
    shape = check_input_shape(input_shape)
    if not isinstance(stack, (list, tuple)):
        raise StackError(ko="층 목록이 필요합니다", en="A list of layers is needed")
    rows = [LayerRow("input_layer", "InputLayer", (None, *shape), 0)]
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


# ---------------------------------------------------------------------------------------------
# Keras code in the lecture's style


def _arg(value) -> str:
    if isinstance(value, tuple):
        return f"({value[0]}, {value[1]})" if value[0] != value[1] else str(value[0])
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def layer_code(layer: dict) -> str:
    """One layer as the lecture writes it: ``tf.keras.layers.Conv2D(3, kernel_size=5, activation='swish')``."""
    layer = normalize_layer(layer)
    kind = layer["type"]
    args: list[str] = []
    if kind == "Conv2D":
        args = [str(layer["filters"]), f"kernel_size={_arg(layer['kernel_size'])}"]
        if layer["strides"] != (1, 1):
            args.append(f"strides={_arg(layer['strides'])}")
    elif kind in ("MaxPool2D", "AveragePooling2D"):
        pool, strides = layer["pool_size"], layer["strides"]
        if kind == "AveragePooling2D" or pool != (2, 2):  # AveragePooling2D has no default pool_size
            args.append(f"pool_size={_arg(pool)}")
        if strides != pool:
            args.append(f"strides={_arg(strides)}")
    elif kind == "Dense":
        args = [str(layer["units"])]
    elif kind == "Dropout":
        args = [repr(layer["rate"])]
    if layer.get("padding", "valid") != "valid":
        args.append(f"padding='{layer['padding']}'")
    if layer.get("activation") is not None:
        args.append(f"activation='{layer['activation']}'")
    return f"tf.keras.layers.{kind}({', '.join(args)})"


_CODE_TEXT = {
    "ko": {
        "data": "# 데이터를 준비하고: 독립 = 이미지 {shape}, 종속 = 원-핫 레이블",
        "model": "# 모델을 만들고",
        "fit": "# 모델을 학습하고",
    },
    "en": {
        "data": "# Prepare the data: 독립 (independent) = images {shape}, 종속 (dependent) = one-hot labels",
        "model": "# Build the model",
        "fit": "# Train the model",
    },
}


def keras_code(stack: list[dict], input_shape, lang: str = "ko") -> str:
    """The stack as runnable Keras code in the lecture's style (functional API, X / H / Y).

    The data lines are comments (they need the dataset); the model lines run as they are.
    """
    shape = check_input_shape(input_shape)
    summarize(stack, shape)  # refuse what Keras would refuse, with our message
    text = _CODE_TEXT.get(lang, _CODE_TEXT["ko"])
    data_shape = "(N, " + ", ".join(map(str, shape)) + ")"
    lines = [
        "import tensorflow as tf",
        "import pandas as pd",
        "",
        text["data"].format(shape=data_shape),
        "# (독립, 종속), _ = tf.keras.datasets.mnist.load_data()",
        f"# 독립 = 독립.reshape(len(독립), {', '.join(map(str, shape))})",
        "# 종속 = pd.get_dummies(종속)",
        "",
        text["model"],
        f"X = tf.keras.layers.Input(shape=[{', '.join(map(str, shape))}])",
    ]
    if not stack:
        lines.append("Y = X")
    for i, layer in enumerate(stack):
        target = "Y" if i == len(stack) - 1 else "H"
        source = "X" if i == 0 else "H"
        lines.append(f"{target} = {layer_code(layer)}({source})")
    lines += [
        "model = tf.keras.models.Model(X, Y)",
        "model.compile(loss='categorical_crossentropy', metrics=['accuracy'])",
        "model.summary()",
        "",
        text["fit"],
        "# model.fit(독립, 종속, epochs=10)",
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# A stack as a short, URL-safe text: "i28x28x1_c3-k5-swish_m2_c6-k5-swish_m2_f_d84-swish_d10-softmax"
# Layers are separated by "_", a layer's fields by "-" (URLSearchParams leaves "-_." unescaped).

_CODE_OF = {"Conv2D": "c", "MaxPool2D": "m", "AveragePooling2D": "a", "Flatten": "f", "Dense": "d", "Dropout": "r"}
_TYPE_OF = {v: k for k, v in _CODE_OF.items()}
_ACT_TOKEN = {a: a.replace("_", ".") for a in ACTIVATIONS if a}
_ACT_OF = {v: k for k, v in _ACT_TOKEN.items()}


def _size_token(value: tuple[int, int]) -> str:
    return str(value[0]) if value[0] == value[1] else f"{value[0]}x{value[1]}"


def _parse_size(text: str):
    parts = text.split("x")
    if len(parts) not in (1, 2) or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    values = tuple(int(p) for p in parts)
    return values[0] if len(values) == 1 else values


def encode_stack(stack: list[dict], input_shape) -> str:
    """The stack and its input as one short URL-safe string; ``decode_stack`` reverses it.

    Every layer must have sensible arguments (StackError otherwise), but the stack need not fit
    its input: a link can show a stack that goes wrong, and the page explains why.
    """
    tokens = ["i" + "x".join(map(str, check_input_shape(input_shape)))]
    for index, raw in enumerate(stack):
        layer = normalize_layer(raw, index)
        kind = layer["type"]
        fields: list[str] = []
        if kind == "Conv2D":
            fields = [f"c{layer['filters']}", f"k{_size_token(layer['kernel_size'])}"]
            if layer["strides"] != (1, 1):
                fields.append(f"s{_size_token(layer['strides'])}")
        elif kind in ("MaxPool2D", "AveragePooling2D"):
            fields = [f"{_CODE_OF[kind]}{_size_token(layer['pool_size'])}"]
            if layer["strides"] != layer["pool_size"]:
                fields.append(f"s{_size_token(layer['strides'])}")
        elif kind == "Flatten":
            fields = ["f"]
        elif kind == "Dense":
            fields = [f"d{layer['units']}"]
        elif kind == "Dropout":
            fields = [f"r{layer['rate']!r}"]
        if layer.get("padding") == "same":
            fields.append("same")
        if layer.get("activation"):
            fields.append(_ACT_TOKEN[layer["activation"]])
        tokens.append("-".join(fields))
    return "_".join(tokens)


def decode_stack(text: str) -> tuple[list[dict], tuple[int, ...]]:
    """(stack, input_shape) from ``encode_stack``'s text; StackError if it cannot be read.

    The layers' arguments are checked; whether the stack fits its input is ``summarize``'s job.
    """
    try:
        tokens = text.split("_")
        if not tokens[0].startswith("i"):
            raise ValueError("no input")
        input_shape = tuple(int(d) for d in tokens[0][1:].split("x"))
        stack = []
        for token in tokens[1:]:
            fields = token.split("-")
            head = fields[0]
            kind = _TYPE_OF[head[0]]
            layer: dict = {"type": kind}
            if kind == "Conv2D":
                layer["filters"] = int(head[1:])
            elif kind in ("MaxPool2D", "AveragePooling2D"):
                layer["pool_size"] = _parse_size(head[1:])
            elif kind == "Dense":
                layer["units"] = int(head[1:])
            elif kind == "Dropout":
                layer["rate"] = float(head[1:])
            elif head != "f":
                raise ValueError(head)
            for field in fields[1:]:
                if field == "same" and kind in ("Conv2D", "MaxPool2D", "AveragePooling2D"):
                    layer["padding"] = "same"
                elif field in _ACT_OF and kind in ("Conv2D", "Dense"):
                    layer["activation"] = _ACT_OF[field]
                elif re.fullmatch(r"k\d+(x\d+)?", field) and kind == "Conv2D":
                    layer["kernel_size"] = _parse_size(field[1:])
                elif re.fullmatch(r"s\d+(x\d+)?", field) and kind != "Dense":
                    layer["strides"] = _parse_size(field[1:])
                else:
                    raise ValueError(field)
            stack.append(layer)
        input_shape = check_input_shape(input_shape)
        for index, layer in enumerate(stack):
            normalize_layer(layer, index)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as err:
        raise StackError(
            ko=f"층 설명을 읽을 수 없습니다: {text!r}",
            en=f"Cannot read the layer description {text!r}",
        ) from err
    return stack, input_shape
