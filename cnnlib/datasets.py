"""Datasets for the Keras pages (§2, §6, §7): MNIST as the lecture loads it, with an offline fallback.

``load_mnist()`` tries the real Keras loader first (``keras.datasets.mnist.load_data()``:
60,000 training and 10,000 test digits, downloaded once into ``~/.keras/datasets``); when it
cannot download (no internet), it loads the real MNIST sample shipped in ``cnnlib/data``
(8,000 / 2,000 digits; attribution in ``cnnlib/data/README.md``) with ``numpy.load``. The
``Dataset`` it returns says which one it is, so a page can say so.

No TensorFlow at module level: a numpy page may import this file.
"""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

import numpy as np

from cnnlib.errors import Coded, LessonError

SAMPLE_PATH = Path(__file__).parent / "data" / "mnist-sample-10k.npz"
DIGIT_NAMES = tuple(str(d) for d in range(10))
# How long the Keras download may take before the shipped sample is used instead (seconds).
DOWNLOAD_TIMEOUT = 60.0
# "auto" (Keras first, then the sample), "keras" or "sample": CNNLIB_MNIST_SOURCE overrides the
# default, e.g. `sample` in CI so every run uses the same 10,000 digits whether online or not.
SOURCES = ("auto", "keras", "sample")


@dataclass(frozen=True)
class Notice(Coded):
    """Something the student should know before training; the data is still usable.

    >>> Notice("small_class", {"name": "C", "n": 1}).key
    'data_notices.small_class'
    """

    domain: ClassVar[str] = "data_notices"
    codes: ClassVar[dict[str, tuple[str, ...]]] = {
        "small_class": ("name", "n"),  # a class with fewer than two images
        "case_clash": ("names",),  # class folders whose names differ only by case
        "truncated": ("n",),  # an archive cut short: only its first n files were read
        "mnist_fallback": ("train", "test", "reason"),  # offline: the shipped sample instead of Keras' MNIST
    }
    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Images (N, H, W) uint8 0–255 and integer labels, split into training and test.

    name: the dataset's id in a training configuration ("mnist" = Keras' 60,000/10,000,
    "mnist_sample" = the shipped 8,000/2,000). source: where it came from ("keras", "sample", …).
    """

    name: str
    source: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...] = DIGIT_NAMES
    note: Notice | None = None  # why this source, when it is not the first choice

    @property
    def image_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])


class DatasetError(LessonError):
    """Data that cannot be loaded or used: MNIST, an archive of class folders, a download.

    ``code`` says why; ``skipped`` lists the files of an archive that were left out, with their reasons.

    >>> DatasetError("empty").key
    'data_errors.empty'
    """

    domain = "data_errors"
    codes = {
        # MNIST (this module)
        "sample_unreadable": ("file", "reason"),
        "bad_source": ("sources", "source"),
        "keras_unavailable": ("reason",),
        "unknown_dataset": ("name", "known"),
        # an archive of class folders (cnnlib.archives, cnnlib.image_folders) and one picture (cnnlib.images)
        "too_big": ("size", "limit"),
        "not_zip": (),
        "not_tar": (),
        "not_archive": (),
        "empty": (),
        "bomb": ("limit", "ratio"),
        "too_many_files": ("limit",),
        "names_too_long": ("limit",),  # a tar's names together, MB
        "long_header": ("limit",),  # one tar extended header (a long name), KB
        "no_images": ("n", "reasons"),
        "no_class_folders": (),
        "one_class": ("name",),
        "too_many_classes": ("n", "limit"),
        "forgotten": (),
        "image_not_image": (),
        "image_unreadable": (),
        "image_too_large": ("limit",),
        "image_too_much_memory": ("w", "h", "limit"),  # decoded MB
        "no_test_images": ("n",),  # every class has one image: nothing left to test on
        # the notMNIST download (cnnlib.downloads)
        "offline": ("host", "reason"),
        "http": ("status", "host"),
        "cut": ("done", "total"),
        "cut_unknown": ("done",),  # cut short, and the server never said how long it was
        "damaged_download": (),  # a gzip that is not a whole tar (cut short, or something else)
        "not_gzip": (),
        "too_big_download": ("limit",),
        "cache": ("path", "reason"),
    }

    def __init__(self, code: str, /, *, skipped: tuple = (), **params):
        super().__init__(code, **params)
        self.skipped = tuple(skipped)


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


def load_sample() -> Dataset:
    """The shipped real-MNIST sample: 8,000 training and 2,000 test digits (uint8 28×28, read-only)."""
    with _lock:
        if "mnist_sample" in _loaded:
            return _loaded["mnist_sample"]
    try:
        with np.load(SAMPLE_PATH) as data:
            arrays = {k: np.ascontiguousarray(data[k]) for k in ("x_train", "y_train", "x_test", "y_test")}
    except (OSError, KeyError, ValueError) as err:
        raise DatasetError("sample_unreadable", file=SAMPLE_PATH.name, reason=str(err)) from err
    for a in arrays.values():
        a.setflags(write=False)  # shared between sessions and pages: nobody may change it
    dataset = Dataset(name="mnist_sample", source="sample", **arrays)
    with _lock:
        return _loaded.setdefault("mnist_sample", dataset)


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
    from cnnlib.settings import mnist_source  # the one reader of CNNLIB_* (SettingError for a bad value)

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


# Datasets a queued or running run still needs: a registry that forgets (cnnlib.image_folders keeps
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


@contextmanager
def hold(name: str):
    """``with hold(name):`` the dataset stays registered inside the block (pin/unpin)."""
    pin(name)
    try:
        yield
    finally:
        unpin(name)


def reset_cache() -> None:
    """Forget loaded datasets and a failed download (tests)."""
    with _lock:
        _loaded.clear()
        _keras_failed.clear()


# §7 "your own images": the archive loaders live in cnnlib/image_folders.py, one picture in
# cnnlib/images.py and the offline letters in cnnlib/letters.py. Those modules import this one, so
# their names load on first use here (``cnnlib.datasets.load_image_zip``,
# ``from cnnlib.datasets import make_letters``).
_SECTION_7_NAMES = {
    "load_image_zip": "image_folders",
    "load_image_tar": "image_folders",
    "load_image_archive": "image_folders",
    "ImageFolderSet": "image_folders",
    "load_image": "images",
    "make_letters": "letters",
}


def __getattr__(name: str):
    if name in _SECTION_7_NAMES:
        import importlib

        return getattr(importlib.import_module(f"cnnlib.{_SECTION_7_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
