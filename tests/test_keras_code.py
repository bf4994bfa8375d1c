"""cnnlib.keras_code: the Keras code shown to students, its words from the catalogue, and Keras runs it."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from cnnlib.architecture import StackError, preset, summarize
from cnnlib.keras_code import CodeText, keras_code
from tests.stackhelp import EVERY_OPTION, INVALID, SLIDE_TOTALS, valid_stacks
from tests.wordhelp import lang_words as words

pytestmark = pytest.mark.tf  # Keras runs the generated code

# keras_code's output before its words moved to words/keras_code.py: it must not change by a byte.
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
    import keras  # here, not at the top: collecting this module must not load TensorFlow (-m "not tf" never pays for it)

    stack, shape = case
    keras.backend.clear_session(free_memory=False)  # resets the names; the gc pass (~180 ms) is not needed
    model, _ = _run_code(keras_code(stack, shape, words("en")))
    assert model.count_params() == sum(r.params for r in summarize(stack, shape))
    assert [tuple(layer.output.shape) for layer in model.layers] == [r.output_shape for r in summarize(stack, shape)]


# ---- §6 and §7: the whole run as code (training_code) ---------------------------------------------

import ast  # noqa: E402
import itertools  # noqa: E402

from cnnlib.architecture import with_classes  # noqa: E402
from cnnlib.keras_code import Folders, TrainCodeText, training_code  # noqa: E402
from services.runs import OPTIMIZERS, SCALINGS, SCHEDULES, RunConfig  # noqa: E402


def _calls(code: str) -> dict:
    """The keyword arguments (as Python values, or source text) of model.fit, the optimizer and the schedule."""
    found = {}
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            kwargs = {}
            for kw in node.keywords:
                try:
                    kwargs[kw.arg] = ast.literal_eval(kw.value)
                except ValueError:
                    kwargs[kw.arg] = ast.unparse(kw.value)
            found[name.split(".")[-1]] = {"args": [ast.unparse(a) for a in node.args], **kwargs}
    return found


SETTINGS = [
    dict(zip(("optimizer", "schedule", "scaling"), combo, strict=True))
    for combo in itertools.product(OPTIMIZERS, SCHEDULES, SCALINGS)
]


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: "-".join(s.values()))
def test_training_code_is_python_with_the_runs_numbers(settings, lang):
    config = RunConfig.from_preset("lenet5", train_size=4000, epochs=7, batch_size=128, learning_rate=0.002, seed=5, **settings)
    code = training_code(config, words(lang))
    compile(code, "<generated>", "exec")
    calls = _calls(code)
    fit = calls["fit"]
    assert fit["args"] == ["독립", "종속"] and fit["epochs"] == 7 and fit["batch_size"] == 128
    assert fit["validation_data"] == "(독립_test, 종속_test)"
    optimizer = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD"}[settings["optimizer"]]
    assert optimizer in calls and calls["set_random_seed"]["args"] == ["5"]
    if settings["schedule"] == "cosine":  # decays over every step of the run: 7 epochs × ⌈4000 / 128⌉ batches
        assert calls["CosineDecay"] == {"args": ["0.002"], "decay_steps": 7 * 32}
        assert calls[optimizer]["learning_rate"] == "rate"
    else:
        assert "CosineDecay" not in calls and calls[optimizer]["learning_rate"] == 0.002
    assert calls[optimizer].get("momentum") == (0.9 if settings["optimizer"] == "sgd" else None)
    assert ("독립[:4000].reshape(4000, 28, 28, 1) / 255" in code) == (settings["scaling"] == "scaled")
    assert calls["compile"]["loss"] == "categorical_crossentropy" and calls["compile"]["metrics"] == ["accuracy"]
    assert "scategorical" not in code and "'swis'" not in code and "'soft'" not in code


def test_training_code_of_the_slides_settings_reads_as_the_slide():
    config = RunConfig.from_preset(
        "lenet5",
        train_size=60_000,
        epochs=10,
        batch_size=32,
        optimizer="rmsprop",
        learning_rate=0.001,
        schedule="constant",
        scaling="raw",
    )
    code = training_code(config, words("ko"))
    assert "독립 = 독립[:60000].reshape(60000, 28, 28, 1)\n" in code  # the slide: 독립.reshape(60000, 28, 28, 1)
    assert "H = tf.keras.layers.Conv2D(6, kernel_size=5, padding='same', activation='swish')(X)\n" in code
    assert "optimizer = tf.keras.optimizers.RMSprop(learning_rate=0.001)\n" in code
    assert "model.fit(독립, 종속, epochs=10, batch_size=32, validation_data=(독립_test, 종속_test))\n" in code
    assert "# 1. 과거의 데이터를 준비합니다: 학습 이미지 60,000장" in code


def test_training_code_of_class_folders_reads_them_as_the_lecture():
    config = RunConfig(stack=tuple(with_classes(preset("lenet5")[0], 10)), input_shape=(28, 28, 1), epochs=10, train_size=14979)
    code = training_code(config, words("en"), Folders("notMNIST_small", 18724, 10))
    compile(code, "<generated>", "exec")
    assert "paths = glob.glob('./notMNIST_small/*/*.png')\n" in code
    assert "독립 = 독립.reshape(18724, 28, 28, 1)\n" in code
    fit = _calls(code)["fit"]
    assert fit["epochs"] == 10 and fit["batch_size"] == 64 and fit["validation_split"] == 0.2
    assert _calls(code)["CosineDecay"]["decay_steps"] == 10 * -(-(18724 - 3745) // 64)
    odd = training_code(config, words("en"), Folders('it\'s "odd"\n', 20, 2))  # a folder name is data, never code
    compile(odd, "<generated>", "exec")


def test_training_code_asks_only_for_declared_words():
    asked = []
    config = RunConfig.from_preset("lenet5")
    training_code(config, lambda coded: asked.append(coded) or coded.code)
    training_code(config.with_settings(scaling="raw"), lambda coded: asked.append(coded) or coded.code, Folders("f", 10, 2))
    assert {c.code for c in asked if isinstance(c, TrainCodeText)} == set(TrainCodeText.codes)


@pytest.mark.slow  # the code trains
def test_training_code_runs_and_trains_the_pages_model(monkeypatch, tmp_path):
    """Run it: MNIST from the shipped sample (no download), then class folders of PNGs in a temporary folder."""
    import keras
    import numpy as np
    import tensorflow as tf
    from PIL import Image

    from services.training_data import load_mnist

    data = load_mnist()
    monkeypatch.setattr(
        tf.keras.datasets.mnist, "load_data", lambda: ((data.x_train, data.y_train), (data.x_test[:200], data.y_test[:200]))
    )
    keras.backend.clear_session(free_memory=False)
    model, printed = _run_code(training_code(RunConfig.from_preset("lenet5", train_size=300, epochs=1), words("en")))
    assert model.count_params() == SLIDE_TOTALS["lenet5"] and "(300, 28, 28, 1) (300, 10)" in printed
    assert isinstance(model.optimizer, keras.optimizers.Adam) and model.optimizer.iterations.numpy() == 5  # ⌈300 / 64⌉

    rng = np.random.default_rng(0)
    for name in ("A", "B", "C"):
        (tmp_path / "mine" / name).mkdir(parents=True)
        for i in range(10):
            Image.fromarray(rng.integers(0, 256, (28, 28), dtype=np.uint8)).save(tmp_path / "mine" / name / f"{i}.png")
    monkeypatch.chdir(tmp_path)
    config = RunConfig(stack=tuple(with_classes(preset("lenet5")[0], 3)), input_shape=(28, 28, 1), epochs=2)
    keras.backend.clear_session(free_memory=False)
    model, printed = _run_code(training_code(config, words("ko"), Folders("mine", 30, 3)))
    assert "(30, 28, 28, 1) (30, 3)" in printed and model.output_shape == (None, 3)
    assert model.optimizer.iterations.numpy() == 2  # 2 epochs × ⌈24 / 64⌉ batch
