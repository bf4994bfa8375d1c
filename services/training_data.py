"""The datasets a training run can name, held for the server's runs: MNIST through Keras' download (with
the shipped sample as its offline fallback) and the class folders students upload (§7).

``load_mnist()`` tries the real Keras loader first (``keras.datasets.mnist.load_data()``: 60,000
training and 10,000 test digits, downloaded once into ``~/.keras/datasets``); when it cannot download
(no internet), it loads the shipped sample (``cnnlib.datasets.load_sample``). The ``Dataset`` it
returns says which one it is, so a page can say so. ``get_dataset(name)`` answers a RunConfig's
``dataset``; ``register_for_training`` adds an upload within a byte budget; ``pin``/``unpin`` keep a
dataset a queued run needs.

No TensorFlow at module level: a numpy page may import this file.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import replace

import numpy as np

from cnnlib.dataset import Dataset, DatasetError, Notice
from cnnlib.datasets import load_sample
from cnnlib.image_folders import ImageFolderSet, to_dataset
from services.settings import mnist_source  # the one reader of CNNLIB_* (SettingError for a bad value)

# How long the Keras download may take before the shipped sample is used instead (seconds).
DOWNLOAD_TIMEOUT = 60.0
# "auto" (Keras first, then the sample), "keras" or "sample": CNNLIB_MNIST_SOURCE overrides the
# default, e.g. `sample` in CI so every run uses the same 10,000 digits whether online or not.
SOURCES = ("auto", "keras", "sample")

_lock = threading.Lock()
_loaded: dict[str, Dataset] = {}
_keras_failed: list[str] = []  # remembered per process: ask the network once, not on every rerun


def _download_keras_mnist(timeout: float):
    """``keras.datasets.mnist.load_data()`` with a time limit (a hung download must not hang a page)."""
    box: dict = {}

    def work():
        try:
            import keras

            box["data"] = keras.datasets.mnist.load_data()
        except Exception as err:  # noqa: BLE001 - any failure means: use the sample
            box["error"] = err

    worker = threading.Thread(target=work, name="cnnlib-mnist-download", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"MNIST download took more than {timeout:.0f} s")
    if "error" in box:
        raise box["error"]
    return box["data"]


def load_keras() -> Dataset:
    """The full MNIST through Keras (60,000 / 10,000); raises when it cannot be downloaded."""
    with _lock:
        if "mnist" in _loaded:
            return _loaded["mnist"]
    (x_train, y_train), (x_test, y_test) = _download_keras_mnist(DOWNLOAD_TIMEOUT)
    dataset = Dataset(
        name="mnist", source="keras",
        x_train=np.asarray(x_train, np.uint8), y_train=np.asarray(y_train, np.uint8),
        x_test=np.asarray(x_test, np.uint8), y_test=np.asarray(y_test, np.uint8),
    )
    with _lock:
        return _loaded.setdefault("mnist", dataset)


def load_mnist(source: str | None = None) -> Dataset:
    """MNIST as the lecture loads it: Keras' download first, the shipped sample when offline.

    source: "auto" (default; the environment variable CNNLIB_MNIST_SOURCE may set it),
    "keras" (no fallback: raises DatasetError offline) or "sample". The result's ``source``
    says which was used and ``note`` (a ``Notice``) says why when it fell back.
    """
    source = source or mnist_source()
    if source not in SOURCES:
        raise DatasetError("bad_source", sources=", ".join(SOURCES), source=source)
    if source == "sample":
        return load_sample()
    if source == "auto" and _keras_failed:
        return _with_note(load_sample(), _keras_failed[0])
    try:
        return load_keras()
    except Exception as err:  # offline, timeout, bad cache file: all mean "fall back"
        reason = f"{type(err).__name__}: {err}"[:200]
        if source == "keras":
            raise DatasetError("keras_unavailable", reason=reason) from err
        with _lock:
            if not _keras_failed:
                _keras_failed.append(reason)
        return _with_note(load_sample(), reason)


def _with_note(dataset: Dataset, reason: str) -> Dataset:
    note = Notice("mnist_fallback", {"train": len(dataset.x_train), "test": len(dataset.x_test), "reason": reason})
    return replace(dataset, note=note)


# Datasets a training configuration can name. Other modules (e.g. the image-folder loader of §7)
# may add theirs with ``register_dataset``; a name must identify its content (include a hash).
_REGISTRY: dict[str, callable] = {"mnist": load_keras, "mnist_sample": load_sample}


def register_dataset(name: str, loader) -> None:
    """Make ``loader()`` (→ Dataset) available to training runs under ``name``."""
    with _lock:
        _REGISTRY[name] = loader


def get_dataset(name: str) -> Dataset:
    """The dataset a training configuration names; DatasetError when unknown or unavailable."""
    with _lock:
        loader = _REGISTRY.get(name)
    if loader is None:
        raise DatasetError("unknown_dataset", name=name, known=", ".join(sorted(_REGISTRY)))
    if name == "mnist":
        return load_mnist("keras")
    return loader()


# Datasets a queued or running run still needs: a registry that forgets (``register_for_training`` keeps
# its own data sets within a byte budget) must never forget these. A count per name, since several
# runs may train on one data set.
_pins: Counter[str] = Counter()


def pin(name: str) -> None:
    """Keep the dataset ``name`` registered until as many ``unpin(name)``: the training service calls
    this when it queues a run on it (any name may be pinned; only forgetting registries look)."""
    with _lock:
        _pins[name] += 1


def unpin(name: str) -> None:
    """The run that pinned ``name`` finished (done, failed or cancelled); never below zero."""
    with _lock:
        if _pins[name] > 1:
            _pins[name] -= 1
        else:
            _pins.pop(name, None)


def pinned(name: str) -> bool:
    with _lock:
        return _pins[name] > 0


def reset_cache() -> None:
    """Forget loaded datasets and a failed download (tests)."""
    with _lock:
        _loaded.clear()
        _keras_failed.clear()


# Own data sets kept in memory for the training service, by their bytes (a class set of letters
# is ~2.4 MB, notMNIST_small 15 MB, the largest archive 50,000 × 784 B = 39 MB): 256 MB keeps about
# a hundred students' typical sets (a count of 8 lost a queued run after 8 uploads, issue 9 #8).
# A data set a queued or running run needs is pinned (``pin``) and never forgotten.
MAX_REGISTERED_BYTES = 256 * 2**20
_registered: OrderedDict[str, int] = OrderedDict()  # name → bytes, least recently registered first
_registered_lock = threading.Lock()


def register_for_training(folder_set: ImageFolderSet, source: str, seed: int = 0) -> Dataset:
    """``to_dataset`` + ``register_dataset``: a RunConfig can now name it.

    The registry keeps MAX_REGISTERED_BYTES of data sets, the most recently registered first; an
    older one is forgotten (its name then says it must be reloaded) unless a run has pinned it
    (``pin``). A page registers its data again on every rerun.
    """
    dataset = to_dataset(folder_set, source, seed=seed)
    size = sum(a.nbytes for a in (dataset.x_train, dataset.y_train, dataset.x_test, dataset.y_test))
    with _registered_lock:
        register_dataset(dataset.name, lambda: dataset)
        _registered[dataset.name] = size
        _registered.move_to_end(dataset.name)
        total = sum(_registered.values())
        for old in list(_registered)[:-1]:  # oldest first; the one just registered stays
            if total <= MAX_REGISTERED_BYTES:
                break
            if not pinned(old):
                total -= _registered.pop(old)
                register_dataset(old, _forgotten)
    return dataset


def _forgotten() -> Dataset:
    raise DatasetError("forgotten")
