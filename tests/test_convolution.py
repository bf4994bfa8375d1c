"""cnnlib.convolution: the slide's numbers exactly, and Keras Conv2D as the reference."""

import numpy as np
import pytest

from cnnlib.convolution import activate, conv2d, explain_cell, formula, output_size, output_size_formula, padding_amounts
from cnnlib.lecture import FOUR_8X8, HORIZONTAL_LINE_FILTER

SLIDE_MAP = [
    [1, 1, 0, 1, 1, 1],
    [0, 0, 0, 0, 0, 0],
    [-1, -2, -3, -2, -2, -1],
    [3, 5, 6, 4, 4, 2],
    [-2, -3, -3, -2, -2, -1],
    [0, 0, 0, 1, 1, 1],
]


def test_lecture_four_gives_the_slide_feature_map_exactly():
    y = conv2d(FOUR_8X8, HORIZONTAL_LINE_FILTER)
    assert y.shape == (6, 6)
    np.testing.assert_array_equal(y, SLIDE_MAP)
    assert list(y[3]) == [3, 5, 6, 4, 4, 2]


def test_slide_formula_for_y1():
    step = explain_cell(FOUR_8X8, HORIZONTAL_LINE_FILTER, 0, 0)
    assert formula(step) == "y1 = x1·w1 + x2·w2 + x3·w3 + x9·w4 + x10·w5 + x11·w6 + x17·w7 + x18·w8 + x19·w9"
    assert formula(step, numbers=True).endswith("= 1")
    assert [t.x_index for t in step.terms] == [1, 2, 3, 9, 10, 11, 17, 18, 19]


@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_every_step_equals_the_map(stride, padding):
    rng = np.random.default_rng(stride)
    x, w = rng.normal(size=(8, 8)), rng.normal(size=(3, 3))
    y = conv2d(x, w, stride, padding)
    for r in range(y.shape[0]):
        for c in range(y.shape[1]):
            step = explain_cell(x, w, r, c, stride, padding)
            assert step.total == pytest.approx(y[r, c], abs=1e-12)
            assert sum(t.product for t in step.terms) == pytest.approx(y[r, c], abs=1e-9)
            assert step.y_index == r * y.shape[1] + c + 1


def test_same_padding_marks_padded_cells_and_matches_tensorflow_offsets():
    assert padding_amounts(8, 3, 1, "same") == (1, 1)
    assert padding_amounts(8, 3, 2, "same") == (0, 1)  # TF puts the odd zero after
    step = explain_cell(FOUR_8X8, HORIZONTAL_LINE_FILTER, 0, 0, 1, "same")
    assert (step.top, step.left) == (-1, -1)
    assert [t.x_index for t in step.terms[:4]] == [None, None, None, None]
    assert formula(step).startswith("y1 = 0·w1 + 0·w2 + 0·w3 + 0·w4 + x1·w5")


@pytest.mark.parametrize(
    ("n", "k", "s", "padding", "expected"),
    [
        (8, 3, 1, "valid", 6),
        (28, 5, 1, "valid", 24),
        (24, 5, 1, "valid", 20),
        (8, 3, 2, "valid", 3),
        (8, 3, 2, "same", 4),
        (7, 3, 3, "same", 3),
        (2, 3, 1, "valid", 0),
    ],
)
def test_output_size(n, k, s, padding, expected):
    assert output_size(n, k, s, padding) == expected


def test_output_size_formula_has_the_numbers():
    assert output_size_formula(8, 3, 1, "valid") == "⌊(8 − 3) / 1⌋ + 1 = 6"
    assert output_size_formula(8, 3, 2, "same") == "⌈8 / 2⌉ = 4"


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        conv2d(np.zeros((8, 8)), np.zeros((3, 3)), padding="full")
    with pytest.raises(ValueError):
        conv2d(np.zeros((8, 8)), np.zeros((3, 3)), stride=0)
    with pytest.raises(ValueError):
        conv2d(np.zeros((2, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError):
        conv2d(np.zeros((8, 8, 3)), np.zeros((3, 3, 2)))
    with pytest.raises(IndexError):
        explain_cell(np.zeros((8, 8)), np.zeros((3, 3)), 6, 0)


def test_activations():
    y = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(activate(y, "relu"), [0, 0, 3])
    np.testing.assert_allclose(activate(y, "swish"), y / (1 + np.exp(-y)))
    assert activate(np.linspace(-10, 10, 2001), "swish").min() == pytest.approx(-0.2785, abs=1e-3)


CASES = [
    # (H, W, C, k, stride, padding)
    (8, 8, 1, 3, 1, "valid"),
    (8, 8, 1, 3, 1, "same"),
    (9, 7, 1, 3, 2, "same"),
    (10, 10, 3, 5, 2, "valid"),
    (11, 9, 3, 3, 2, "same"),
    (12, 12, 4, 4, 3, "same"),
    (28, 28, 1, 5, 1, "valid"),
]


@pytest.mark.tf
@pytest.mark.parametrize(("h", "w", "c", "k", "stride", "padding"), CASES)
def test_matches_keras_conv2d(h, w, c, k, stride, padding):
    import keras

    rng = np.random.default_rng(h * 100 + c)
    x = rng.normal(size=(h, w, c)).astype("float32")
    kernel = rng.normal(size=(k, k, c)).astype("float32")
    layer = keras.layers.Conv2D(1, k, strides=stride, padding=padding)
    layer.build((1, h, w, c))
    layer.set_weights([kernel[..., None], np.zeros(1, "float32")])
    expected = np.asarray(layer(x[None]))[0, :, :, 0]
    ours = conv2d(x, kernel, stride, padding)
    assert ours.shape == expected.shape == (output_size(h, k, stride, padding), output_size(w, k, stride, padding))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)


def test_single_channel_2d_and_3d_agree():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(8, 8)), rng.normal(size=(3, 3))
    np.testing.assert_allclose(conv2d(x, w), conv2d(x[..., None], w[..., None]))
