"""cnnlib.stack_text: a stack as a short link text and back; what cannot be read is one coded refusal."""

from __future__ import annotations

import pytest
from tests.test_architecture import SLIDE_TOTALS

from cnnlib.architecture import StackError, preset, summarize
from cnnlib.stack_text import decode_stack, encode_stack


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


# One stack with every option a link can carry (tests/test_keras_code.py writes it as code too).
EVERY_OPTION = [
    {"type": "Conv2D", "filters": 4, "kernel_size": (3, 2), "strides": 2, "padding": "same", "activation": "leaky_relu"},
    {"type": "AveragePooling2D", "pool_size": 2, "strides": 1},
    {"type": "MaxPool2D", "pool_size": (2, 1), "padding": "same"},
    {"type": "Dense", "units": 5},
    {"type": "Dropout", "rate": 0.25},
    {"type": "Flatten"},
    {"type": "Dense", "units": 3, "activation": "log_softmax"},
]


def test_link_text_round_trip_every_option():
    stack = EVERY_OPTION
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
    with pytest.raises(StackError) as info:
        decode_stack(text)
    assert (info.value.code, info.value.params, info.value.where) == ("unreadable_text", {"text": text}, None)


def test_a_link_may_hold_a_stack_that_does_not_fit():
    stack = [{"type": "Conv2D", "filters": 3, "kernel_size": 9}, {"type": "Conv2D", "filters": 3, "kernel_size": 30}]
    text = encode_stack(stack, (28, 28, 1))
    assert text == "i28x28x1_c3-k9_c3-k30"
    back, shape = decode_stack(text)
    with pytest.raises(StackError) as info:
        summarize(back, shape)
    assert info.value.index == 1


def test_encode_refuses_layers_with_bad_arguments():
    with pytest.raises(StackError) as info:
        encode_stack([{"type": "Dense", "units": 0}], (8,))
    assert (info.value.code, info.value.index) == ("count_too_small", 0)
