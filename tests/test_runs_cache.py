"""services.runs.cache: the on-disk LRU cache, one-rename commits, sweeping leftovers (no TensorFlow)."""

from __future__ import annotations

import json
import os
import time
import zipfile

import numpy as np
import pytest

from services.runs.cache import RunCache, RunResult
from services.runs.errors import TrainingError


def fake_entry(cache: RunCache, key: str, size: int, used: float) -> None:
    tmp = cache.new_tmp(key)
    (tmp / "model.keras").write_bytes(b"\0" * size)
    (tmp / "result.json").write_text("{}")
    os.rename(tmp, cache.path(key))
    os.utime(cache.path(key) / "result.json", (used, used))


def test_least_recently_used_runs_are_evicted_first(tmp_path):
    cache = RunCache(tmp_path, max_bytes=3500)
    now = time.time()
    for i, key in enumerate("abcd"):
        fake_entry(cache, key, 1000, now - 100 + i)  # a is the oldest
    os.utime(cache.path("a") / "result.json", (now, now))  # … but a was just used
    removed = cache.evict(keep={"d"})
    assert removed == ["b"]
    assert sorted(e[0] for e in cache.entries()) == ["a", "c", "d"]
    cache.max_bytes = 0
    assert cache.evict(keep={"d"}) == ["c", "a"]
    assert [e[0] for e in cache.entries()] == ["d"]
    assert list(cache.tmp_dir.iterdir()) == []


def test_commit_is_one_rename_and_a_second_writer_loses_cleanly(tmp_path):
    cache = RunCache(tmp_path)
    first = cache.new_tmp("k")
    (first / "result.json").write_text("{}")
    cache.commit(first, "k")
    second = cache.new_tmp("k")
    (second / "result.json").write_text('{"other": 1}')
    cache.commit(second, "k")
    assert (cache.path("k") / "result.json").read_text() == "{}"
    assert list(cache.tmp_dir.iterdir()) == []


def test_stale_temporary_folders_are_swept(tmp_path):
    cache = RunCache(tmp_path)
    old = cache.new_tmp("dead")
    fresh = cache.new_tmp("busy")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    RunCache(tmp_path)
    assert not old.exists() and fresh.exists()


LABELS = np.array([0, 0, 0, 0, 1, 1, 1, 1])  # the test set of the result below: 4 of each class


def good_result(key: str = "k") -> RunResult:
    """A whole, consistent result of a 3-epoch run on 8 test images of 2 classes (one image wrong)."""
    history = {name: [0.5, 0.4, 0.3] for name in ("loss", "accuracy", "val_loss", "val_accuracy")}
    return RunResult(
        key=key, config={"epochs": 3}, history=history, epoch_seconds=[1.0, 3.0, 2.0], test_accuracy=0.875,
        test_loss=0.3, confusion=np.array([[3, 1], [0, 4]]), y_pred=np.array([0, 0, 0, 1, 1, 1, 1, 1], dtype=np.int16),
        seconds=4.0, fit_seconds=3.0, samples_per_second=100.0, train_images=8, test_images=8, params=10,
        dataset_source="test", class_names=["a", "b"], created_at=1.0)


def write_entry(cache: RunCache, result: RunResult) -> None:
    """The three files a run leaves, committed as the worker does (model.keras: a zip with config.json)."""
    tmp = cache.new_tmp(result.key)
    (tmp / "result.json").write_text(json.dumps(result.to_json()))
    np.savez_compressed(tmp / "predictions.npz", y_pred=result.y_pred)
    with zipfile.ZipFile(tmp / "model.keras", "w") as model:
        model.writestr("config.json", "{}")
        model.writestr("model.weights.h5", b"\0" * 100)
    cache.commit(tmp, result.key)


