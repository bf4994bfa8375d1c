"""Classic 3×3 filters: the lecture's horizontal-line filter and its relatives."""

import numpy as np

from cnnlib.convolution import activate, conv2d
from cnnlib.lecture import HORIZONTAL_LINE_FILTER

FILTER_PRESETS: dict[str, np.ndarray] = {
    "lecture_horizontal": HORIZONTAL_LINE_FILTER,
    "vertical": HORIZONTAL_LINE_FILTER.T.copy(),
    "diagonal_down": np.array([[2, -1, -1], [-1, 2, -1], [-1, -1, 2]], dtype=float),  # "\"
    "diagonal_up": np.array([[-1, -1, 2], [-1, 2, -1], [2, -1, -1]], dtype=float),  # "/"
    "sobel_x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float),
    "sobel_y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=float),
    "blur": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
}

# The pattern finders of §1: each lights up where its stroke appears in a digit.
PATTERN_FILTERS = ("lecture_horizontal", "vertical", "diagonal_down", "diagonal_up")

WEIGHT_RANGE = (-10.0, 10.0)  # a filter cell outside this is clamped (and the page says so)
INPUT_RANGE = (-255.0, 255.0)


def pattern_map(image: np.ndarray, pattern: str) -> np.ndarray:
    """§1, §5: where a stroke is in a digit: the pattern's filter slid over the (H, W) image with
    'same' padding, then ReLU, so the map has the image's size and lights up only where the stroke is."""
    return activate(conv2d(image, FILTER_PRESETS[pattern], padding="same"), "relu")
