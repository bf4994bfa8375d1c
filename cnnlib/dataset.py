"""One dataset as the lecture's code holds it: ``Dataset`` (x_train, y_train, x_test, y_test, as
``mnist.load_data()`` gives them), the ``Notice`` that may come with it and the ``DatasetError`` that
refuses it. MNIST (cnnlib.datasets) and your own class folders (cnnlib.image_folders) share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from cnnlib.errors import Coded, LessonError

DIGIT_NAMES = tuple(str(d) for d in range(10))


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
        # the notMNIST download (services.downloads)
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
