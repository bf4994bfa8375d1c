"""A layer stack as a short, URL-safe text, so a link can carry it (§2, §5 lab; §6 "train this stack").

``"i28x28x1_c3-k5-swish_m2_c6-k5-swish_m2_f_d84-swish_d10-softmax"``: the input first, then one
token per layer. Layers are separated by "_", a layer's fields by "-" (URLSearchParams leaves
"-_." unescaped): c = Conv2D (k kernel, s strides), m / a = Max / Average pooling, f = Flatten,
d = Dense, r = Dropout; "same" for padding='same'; an activation by name ("." for "_").
"""

from __future__ import annotations

import re

from cnnlib.architecture import ACTIVATIONS, MAX_LAYERS, StackError, check_input_shape, check_layer_count, normalize_layer

_CODE_OF = {"Conv2D": "c", "MaxPool2D": "m", "AveragePooling2D": "a", "Flatten": "f", "Dense": "d", "Dropout": "r"}
_TYPE_OF = {v: k for k, v in _CODE_OF.items()}
_ACT_TOKEN = {a: a.replace("_", ".") for a in ACTIVATIONS if a}
_ACT_OF = {v: k for k, v in _ACT_TOKEN.items()}
# The longest layer token is about 40 characters ("c512-k31x31-s8x8-same-hard.sigmoid"); 64 per layer
# (and the input) bounds any text of MAX_LAYERS layers, so longer text is refused before it is split.
MAX_TEXT = 64 * (MAX_LAYERS + 1)
# Numbers in ASCII digits only: "²".isdigit() is True but int("²") fails, and int("٣") is 3.
_LIMIT_CODES = ("above_limit", "input_too_large")
_WHOLE = re.compile(r"[0-9]{1,6}")
_SIZE = re.compile(r"[0-9]{1,6}(x[0-9]{1,6})?")
_RATE = re.compile(r"[0-9]{1,3}(\.[0-9]{1,20})?(e-[0-9]{1,3})?")


def _whole(text: str) -> int:
    if not _WHOLE.fullmatch(text):
        raise ValueError(text)
    return int(text)


def _size_token(value: tuple[int, int]) -> str:
    return str(value[0]) if value[0] == value[1] else f"{value[0]}x{value[1]}"


def _parse_size(text: str):
    if not _SIZE.fullmatch(text):
        raise ValueError(text)
    values = tuple(int(p) for p in text.split("x"))
    return values[0] if len(values) == 1 else values


def encode_stack(stack: list[dict], input_shape) -> str:
    """The stack and its input as one short URL-safe string; ``decode_stack`` reverses it.

    Every layer must have sensible arguments (StackError otherwise), but the stack need not fit
    its input: a link can show a stack that goes wrong, and the page explains why.
    """
    check_layer_count(len(stack))
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
        layer["filters"] = _whole(head[1:])
    elif kind in ("MaxPool2D", "AveragePooling2D"):
        layer["pool_size"] = _parse_size(head[1:])
    elif kind == "Dense":
        layer["units"] = _whole(head[1:])
    elif kind == "Dropout":
        if not _RATE.fullmatch(head[1:]):
            raise ValueError(head)
        layer["rate"] = float(head[1:])
    elif head != "f":
        raise ValueError(head)
    for field in fields[1:]:
        if field == "same" and kind in ("Conv2D", "MaxPool2D", "AveragePooling2D"):
            layer["padding"] = "same"
        elif field in _ACT_OF and kind in ("Conv2D", "Dense"):
            layer["activation"] = _ACT_OF[field]
        elif field[:1] == "k" and kind == "Conv2D":
            layer["kernel_size"] = _parse_size(field[1:])
        elif field[:1] == "s" and kind not in ("Dense", "Flatten", "Dropout"):
            layer["strides"] = _parse_size(field[1:])
        else:
            raise ValueError(field)
    return layer


def decode_stack(text: str) -> tuple[list[dict], tuple[int, ...]]:
    """(stack, input_shape) from ``encode_stack``'s text; StackError("unreadable_text") if it cannot be read.

    The layers' arguments are checked, against the limits too (StackError "too_many_layers",
    "above_limit", "input_too_large"): a link asks for nothing the lab's widgets could not show.
    Whether the stack fits its input is ``summarize``'s job. The layer count and the length are
    checked before the text is split, so a huge link costs one pass over its characters.
    """
    if isinstance(text, str):
        check_layer_count(text.count("_"))
    try:
        if len(text) > MAX_TEXT:
            raise ValueError("too long")
        tokens = text.split("_")
        if not tokens[0].startswith("i") or not re.fullmatch(r"[0-9]{1,6}(x[0-9]{1,6}){0,2}", tokens[0][1:]):
            raise ValueError("no input")
        input_shape = tuple(int(d) for d in tokens[0][1:].split("x"))
        stack = [_layer(token) for token in tokens[1:]]
        check_input_shape(input_shape)
        for index, layer in enumerate(stack):
            normalize_layer(layer, index)
    except StackError as err:
        if err.code in _LIMIT_CODES:
            raise  # the limit, named as such
        raise StackError("unreadable_text", text=_shown(text)) from err
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as err:
        raise StackError("unreadable_text", text=_shown(text)) from err
    return stack, input_shape


def _shown(text) -> str:
    """The text as a message quotes it: at most 80 characters."""
    text = str(text)
    return text if len(text) <= 80 else text[:80] + "…"
