"""§3 Filters: one filter set (k, k, 3) over a colour picture makes ONE map; the lecture's Conv2D(3) → Conv2D(6).

Leaves ``feature_map`` (the filter set's map + bias, as ``apply_filter_set``) and ``maps``
(the two layers' maps on the digit, as ``lecture_stack``).
"""

from __future__ import annotations

import numpy as np

from cnnlib.digits import examples_of
from cnnlib.filter_sets import (
    FILTER_SET_PRESETS,
    KERNEL_SIZES,
    LECTURE_FILTERS,
    WEIGHT_RANGE,
    filter_set_preset,
    sample_colour_image,
)
from notebooks.cells import NotebookError, Writer, check_array, check_choice, check_int, check_number, header, literal


def defaults(page: str) -> dict:
    return {"k": 3, "fset": "horizontal", "w": None, "b": 0.0, "digit": 4, "seed": 0, "image": None}


def check(page: str, s: dict) -> dict:
    check_choice(s, "k", KERNEL_SIZES)
    check_choice(s, "fset", (*FILTER_SET_PRESETS, "custom"))
    check_number(s, "b", -100.0, 100.0)
    check_int(s, "digit", 0, 9)
    check_int(s, "seed", 0, 9999)
    k = s["k"]
    if s["w"] is None:  # as the page: a preset's weights ("custom" without weights: horizontal)
        weights = filter_set_preset(s["fset"] if s["fset"] != "custom" else "horizontal", k, 3)
    else:
        weights = check_array(s, "w", 3, *WEIGHT_RANGE)
        if weights.shape != (k, k, 3):
            raise NotebookError("bad_setting", name="w", value=f"array{weights.shape}")
    picture = sample_colour_image() if s["image"] is None else check_array(s, "image", 3, 0, 255, max_side=512)
    if picture.shape[2] != 3 or picture.shape[0] < k or picture.shape[1] < k:
        raise NotebookError("bad_setting", name="image", value=f"array{picture.shape}")
    return {**s, "w": weights, "image": np.asarray(picture, dtype=float), "b": float(s["b"])}


def write(page: str, s: dict, w: Writer) -> None:
    picture, weights, k, bias = s["image"], s["w"], s["k"], s["b"]
    h, wd, _ = picture.shape
    header(w, page, "`feature_map`, `maps`")
    w.code("import numpy as np", "import tensorflow as tf", "import matplotlib.pyplot as plt")
    w.md(w.say("filters_picture", shape=f"({h}, {wd}, 3)"))
    w.code(*(f"x_{name} = np.array({literal(picture[:, :, c])}, dtype=float)" for c, name in enumerate("RGB")),
           "x = np.stack([x_R, x_G, x_B], axis=-1)", "print(x.shape)", "plt.imshow(x / 255)", "plt.show()")
    w.md(w.say("filters_set", shape=f"({k}, {k}, 3)"))
    w.code(*(f"w_{name} = np.array({literal(weights[:, :, c])}, dtype=float)" for c, name in enumerate("RGB")),
           "w = np.stack([w_R, w_G, w_B], axis=-1)", f"b = {bias!r}", "print(w.shape)")
    w.md(w.say("filters_sum"))
    w.code(
        f"out_h, out_w = {h} - {k} + 1, {wd} - {k} + 1",
        "partials = np.zeros((out_h, out_w, 3))",
        "for c in range(3):",
        "    for i in range(out_h):",
        "        for j in range(out_w):",
        f"            partials[i, j, c] = np.sum(x[i : i + {k}, j : j + {k}, c] * w[:, :, c])",
        "feature_map = partials.sum(axis=-1) + b",
        "print(feature_map.shape)",
    )
    w.md(w.say("filters_keras"))
    w.code(
        f"X = tf.keras.layers.Input(shape=[{h}, {wd}, 3])",
        f"Y = tf.keras.layers.Conv2D(1, kernel_size={k})(X)",
        "model = tf.keras.models.Model(X, Y)",
        f"model.set_weights([w.reshape({k}, {k}, 3, 1), np.array([b])])",
        f"map_keras = model.predict(x.reshape(1, {h}, {wd}, 3), verbose=0)[0, :, :, 0]",
        "print(np.allclose(feature_map, map_keras, rtol=1e-5, atol=1e-2))",
        "fig, axes = plt.subplots(1, 4, figsize=(14, 3.5))",
        "for c, name in enumerate('RGB'):",
        "    axes[c].imshow(partials[:, :, c], cmap='RdBu_r')",
        "    axes[c].set_title(name)",
        "axes[3].imshow(feature_map, cmap='RdBu_r')",
        "axes[3].set_title('feature_map')",
        "plt.show()",
    )
    digit = examples_of(s["digit"], 1)[0]
    first, second = LECTURE_FILTERS
    w.md(w.say("filters_stack", seed=s["seed"]))
    w.code(f"digit_image = np.array({literal(digit)}, dtype=float) / 255", "print(digit_image.shape)")
    w.md(w.say("filters_glorot"))
    w.code(
        f"rng = np.random.default_rng({s['seed']})",
        "",
        "def glorot_uniform(shape):",
        "    kh, kw, c_in, c_out = shape",
        "    limit = np.sqrt(6.0 / (kh * kw * c_in + kh * kw * c_out))",
        "    return rng.uniform(-limit, limit, shape)",
        "",
        f"kernel1 = glorot_uniform((5, 5, 1, {first}))",
        f"kernel2 = glorot_uniform((5, 5, {first}, {second}))",
        "X = tf.keras.layers.Input(shape=[28, 28, 1])",
        f"H = tf.keras.layers.Conv2D({first}, kernel_size=5, activation='swish')(X)",
        f"Y = tf.keras.layers.Conv2D({second}, kernel_size=5, activation='swish')(H)",
        "model = tf.keras.models.Model(X, [H, Y])",
        f"model.set_weights([kernel1, np.zeros({first}), kernel2, np.zeros({second})])",
        "model.summary()",
        "first, second = model.predict(digit_image.reshape(1, 28, 28, 1), verbose=0)",
        "maps = (first[0], second[0])",
        "print(maps[0].shape, maps[1].shape)",
        "fig, axes = plt.subplots(2, 6, figsize=(14, 5))",
        "for ax in axes.ravel():",
        "    ax.axis('off')",
        f"for f in range({first}):",
        "    axes[0, f].imshow(maps[0][:, :, f], cmap='gray')",
        f"for f in range({second}):",
        "    axes[1, f].imshow(maps[1][:, :, f], cmap='gray')",
        "plt.show()",
    )
