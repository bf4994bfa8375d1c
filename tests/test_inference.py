"""cnnlib.inference: drawn digits become MNIST-like input; probabilities, feature maps and filters vs Keras."""

from __future__ import annotations

import types

import numpy as np
import pytest

from cnnlib import architecture, inference
from cnnlib.datasets import load_sample
from cnnlib.filters import FILTER_PRESETS


@pytest.fixture(scope="module")
def lenet():
    import keras

    from cnnlib.models import build_model

    keras.utils.set_random_seed(3)
    return build_model(*architecture.preset("lenet5"))


def test_a_drawing_becomes_a_centred_20_pixel_digit_in_28x28():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[40:200, 150:170, :3] = 255  # a tall white bar, off centre: a "1"
    canvas[..., 3] = 255
    x = inference.to_mnist(canvas)
    assert x.shape == (28, 28) and x.dtype == np.uint8
    rows, cols = np.nonzero(x > 30)
    assert rows.max() - rows.min() + 1 in (20, 21)  # the longer side scaled to 20 pixels
    r, c = np.indices(x.shape)
    assert abs((r * x).sum() / x.sum() - 14) <= 0.5 and abs((c * x).sum() / x.sum() - 14) <= 0.5


@pytest.mark.parametrize("i", range(5))
def test_an_mnist_digit_drawn_large_comes_back_close_to_itself(i):
    digit = load_sample().x_test[i]
    big = np.kron(digit, np.ones((10, 10), np.uint8))
    back = inference.to_mnist(np.dstack([big, big, big, np.full_like(big, 255)]))
    assert np.corrcoef(back.ravel().astype(float), digit.ravel().astype(float))[0, 1] > 0.9


def test_empty_or_transparent_canvas_gives_nothing():
    assert inference.to_mnist(np.zeros((280, 280, 4), np.uint8)) is None
    white_but_transparent = np.full((50, 50, 4), 255, np.uint8)
    white_but_transparent[..., 3] = 0
    assert inference.to_mnist(white_but_transparent) is None


@pytest.mark.tf
def test_probabilities_match_keras_predict(lenet):
    digit = load_sample().x_test[0]
    p = inference.probabilities(lenet, digit, (28, 28, 1), "scaled")
    expected = lenet.predict(digit.reshape(1, 28, 28, 1).astype("float32") / 255, verbose=0)[0]
    assert p.sum() == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(p, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.tf
def test_feature_maps_have_the_shapes_of_the_summary_and_keras_values(lenet):
    import keras

    digit = load_sample().x_test[0]
    maps = inference.feature_maps(lenet, digit, (28, 28, 1), "raw")
    rows = [r for r in architecture.summarize(*architecture.preset("lenet5")) if r.type in ("Conv2D", "MaxPooling2D")]
    assert [(name, m.shape) for name, _, m in maps] == [(r.name, r.output_shape[1:]) for r in rows]
    first = keras.Model(lenet.input, lenet.layers[1].output)(digit.reshape(1, 28, 28, 1).astype("float32"))
    np.testing.assert_allclose(maps[0][2], np.asarray(first)[0], rtol=1e-4, atol=1e-4)


@pytest.mark.tf
def test_first_filters_are_the_first_conv_kernels(lenet):
    filters = inference.first_filters(lenet)
    kernel = lenet.layers[1].get_weights()[0]
    assert filters.shape == (6, 5, 5)
    np.testing.assert_array_equal(filters[2], kernel[:, :, 0, 2])
    dense = build_dense_only()
    assert inference.first_filters(dense) is None


def build_dense_only():
    from cnnlib.models import build_model

    return build_model(*architecture.preset("dense_only"))


def test_a_classic_filter_is_recognised_as_itself():
    digits = load_sample().x_test[:5]
    r = inference.classic_similarity(np.stack([FILTER_PRESETS["sobel_x"], -FILTER_PRESETS["sobel_y"]]), digits)
    best = np.abs(r).argmax(axis=1)  # the classic filter whose maps correlate most, as the page's table shows
    assert [inference.CLASSIC[i] for i in best] == ["sobel_x", "sobel_y"]
    assert r[0, best[0]] == pytest.approx(1.0) and r[1, best[1]] == pytest.approx(-1.0)


def test_most_confused_is_the_largest_off_diagonal_cell():
    confusion = np.array([[5, 1, 0], [4, 3, 2], [0, 4, 9]])
    assert inference.most_confused(confusion) == (1, 0, 4)  # a tie with (2, 1): the first in reading order
    assert inference.most_confused([[9, 0], [3, 1]]) == (1, 0, 3)


def test_most_confused_with_no_mistakes_or_a_class_without_test_images():
    assert inference.most_confused(np.diag([5, 3, 7])) is None  # no mistake: nothing to point at
    assert inference.most_confused(np.zeros((3, 3), int)) is None
    # class 1 has no test images (a row of zeros); the only mistake is class 2 taken for class 1
    assert inference.most_confused([[4, 0, 0], [0, 0, 0], [0, 2, 6]]) == (2, 1, 2)
    assert inference.most_confused([[4]]) is None


class FakeModel:
    """Stands in for a Keras model: a last layer with an activation, and fixed outputs (no TensorFlow)."""

    def __init__(self, outputs, activation: str):
        self.layers = [types.SimpleNamespace(activation=types.SimpleNamespace(__name__=activation))]
        self.outputs, self.seen = np.asarray(outputs, dtype=np.float32), None

    def predict(self, x, verbose=0):
        self.seen = x
        return self.outputs

    def __call__(self, x, training=False):
        self.seen = x
        return self.outputs


def test_per_class_accuracy_and_one_softmax_for_batches_and_single_pictures():
    np.testing.assert_allclose(inference.per_class_accuracy([[3, 1], [0, 0]]), [0.75, np.nan])
    pictures = np.full((1, 28, 28, 1), 255, np.uint8)
    softmax = FakeModel([[0.2, 0.8]], "softmax")  # already probabilities: kept
    np.testing.assert_allclose(inference.classify(softmax, pictures), [[0.2, 0.8]], rtol=1e-6)
    assert softmax.seen.shape == (1, 28, 28, 1) and softmax.seen.max() == pytest.approx(1.0)  # ÷255 as in training
    logits = FakeModel([[0.0, np.log(3.0)]], "linear")  # logits: softmax
    np.testing.assert_allclose(inference.classify(logits, pictures, "raw"), [[0.25, 0.75]], rtol=1e-6)
    assert logits.seen.max() == 255  # the slides' raw 0–255
    np.testing.assert_allclose(inference.probabilities(logits, pictures[0, :, :, 0], (28, 28, 1), "scaled"), [0.25, 0.75],
                               rtol=1e-6)
    big = FakeModel([[1000.0, 0.0]], "linear")  # no overflow: the largest logit is subtracted first
    np.testing.assert_allclose(inference.classify(big, pictures), [[1.0, 0.0]])
