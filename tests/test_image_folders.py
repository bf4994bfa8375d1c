"""cnnlib.image_folders: which files of an archive make the data set, their labels, and the split for training.

Every archive here is generated in memory (tests/archivehelp.py); each case asserts its outcome:
the images that load, or the reason code and its parameters (the words are words' job).
"""

from __future__ import annotations

import builtins

import numpy as np
import pytest

from cnnlib import image_folders as imf
from cnnlib.dataset import DatasetError
from cnnlib.image_folders import load_image_tar, load_image_zip
from tests.archivehelp import codes, error_of, letter, make_tar, make_zip, png, reasons, two_classes

# --- what a good archive gives ----------------------------------------------------------


def test_class_folders_at_the_root_give_the_lectures_tensor():
    result = load_image_zip(make_zip(two_classes()))
    assert result.images.shape == (6, 28, 28, 1)
    assert result.images.dtype == np.uint8
    assert result.class_names == ("A", "B")
    assert result.labels.tolist() == ["A"] * 3 + ["B"] * 3
    assert result.label_indices.tolist() == [0, 0, 0, 1, 1, 1]
    assert result.class_counts() == {"A": 3, "B": 3}
    assert result.files[0] == "A/0.png"
    assert result.skipped == () and result.notices == () and result.root == ""
    # a 28×28 grey PNG comes back pixel for pixel
    np.testing.assert_array_equal(result.images[4, :, :, 0], letter(110))
    as_float = result.as_float()
    assert as_float.dtype == np.float32 and as_float.max() == pytest.approx(120 / 255)


def test_class_folders_inside_one_top_level_folder():
    result = load_image_zip(make_zip(two_classes("notMNIST_small/")))
    assert result.class_names == ("A", "B") and result.root == "notMNIST_small"
    deeper = load_image_zip(make_zip(two_classes("data/letters/")))
    assert deeper.class_names == ("A", "B") and deeper.root == "data/letters"


def test_pd_get_dummies_columns_are_the_class_names():
    import pandas as pd

    result = load_image_zip(make_zip(two_classes()))
    assert tuple(pd.get_dummies(result.labels).columns) == result.class_names


def test_notmnist_tar_gz_layout():
    entries = [(f"notMNIST_small/{c}/{c}{i}.png", png(20 * i + 5)) for c in "ABCDEFGHIJ" for i in range(3)]
    entries += [("notMNIST_small/A/broken.png", b"\x89PNG\r\n\x1a\n broken"), ("notMNIST_small/B/.DS_Store", b"x")]
    result = load_image_tar(make_tar(entries))
    assert result.images.shape == (30, 28, 28, 1)
    assert result.class_names == tuple("ABCDEFGHIJ") and result.root == "notMNIST_small"
    assert reasons(result) == {"notMNIST_small/A/broken.png": "unreadable", "notMNIST_small/B/.DS_Store": "system_file"}
    for mode in ("w:bz2", "w:xz", "w"):
        assert load_image_tar(make_tar(entries, mode)).images.shape == (30, 28, 28, 1)


# --- files that are not in the data set, and why ------------------------------------------------


def test_climbing_and_absolute_names_are_skipped_and_nothing_is_written(monkeypatch, tmp_path):
    entries = two_classes() + [
        ("../evil.png", png()),
        ("A/../../evil2.png", png()),
        ("/etc/evil3.png", png()),
        ("C:\\Windows\\evil4.png", png()),
    ]
    data = make_zip(entries)
    real_open = builtins.open

    def read_only_open(file, mode="r", *args, **kwargs):
        assert not any(m in mode for m in "wax+"), f"tried to write {file!r}"
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only_open)
    monkeypatch.chdir(tmp_path)
    result = load_image_zip(data)
    assert result.class_names == ("A", "B") and len(result.images) == 6
    assert set(reasons(result).values()) == {"unsafe_name"} and len(result.skipped) == 4
    skip = result.skipped[0]
    assert skip.key == "data_skipped.unsafe_name" and skip.params == {}
    assert list(tmp_path.iterdir()) == []


