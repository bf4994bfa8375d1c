"""§4 Convolution arithmetic: the page's input and filter as literals, the slide's loop, then Keras' Conv2D.

Leaves ``y``: the feature map (after the activation), equal to the page's map.
"""

from __future__ import annotations

from cnnlib.convolution import ACTIVATIONS, PADDINGS, padding_amounts
from cnnlib.filters import FILTER_PRESETS, INPUT_RANGE, WEIGHT_RANGE
from cnnlib.lecture import FOUR_8X8
from notebooks.cells import NotebookError, Writer, check_array, check_choice, header, literal

STRIDES = (1, 2, 3)


def defaults(page: str) -> dict:
    return {"x": FOUR_8X8.copy(), "w": FILTER_PRESETS["lecture_horizontal"].copy(), "pad": "valid", "stride": 1, "act": "none"}


def check(page: str, s: dict) -> dict:
    if isinstance(s["x"], tuple):  # as ui.arithmetic.LINK decodes it: (grid, preset, arg)
        s = {**s, "x": s["x"][0]}
    x = check_array(s, "x", 2, *INPUT_RANGE)
    w = check_array(s, "w", 2, *WEIGHT_RANGE, max_side=7)
    check_choice(s, "pad", PADDINGS)
    check_choice(s, "stride", STRIDES)
    check_choice(s, "act", ACTIVATIONS)
    if s["pad"] == "valid" and (w.shape[0] > x.shape[0] or w.shape[1] > x.shape[1]):
        raise NotebookError("bad_setting", name="w", value=f"array{w.shape}")
    return {**s, "x": x, "w": w}


def write(page: str, s: dict, w: Writer) -> None:
    x, k = s["x"], s["w"]
    (h, wd), (kh, kw) = x.shape, k.shape
    pad, stride, act = s["pad"], s["stride"], s["act"]
    header(w, page, "`y`")
    w.code("import numpy as np", "import tensorflow as tf", "import matplotlib.pyplot as plt")
    w.md(w.say("arith_input", shape=f"({h}, {wd}, 1)"))
    w.code(f"x = np.array({literal(x)}, dtype=float)", "print(x.shape)")
    w.md(w.say("arith_filter", shape=f"({kh}, {kw}, 1)"))
    w.code(f"w = np.array({literal(k)}, dtype=float)", "print(w)")
    w.md(w.say("arith_loop", pad=pad, stride=stride))
    top, bottom = padding_amounts(h, kh, stride, pad)
    left, right = padding_amounts(wd, kw, stride, pad)
    lines = [f"stride = {stride}"]
    if (top, bottom, left, right) == (0, 0, 0, 0):
        lines.append("xp = x")
    else:
        lines += [w.comment("arith_padding"), f"xp = np.pad(x, (({top}, {bottom}), ({left}, {right})))"]
    lines += [
        f"out_h = (xp.shape[0] - {kh}) // stride + 1",
        f"out_w = (xp.shape[1] - {kw}) // stride + 1",
        "y = np.zeros((out_h, out_w))",
        "for i in range(out_h):",
        "    for j in range(out_w):",
        f"        window = xp[i * stride : i * stride + {kh}, j * stride : j * stride + {kw}]",
        "        y[i, j] = np.sum(window * w)  # y1 = x1·w1 + x2·w2 + x3·w3 + x9·w4 + …",
    ]
    if act != "none":
        lines.append(w.comment("arith_activation", act=act))
        lines.append("y = np.maximum(y, 0)" if act == "relu" else "y = y / (1 + np.exp(-y))  # y · sigmoid(y)")
    w.code(*lines, "print(y)")
    w.md(w.say("arith_keras"))
    activation = "" if act == "none" else f", activation='{act}'"
    w.code(
        f"X = tf.keras.layers.Input(shape=[{h}, {wd}, 1])",
        f"Y = tf.keras.layers.Conv2D(1, kernel_size=({kh}, {kw}), strides={stride}, padding='{pad}'{activation}, "
        "use_bias=False)(X)",
        "model = tf.keras.models.Model(X, Y)",
        f"model.set_weights([w.reshape({kh}, {kw}, 1, 1)])",
        f"y_keras = model.predict(x.reshape(1, {h}, {wd}, 1), verbose=0)[0, :, :, 0]",
        w.comment("arith_same"),
        "print(np.allclose(y, y_keras, rtol=1e-5, atol=1e-3))",
    )
    w.code(
        "fig, axes = plt.subplots(1, 3, figsize=(10, 3.5))",
        "for ax, a, name in zip(axes, (x, w, y), ('x', 'w', 'y')):",
        "    ax.imshow(a, cmap='RdBu_r', vmin=-np.abs(a).max() - 1e-9, vmax=np.abs(a).max() + 1e-9)",
        "    ax.set_title(f'{name} {a.shape}')",
        "    for (r, c), v in np.ndenumerate(a):",
        "        ax.text(c, r, f'{v:g}', ha='center', va='center', fontsize=8)",
        "plt.show()",
    )
