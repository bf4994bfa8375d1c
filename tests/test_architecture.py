"""cnnlib.architecture without TensorFlow: the slides' numbers exactly, refusals, code, links."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cnnlib.architecture import (
    PRESETS,
    StackError,
    count_params,
    decode_stack,
    encode_stack,
    keras_code,
    preset,
    summarize,
)
from cnnlib.errors import LessonError

SLIDE_TOTALS = {"dense_only": 66_790, "two_conv": 203_068, "two_conv_pool": 9_532, "lenet5": 61_706}


def test_preset_names_are_the_stable_ones():
    assert set(PRESETS) == set(SLIDE_TOTALS)  # issue 4 (training) looks presets up by these names
    for entry in PRESETS.values():
        assert set(entry) == {"input_shape", "stack"}
        assert isinstance(entry["input_shape"], tuple)
        assert entry["stack"][-1] == {"type": "Dense", "units": 10, "activation": "softmax"}


@pytest.mark.parametrize("name", SLIDE_TOTALS)
def test_preset_totals_are_the_slides(name):
    stack, shape = preset(name)
    assert count_params(stack, shape) == SLIDE_TOTALS[name]


def test_dense_only_table_is_the_slide():
    rows = summarize(*preset("dense_only"))
    assert [(r.name, r.type, r.output_shape, r.params) for r in rows] == [
        ("input_layer", "InputLayer", (None, 28, 28), 0),
        ("flatten", "Flatten", (None, 784), 0),
        ("dense", "Dense", (None, 84), 65_940),
        ("dense_1", "Dense", (None, 10), 850),
    ]
    assert rows[2].formula == "84 × (784 + 1) = 65,940"
    assert rows[3].formula == "10 × (84 + 1) = 850"


def test_two_conv_table_is_the_slide():
    rows = summarize(*preset("two_conv"))
    assert [(r.name, r.shape_text(), r.params) for r in rows] == [
        ("input_layer", "(None, 28, 28, 1)", 0),
        ("conv2d", "(None, 24, 24, 3)", 78),
        ("conv2d_1", "(None, 20, 20, 6)", 456),
        ("flatten", "(None, 2400)", 0),
        ("dense", "(None, 84)", 201_684),
        ("dense_1", "(None, 10)", 850),
    ]
    assert rows[4].formula == "84 × (2400 + 1) = 201,684"
    assert rows[1].formula == "3 × (5 × 5 × 1 + 1) = 78"
    assert rows[2].formula == "6 × (5 × 5 × 3 + 1) = 456"
    assert rows[1].shape_formula == "(28 − 5) / 1 + 1 = 24"
    assert rows[3].shape_formula == "20 × 20 × 6 = 2,400"


def test_pooled_table_is_the_slide():
    rows = summarize(*preset("two_conv_pool"))
    assert [(r.type, r.output_shape, r.params) for r in rows[1:]] == [
        ("Conv2D", (None, 24, 24, 3), 78),
        ("MaxPooling2D", (None, 12, 12, 3), 0),
        ("Conv2D", (None, 8, 8, 6), 456),
        ("MaxPooling2D", (None, 4, 4, 6), 0),
        ("Flatten", (None, 96), 0),
        ("Dense", (None, 84), 8_148),
        ("Dense", (None, 10), 850),
    ]
    assert rows[6].formula == "84 × (96 + 1) = 8,148"
    assert [r.name for r in rows] == [
        "input_layer", "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dense", "dense_1",
    ]


def test_lenet5_same_padding_keeps_28():
    rows = summarize(*preset("lenet5"))
    assert rows[1].output_shape == (None, 28, 28, 6)
    assert rows[1].shape_formula == "⌈28 / 1⌉ = 28"
    assert rows[5].output_shape == (None, 400)


def test_preset_returns_a_copy():
    stack, _ = preset("lenet5")
    stack[0]["filters"] = 99
    stack.append({"type": "Flatten"})
    assert count_params(*preset("lenet5")) == 61_706


def test_dense_on_a_feature_map_acts_on_the_last_axis():
    stack = [{"type": "Conv2D", "filters": 3, "kernel_size": 5}, {"type": "Dense", "units": 4}]
    rows = summarize(stack, (28, 28, 1))
    assert rows[-1].output_shape == (None, 24, 24, 4)
    assert rows[-1].params == 4 * (3 + 1)
    assert rows[-1].note == "dense_last_axis"
    assert summarize([{"type": "Flatten"}, {"type": "Dense", "units": 4}], (5, 5, 1))[-1].note is None


def test_aliases_and_pairs():
    stack = [
        {"type": "Conv2D", "filters": 2, "kernel_size": (3, 2), "strides": (2, 3)},
        {"type": "MaxPooling2D", "pool_size": 1},
        {"type": "AvgPool2D", "pool_size": [1, 1]},
    ]
    rows = summarize(stack, (9, 8, 1))
    assert rows[1].output_shape == (None, 4, 3, 2)
    assert rows[1].params == 2 * (3 * 2 * 1 + 1)
    assert rows[1].shape_formula == "⌊(9 − 3) / 2⌋ + 1 = 4; ⌊(8 − 2) / 3⌋ + 1 = 3"
    assert [r.type for r in rows[2:]] == ["MaxPooling2D", "AveragePooling2D"]


def test_empty_stack_is_just_the_input():
    assert [r.type for r in summarize([], (28, 28, 1))] == ["InputLayer"]
    assert count_params([], (28, 28, 1)) == 0


# Each of these is a stack Keras cannot build (tests/test_models.py checks that Keras agrees).
INVALID = {
    "kernel larger than the map": ([{"type": "Conv2D", "filters": 2, "kernel_size": 5}], (4, 4, 1)),
    "pool larger than the map": ([{"type": "MaxPool2D", "pool_size": 3}], (2, 2, 1)),
    "output size 0 after pooling twice": (
        [{"type": "MaxPool2D"}, {"type": "MaxPool2D"}, {"type": "AveragePooling2D"}], (4, 4, 1)),
    "0 filters": ([{"type": "Conv2D", "filters": 0, "kernel_size": 3}], (8, 8, 1)),
    "0 units": ([{"type": "Flatten"}, {"type": "Dense", "units": 0}], (8, 8, 1)),
    "negative units": ([{"type": "Dense", "units": -3}], (8,)),
    "0 kernel": ([{"type": "Conv2D", "filters": 2, "kernel_size": 0}], (8, 8, 1)),
    "0 stride": ([{"type": "Conv2D", "filters": 2, "kernel_size": 3, "strides": 0}], (8, 8, 1)),
    "0 pool": ([{"type": "MaxPool2D", "pool_size": 0}], (8, 8, 1)),
    "float kernel": ([{"type": "Conv2D", "filters": 2, "kernel_size": 3.0}], (8, 8, 1)),
    "unknown layer": ([{"type": "Conv3D", "filters": 2, "kernel_size": 3}], (8, 8, 1)),
    "conv after flatten": ([{"type": "Flatten"}, {"type": "Conv2D", "filters": 2, "kernel_size": 3}], (8, 8, 1)),
    "conv on a 2-D input": ([{"type": "Conv2D", "filters": 2, "kernel_size": 3}], (28, 28)),
    "pool after dense": ([{"type": "Flatten"}, {"type": "Dense", "units": 4}, {"type": "MaxPool2D"}], (8, 8, 1)),
    "unknown activation (the slide's typo)": ([{"type": "Dense", "units": 4, "activation": "swis"}], (8,)),
    "bad padding": ([{"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": "full"}], (8, 8, 1)),
    "dropout rate above 1": ([{"type": "Dropout", "rate": 1.5}], (8,)),
    "argument of another layer": ([{"type": "Dense", "units": 4, "filters": 3}], (8,)),
    "missing units": ([{"type": "Dense"}], (8,)),
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_stacks_raise_one_bilingual_error(case):
    stack, shape = INVALID[case]
    with pytest.raises(StackError) as info:
        summarize(stack, shape)
    err = info.value
    assert isinstance(err, LessonError)
    assert err.text("ko") != err.text("en")
    assert err.text("ko") and err.text("en")
    assert err.index is not None and 0 <= err.index < len(stack)
    with pytest.raises(StackError):
        count_params(stack, shape)


def test_error_names_the_layer_and_the_sizes():
    with pytest.raises(StackError) as info:
        summarize([{"type": "Conv2D", "filters": 2, "kernel_size": 3}] * 2 + [
            {"type": "Conv2D", "filters": 2, "kernel_size": 7}], (10, 10, 1))
    assert info.value.index == 2
    assert "Layer 3" in info.value.text("en") and "7×7" in info.value.text("en") and "6×6" in info.value.text("en")
    assert "3번째 층" in info.value.text("ko")


@pytest.mark.parametrize("shape", [(), (0, 28, 1), (28, -1), "28x28", (28.0, 28)])
def test_bad_input_shapes(shape):
    with pytest.raises(StackError):
        summarize([], shape)


@pytest.mark.parametrize("name", SLIDE_TOTALS)
def test_code_is_in_the_lecture_style_without_its_typos(name):
    stack, shape = preset(name)
    code = keras_code(stack, shape)
    assert "X = tf.keras.layers.Input(shape=[" in code
    assert "model = tf.keras.models.Model(X, Y)" in code
    assert "독립" in code and "종속" in code
    assert "scategorical" not in code and "'swis'" not in code and "'soft'" not in code
    assert "loss='categorical_crossentropy'" in code
    assert code.count("\nY = ") == 1
    compile(code, "<generated>", "exec")
    if name == "two_conv":
        assert "H = tf.keras.layers.Conv2D(3, kernel_size=5, activation='swish')(X)\n" in code
        assert "H = tf.keras.layers.Conv2D(6, kernel_size=5, activation='swish')(H)\n" in code
        assert "Y = tf.keras.layers.Dense(10, activation='softmax')(H)\n" in code
    if name == "lenet5":
        assert "Conv2D(6, kernel_size=5, padding='same', activation='swish')(X)" in code
        assert "H = tf.keras.layers.MaxPool2D()(H)" in code


def test_code_in_english_keeps_the_lecture_names():
    code = keras_code(*preset("two_conv"), lang="en")
    assert "# Build the model" in code and "독립" in code


def test_code_refuses_invalid_stacks():
    with pytest.raises(StackError):
        keras_code(*INVALID["kernel larger than the map"])


@pytest.mark.parametrize("name", SLIDE_TOTALS)
def test_link_text_round_trip_presets(name):
    stack, shape = preset(name)
    text = encode_stack(stack, shape)
    assert all(ch.isalnum() or ch in "-_." for ch in text)
    back, back_shape = decode_stack(text)
    assert back_shape == shape
    assert summarize(back, back_shape) == summarize(stack, shape)


def test_link_text_of_the_pooled_stack_is_readable():
    assert encode_stack(*preset("two_conv_pool")) == "i28x28x1_c3-k5-swish_m2_c6-k5-swish_m2_f_d84-swish_d10-softmax"


def test_link_text_round_trip_every_option():
    stack = [
        {"type": "Conv2D", "filters": 4, "kernel_size": (3, 2), "strides": 2, "padding": "same", "activation": "leaky_relu"},
        {"type": "AveragePooling2D", "pool_size": 2, "strides": 1},
        {"type": "MaxPool2D", "pool_size": (2, 1), "padding": "same"},
        {"type": "Dense", "units": 5},
        {"type": "Dropout", "rate": 0.25},
        {"type": "Flatten"},
        {"type": "Dense", "units": 3, "activation": "log_softmax"},
    ]
    back, shape = decode_stack(encode_stack(stack, (17, 15, 2)))
    assert shape == (17, 15, 2)
    assert summarize(back, shape) == summarize(stack, (17, 15, 2))
    assert back[4] == {"type": "Dropout", "rate": 0.25}
    assert back[0]["activation"] == "leaky_relu" and back[6]["activation"] == "log_softmax"


@pytest.mark.parametrize(
    "text",
    ["", "garbage", "i28x28x1_q5", "i28x28x1_c3", "ix_f", "i28x28x1_c0-k3", "i0x28_f", "i28x28_d84-nope",
     "i28x28x1_f-same", "i28x28_d-swish", "28x28_f"],
)
def test_bad_link_text_raises_stack_error(text):
    with pytest.raises(StackError):
        decode_stack(text)


def test_no_tensorflow_is_imported():
    code = (
        "import sys, cnnlib.architecture as a; a.count_params(*a.preset('lenet5')); a.keras_code(*a.preset('lenet5'));"
        "print(any(m.split('.')[0] in ('tensorflow', 'keras') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_link_may_hold_a_stack_that_does_not_fit():
    stack = [{"type": "Conv2D", "filters": 3, "kernel_size": 9}, {"type": "Conv2D", "filters": 3, "kernel_size": 30}]
    text = encode_stack(stack, (28, 28, 1))
    assert text == "i28x28x1_c3-k9_c3-k30"
    back, shape = decode_stack(text)
    with pytest.raises(StackError) as info:
        summarize(back, shape)
    assert info.value.index == 1


def test_encode_refuses_layers_with_bad_arguments():
    with pytest.raises(StackError):
        encode_stack([{"type": "Dense", "units": 0}], (8,))
