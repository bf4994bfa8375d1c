"""services.runs.config: the key names the run, every setting counts, limits refuse with codes (no TensorFlow)."""

from __future__ import annotations

import json

import pytest

from cnnlib import architecture
from services.runs import config as run_config
from services.runs.config import RunConfig, default_config
from services.runs.errors import TrainingError
from tests.runhelp import words


def test_same_configuration_same_key_and_every_field_counts():
    a = default_config()
    assert a.key == default_config().key
    assert len(a.key) == 20 and int(a.key, 16) >= 0
    # a stack written with Keras' defaults spelled out is the same run
    spelled = [dict(layer) for layer in a.stack]
    spelled[0] = {**spelled[0], "strides": 1}
    spelled[1] = {**spelled[1], "pool_size": 2}
    assert a.with_settings(stack=tuple(spelled)).key == a.key
    changes = {"dataset": "mnist", "train_size": 4000, "epochs": 6, "batch_size": 32, "optimizer": "rmsprop",
               "learning_rate": 0.001, "schedule": "constant", "seed": 1, "scaling": "raw"}
    keys = {a.key} | {a.with_settings(**{k: v}).key for k, v in changes.items()}
    assert len(keys) == len(changes) + 1
    assert RunConfig.from_preset("two_conv").key != a.key


def test_keys_are_those_of_the_runs_already_on_disk():
    """The split into services.runs must not orphan anyone's cache: the same configuration, the same key."""
    assert default_config().key == "45e20ba8cbdab3cad05b"
    assert default_config("mnist").key == "ace6fa4bfc4b93656c33"
    assert RunConfig.from_preset("two_conv").key == "45ebb1e3b302697f5735"


def test_round_trip_through_json():
    a = default_config()
    b = RunConfig.from_dict(json.loads(json.dumps(a.to_dict())))
    assert b.key == a.key and b == a


def test_defaults_are_the_measured_fast_settings_on_lenet5():
    a = default_config()
    assert a.epochs == 5 and a.batch_size == 64 and a.optimizer == "adam" and a.scaling == "scaled"
    assert list(a.stack) == architecture.PRESETS["lenet5"]["stack"]
    slides = a.with_settings(**run_config.SLIDE_SETTINGS)
    assert (slides.epochs, slides.batch_size, slides.optimizer, slides.scaling) == (10, 32, "rmsprop", "raw")


@pytest.mark.parametrize(
    ("settings", "code", "params"),
    [({"epochs": 0}, "not_whole_number", {"name": "epochs", "low": 1, "high": 50, "value": 0}),
     ({"epochs": 2.5}, "not_whole_number", {"name": "epochs", "low": 1, "high": 50, "value": 2.5}),
     ({"batch_size": 0}, "not_whole_number", {"name": "batch_size", "low": 1, "high": 4096, "value": 0}),
     ({"train_size": 10**7}, "not_whole_number", {"name": "train_size", "low": 1, "high": 60_000, "value": 10**7}),
     ({"learning_rate": 0.0}, "learning_rate", {"low": 1e-6, "high": 10.0, "value": 0.0}),
     ({"learning_rate": 100.0}, "learning_rate", {"low": 1e-6, "high": 10.0, "value": 100.0}),
     ({"optimizer": "adagrad"}, "not_one_of", {"name": "optimizer", "allowed": "adam, rmsprop, sgd", "value": "adagrad"}),
     ({"scaling": "standard"}, "not_one_of", {"name": "scaling", "allowed": "scaled, raw", "value": "standard"}),
     ({"schedule": "step"}, "not_one_of", {"name": "schedule", "allowed": "constant, cosine", "value": "step"}),
     ({"stack": ()}, "no_layers", {})],
)
def test_bad_configuration_is_refused_in_both_languages(settings, code, params):
    with pytest.raises(TrainingError) as info:
        default_config().with_settings(**settings).check()
    assert info.value.key == f"run_errors.{code}" and info.value.params == params
    assert words(info.value, "ko") != words(info.value, "en")


