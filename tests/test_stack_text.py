"""cnnlib.stack_text: a stack as a short link text and back; what cannot be read is one coded refusal."""

from __future__ import annotations

import pytest

from cnnlib.architecture import StackError, preset, summarize
from cnnlib.stack_text import decode_stack, encode_stack
from tests.stackhelp import EVERY_OPTION, SLIDE_TOTALS, THOUSAND_LAYERS


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


# ---- issue 9 #1, #2, #3: links within the limits, refused cheaply, ASCII digits only ------------

def test_a_thousand_layer_link_is_refused_before_it_is_split(monkeypatch):
    from cnnlib import stack_text

    read = []
    monkeypatch.setattr(stack_text, "_layer", lambda token: read.append(token))
    with pytest.raises(StackError) as info:
        decode_stack(THOUSAND_LAYERS)
    assert (info.value.code, info.value.params) == ("too_many_layers", {"count": 1002, "limit": 32})
    assert read == []
    with pytest.raises(StackError) as info:  # few layers, but a text no stack of the lab could write
        decode_stack("i28x28x1_d" + "1" * 5000)
    assert info.value.code == "unreadable_text" and len(info.value.params["text"]) <= 81
    with pytest.raises(StackError) as info:
        encode_stack([{"type": "Flatten"}] * 33, (28, 28, 1))
    assert info.value.code == "too_many_layers"


@pytest.mark.parametrize(("text", "code"), [
    ("i28x28x1_c1000-k5", "above_limit"), ("i28x28x1_f_d100000", "above_limit"), ("i28x28x1_c3-k40", "above_limit"),
    ("i28x28x1_c3-k5-s9", "above_limit"), ("i28x28x1_m20", "above_limit"),
    ("i600x600x1_f", "input_too_large"), ("i28x28x100_f", "input_too_large"),
])
def test_links_above_the_widget_limits_are_refused(text, code):
    with pytest.raises(StackError) as info:
        decode_stack(text)
    assert info.value.code == code


@pytest.mark.parametrize("text", [
    "i28x28x1_c³-k5", "i28x28x1_c3-k²", "i28x28x1_m²", "i²⁸x28x1_f", "i28x28x1_f_d¹⁰",  # superscripts
    "i28x28x1_c３-k5", "i28x28x1_f_d٣", "i28x28x1_r０.5", "i٢٨x28_f",  # other scripts' digits int() would read
    "i28x28x1_r.5e", "i28x28x1_rnan", "i28x28x1_c+3-k5", "i28x28x1_c 3-k5",
])
def test_only_ascii_digits_are_read(text):
    with pytest.raises(StackError) as info:
        decode_stack(text)
    assert info.value.code == "unreadable_text"