def test_nested_folders_and_loose_files_are_skipped_with_their_reason():
    result = load_image_zip(make_zip([*two_classes(), ("A/deeper/x.png", png()), ("loose.png", png())]))
    assert reasons(result) == {"A/deeper/x.png": "nested_folder", "loose.png": "no_class_folder"}
    assert codes(result) == {"A/deeper/x.png": ("nested_folder", {}), "loose.png": ("no_class_folder", {})}


def test_system_files_are_skipped():
    junk = ["__MACOSX/A/._0.png", "A/.DS_Store", "B/Thumbs.db", "A/._1.png", "desktop.ini", ".git/config"]
    result = load_image_zip(make_zip([*two_classes(), *[(name, b"\x00\x05junk") for name in junk]]))
    assert reasons(result) == dict.fromkeys(junk, "system_file")
    assert result.skipped[0].key == "data_skipped.system_file"
    assert len(result.images) == 6


def test_names_differing_only_by_case():
    entries = [("cat/x.png", png()), ("Cat/y.png", png()), ("dog/a.png", png()), ("dog/A.png", png(9))]
    result = load_image_zip(make_zip(entries))
    assert result.class_names == ("Cat", "cat", "dog")
    assert result.class_counts() == {"Cat": 1, "cat": 1, "dog": 2}  # two files a.png/A.png: both kept
    clash = [n for n in result.notices if n.code == "case_clash"]
    assert clash[0].params == {"names": "'Cat', 'cat'"}
    # the very same name twice in one archive: the first one is used
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = make_zip([*two_classes(), ("A/0.png", png(1))])
    assert reasons(load_image_zip(data)) == {"A/0.png": "duplicate_name"}


# --- archives that cannot be used at all --------------------------------------------------------


def test_an_empty_zip_and_a_zip_of_folders_only():
    for data in (make_zip([]), make_zip([("A/", b""), ("B/", b"")]), b""):
        err = error_of(data)
        assert err.code == "empty" and err.params == {}


def test_nothing_readable_says_what_was_skipped():
    err = error_of(make_zip([("A/a.txt", b"text"), ("B/.DS_Store", b"x")]))
    assert err.code == "no_images"
    assert err.params == {"n": 2, "reasons": "not_image ×1, system_file ×1"}
    assert reasons(err) == {"A/a.txt": "not_image", "B/.DS_Store": "system_file"}


def test_images_without_folders():
    err = error_of(make_zip([("0.png", png()), ("1.png", png())]))
    assert err.code == "no_class_folders" and err.params == {}
    assert reasons(err) == {"0.png": "no_class_folder", "1.png": "no_class_folder"}


def test_one_class_only():
    for prefix in ("", "top/"):
        err = error_of(make_zip([(f"{prefix}A/{i}.png", png()) for i in range(3)]))
        assert err.code == "one_class"
        assert err.params == {"name": "A"}


def test_a_class_with_one_image_loads_with_a_notice():
    result = load_image_zip(make_zip([*two_classes(), ("C/only.png", png())]))
    assert result.class_counts() == {"A": 3, "B": 3, "C": 1}
    assert [n.code for n in result.notices] == ["small_class"]
    assert result.notices[0].key == "data_notices.small_class" and result.notices[0].params == {"name": "C", "n": 1}


def test_more_than_50_classes():
    tiny = png()
    fifty = load_image_zip(make_zip([(f"c{i:02d}/x.png", tiny) for i in range(50)]))
    assert len(fifty.class_names) == 50
    err = error_of(make_zip([(f"c{i:02d}/x.png", tiny) for i in range(51)]))
    assert err.code == "too_many_classes"
    assert err.params == {"n": 51, "limit": 50}


def test_a_skipped_file_or_notice_with_an_undeclared_code_is_refused():
    from cnnlib.dataset import Notice

    assert imf.SkippedFile("x.png", "too_large", {"limit": 32}).reason == "too_large"
    with pytest.raises(TypeError):
        imf.SkippedFile("x.png", "too_large")  # its message needs the limit
    with pytest.raises(TypeError):
        Notice("no_such_notice")


# --- from a folder set to a training run ---------------------------------------------------


