"""cnnlib.datasets: Keras' MNIST first, the shipped sample offline — never the network in a test."""

from __future__ import annotations

import subprocess
import sys
import threading
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
    assert not data.x_train.flags.writeable and not data.y_test.flags.writeable  # shared: nobody may change it
    assert datasets.load_sample() is data  # read once per process


def test_keras_loader_is_tried_first(monkeypatch):
    calls = []

    def load_data():
        calls.append(1)
        x = np.full((6, 28, 28), 7, np.uint8)
        return (x, np.arange(6) % 10), (x[:2], np.arange(2))

    fake_keras(monkeypatch, load_data)
    data = datasets.load_mnist()
    assert calls == [1]
    assert data.source == "keras" and data.name == "mnist" and data.note is None
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
    assert data.note.key == "data_notices.mnist_fallback"
    assert data.note.params["train"] == 8000 and data.note.params["test"] == 2000  # "8,000 / 2,000"
    assert "Name or service" in data.note.params["reason"]
    datasets.load_mnist()
    assert calls == [1], "a failed download is not retried on every rerun"


def test_hung_download_times_out_to_the_sample(monkeypatch):
    """How long the fallback takes is measured by bench/offline_data.py (a ratio to the time limit)."""
    release = threading.Event()
    fake_keras(monkeypatch, lambda: release.wait(30))  # hangs until the test is over
    monkeypatch.setattr(datasets, "DOWNLOAD_TIMEOUT", 0.2)
    try:
        data = datasets.load_mnist()
    finally:
        release.set()
    assert data.source == "sample" and "TimeoutError" in data.note.params["reason"]


def test_keras_only_raises_a_coded_error_offline(monkeypatch):
    fake_keras(monkeypatch, offline)
    with pytest.raises(datasets.DatasetError) as info:
        datasets.load_mnist("keras")
    assert isinstance(info.value, LessonError)
    assert info.value.key == "data_errors.keras_unavailable"
    assert "Name or service" in info.value.params["reason"]


def test_environment_variable_and_bad_source(monkeypatch):
    fake_keras(monkeypatch, lambda: pytest.fail("the network must not be asked"))
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")
    assert datasets.load_mnist().source == "sample"
    with pytest.raises(datasets.DatasetError) as info:
        datasets.load_mnist("internet")
    assert info.value.code == "bad_source" and info.value.params == {"sources": "auto, keras, sample", "source": "internet"}


def test_registry_names_datasets_for_training(monkeypatch):
    assert datasets.get_dataset("mnist_sample").x_train.shape == (8000, 28, 28)
    fake_keras(monkeypatch, offline)
    with pytest.raises(datasets.DatasetError):
        datasets.get_dataset("mnist")
    with pytest.raises(datasets.DatasetError) as info:
        datasets.get_dataset("cifar")
    assert info.value.code == "unknown_dataset" and info.value.params["name"] == "cifar"
    assert "mnist_sample" in info.value.params["known"]
    tiny = datasets.Dataset("tiny", "test", *(np.zeros((2, 4, 4), np.uint8), np.zeros(2, np.uint8)) * 2)
    datasets.register_dataset("tiny-0123", lambda: tiny)
    assert datasets.get_dataset("tiny-0123") is tiny


def test_importing_datasets_does_not_load_tensorflow():
    code = "import sys, cnnlib.datasets; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_sample_that_cannot_be_read_says_which_file(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "SAMPLE_PATH", tmp_path / "missing.npz")
    with pytest.raises(datasets.DatasetError) as info:
        datasets.load_sample()
    assert info.value.code == "sample_unreadable" and info.value.params["file"] == "missing.npz"
