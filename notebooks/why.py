"""§1 Why convolution: the page's digit and pattern filter; a Conv2D with the filter finds WHERE the stroke is.

Leaves ``feature_map`` (28×28, 'same' padding, ReLU), equal to ``cnnlib.filters.pattern_map``.
"""

from __future__ import annotations

import numpy as np

from cnnlib.digits import examples_of
from cnnlib.filters import FILTER_PRESETS, PATTERN_FILTERS
from notebooks.cells import Writer, check_array, check_choice, check_int, header, literal


def defaults(page: str) -> dict:
    return {"digit": 4, "pattern": PATTERN_FILTERS[0], "image": None}


def check(page: str, s: dict) -> dict:
    digit = check_int(s, "digit", 0, 9)
    check_choice(s, "pattern", PATTERN_FILTERS)
    if s["image"] is None:  # the page's picture: the sample's first test image of the digit
        image = examples_of(digit, 1)[0]
    else:
        image = check_array(s, "image", 2, 0, 255)
    return {**s, "image": np.asarray(image, dtype=float)}


def write(page: str, s: dict, w: Writer) -> None:
    image, pattern = s["image"], s["pattern"]
    h, wd = image.shape
    header(w, page, "`feature_map`")
    w.code("import numpy as np", "import tensorflow as tf", "import matplotlib.pyplot as plt")
    w.md(w.say("why_digit", digit=s["digit"]))
    scale = " / 255" if image.max() > 1 else ""
    w.code(f"image = np.array({literal(image)}, dtype=float){scale}", "print(image.shape)")
    w.md(w.say("why_filter", pattern=pattern))
    w.code(f"w = np.array({literal(FILTER_PRESETS[pattern])}, dtype=float)", "print(w)")
    w.md(w.say("why_keras"))
    w.code(
        f"X = tf.keras.layers.Input(shape=[{h}, {wd}, 1])",
        "Y = tf.keras.layers.Conv2D(1, kernel_size=3, padding='same', activation='relu', use_bias=False)(X)",
        "model = tf.keras.models.Model(X, Y)",
        "model.set_weights([w.reshape(3, 3, 1, 1)])",
        f"feature_map = model.predict(image.reshape(1, {h}, {wd}, 1), verbose=0)[0, :, :, 0]",
        "print(feature_map.shape)",
    )
    w.md(w.say("why_strongest"))
    w.code(
        "r, c = np.unravel_index(np.argmax(feature_map), feature_map.shape)",
        "print(r + 1, c + 1, feature_map[r, c])",
        "fig, axes = plt.subplots(1, 2, figsize=(8, 4))",
        "axes[0].imshow(image, cmap='gray_r')",
        "axes[1].imshow(feature_map, cmap='hot')",
        "axes[1].plot(c, r, 'c+', markersize=14)",
        "plt.show()",
    )