def test_to_dataset_splits_each_class_and_names_the_content():
    from cnnlib.image_folders import to_dataset

    entries = [(f"{c}/{i}.png", png(i + 10 * k)) for k, c in enumerate("ABC") for i in range(10)]
    entries.append(("D/only.png", png(7)))
    folder_set = load_image_zip(make_zip(entries))
    data = to_dataset(folder_set, "upload")
    assert data.name.startswith("images-") and data.source == "upload"
    assert data.class_names == ("A", "B", "C", "D")
    assert data.x_train.shape[1:] == (28, 28) and data.x_train.dtype == np.uint8
    assert np.bincount(data.y_test, minlength=4).tolist() == [2, 2, 2, 0]  # 20 % of each, none of a lone image
    assert np.bincount(data.y_train, minlength=4).tolist() == [8, 8, 8, 1]
    # nothing lost, nothing twice
    every = np.concatenate([data.x_train, data.x_test]).reshape(31, -1)
    assert len({row.tobytes() for row in every}) == len({img.tobytes() for img in folder_set.images})
    # the same content and seed → the same name and split; another seed → another name
    again = to_dataset(load_image_zip(make_zip(entries)), "upload")
    assert again.name == data.name and np.array_equal(again.x_test, data.x_test)
    assert to_dataset(folder_set, "upload", seed=1).name != data.name


def test_one_image_per_class_is_refused_before_training():
    """Issue 9 #11: with one picture per class the split left 0 test images, and Keras failed with
    UnboundLocalError after training. It is refused when the run is prepared, with its own code."""
    from cnnlib.image_folders import to_dataset

    folder_set = load_image_zip(make_zip([("A/a.png", png(1)), ("B/b.png", png(2)), ("C/c.png", png(3))]))
    assert [n.code for n in folder_set.notices] == ["small_class"] * 3  # loading still reports it calmly
    with pytest.raises(DatasetError) as info:
        to_dataset(folder_set, "upload")
    assert info.value.code == "no_test_images" and info.value.params == {"n": 3}
    two = to_dataset(load_image_zip(make_zip([("A/a.png", png(1)), ("A/b.png", png(4)), ("B/b.png", png(2))])), "upload")
    assert len(two.x_test) == 1 and len(two.x_train) == 2  # one class of two is enough for a test image


def test_long_names_are_skipped_and_shown_cut_and_the_skipped_list_is_bounded(monkeypatch):
    """Issue 9 #5: a name over 1,024 bytes (or a part over 255) is skipped with a cut display name;
    past MAX_SKIPPED_LISTED files only a count per reason is kept."""
    long_part = "x" * 300
    entries = [*two_classes(), ("A/" + "y" * 5000 + ".png", png()), (f"A/{long_part}.png", png())]
    result = load_image_tar(make_tar(entries))
    assert codes(result) == {
        "A/" + "y" * (imf.NAME_SHOWN - 2) + "…": ("long_name", {"limit": 1024}),
        f"A/{long_part}.png": ("long_name", {"limit": 255}),
    }
    assert max(len(s.name) for s in result.skipped) <= imf.MAX_NAME_BYTES
    monkeypatch.setattr(imf, "MAX_SKIPPED_LISTED", 5)
    junk = [(f"A/{i}.txt", b"text") for i in range(30)] + [(f"B/.hidden{i}", b"x") for i in range(4)]
    result = load_image_zip(make_zip([*two_classes(), *junk]))
    assert len(result.skipped) == 5 and result.skipped_total == 34
    assert result.skipped_counts == {"not_image": 30, "system_file": 4}
    err = error_of(make_zip(junk))
    assert err.code == "no_images" and err.params == {"n": 34, "reasons": "not_image ×30, system_file ×4"}
    assert len(err.skipped) == 5


def test_with_classes_gives_the_last_dense_one_unit_per_folder():
    from cnnlib.architecture import count_params, preset, with_classes

    stack, shape = preset("lenet5")
    four = with_classes(stack, 4)
    assert four[-1] == {"type": "Dense", "units": 4, "activation": "softmax"} and stack[-1]["units"] == 10
    assert count_params(stack, shape) - count_params(four, shape) == 6 * (84 + 1)  # 61,706 − 6 outputs' weights
    assert with_classes([{"type": "Flatten"}], 3)[-1]["units"] == 3
