"""cnnlib.letters: the offline notMNIST-like set (A–J from the fonts the installed packages ship)."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from cnnlib import letters
from cnnlib.letters import LETTERS, available_fonts, make_letters


def test_shape_labels_and_classes_as_the_lecture_expects():
    result = make_letters(per_class=20, seed=0)
    assert result.images.shape == (200, 28, 28, 1) and result.images.dtype == np.uint8
    assert result.class_names == tuple("ABCDEFGHIJ") == LETTERS
    assert result.class_counts() == dict.fromkeys(LETTERS, 20)
    assert result.labels[0] == "A" and result.labels[-1] == "J"
    assert result.label_indices.tolist() == [i // 20 for i in range(200)]
    assert result.files[0].startswith("A/") and len(set(result.files)) == 200
    assert result.skipped == () and result.notices == ()
    assert 0.0 <= result.as_float().min() and result.as_float().max() <= 1.0


def test_the_same_seed_gives_the_same_set_and_another_seed_another():
    first, again, other = make_letters(30, seed=5), make_letters(30, seed=5), make_letters(30, seed=6)
    np.testing.assert_array_equal(first.images, again.images)
    assert first.files == again.files
    assert not np.array_equal(first.images, other.images)


def test_white_letters_on_black_that_fit_the_frame():
    images = make_letters(per_class=50, seed=1).images[..., 0]
    assert images.max(axis=(1, 2)).min() > 200  # every picture has bright ink
    ink = (images > 128).mean(axis=(1, 2))
    assert ink.min() > 0.01 and ink.max() < 0.75  # a letter, neither empty nor a filled square
    corners = images[:, [0, 0, -1, -1], [0, -1, 0, -1]]
    assert np.median(corners) == 0  # black paper, as in notMNIST


def test_fonts_come_from_pillow_and_streamlits_files_and_all_have_letters():
    fonts = available_fonts()
    assert fonts[0].package == "Pillow"
    assert sum(f.package == "streamlit" for f in fonts) >= 10  # KaTeX + Source faces in streamlit/static
    assert not any("Size" in f.name for f in fonts)  # KaTeX_Size1/2/4 have no letters: left out
    assert len({f.name for f in fonts}) == len(fonts)
    used = {name.split("/")[1] for name in make_letters(100, seed=2).files}
    assert len(used) > len(fonts) // 2  # the set really mixes faces


def test_letters_are_learnable_a_nearest_centroid_beats_chance_by_far():
    train, test = make_letters(100, seed=0), make_letters(50, seed=1)
    x_train = train.as_float().reshape(len(train.images), -1)
    x_test = test.as_float().reshape(len(test.images), -1)
    centroids = np.stack([x_train[train.label_indices == k].mean(axis=0) for k in range(10)])
    predicted = ((x_test[:, None, :] - centroids[None]) ** 2).sum(axis=-1).argmin(axis=1)
    assert (predicted == test.label_indices).mean() > 0.25  # chance is 0.10


def test_a_few_thousand_pictures():
    """How fast: bench/offline_data.py (3,000 letters against plain Pillow drawing, as a ratio)."""
    result = make_letters(per_class=300, seed=3)
    assert len(result.images) == 3000 and result.class_counts() == dict.fromkeys(LETTERS, 300)


def test_threads_get_the_same_pictures():
    with ThreadPoolExecutor(4) as pool:
        sets = list(pool.map(lambda _: make_letters(10, seed=9).images, range(4)))
    for other in sets[1:]:
        np.testing.assert_array_equal(other, sets[0])


def test_works_with_pillows_font_alone(monkeypatch):
    monkeypatch.setattr(letters, "_faces", [])
    monkeypatch.setattr(letters, "_glyphs", {})
    monkeypatch.setattr(letters, "_font_files", list)
    result = make_letters(5, seed=0)
    assert [f.package for f in available_fonts()] == ["Pillow"]
    assert result.images.shape == (50, 28, 28, 1)
    means = result.as_float().reshape(10, 5, -1).mean(axis=1)
    assert len({m.tobytes() for m in means}) == 10


def test_bad_arguments():
    with pytest.raises(ValueError):
        make_letters(per_class=0)


def test_no_tensorflow_and_streamlit_is_only_read_from_disk():
    code = (
        "import sys, cnnlib.letters as l; l.make_letters(2);"
        "bad = [m for m in ('tensorflow', 'keras', 'streamlit', 'plotly') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.path.dirname(os.path.dirname(__file__)))
