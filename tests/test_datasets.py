"""cnnlib.datasets: the shipped MNIST sample and the datasets' names — no TensorFlow, no network."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from cnnlib import datasets


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(datasets, "_loaded", {})  # the sample is read once per process: read it again here


def test_shipped_sample_is_real_mnist_8000_2000():
    data = datasets.load_sample()
    assert data.source == "sample" and data.name == "mnist_sample"
    assert data.x_train.shape == (8000, 28, 28) and data.x_test.shape == (2000, 28, 28)
    assert data.x_train.dtype == np.uint8 and data.x_train.max() == 255
    counts = np.bincount(np.concatenate([data.y_train, data.y_test]), minlength=10)
    # the class counts documented in cnnlib/data/README.md
    assert counts.tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    assert data.x_train.shape[1:] == (28, 28)
    assert not data.x_train.flags.writeable and not data.y_test.flags.writeable  # shared: nobody may change it
    assert datasets.load_sample() is data  # read once per process


def test_importing_datasets_does_not_load_tensorflow():
    code = "import sys, cnnlib.datasets; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_sample_that_cannot_be_read_says_which_file(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "SAMPLE_PATH", tmp_path / "missing.npz")
    with pytest.raises(datasets.DatasetError) as info:
        datasets.load_sample()
    assert info.value.code == "sample_unreadable" and info.value.params["file"] == "missing.npz"


def test_the_section_7_loaders_are_named_here():
    """``cnnlib.datasets.load_image_zip`` and ``DatasetError`` are the entry points scripts use."""
    from cnnlib import dataset, image_folders, images, letters

    assert datasets.load_image_zip is image_folders.load_image_zip and datasets.DatasetError is dataset.DatasetError
    assert datasets.load_image is images.load_image and datasets.make_letters is letters.make_letters


def test_the_test_digits_load_on_their_own_and_agree_with_the_sample():
    x_test, y_test = datasets.load_test_digits()
    sample = datasets.load_sample()
    assert np.array_equal(x_test, sample.x_test) and np.array_equal(y_test, sample.y_test)
    assert not x_test.flags.writeable
    assert datasets.load_test_digits()[0] is sample.x_test  # the sample loaded: its own arrays, nothing read again
