"""cnnlib.filter_sets (§3): one filter set sees every channel and makes one map; checked against Keras."""

import io

import numpy as np
import pytest

from cnnlib.convolution import conv2d
from cnnlib.digits import examples_of
from cnnlib.errors import LessonError
from cnnlib.filter_sets import (
    COLOUR_SHAPE,
    FILTER_SET_PRESETS,
    FilterError,
    apply_filter_set,
    cell_across_channels,
    filter_set_preset,
    lecture_stack,
    lecture_weights,
    load_colour_image,
    sample_colour_image,
    slide_notation,
)
from tests.wordhelp import lang_words as words


def test_sample_picture_is_the_slides_shape_and_uses_every_channel():
    img = sample_colour_image()
    assert img.shape == COLOUR_SHAPE == (32, 32, 3) and img.dtype == np.uint8
    for c in range(3):
        assert img[..., c].std() > 20
    assert not np.array_equal(img[..., 0], img[..., 2])
    assert np.array_equal(img, sample_colour_image())  # embedded: always the same picture


def test_uploaded_picture_is_resized_to_32x32_rgb():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (100, 60), 200).save(buf, format="PNG")
    img = load_colour_image(buf.getvalue())
    assert img.shape == (32, 32, 3) and img.dtype == np.uint8 and (img == 200).all()
    with pytest.raises(LessonError) as info:
        load_colour_image(b"not a picture")
    assert isinstance(info.value, FilterError) and info.value.key == "filter_errors.not_a_picture"
    assert words("ko")(info.value) != words("en")(info.value)


@pytest.mark.parametrize("name", FILTER_SET_PRESETS)
@pytest.mark.parametrize("size", [3, 5])
def test_presets_are_3d_blocks(name, size):
    w = filter_set_preset(name, size)
    assert w.shape == (size, size, 3)
    assert np.abs(w).sum() > 0


def test_partial_maps_sum_plus_bias_is_the_one_feature_map():
    x = sample_colour_image().astype(float)
    w = filter_set_preset("random", 5, seed=3)
    result = apply_filter_set(x, w, bias=-2.5)
    assert result.partials.shape == (28, 28, 3)
    assert result.feature_map.shape == (28, 28)
    np.testing.assert_allclose(result.feature_map, conv2d(x, w) - 2.5)
    np.testing.assert_allclose(result.partials[..., 1], conv2d(x[..., 1], w[..., 1]))


def test_red_only_sees_only_red():
    x = sample_colour_image().astype(float)
    result = apply_filter_set(x, filter_set_preset("red_only", 3))
    assert np.allclose(result.partials[..., 1:], 0)
    np.testing.assert_allclose(result.feature_map, x[1:-1, 1:-1, 0])  # the red channel itself, inside the border


@pytest.mark.parametrize("size", [3, 5])
def test_presets_are_whole_numbers_a_slider_reaches(size):
    for name in FILTER_SET_PRESETS:
        w = filter_set_preset(name, size, seed=size)
        np.testing.assert_array_equal(w * 2, np.round(w * 2))  # on the editor's 0.5 steps
    x = sample_colour_image().astype(float)
    brightness = apply_filter_set(x, filter_set_preset("brightness", size)).feature_map
    m = size // 2
    np.testing.assert_allclose(brightness, x.sum(axis=-1)[m:-m, m:-m])  # R + G + B


def test_channel_count_must_match():
    with pytest.raises(LessonError) as info:
        apply_filter_set(np.zeros((8, 8, 3)), np.zeros((3, 3, 1)))
    assert (info.value.key, info.value.params) == ("filter_errors.channels_differ", {"filter_channels": 1, "input_channels": 3})
    with pytest.raises(FilterError) as info:
        apply_filter_set(np.zeros((8, 8)), np.zeros((3, 3, 2)))
    assert info.value.params == {"filter_channels": 2, "input_channels": 1}


def test_one_cell_across_channels():
    x = sample_colour_image().astype(float)
    w = filter_set_preset("random", 3, seed=1)
    cell = cell_across_channels(x, w, 10, 20, bias=0.5)
    np.testing.assert_array_equal(cell.windows, np.moveaxis(x[10:13, 20:23, :], -1, 0))
    np.testing.assert_array_equal(cell.weights, np.moveaxis(w, -1, 0))
    assert cell.channel_sums == pytest.approx([float((x[10:13, 20:23, c] * w[..., c]).sum()) for c in range(3)])
    assert cell.total == pytest.approx(sum(cell.channel_sums) + 0.5)
    assert cell.total == pytest.approx(apply_filter_set(x, w, 0.5).feature_map[10, 20])


def test_lecture_stack_shapes_and_slide_notation():
    stack = lecture_stack(examples_of(4, 1)[0])
    assert [k.shape for k in stack.kernels] == [(5, 5, 1, 3), (5, 5, 3, 6)]
    assert [slide_notation(k) for k in stack.kernels] == [(3, 5, 5, 1), (6, 5, 5, 3)]  # the "?" is 1, then 3
    assert [m.shape for m in stack.maps] == [(24, 24, 3), (20, 20, 6)]
    assert sum(k.size + b.size for k, b in zip(stack.kernels, stack.biases, strict=True)) == 78 + 456  # the slide's counts
    np.testing.assert_array_equal(lecture_weights(0)[0][1], lecture_weights(0)[0][1])  # fixed seed


@pytest.mark.tf
def test_lecture_stack_equals_keras_conv2d():
    import keras
    image = examples_of(7, 1)[0]
    ours = lecture_stack(image, seed=5)
    X = keras.Input(shape=(28, 28, 1))
    first = keras.layers.Conv2D(3, kernel_size=5, activation="swish")
    second = keras.layers.Conv2D(6, kernel_size=5, activation="swish")
    H1 = first(X)
    model = keras.Model(X, [H1, second(H1)])
    first.set_weights([ours.kernels[0], ours.biases[0]])
    second.set_weights([ours.kernels[1], ours.biases[1]])
    k1, k2 = model.predict(ours.image[None].astype("float32"), verbose=0)
    np.testing.assert_allclose(ours.maps[0], k1[0], atol=1e-5)
    np.testing.assert_allclose(ours.maps[1], k2[0], atol=1e-5)
