"""cnnlib.filters: the classic 3×3 filters, and the §1/§5 pattern map that finds a stroke in a digit."""

import numpy as np
import pytest

from cnnlib.convolution import activate, conv2d
from cnnlib.digits import examples_of
from cnnlib.filters import FILTER_PRESETS, PATTERN_FILTERS, pattern_map
from cnnlib.lecture import HORIZONTAL_LINE_FILTER


def test_the_lecture_filter_and_its_transpose():
    np.testing.assert_array_equal(FILTER_PRESETS["lecture_horizontal"], HORIZONTAL_LINE_FILTER)
    np.testing.assert_array_equal(FILTER_PRESETS["vertical"], HORIZONTAL_LINE_FILTER.T)
    assert set(PATTERN_FILTERS) <= set(FILTER_PRESETS)


@pytest.mark.parametrize("pattern", PATTERN_FILTERS)
def test_pattern_map_is_the_filter_same_padded_then_relu(pattern):
    img = examples_of(4, 1)[0] / 255.0
    fmap = pattern_map(img, pattern)
    assert fmap.shape == img.shape and (fmap >= 0).all()
    np.testing.assert_array_equal(fmap, activate(conv2d(img, FILTER_PRESETS[pattern], padding="same"), "relu"))


def test_pattern_map_lights_up_where_the_stroke_is():
    bar = np.zeros((9, 9))
    bar[4, 1:8] = 1.0  # a horizontal stroke on row 4
    across = pattern_map(bar, "lecture_horizontal")
    assert np.unravel_index(np.argmax(across), across.shape)[0] == 4
    assert pattern_map(bar, "vertical")[4, 2:7].max() == 0  # the vertical finder sees nothing along it
    np.testing.assert_array_equal(pattern_map(bar.T, "vertical"), across.T)
