"""The datasets the lecture trains on (§2, §6, §7): MNIST's shipped sample, and your own images.

- ``load_sample()``: the real MNIST sample shipped in ``cnnlib/data`` (8,000 / 2,000 digits; attribution
  in ``cnnlib/data/README.md``), read with ``numpy.load``. Keras' own download, with this sample as its
  offline fallback, is ``services.training_data.load_mnist`` (it touches the network and the disk).
- §7 your own images: ``load_image_zip`` / ``load_image_tar`` / ``load_image_archive`` read an archive
  of class folders (cnnlib.image_folders), ``load_image`` one picture (cnnlib.images), ``make_letters``
  the offline notMNIST-like letters (cnnlib.letters).
- ``Dataset``, ``Notice`` and ``DatasetError`` (cnnlib.dataset): what every loader returns or raises.

No TensorFlow here: a numpy page may import this file.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from cnnlib.dataset import DIGIT_NAMES, Dataset, DatasetError, Notice
from cnnlib.image_folders import ImageFolderSet, load_image_archive, load_image_tar, load_image_zip
from cnnlib.images import load_image
from cnnlib.letters import make_letters

__all__ = [
    "DIGIT_NAMES", "SAMPLE_PATH", "Dataset", "DatasetError", "ImageFolderSet", "Notice", "load_image", "load_image_archive",
    "load_image_tar", "load_image_zip", "load_sample", "load_test_digits", "make_letters",
]

SAMPLE_PATH = Path(__file__).parent / "data" / "mnist-sample-10k.npz"
_lock = threading.Lock()
_loaded: dict[str, Dataset] = {}


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


def load_test_digits() -> tuple[np.ndarray, np.ndarray]:
    """The sample's test digits and labels alone (read-only), without unpacking the 8,000 training digits."""
    with _lock:
        if "mnist_sample" in _loaded:
            sample = _loaded["mnist_sample"]
            return sample.x_test, sample.y_test
    try:
        with np.load(SAMPLE_PATH) as data:
            x_test, y_test = np.ascontiguousarray(data["x_test"]), np.ascontiguousarray(data["y_test"])
    except (OSError, KeyError, ValueError) as err:
        raise DatasetError("sample_unreadable", file=SAMPLE_PATH.name, reason=str(err)) from err
    x_test.setflags(write=False)
    y_test.setflags(write=False)
    return x_test, y_test
