"""services.runs.cache: the on-disk LRU cache, one-rename commits, sweeping leftovers (no TensorFlow); several
processes on one folder (replicas sharing CNNLIB_CACHE_DIR), as real spawned processes (tests.runhelp.in_processes)."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest

from services.runs import cache as cache_module
from services.runs.cache import RunCache
from services.runs.errors import TrainingError
from tests.runhelp import (
    churn,
    commit_each,
    evict_to,
    good_result,
    in_another_process,
    in_processes,
    replace_entry,
    write_entry,
)


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


def test_commit_is_one_rename_and_a_second_writer_takes_the_first_ones_run(tmp_path):
    cache = RunCache(tmp_path)
    assert write_entry(cache, good_result("k", created_at=1.0)) is None, "in place"
    second = write_entry(cache, good_result("k", created_at=2.0))  # the same run, trained again elsewhere
    assert second.created_at == 1.0 and second.cached, "the run on disk, loaded"
    assert cache.load("k").created_at == 1.0
    assert list(cache.tmp_dir.iterdir()) == []


def test_a_damaged_entry_in_the_way_of_a_commit_is_moved_aside(tmp_path):
    cache = RunCache(tmp_path)
    write_entry(cache, good_result("k", created_at=1.0))
    (cache.path("k") / "model.keras").write_bytes(b"")
    assert write_entry(cache, good_result("k", created_at=2.0)) is None
    assert cache.load("k").created_at == 2.0 and list(cache.tmp_dir.iterdir()) == []


def test_stale_temporary_folders_are_swept(tmp_path):
    cache = RunCache(tmp_path)
    old = cache.new_tmp("dead")
    fresh = cache.new_tmp("busy")
    writing = cache.new_tmp("writing")  # another process is writing into it: an old folder, a new file
    (old / "model.keras").write_bytes(b"\0")
    (writing / "model.keras").write_bytes(b"\0")
    hour_ago = time.time() - 7200
    for path in (old, old / "model.keras", writing):
        os.utime(path, (hour_ago, hour_ago))
    RunCache(tmp_path)  # another process starts on the folder
    assert not old.exists() and fresh.exists() and writing.exists()


LABELS = np.array([0, 0, 0, 0, 1, 1, 1, 1])  # the test set of the result below: 4 of each class


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


# ---- several processes on one folder (replicas sharing CNNLIB_CACHE_DIR) ---------------------------------


@pytest.mark.slow  # spawned Python processes (another replica)
def test_two_processes_committing_the_same_runs_at_once_keep_one_and_both_end_with_it(tmp_path):
    keys = [f"k{i}" for i in range(8)]
    first, second = in_processes(commit_each, (str(tmp_path), keys, 1.0), (str(tmp_path), keys, 2.0))
    cache = RunCache(tmp_path)
    for key, (won1, kept1), (won2, kept2) in zip(keys, first, second, strict=True):
        assert won1 != won2, f"{key}: exactly one rename wins"
        assert kept1 == kept2 == cache.load(key).created_at, f"{key}: the loser ends with the winner's run"
    assert list(cache.tmp_dir.iterdir()) == [], "the loser's folder is deleted"


def test_a_run_that_cannot_be_marked_as_used_is_still_read_and_kept(tmp_path, monkeypatch):
    """A replica that may read but not touch another replica's result.json (another user's file) reads the run;
    it does not take the refused touch for damage and move the run aside."""
    cache = RunCache(tmp_path)
    write_entry(cache, good_result("k"))

    def refused(*args, **kwargs):
        raise PermissionError("not yours")

    monkeypatch.setattr(cache_module.os, "utime", refused)
    assert cache.load("k").test_accuracy == 0.875 and cache.has("k")


@pytest.mark.slow  # spawned Python processes (another replica)
@pytest.mark.parametrize("how", ["a file vanishes", "the entry was damaged"])
def test_an_entry_another_process_replaces_while_it_is_read_is_not_removed(tmp_path, monkeypatch, how):
    """Process A reads an entry; process B removes it and commits a fresh run of the same key; A's read fails
    (a file gone, or the old entry really was damaged). A must not move B's fresh run aside."""
    cache = RunCache(tmp_path)
    write_entry(cache, good_result("k", created_at=1.0))
    if how == "the entry was damaged":
        (cache.path("k") / "model.keras").write_bytes(b"not a zip")
    check = cache_module.check_model_file

    def read_meanwhile(path):
        try:
            if how == "a file vanishes":
                in_another_process(replace_entry, str(tmp_path), "k", None)  # B removes it: the open fails
            check(path)
        finally:
            in_another_process(replace_entry, str(tmp_path), "k", 2.0)  # … and B's new run is in place

    monkeypatch.setattr(cache_module, "check_model_file", read_meanwhile)
    assert cache.load("k") is None
    monkeypatch.setattr(cache_module, "check_model_file", check)
    assert cache.load("k").created_at == 2.0, "B's run stays"
    assert list(cache.tmp_dir.iterdir()) == []


@pytest.mark.slow  # spawned Python processes (another replica)
def test_two_processes_evicting_at_once_remove_no_more_than_needed(tmp_path, monkeypatch):
    cache = RunCache(tmp_path, max_bytes=3500)
    now = time.time()
    for i, key in enumerate("abcd"):
        fake_entry(cache, key, 1000, now - 100 + i)
    listed = cache.tmp_bytes

    def other_process_evicts_first():  # after this process listed the runs, before it removes any
        assert in_another_process(evict_to, str(tmp_path), 3500) == ["a"]
        return listed()

    monkeypatch.setattr(cache, "tmp_bytes", other_process_evicts_first)
    assert cache.evict() == [], "a was removed by the other process: the folder fits"
    assert sorted(e[0] for e in cache.entries()) == ["b", "c", "d"]


@pytest.mark.slow  # spawned Python processes (another replica)
def test_a_writer_evicting_while_another_process_reads_never_shows_half_a_run(tmp_path):
    """One process commits runs of four keys again and again under a cap of about two runs (so it evicts all
    the time) while another loads them: every load is a whole run or none, the reader removes nothing as
    damaged, and the folder ends whole."""
    one = RunCache(tmp_path, max_bytes=10**9)
    write_entry(one, good_result("size"))
    cap = 2 * one.entries()[0][2] + 100
    one.remove("size")
    keys = ["a", "b", "c", "d"]
    out = in_processes(churn, (str(tmp_path), keys, 30, cap), (str(tmp_path), keys, 30, cap))
    reader = next(o for o in out if not o["writer"])
    assert reader["found"] > 0 and reader["removed"] == [], reader
    cache = RunCache(tmp_path, max_bytes=cap)
    assert all(cache.load(key) is not None for key, _used, _size in cache.entries())
    assert list(cache.tmp_dir.iterdir()) == []
