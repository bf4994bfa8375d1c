"""cnnlib.architecture without TensorFlow: the slides' numbers exactly, and every refusal as a code."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cnnlib import architecture
from cnnlib.architecture import (
    LAYER_TYPES,
    MAX_LAYERS,
    PRESETS,
    STACK_LIMITS,
    LayerPosition,
    StackError,
    count_params,
    normalize_layer,
    output_shape,
    preset,
    summarize,
    summarize_partial,
)
from cnnlib.errors import LessonError
from tests.stackhelp import INVALID, SLIDE_TOTALS
from tests.wordhelp import lang_words as words


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


INVALID_CODE = {
    "kernel larger than the map": "kernel_too_large",
    "pool larger than the map": "pool_too_large",
    "output size 0 after pooling twice": "pool_too_large",
    "0 filters": "count_too_small",
    "0 units": "count_too_small",
    "negative units": "count_too_small",
    "0 kernel": "bad_size",
    "0 stride": "bad_size",
    "0 pool": "bad_size",
    "float kernel": "bad_size",
    "unknown layer": "unknown_type",
    "conv after flatten": "no_feature_map_left",
    "conv on a 2-D input": "no_feature_map_left",
    "pool after dense": "no_feature_map_left",
    "unknown activation (the slide's typo)": "unknown_activation",
    "bad padding": "bad_padding",
    "dropout rate above 1": "bad_rate",
    "argument of another layer": "unknown_argument",
    "missing units": "missing_argument",
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_stacks_raise_one_bilingual_error(case):
    stack, shape = INVALID[case]
    with pytest.raises(StackError) as info:
        summarize(stack, shape)
    err = info.value
    assert isinstance(err, LessonError)
    assert err.code == INVALID_CODE[case]
    assert words("ko")(err) != words("en")(err)
    assert words("ko")(err) and words("en")(err)
    assert err.index is not None and 0 <= err.index < len(stack)
    assert err.where == LayerPosition(err.index)
    with pytest.raises(StackError):
        count_params(stack, shape)


def test_error_names_the_layer_and_the_sizes():
    with pytest.raises(StackError) as info:
        summarize([{"type": "Conv2D", "filters": 2, "kernel_size": 3}] * 2 + [
            {"type": "Conv2D", "filters": 2, "kernel_size": 7}], (10, 10, 1))
    err = info.value
    assert err.index == 2
    assert (err.key, err.params) == ("stack_errors.kernel_too_large", {"window_h": 7, "window_w": 7, "map_h": 6, "map_w": 6})
    assert (err.where.key, err.where.params) == ("stack_errors.where_layer", {"n": 3})
    assert "Layer 3" in words("en")(err) and "7×7" in words("en")(err) and "6×6" in words("en")(err)
    assert "3번째 층" in words("ko")(err)


@pytest.mark.parametrize("shape", [(), (0, 28, 1), (28, -1), "28x28", (28.0, 28)])
def test_bad_input_shapes(shape):
    with pytest.raises(StackError) as info:
        summarize([], shape)
    assert (info.value.code, info.value.params, info.value.where) == ("bad_input_shape", {"shape": shape}, None)


def test_a_stack_must_be_a_list():
    with pytest.raises(StackError) as info:
        summarize("Dense", (8,))
    assert (info.value.code, info.value.index, info.value.where) == ("not_a_list", None, None)


def test_a_layer_checked_on_its_own_names_no_position():
    with pytest.raises(StackError) as info:
        normalize_layer({"type": "Dense"})
    assert (info.value.code, info.value.params, info.value.where) == ("missing_argument", {"kind": "Dense", "arg": "units"}, None)


def test_refusals_carry_their_numbers():
    cases = {
        "conv after flatten": ("no_feature_map_left", {"kind": "Conv2D", "shape": (None, 64)}),
        "dropout rate above 1": ("bad_rate", {"value": 1.5}),
        "argument of another layer": ("unknown_argument", {"kind": "Dense", "args": "filters"}),
        "0 stride": ("bad_size", {"kind": "Conv2D", "arg": "strides", "value": 0}),
        "0 units": ("count_too_small", {"kind": "Dense", "arg": "units", "value": 0}),
        "unknown layer": ("unknown_type", {"kind": "Conv3D", "known": ", ".join(LAYER_TYPES)}),
    }
    for case, expected in cases.items():
        with pytest.raises(StackError) as info:
            summarize(*INVALID[case])
        assert (info.value.code, info.value.params) == expected, case
    with pytest.raises(StackError) as info:
        summarize([{"type": "MaxPool2D"}], (4, 4, 1, 1))
    assert (info.value.code, info.value.params) == ("needs_feature_map", {"kind": "MaxPool2D", "shape": (None, 4, 4, 1, 1)})


def test_output_shape_is_the_last_row():
    assert output_shape(*preset("two_conv_pool")) == (None, 10)
    assert output_shape([], (28, 28, 1)) == (None, 28, 28, 1)


def test_no_tensorflow_is_imported():
    code = (
        "import sys, cnnlib.architecture as a, cnnlib.keras_code as k, cnnlib.stack_text as t;"
        "a.count_params(*a.preset('lenet5')); k.keras_code(*a.preset('lenet5'), str); t.encode_stack(*a.preset('lenet5'));"
        "print(any(m.split('.')[0] in ('tensorflow', 'keras') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- issue 9 #1, #2: one set of limits, and linear cost ------------------------------------------


_CONV = {"type": "Conv2D", "filters": 2, "kernel_size": 3}
ABOVE_LIMITS = {  # one argument one step above its limit → (code, params)
    "filters": ({**_CONV, "filters": 513}, ("Conv2D", "filters", 513, 512)),
    "kernel": ({**_CONV, "kernel_size": (3, 32)}, ("Conv2D", "kernel_size", (3, 32), 31)),
    "strides": ({**_CONV, "strides": 9}, ("Conv2D", "strides", 9, 8)),
    "pool": ({"type": "MaxPool2D", "pool_size": 17}, ("MaxPool2D", "pool_size", 17, 16)),
    "pool strides": ({"type": "AveragePooling2D", "pool_size": 2, "strides": 9}, ("AveragePooling2D", "strides", 9, 8)),
    "units": ({"type": "Dense", "units": 4097}, ("Dense", "units", 4097, 4096)),
}


@pytest.mark.parametrize("case", ABOVE_LIMITS)
def test_arguments_above_the_limits_are_refused_with_the_limit(case):
    layer, (kind, arg, value, limit) = ABOVE_LIMITS[case]
    assert STACK_LIMITS[arg][1] == limit
    with pytest.raises(StackError) as info:
        summarize([layer], (64, 64, 1))
    assert (info.value.code, info.value.index) == ("above_limit", 0)
    assert info.value.params == {"kind": kind, "arg": arg, "value": value, "limit": limit}
    assert str(limit) in words("ko")(info.value) and str(limit) in words("en")(info.value)


@pytest.mark.parametrize("shape", [(513, 28, 1), (28, 513), (28, 28, 65), (600, 600, 1), (28, 28, 100)])
def test_inputs_above_the_limits_are_refused(shape):
    with pytest.raises(StackError) as info:
        summarize([], shape)
    assert info.value.code == "input_too_large"
    assert info.value.params == {"shape": shape, "side": 512, "channels": 64}
    assert summarize([], (512, 512, 64))[-1].output_shape == (None, 512, 512, 64)  # the limits themselves are fine


def test_the_layer_count_is_capped_before_any_layer_is_read(monkeypatch):
    assert MAX_LAYERS >= len(PRESETS["lenet5"]["stack"])
    dropout = {"type": "Dropout", "rate": 0.0}
    assert len(summarize([dropout] * MAX_LAYERS, (8, 8, 1))) == MAX_LAYERS + 1
    read = []
    monkeypatch.setattr(architecture, "normalize_layer", lambda layer, index=None: read.append(index))
    with pytest.raises(StackError) as info:
        summarize([dropout] * 1000, (8, 8, 1))
    assert (info.value.code, info.value.params, info.value.index) == (
        "too_many_layers", {"count": 1000, "limit": MAX_LAYERS}, None)
    assert read == []
    assert "1,000" in words("en")(info.value) and "32" in words("ko")(info.value)


def test_summarize_partial_keeps_the_rows_before_the_refusal():
    stack = [_CONV, {"type": "Flatten"}, _CONV]
    rows, err = summarize_partial(stack, (8, 8, 1))
    assert [r.type for r in rows] == ["InputLayer", "Conv2D", "Flatten"]
    assert (err.code, err.index) == ("no_feature_map_left", 2)
    assert summarize_partial(stack[:2], (8, 8, 1)) == (summarize(stack[:2], (8, 8, 1)), None)
    assert summarize_partial(stack, (0, 8))[0] == []


def test_a_run_refuses_what_the_lab_refuses():
    from services.runs import RunConfig

    conv = {"type": "Conv2D", "filters": 1000, "kernel_size": 5}
    cases = [
        ((conv,), (28, 28, 1), "above_limit"),
        (({"type": "Flatten"},), (600, 600, 1), "input_too_large"),
        (({"type": "Flatten"},) * (MAX_LAYERS + 1), (28, 28, 1), "too_many_layers"),
    ]
    for stack, shape, code in cases:
        with pytest.raises(StackError) as info:
            RunConfig(stack=stack, input_shape=shape).check()
        assert info.value.code == code


def test_a_layer_worked_out_once_is_still_checked_by_its_own_values():
    """normalize_layer remembers layers it has seen (a page checks one stack several times per run): by each
    argument's type and value, and a caller gets its own dict."""
    from cnnlib.architecture import normalize_layer

    first = normalize_layer({"type": "Conv2D", "filters": 1, "kernel_size": 3})
    first["filters"] = 99  # a caller's change stays its own
    assert normalize_layer({"type": "Conv2D", "filters": 1, "kernel_size": 3})["filters"] == 1
    with pytest.raises(StackError):
        normalize_layer({"type": "Conv2D", "filters": True, "kernel_size": 3})  # True == 1 and hashes alike: refused
    assert normalize_layer({"type": "Conv2D", "filters": 4, "kernel_size": [5, 5]})["kernel_size"] == (5, 5)  # a list
    with pytest.raises(StackError) as err:
        normalize_layer({"type": "Conv2D", "filters": 0, "kernel_size": 3}, index=7)
    assert err.value.index == 7 and err.value.where.params == {"n": 8}  # the layer at fault, counted from 1
