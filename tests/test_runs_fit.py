"""services.runs.fit: TensorFlow loads lazily (with the app's hooks), the data is checked, the same run gives the same numbers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cnnlib import architecture
from services.runs import fit
from services.runs.cache import RunCache
from services.runs.config import RunConfig
from services.runs.errors import TrainingError
from tests.runhelp import tiny, words

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def offline_sample(monkeypatch):
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")


def test_importing_the_runs_package_loads_no_tensorflow():
    """The import rules per file are in tests/test_house.py; this checks what an import pulls in."""
    code = "import sys, services.runs; print(sorted(m for m in sys.modules if m.startswith(('tensorflow', 'keras'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr[-2000:]


@pytest.mark.tf
def test_a_run_builds_its_model_within_the_run_memory_setting(monkeypatch, tmp_path):
    import cnnlib.models

    config = tiny()
    budgets = []

    def build(stack, shape, *, budget_mb):
        budgets.append(budget_mb)
        raise LookupError("stop before anything trains")

    monkeypatch.setattr(cnnlib.models, "build_model", build)
    monkeypatch.setenv("CNNLIB_RUN_MEMORY_MB", "5")
    with pytest.raises(LookupError):
        fit.train(config, RunCache(tmp_path))
    assert budgets == [5]


def test_available_cpus_is_at_least_one():
    assert 1 <= fit.available_cpus() <= (os.cpu_count() or 1)


def test_the_data_must_fit_the_model():
    wrong_input = RunConfig.from_preset("lenet5").with_settings(input_shape=(32, 32, 1))
    with pytest.raises(TrainingError) as info:
        fit.prepare(wrong_input)
    assert info.value.code == "input_shape" and info.value.params == {"shape": (32, 32, 1), "image": (28, 28)}
    five = RunConfig.from_preset("lenet5").with_settings(
        stack=tuple(architecture.PRESETS["lenet5"]["stack"][:-1]) + ({"type": "Dense", "units": 5},))
    with pytest.raises(TrainingError) as info:
        fit.prepare(five)
    assert info.value.code == "output_shape" and info.value.params == {"classes": 10, "shape": (None, 5)}
    assert "(None, 10)" in words(info.value, "en") and "(None, 10)" in words(info.value, "ko")
    data, x_train, y_train, x_test = fit.prepare(tiny())
    assert x_train.shape == (300, 28, 28, 1) and x_train.dtype == np.uint8 and len(y_train) == 300
    assert x_test.shape == (len(data.y_test), 28, 28, 1)


def test_a_data_set_without_test_images_is_refused_before_keras_sees_it():
    """Issue 9 #11: one image per class left no test image, and Keras failed inside evaluate
    (UnboundLocalError); any data set without training or test images is a coded refusal."""
    from dataclasses import replace

    from cnnlib.datasets import load_sample

    sample = load_sample()
    no_test = replace(sample, x_test=sample.x_test[:0], y_test=sample.y_test[:0])
    with pytest.raises(TrainingError) as info:
        fit.prepare(tiny(), no_test)
    assert info.value.code == "no_images" and info.value.params == {"train": 300, "test": 0}


@pytest.mark.tf
@pytest.mark.slow  # two real runs
def test_same_configuration_gives_the_same_numbers(tmp_path):
    cache = RunCache(tmp_path)
    config = tiny(seed=7)
    first = fit.train(config, cache)
    assert cache.has(config.key) and first.path == cache.path(config.key)
    cache.remove(config.key)
    second = fit.train(config, cache)
    assert not second.cached
    assert second.history == first.history
    assert np.array_equal(second.y_pred, first.y_pred)


class FakeLibc:
    def __init__(self):
        self.calls = []

    def mallopt(self, param, value):
        self.calls.append(("mallopt", param, value))
        return 1

    def malloc_trim(self, pad):
        self.calls.append(("malloc_trim", pad))
        return 1


def test_memory_after_a_run_goes_back_and_tensorflow_gets_two_malloc_arenas(monkeypatch):
    """glibc: at most MALLOC_ARENAS arenas once TensorFlow comes (set before its threads exist), and a finished
    run's free pages handed back (malloc_trim) after Python's cycles are collected."""
    import gc

    libc, collected = FakeLibc(), []
    monkeypatch.setattr(fit, "_libc", lambda: libc)
    monkeypatch.setattr(gc, "collect", lambda *a: collected.append(True) or 0)
    fit.limit_malloc_arenas()
    fit.release_memory()
    assert libc.calls == [("mallopt", -8, fit.MALLOC_ARENAS), ("malloc_trim", 0)] and collected == [True]
    monkeypatch.setattr(fit, "_libc", lambda: None)  # another C library: nothing to call, nothing fails
    fit.limit_malloc_arenas()
    fit.release_memory()


@pytest.mark.tf
def test_a_run_hands_free_pages_back_after_every_epoch_without_collecting(monkeypatch, tmp_path):
    """Each epoch ends with malloc_trim and no gc.collect (which would hold the GIL for every page of the server)."""
    import gc

    libc, collected = FakeLibc(), []
    monkeypatch.setattr(fit, "_libc", lambda: libc)
    fit.trim_each_epoch().on_epoch_end(0)
    assert libc.calls == [("malloc_trim", 0)]
    fit.configure_tensorflow()  # the process's TensorFlow set-up ends in one collection (freeze_heap), not the run's
    monkeypatch.setattr(gc, "collect", lambda *a: collected.append(True) or 0)
    libc.calls.clear()
    fit.train(tiny(epochs=2, seed=5), RunCache(tmp_path))
    trims = [call for call in libc.calls if call[0] == "malloc_trim"]  # (the first run in a process also sets arenas)
    assert trims == [("malloc_trim", 0)] * 2 and collected == []


@pytest.mark.slow  # a fresh Python that imports TensorFlow
@pytest.mark.tf
def test_tensorflows_objects_are_left_out_of_later_full_collections():
    """configure_tensorflow freezes the heap (freeze_heap): a full collection, after each run and whenever Python's
    own comes, no longer walks TensorFlow's objects, which live as long as the process."""
    code = (
        "import gc, tensorflow as tf\n"
        "walked = lambda: any(o is vars(tf) for o in gc.get_objects())\n"
        "before = walked()\n"
        "from services.runs import fit\n"
        "fit.configure_tensorflow()\n"
        "print(before, walked(), gc.get_freeze_count() > 100_000)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "False", "True"]


def test_this_linux_has_the_glibc_calls():
    assert fit._libc() is not None  # Community Cloud and CI run Debian: the calls above are made there
