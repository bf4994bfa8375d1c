"""The Keras code shown to students: a layer stack in the lecture's style (§2, §5).

Functional API with the lecture's names (``X = Input``, ``H = ...(X)``, ``Y``, ``Model(X, Y)``)
and without the slides' typos. The comments and the lecture's two data variable names are
words, so the caller supplies them: ``keras_code(stack, shape, ui.i18n.message)`` turns each
``CodeText`` (a code with parameters, domain "keras_code") into the page's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from cnnlib.architecture import check_input_shape, normalize_layer, summarize
from cnnlib.errors import Coded


@dataclass(frozen=True)
class CodeText(Coded):
    """One piece of words in the generated code, by code: a comment or a data variable's name."""

    domain: ClassVar[str] = "keras_code"
    codes: ClassVar[dict[str, tuple[str, ...]]] = {
        "data": ("shape", "x", "y"),  # what the commented data lines prepare
        "model": (),
        "fit": (),
        "independent": (),  # the lecture's (Korean) variable name for the inputs, "independent"
        "dependent": (),  # ... and for the one-hot labels, "dependent"
    }

    code: str
    params: dict = field(default_factory=dict)


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


def keras_code(stack: list[dict], input_shape, words: Callable[[CodeText], str]) -> str:
    """The stack as runnable Keras code in the lecture's style (functional API, X / H / Y).

    words: turns each ``CodeText`` into text (a page passes ``ui.i18n.message``).
    The data lines are comments (they need the dataset); the model lines run as they are.
    """
    shape = check_input_shape(input_shape)
    summarize(stack, shape)  # refuse what Keras would refuse, with our message
    dims = ", ".join(map(str, shape))
    x, y = words(CodeText("independent")), words(CodeText("dependent"))
    lines = [
        "import tensorflow as tf",
        "import pandas as pd",
        "",
        "# " + words(CodeText("data", {"shape": f"(N, {dims})", "x": x, "y": y})),
        f"# ({x}, {y}), _ = tf.keras.datasets.mnist.load_data()",
        f"# {x} = {x}.reshape(len({x}), {dims})",
        f"# {y} = pd.get_dummies({y})",
        "",
        "# " + words(CodeText("model")),
        f"X = tf.keras.layers.Input(shape=[{dims}])",
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
        "# " + words(CodeText("fit")),
        f"# model.fit({x}, {y}, epochs=10)",
    ]
    return "\n".join(lines) + "\n"
