"""cnnlib.datasets: Keras' MNIST first, the shipped sample offline — never the network in a test."""

from __future__ import annotations

import subprocess
import sys
import time
import types

import numpy as np
import pytest

from cnnlib import datasets
from cnnlib.errors import LessonError


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.delenv("CNNLIB_MNIST_SOURCE", raising=False)
    datasets.reset_cache()
    yield
    datasets.reset_cache()


def fake_keras(monkeypatch, load_data):
    """A stand-in `keras` module whose mnist.load_data is ours (no TensorFlow, no network)."""
    module = types.SimpleNamespace(datasets=types.SimpleNamespace(mnist=types.SimpleNamespace(load_data=load_data)))
    monkeypatch.setitem(sys.modules, "keras", module)


def offline():
    # what Keras raises offline (a bare Exception)
    raise Exception("URL fetch failure on https://storage.googleapis.com/...: [Errno -2] Name or service not known")  # noqa: TRY002


def test_shipped_sample_is_real_mnist_8000_2000():
    data = datasets.load_sample()
    assert data.source == "sample" and data.name == "mnist_sample"
    assert data.x_train.shape == (8000, 28, 28) and data.x_test.shape == (2000, 28, 28)
    assert data.x_train.dtype == np.uint8 and data.x_train.max() == 255
    counts = np.bincount(np.concatenate([data.y_train, data.y_test]), minlength=10)
    # the class counts documented in cnnlib/data/README.md
    assert counts.tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    assert data.image_shape == (28, 28)


def test_keras_loader_is_tried_first(monkeypatch):
    calls = []

    def load_data():
        calls.append(1)
        x = np.full((6, 28, 28), 7, np.uint8)
        return (x, np.arange(6) % 10), (x[:2], np.arange(2))

    fake_keras(monkeypatch, load_data)
    data = datasets.load_mnist()
    assert calls == [1]
    assert data.source == "keras" and data.name == "mnist" and data.note == {}
    assert data.x_train.shape == (6, 28, 28) and data.x_test.shape == (2, 28, 28)
    datasets.load_mnist()
    assert calls == [1], "loaded once per process"


def test_offline_falls_back_to_the_sample_and_says_why(monkeypatch):
    calls = []

    def load_data():
        calls.append(1)
        offline()

    fake_keras(monkeypatch, load_data)
    data = datasets.load_mnist()
    assert data.source == "sample" and len(data.x_train) == 8000
    assert "8,000" in data.note["en"] and "8,000" in data.note["ko"] and "Name or service" in data.note["en"]
    datasets.load_mnist()
    assert calls == [1], "a failed download is not retried on every rerun"


def test_hung_download_times_out_to_the_sample(monkeypatch):
    fake_keras(monkeypatch, lambda: time.sleep(5))
    monkeypatch.setattr(datasets, "DOWNLOAD_TIMEOUT", 0.2)
    start = time.perf_counter()
    data = datasets.load_mnist()
    assert time.perf_counter() - start < 2
    assert data.source == "sample" and "TimeoutError" in data.note["en"]


def test_keras_only_raises_a_bilingual_error_offline(monkeypatch):
    fake_keras(monkeypatch, offline)
    with pytest.raises(datasets.DatasetError) as info:
        datasets.load_mnist("keras")
    assert isinstance(info.value, LessonError)
    assert "Keras" in info.value.text("en") and "내려받을 수 없습니다" in info.value.text("ko")


def test_environment_variable_and_bad_source(monkeypatch):
    fake_keras(monkeypatch, lambda: pytest.fail("the network must not be asked"))
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")
    assert datasets.load_mnist().source == "sample"
    with pytest.raises(datasets.DatasetError):
        datasets.load_mnist("internet")


def test_registry_names_datasets_for_training(monkeypatch):
    assert datasets.get_dataset("mnist_sample").x_train.shape == (8000, 28, 28)
    fake_keras(monkeypatch, offline)
    with pytest.raises(datasets.DatasetError):
        datasets.get_dataset("mnist")
    with pytest.raises(datasets.DatasetError) as info:
        datasets.get_dataset("cifar")
    assert "mnist_sample" in info.value.text("en")
    tiny = datasets.Dataset("tiny", "test", *(np.zeros((2, 4, 4), np.uint8), np.zeros(2, np.uint8)) * 2)
    datasets.register_dataset("tiny-0123", lambda: tiny)
    assert datasets.get_dataset("tiny-0123") is tiny


def test_importing_datasets_does_not_load_tensorflow():
    code = "import sys, cnnlib.datasets; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
