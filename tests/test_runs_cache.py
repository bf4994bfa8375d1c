"""cnnlib.runs.cache: the on-disk LRU cache, one-rename commits, sweeping leftovers (no TensorFlow)."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest

from cnnlib.runs.cache import RunCache, RunResult
from cnnlib.runs.errors import TrainingError


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


def test_a_result_survives_the_disk_and_loading_counts_as_use(tmp_path):
    cache = RunCache(tmp_path)
    result = RunResult(
        key="k", config={"epochs": 1}, history={"loss": [0.5]}, epoch_seconds=[1.0, 3.0, 2.0], test_accuracy=0.75,
        test_loss=0.5, confusion=np.array([[3, 1], [0, 4]]), y_pred=np.array([0, 0, 1], dtype=np.int16), seconds=4.0,
        fit_seconds=3.0, samples_per_second=100.0, train_images=8, test_images=8, params=10, dataset_source="test",
        class_names=["a", "b"], created_at=1.0)
    assert result.seconds_per_epoch == 2.0, "the median epoch"
    assert list(result.misclassified(0, 0, np.array([0, 1, 1]))) == [0]
    tmp = cache.new_tmp("k")
    (tmp / "result.json").write_text(json.dumps(result.to_json()))
    np.savez_compressed(tmp / "predictions.npz", y_pred=result.y_pred)
    cache.commit(tmp, "k")
    os.utime(cache.path("k") / "result.json", (0, 0))
    loaded = cache.load("k")
    assert loaded.cached and loaded.path == cache.path("k") and loaded.test_accuracy == 0.75
    assert np.array_equal(loaded.confusion, result.confusion) and np.array_equal(loaded.y_pred, result.y_pred)
    assert cache.entries()[0][1] > 0, "loading marks the run as just used"
    assert cache.load("missing") is None
    assert cache.remove("k") and not cache.has("k") and not cache.remove("k")


def test_a_folder_that_cannot_be_made_is_a_coded_error(tmp_path):
    (tmp_path / "file").write_text("in the way")
    with pytest.raises(TrainingError) as info:
        RunCache(tmp_path / "file" / "cache")
    assert info.value.code == "cache_folder" and info.value.params["path"] == str(tmp_path / "file" / "cache")
