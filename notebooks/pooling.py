"""§5 Max-pooling: the page's feature map as a literal, the largest value of each window, then Keras' MaxPool2D.

Leaves ``pooled``, equal to the page's pooled map, and ``pooled_digit``: the page's second part, a
pattern filter's map of a digit ('same', ReLU) max-pooled 2×2 (``max_pool2d(pattern_map(...), 2)``).
"""

from __future__ import annotations

from cnnlib.digits import examples_of
from cnnlib.filters import FILTER_PRESETS, INPUT_RANGE, PATTERN_FILTERS
from cnnlib.lecture import POOLING_EXAMPLE_6X6
from notebooks.cells import NotebookError, Writer, check_array, check_choice, check_int, header, literal

SIZES = (2, 3)
STRIDES = (None, 1, 2, 3)


def defaults(page: str) -> dict:
    return {"map": POOLING_EXAMPLE_6X6.copy(), "size": 2, "stride": None, "digit": 4, "filter": PATTERN_FILTERS[0]}


def check(page: str, s: dict) -> dict:
    fmap = check_array(s, "map", 2, *INPUT_RANGE)
    check_choice(s, "size", SIZES)
    check_choice(s, "stride", STRIDES)
    check_int(s, "digit", 0, 9)
    check_choice(s, "filter", PATTERN_FILTERS)
    if fmap.shape[0] < s["size"] or fmap.shape[1] < s["size"]:
        raise NotebookError("bad_setting", name="map", value=f"array{fmap.shape}")
    return {**s, "map": fmap}


def write(page: str, s: dict, w: Writer) -> None:
    fmap, size = s["map"], s["size"]
    stride = s["stride"] or size
    h, wd = fmap.shape
    header(w, page, "`pooled`")
    w.code("import numpy as np", "import tensorflow as tf", "import matplotlib.pyplot as plt")
    w.md(w.say("pool_map", shape=f"({h}, {wd})"))
    w.code(f"feature_map = np.array({literal(fmap)}, dtype=float)", "print(feature_map.shape)")
    w.md(w.say("pool_loop", size=size, stride=stride))
    w.code(
        f"size, stride = {size}, {stride}",
        "out_h = (feature_map.shape[0] - size) // stride + 1",
        "out_w = (feature_map.shape[1] - size) // stride + 1",
        "pooled = np.zeros((out_h, out_w))",
        "for i in range(out_h):",
        "    for j in range(out_w):",
        "        pooled[i, j] = feature_map[i * stride : i * stride + size, j * stride : j * stride + size].max()",
        "print(pooled)",
    )
    w.md(w.say("pool_keras"))
    strides = "" if stride == size else f", strides={stride}"
    w.code(
        f"X = tf.keras.layers.Input(shape=[{h}, {wd}, 1])",
        f"Y = tf.keras.layers.MaxPool2D(pool_size={size}{strides})(X)",
        "model = tf.keras.models.Model(X, Y)",
        f"pooled_keras = model.predict(feature_map.reshape(1, {h}, {wd}, 1), verbose=0)[0, :, :, 0]",
        w.comment("pool_same"),
        "print(np.allclose(pooled, pooled_keras, rtol=1e-6, atol=1e-4))",
    )
    w.code(
        "fig, axes = plt.subplots(1, 2, figsize=(8, 4))",
        "for ax, a, name in zip(axes, (feature_map, pooled), ('feature_map', 'pooled')):",
        "    ax.imshow(a, cmap='viridis')",
        "    ax.set_title(f'{name} {a.shape}')",
        "    for (r, c), v in np.ndenumerate(a):",
        "        ax.text(c, r, f'{v:g}', ha='center', va='center', color='white', fontsize=9)",
        "plt.show()",
    )
    digit = examples_of(s["digit"], 1)[0]
    w.md(w.say("pool_digit", digit=s["digit"], pattern=s["filter"]))
    w.code(
        f"image = np.array({literal(digit)}, dtype=float) / 255",
        f"w = np.array({literal(FILTER_PRESETS[s['filter']])}, dtype=float)",
        "X = tf.keras.layers.Input(shape=[28, 28, 1])",
        "H = tf.keras.layers.Conv2D(1, kernel_size=3, padding='same', activation='relu', use_bias=False)(X)",
        "Y = tf.keras.layers.MaxPool2D()(H)",
        "model = tf.keras.models.Model(X, [H, Y])",
        "model.set_weights([w.reshape(3, 3, 1, 1)])",
        "digit_map, pooled_digit = model.predict(image.reshape(1, 28, 28, 1), verbose=0)",
        "digit_map, pooled_digit = digit_map[0, :, :, 0], pooled_digit[0, :, :, 0]",
        "fig, axes = plt.subplots(1, 3, figsize=(12, 4))",
        "for ax, a in zip(axes, (image, digit_map, pooled_digit)):",
        "    ax.imshow(a, cmap='gray_r' if a is image else 'hot')",
        "    ax.set_title(str(a.shape))",
        "plt.show()",
    )