def test_a_result_survives_the_disk_and_loading_counts_as_use(tmp_path):
    cache = RunCache(tmp_path)
    result = good_result()
    assert result.seconds_per_epoch == 2.0, "the median epoch"
    assert list(result.misclassified(0, 0, LABELS)) == [0, 1, 2] and list(result.misclassified(0, 1, LABELS)) == [3]
    write_entry(cache, result)
    os.utime(cache.path("k") / "result.json", (0, 0))
    loaded = cache.load("k")
    assert loaded.cached and loaded.path == cache.path("k") and loaded.test_accuracy == 0.875
    assert np.array_equal(loaded.confusion, result.confusion) and np.array_equal(loaded.y_pred, result.y_pred)
    assert cache.entries()[0][1] > 0, "loading marks the run as just used"
    assert cache.load("missing") is None
    assert cache.remove("k") and not cache.has("k") and not cache.remove("k")


def _set(data: dict, path: str, value) -> dict:
    *parents, last = path.split(".")
    target = data
    for name in parents:
        target = target[name]
    target[last] = value
    return data


DAMAGE = {  # issue 9, finding 9: each kind of damage, as a change to the entry's folder
    "empty result.json": lambda p: (p / "result.json").write_text(""),
    "result.json not an object": lambda p: (p / "result.json").write_text("[1, 2]"),
    "empty history": lambda p: _edit(p, "history.loss", []),
    "history shorter than the epochs": lambda p: _edit(p, "history.val_accuracy", [0.5]),
    "a number as text": lambda p: _edit(p, "test_accuracy", "0.875"),
    "a list as a number": lambda p: _edit(p, "train_images", [8]),
    "confusion of the wrong size": lambda p: _edit(p, "confusion", [[7]]),
    "a field missing": lambda p: _edit(p, "params", None, drop=True),
    "0-byte predictions.npz": lambda p: (p / "predictions.npz").write_bytes(b""),
    "truncated predictions.npz": lambda p: (p / "predictions.npz").write_bytes((p / "predictions.npz").read_bytes()[:40]),
    "predictions of the wrong length": lambda p: np.savez_compressed(p / "predictions.npz", y_pred=np.zeros(3, np.int16)),
    "predictions.npz missing": lambda p: (p / "predictions.npz").unlink(),
    "garbage model.keras": lambda p: (p / "model.keras").write_bytes(b"not a zip at all" * 100),
    "truncated model.keras": lambda p: (p / "model.keras").write_bytes((p / "model.keras").read_bytes()[:60]),
    "model.keras missing": lambda p: (p / "model.keras").unlink(),
}


def _edit(path, field: str, value, drop: bool = False) -> None:
    data = json.loads((path / "result.json").read_text())
    if drop:
        del data[field]
    else:
        _set(data, field, value)
    (path / "result.json").write_text(json.dumps(data))


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_entry_counts_as_missing_and_is_moved_aside(tmp_path, damage):
    cache = RunCache(tmp_path)
    write_entry(cache, good_result("k"))
    write_entry(cache, good_result("other"))
    DAMAGE[damage](cache.path("k"))
    assert cache.load("k") is None
    assert not cache.path("k").exists() and not cache.has("k"), "moved aside, so a new run can take its place"
    assert list(cache.tmp_dir.iterdir()) == [], "and deleted"
    assert cache.load("other") is not None, "the others stay"
    write_entry(cache, good_result("k"))  # trained again: this time the result is kept
    assert cache.load("k").test_accuracy == 0.875


def test_temporary_folders_count_toward_the_cap(tmp_path):
    cache = RunCache(tmp_path, max_bytes=10**9)
    write_entry(cache, good_result("old"))
    write_entry(cache, good_result("new"))
    os.utime(cache.path("old") / "result.json", (1, 1))
    size = sum(e[2] for e in cache.entries())
    busy = cache.new_tmp("busy")  # a run being written (or a leftover not swept yet)
    (busy / "model.keras").write_bytes(b"\0" * 5000)
    cache.max_bytes = size + 4000  # the two runs alone fit, not with the temporary folder
    assert cache.tmp_bytes() == 5000
    assert cache.evict() == ["old"] and cache.load("new") is not None and busy.exists()


def test_a_folder_that_cannot_be_made_is_a_coded_error(tmp_path):
    (tmp_path / "file").write_text("in the way")
    with pytest.raises(TrainingError) as info:
        RunCache(tmp_path / "file" / "cache")
    assert info.value.code == "cache_folder" and info.value.params["path"] == str(tmp_path / "file" / "cache")
