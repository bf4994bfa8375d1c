"""The layer-stack lab (§2, §5): the page's stack as the lecture's Keras code, its ``model.summary()``.

Leaves ``model``, whose ``count_params()`` is ``cnnlib.architecture.count_params`` of the stack.
The stack is checked by ``architecture.summarize`` first: what it refuses raises its StackError.
"""

from __future__ import annotations

from cnnlib.architecture import StackError, check_input_shape, count_params, preset, summarize
from cnnlib.keras_code import layer_code
from notebooks.cells import Writer, header


def defaults(page: str) -> dict:
    # cmp: the lab link's compared stacks, accepted so the link's values can be passed whole (not in the notebook)
    return {"stack": preset("two_conv")[0], "input_shape": preset("two_conv")[1], "cmp": ()}


def stack_and_shape(s: dict) -> tuple[list[dict], tuple]:
    """(stack, input shape): the link's ``(stack, shape)`` pair, or a list of layers with ``input_shape``."""
    stack, shape = s["stack"], s.get("input_shape")
    if isinstance(stack, tuple) and len(stack) == 2 and isinstance(stack[1], (tuple, list)):
        stack, shape = stack
    if not isinstance(stack, (list, tuple)):
        raise StackError("not_a_list")
    shape = check_input_shape(shape)
    summarize(list(stack), shape)  # a stack Keras cannot build: its StackError, in both languages
    return [dict(layer) for layer in stack], shape


def check(page: str, s: dict) -> dict:
    stack, shape = stack_and_shape(s)
    return {**s, "stack": stack, "input_shape": shape}


def model_lines(stack: list[dict], shape: tuple, last: str | None = None) -> list[str]:
    """``X = Input``, ``H = …(X)``, …, ``model = Model(X, Y)``; `last` replaces the last layer's code."""
    lines = [f"X = tf.keras.layers.Input(shape=[{', '.join(map(str, shape))}])"]
    if not stack:
        lines.append("Y = X")
    for i, layer in enumerate(stack):
        target, source = ("Y" if i == len(stack) - 1 else "H"), ("X" if i == 0 else "H")
        code = last if (last is not None and i == len(stack) - 1) else layer_code(layer)
        lines.append(f"{target} = {code}({source})")
    return [*lines, "model = tf.keras.models.Model(X, Y)"]


def write(page: str, s: dict, w: Writer) -> None:
    stack, shape = s["stack"], s["input_shape"]
    header(w, page, "`model`")
    w.code("import numpy as np", "import tensorflow as tf")
    w.md(w.say("stack_model"))
    w.code(*model_lines(stack, shape), "model.summary()")
    w.md(w.say("stack_total", total=f"{count_params(stack, shape):,}"))
    w.code("print(model.count_params())",
           f"print(model.predict(np.zeros((1, {', '.join(map(str, shape))})), verbose=0).shape)")

