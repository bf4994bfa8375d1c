"""cnnlib.keras_code: the Keras code shown to students, its words from the catalogue, and Keras runs it."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from tests.test_architecture import INVALID, SLIDE_TOTALS, words
from tests.test_models import valid_stacks
from tests.test_stack_text import EVERY_OPTION

from cnnlib.architecture import StackError, preset, summarize
from cnnlib.keras_code import CodeText, keras_code

import keras  # noqa: E402  (Keras runs the generated code)

# keras_code's output before its words moved to ui/strings/keras_code.py: it must not change by a byte.
GOLDEN = json.loads((Path(__file__).parent / "golden" / "keras_code.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_code_is_byte_for_byte_what_it_was(lang):
    for name in SLIDE_TOTALS:
        assert keras_code(*preset(name), words(lang)) == GOLDEN[f"{name}/{lang}"], name
    assert keras_code(EVERY_OPTION, (17, 15, 2), words(lang)) == GOLDEN[f"extra/{lang}"]
    if lang == "ko":
        assert keras_code([], (28, 28), words(lang)) == GOLDEN["empty/ko"]


def test_code_asks_only_for_declared_words():
    asked = []
    keras_code(*preset("two_conv"), lambda coded: asked.append(coded) or coded.code)
    assert {c.code for c in asked} == set(CodeText.codes)
    for coded in asked:
        assert set(coded.params) == set(CodeText.codes[coded.code]) and coded.key == f"keras_code.{coded.code}"


@pytest.mark.parametrize("name", SLIDE_TOTALS)
def test_code_is_in_the_lecture_style_without_its_typos(name):
    stack, shape = preset(name)
    code = keras_code(stack, shape, words("ko"))
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
    code = keras_code(*preset("two_conv"), words("en"))
    assert "# Build the model" in code and "독립" in code


def test_code_refuses_invalid_stacks():
    with pytest.raises(StackError):
        keras_code(*INVALID["kernel larger than the map"], words("ko"))


# ---- Keras runs the code and counts the same -----------------------------------------------------


def _run_code(code: str):
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(code, "<generated>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace["model"], out.getvalue()


@pytest.mark.parametrize("name", SLIDE_TOTALS)
def test_generated_code_runs_and_gives_the_same_count(name):
    stack, shape = preset(name)
    model, printed = _run_code(keras_code(stack, shape, words("ko")))
    assert model.count_params() == SLIDE_TOTALS[name]
    assert model.compiled
    assert f"Total params: {SLIDE_TOTALS[name]:,}" in printed


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(valid_stacks())
def test_generated_code_of_random_stacks_counts_the_same(case):
    stack, shape = case
    keras.backend.clear_session(free_memory=False)  # resets the names; the gc pass (~180 ms) is not needed
    model, _ = _run_code(keras_code(stack, shape, words("en")))
    assert model.count_params() == sum(r.params for r in summarize(stack, shape))
    assert [tuple(layer.output.shape) for layer in model.layers] == [r.output_shape for r in summarize(stack, shape)]
