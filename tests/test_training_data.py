"""services.training_data: Keras' MNIST first, the shipped sample offline, the datasets a run names — never the network."""

from __future__ import annotations

import sys
import threading
import types

import numpy as np
import pytest

from cnnlib.dataset import Dataset, DatasetError
from cnnlib.errors import LessonError
from cnnlib.image_folders import load_image_zip, to_dataset
from services import training_data
from tests.archivehelp import make_zip, png, two_classes


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.delenv("CNNLIB_MNIST_SOURCE", raising=False)
    training_data.reset_cache()
    yield
    training_data.reset_cache()


def fake_keras(monkeypatch, load_data):
    """A stand-in `keras` module whose mnist.load_data is ours (no TensorFlow, no network)."""
    module = types.SimpleNamespace(datasets=types.SimpleNamespace(mnist=types.SimpleNamespace(load_data=load_data)))
    monkeypatch.setitem(sys.modules, "keras", module)


def offline():
    # what Keras raises offline (a bare Exception)
    raise Exception("URL fetch failure on https://storage.googleapis.com/...: [Errno -2] Name or service not known")  # noqa: TRY002


def test_keras_loader_is_tried_first(monkeypatch):
    calls = []

    def load_data():
        calls.append(1)
        x = np.full((6, 28, 28), 7, np.uint8)
        return (x, np.arange(6) % 10), (x[:2], np.arange(2))

    fake_keras(monkeypatch, load_data)
    data = training_data.load_mnist()
    assert calls == [1]
    assert data.source == "keras" and data.name == "mnist" and data.note is None
    assert data.x_train.shape == (6, 28, 28) and data.x_test.shape == (2, 28, 28)
    training_data.load_mnist()
    assert calls == [1], "loaded once per process"


def test_offline_falls_back_to_the_sample_and_says_why(monkeypatch):
    calls = []

    def load_data():
        calls.append(1)
        offline()

    fake_keras(monkeypatch, load_data)
    data = training_data.load_mnist()
    assert data.source == "sample" and len(data.x_train) == 8000
    assert data.note.key == "data_notices.mnist_fallback"
    assert data.note.params["train"] == 8000 and data.note.params["test"] == 2000  # "8,000 / 2,000"
    assert "Name or service" in data.note.params["reason"]
    training_data.load_mnist()
    assert calls == [1], "a failed download is not retried on every rerun"


def test_hung_download_times_out_to_the_sample(monkeypatch):
    """How long the fallback takes is measured by bench/offline_data.py (a ratio to the time limit)."""
    release = threading.Event()
    fake_keras(monkeypatch, lambda: release.wait(30))  # hangs until the test is over
    monkeypatch.setattr(training_data, "DOWNLOAD_TIMEOUT", 0.2)
    try:
        data = training_data.load_mnist()
    finally:
        release.set()
    assert data.source == "sample" and "TimeoutError" in data.note.params["reason"]


def test_keras_only_raises_a_coded_error_offline(monkeypatch):
    fake_keras(monkeypatch, offline)
    with pytest.raises(DatasetError) as info:
        training_data.load_mnist("keras")
    assert isinstance(info.value, LessonError)
    assert info.value.key == "data_errors.keras_unavailable"
    assert "Name or service" in info.value.params["reason"]


def test_environment_variable_and_bad_source(monkeypatch):
    fake_keras(monkeypatch, lambda: pytest.fail("the network must not be asked"))
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")
    assert training_data.load_mnist().source == "sample"
    with pytest.raises(DatasetError) as info:
        training_data.load_mnist("internet")
    assert info.value.code == "bad_source" and info.value.params == {"sources": "auto, keras, sample", "source": "internet"}


def test_registry_names_datasets_for_training(monkeypatch):
    assert training_data.get_dataset("mnist_sample").x_train.shape == (8000, 28, 28)
    fake_keras(monkeypatch, offline)
    with pytest.raises(DatasetError):
        training_data.get_dataset("mnist")
    with pytest.raises(DatasetError) as info:
        training_data.get_dataset("cifar")
    assert info.value.code == "unknown_dataset" and info.value.params["name"] == "cifar"
    assert "mnist_sample" in info.value.params["known"]
    tiny = Dataset("tiny", "test", *(np.zeros((2, 4, 4), np.uint8), np.zeros(2, np.uint8)) * 2)
    training_data.register_dataset("tiny-0123", lambda: tiny)
    assert training_data.get_dataset("tiny-0123") is tiny


def test_an_upload_registered_for_training_is_named_by_its_content():
    folder_set = load_image_zip(make_zip([(f"{c}/{i}.png", png(i + 10 * k)) for k, c in enumerate("ABC") for i in range(10)]))
    registered = training_data.register_for_training(folder_set, "upload")
    assert registered.name == to_dataset(folder_set, "upload").name
    assert training_data.get_dataset(registered.name) is registered
    one_each = load_image_zip(make_zip([("A/a.png", png(1)), ("B/b.png", png(2)), ("C/c.png", png(3))]))
    with pytest.raises(DatasetError) as info:
        training_data.register_for_training(one_each, "upload")
    assert info.value.code == "no_test_images" and info.value.params == {"n": 3}


def test_only_the_most_recent_own_data_sets_stay_registered(monkeypatch):
    sets = [load_image_zip(make_zip(two_classes(n=n))) for n in (2, 3, 4)]
    monkeypatch.setattr(training_data, "MAX_REGISTERED_BYTES", sum(s.images.nbytes + len(s.images) for s in sets[1:]))
    monkeypatch.setattr(training_data, "_registered", training_data.OrderedDict())
    names = [training_data.register_for_training(s, "upload").name for s in sets]
    assert training_data.get_dataset(names[2]).name == names[2] and training_data.get_dataset(names[1]).name == names[1]
    with pytest.raises(DatasetError) as info:
        training_data.get_dataset(names[0])
    assert info.value.code == "forgotten" and info.value.params == {}


def test_a_data_set_a_queued_run_needs_is_never_forgotten(monkeypatch):
    """Issue 9 #8: a queued run failed 'no longer in memory' after 8 other uploads. The registry is
    bounded by bytes, and a pinned data set (a run is queued on it) stays however many come after."""
    monkeypatch.setattr(training_data, "_registered", training_data.OrderedDict())
    sets = [load_image_zip(make_zip(two_classes(n=n))) for n in range(2, 14)]
    first = training_data.register_for_training(sets[0], "upload").name
    training_data.pin(first)  # what the training service does while the run is queued or running
    try:
        others = [training_data.register_for_training(s, "upload").name for s in sets[1:]]  # 11 more students upload
        assert training_data.get_dataset(first).name == first
        monkeypatch.setattr(training_data, "MAX_REGISTERED_BYTES", 1)  # memory is short: only the newest + pinned stay
        training_data.register_for_training(sets[-1], "upload")
        assert training_data.get_dataset(first).name == first
        with pytest.raises(DatasetError):
            training_data.get_dataset(others[0])
    finally:
        training_data.unpin(first)
    assert not training_data.pinned(first)
    training_data.register_for_training(sets[-2], "upload")  # the run finished: now it may go
    with pytest.raises(DatasetError) as info:
        training_data.get_dataset(first)
    assert info.value.code == "forgotten"
