"""A layer stack as a short, URL-safe text, so a link can carry it (§2, §5 lab; §6 "train this stack").

``"i28x28x1_c3-k5-swish_m2_c6-k5-swish_m2_f_d84-swish_d10-softmax"``: the input first, then one
token per layer. Layers are separated by "_", a layer's fields by "-" (URLSearchParams leaves
"-_." unescaped): c = Conv2D (k kernel, s strides), m / a = Max / Average pooling, f = Flatten,
d = Dense, r = Dropout; "same" for padding='same'; an activation by name ("." for "_").
"""

from __future__ import annotations

import re

from cnnlib.architecture import ACTIVATIONS, StackError, check_input_shape, normalize_layer

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


def _layer(token: str) -> dict:
    """One layer's token ("c3-k5-swish") back to its spec dict; ValueError/KeyError if unreadable."""
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
    return layer


def decode_stack(text: str) -> tuple[list[dict], tuple[int, ...]]:
    """(stack, input_shape) from ``encode_stack``'s text; StackError("unreadable_text") if it cannot be read.

    The layers' arguments are checked; whether the stack fits its input is ``summarize``'s job.
    """
    try:
        tokens = text.split("_")
        if not tokens[0].startswith("i"):
            raise ValueError("no input")
        input_shape = check_input_shape(tuple(int(d) for d in tokens[0][1:].split("x")))
        stack = [_layer(token) for token in tokens[1:]]
        for index, layer in enumerate(stack):
            normalize_layer(layer, index)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as err:  # StackError is a ValueError
        raise StackError("unreadable_text", text=text) from err
    return stack, input_shape