def test_unbuildable_stack_is_a_stack_error():
    config = RunConfig(stack=({"type": "Conv2D", "filters": 3, "kernel_size": 40},))
    with pytest.raises(architecture.StackError):
        config.check()


def test_model_too_big_for_the_server_is_refused(monkeypatch):
    huge = RunConfig(stack=({"type": "Conv2D", "filters": 512, "kernel_size": 3, "padding": "same"},
                            {"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}),
                     batch_size=512)
    monkeypatch.delenv("CNNLIB_RUN_MEMORY_MB", raising=False)
    with pytest.raises(TrainingError) as info:
        huge.check()
    assert info.value.code == "too_big" and info.value.params["budget"] == 600
    assert info.value.params["needed"] == pytest.approx(run_config.estimate_memory_mb(huge)) and info.value.params["needed"] > 600
    assert "MB" in words(info.value, "en") and "MB" in words(info.value, "ko")
    assert run_config.estimate_memory_mb(default_config()) < 100
    monkeypatch.setenv("CNNLIB_RUN_MEMORY_MB", "100000")  # a bigger server takes it
    assert huge.check() is huge


def convs(filters: int, count: int = 3) -> tuple:
    return tuple([{"type": "Conv2D", "filters": filters, "kernel_size": 3, "activation": "relu"}] * count
                 + [{"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}])


def test_the_time_estimate_grows_with_the_work(monkeypatch):
    monkeypatch.delenv("CNNLIB_RUN_MAX_SECONDS", raising=False)
    base = default_config()
    estimate = run_config.estimate_seconds
    assert run_config.work_per_image(base.stack, base.input_shape) == (416_520, 17_762)  # the slide's LeNet-5
    assert estimate(base) < estimate(base.with_settings(epochs=6)) < estimate(base.with_settings(epochs=12))
    assert estimate(base) < estimate(base.with_settings(train_size=16_000)) < estimate(base.with_settings(train_size=60_000))
    assert estimate(base.with_settings(batch_size=256)) < estimate(base) < estimate(base.with_settings(batch_size=16))
    narrow = base.with_settings(stack=convs(32))
    assert estimate(base) < estimate(narrow) < estimate(base.with_settings(stack=convs(64))) < estimate(
        base.with_settings(stack=convs(256)))
    # the issue's run: 3 × Conv2D(256) for 50 epochs at batch 16 passes the memory check, ran 3.5 hours
    slow = base.with_settings(stack=convs(256), epochs=50, batch_size=16)
    assert run_config.estimate_memory_mb(slow) < 600 and estimate(slow) > 3600
    with pytest.raises(TrainingError) as info:
        slow.check()
    err = info.value
    assert err.code == "too_slow" and err.params["limit"] == run_config.run_max_seconds()
    assert "CNNLIB_RUN_MAX_SECONDS" in words(err, "en") and "CNNLIB_RUN_MAX_SECONDS" in words(err, "ko")
    monkeypatch.setenv("CNNLIB_RUN_MAX_SECONDS", str(2 * estimate(slow)))
    assert slow.check() is slow, "a teacher may allow it"


@pytest.mark.parametrize("preset", sorted(architecture.PRESETS))
@pytest.mark.parametrize("settings", [run_config.FAST_SETTINGS, run_config.SLIDE_SETTINGS])
def test_every_preset_with_fast_or_slide_settings_on_all_of_mnist_is_allowed(monkeypatch, preset, settings):
    monkeypatch.delenv("CNNLIB_RUN_MAX_SECONDS", raising=False)
    config = RunConfig.from_preset(preset, dataset="mnist", train_size=60_000, **settings)
    assert config.check() is config
    assert run_config.estimate_seconds(config) < run_config.run_max_seconds() / 3, "room for a busy server"


def test_a_preset_is_named_and_any_other_stack_is_not():
    assert run_config.preset_name(default_config()) == "lenet5"
    assert run_config.preset_name(RunConfig.from_preset("two_conv_pool")) == "two_conv_pool"
    assert run_config.preset_name(default_config().with_settings(stack=convs(8))) is None
