"""Finished runs on disk: ``RunResult`` (what a run leaves) and ``RunCache`` (one folder per key, LRU).

``<cache_dir>/runs/<key>/`` holds ``model.keras``, ``result.json`` (config, history, test metrics,
confusion matrix) and ``predictions.npz``. A run is written into ``tmp/`` and renamed into place,
so a cancelled or failed run leaves nothing half-written; the least recently used runs go first
when the folder (runs and temporary folders together) outgrows its cap (``services.settings.cache_max_bytes``).
An entry is checked when it is read (``RunResult.from_dir``): a damaged one (a disk filled up, a file
edited by hand) counts as missing and is moved aside, so the run trains again and its result is kept.

Several processes (replicas) may share one folder: an entry is only ever renamed into place whole, renamed
out whole, or touched (its result.json's mtime); a second writer of the same key loses the rename and takes
the first one's run (``commit``); removing an entry because it looked damaged removes that very folder,
never a fresh one another process put in its place meanwhile (``remove``'s ``entry``).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import threading
import time
import uuid
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from services.runs.errors import TrainingError
from services.settings import cache_max_bytes


@dataclass
class RunResult:
    """What a finished run leaves: metrics, history, confusion matrix, and where its model is."""

    key: str
    config: dict
    history: dict
    epoch_seconds: list
    test_accuracy: float
    test_loss: float
    confusion: np.ndarray  # (classes, classes): row = true label, column = predicted
    y_pred: np.ndarray  # predicted class of every test image, in the dataset's order
    seconds: float  # the whole run: data, model, training, test, saving
    fit_seconds: float  # model.fit alone
    samples_per_second: float
    train_images: int
    test_images: int
    params: int
    dataset_source: str
    class_names: list
    created_at: float
    path: Path | None = None
    cached: bool = False  # True when this came from disk rather than from this process' training

    @property
    def seconds_per_epoch(self) -> float:
        """Median epoch (the first one also compiles, so the median is the fair figure)."""
        return statistics.median(self.epoch_seconds) if self.epoch_seconds else float("nan")

    def misclassified(self, true_label: int, predicted: int, y_test: np.ndarray) -> np.ndarray:
        """Indices of test images of class true_label predicted as `predicted` (a confusion cell)."""
        return np.flatnonzero((np.asarray(y_test) == true_label) & (self.y_pred == predicted))

    def to_json(self) -> dict:
        data = {k: v for k, v in asdict(self).items() if k not in ("confusion", "y_pred", "path", "cached")}
        data["confusion"] = self.confusion.tolist()
        return data

    @classmethod
    def from_dir(cls, path: Path) -> RunResult:
        """The run stored in path, checked file by file; ValueError (or OSError) when anything is off."""
        data = json.loads((path / "result.json").read_text(encoding="utf-8"))
        check_result(data, path.name)
        try:
            with np.load(path / "predictions.npz", allow_pickle=False) as arrays:
                y_pred = arrays["y_pred"]
        except (KeyError, EOFError, zipfile.BadZipFile) as err:
            raise ValueError(f"predictions.npz: {type(err).__name__}") from None
        if y_pred.ndim != 1 or len(y_pred) != data["test_images"] or y_pred.dtype.kind not in "iu":
            raise ValueError("predictions.npz: not one class per test image")
        check_model_file(path / "model.keras")
        data["confusion"] = np.asarray(data["confusion"], dtype=np.int64)
        return cls(**data, y_pred=y_pred, path=path, cached=True)


_NUMBER = (int, float)
RESULT_FIELDS = {  # result.json: every field RunResult needs, and its type
    "key": str, "config": dict, "history": dict, "epoch_seconds": list, "test_accuracy": _NUMBER,
    "test_loss": _NUMBER, "confusion": list, "seconds": _NUMBER, "fit_seconds": _NUMBER,
    "samples_per_second": _NUMBER, "train_images": int, "test_images": int, "params": int,
    "dataset_source": str, "class_names": list, "created_at": _NUMBER,
}
HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")


def check_result(data, key: str) -> None:
    """Raise ValueError unless data is a whole result.json of run `key` (fields, types, shapes agree)."""
    if not isinstance(data, dict) or set(data) != set(RESULT_FIELDS):
        raise ValueError("result.json: not the fields of a run")
    for name, kind in RESULT_FIELDS.items():
        if not isinstance(data[name], kind) or isinstance(data[name], bool):
            raise ValueError(f"result.json: {name} is not {kind}")
    epochs = data["config"].get("epochs")
    history = data["history"]
    if data["key"] != key or not isinstance(epochs, int) or epochs < 1:
        raise ValueError("result.json: not this run's configuration")
    for name in HISTORY_KEYS:  # one number per configured epoch
        values = history.get(name)
        if not isinstance(values, list) or len(values) != epochs \
                or not all(isinstance(v, _NUMBER) and not isinstance(v, bool) for v in values):
            raise ValueError(f"result.json: history {name} is not {epochs} numbers")
    classes = len(data["class_names"])
    confusion = data["confusion"]
    if classes < 1 or len(confusion) != classes or not all(
            isinstance(row, list) and len(row) == classes and all(isinstance(v, int) for v in row) for row in confusion):
        raise ValueError("result.json: the confusion matrix does not fit the classes")
    if sum(map(sum, confusion)) != data["test_images"] or not 0 <= data["test_accuracy"] <= 1:
        raise ValueError("result.json: the test counts disagree")


def check_model_file(path: Path) -> None:
    """Raise ValueError unless path is a readable .keras file (a zip whose members' checksums hold)."""
    try:
        with zipfile.ZipFile(path) as archive:
            if "config.json" not in archive.namelist() or archive.testzip() is not None:
                raise ValueError("model.keras: damaged")
    except (zipfile.BadZipFile, EOFError) as err:
        raise ValueError(f"model.keras: {type(err).__name__}") from None


def same_folder(a: os.stat_result, b: os.stat_result) -> bool:
    """Whether two stats are of one folder: the same inode, and no rename since (a deleted folder's inode number
    is soon given to the next new one, so the number alone is not enough; a rename sets the change time)."""
    return os.path.samestat(a, b) and a.st_ctime_ns == b.st_ctime_ns


class RunCache:
    """Finished runs on disk, one folder per configuration key, least recently used evicted first."""

    def __init__(self, root: Path | str, max_bytes: int | None = None):
        self.root = Path(root)
        self.max_bytes = cache_max_bytes() if max_bytes is None else max_bytes
        self.runs_dir = self.root / "runs"
        self.tmp_dir = self.root / "tmp"
        self._lock = threading.Lock()
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
            self.tmp_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise TrainingError("cache_folder", path=str(self.root), reason=str(err)) from err
        self._sweep_tmp()

    def path(self, key: str) -> Path:
        return self.runs_dir / key

    def has(self, key: str) -> bool:
        return (self.path(key) / "result.json").is_file()

    def load(self, key: str) -> RunResult | None:
        """The finished run, marked as just used; None when absent or damaged (a damaged one is removed)."""
        path = self.path(key)
        try:
            entry = os.stat(path)  # which folder is read: another process may replace it meanwhile
        except OSError:
            return None
        try:
            result = RunResult.from_dir(path)
        except (OSError, ValueError, KeyError, TypeError):
            # moved aside and deleted, the next request trains it again; only this folder: a file missing
            # because another process removed the run (and maybe put a new one in its place) is not damage
            self.remove(key, entry)
            return None
        self.touch(key)  # LRU; a run that cannot be touched (another user's file, a run just removed) is no damage
        return result

    def touch(self, key: str) -> None:
        """Mark a finished run as just used (it is being shown), so eviction takes others first."""
        try:
            os.utime(self.path(key) / "result.json")
        except OSError:
            pass

    def new_tmp(self, key: str) -> Path:
        path = self.tmp_dir / f"{key}-{uuid.uuid4().hex[:8]}"
        path.mkdir(parents=True)
        return path

    def commit(self, tmp: Path, key: str) -> RunResult | None:
        """Move a complete run folder into place in one rename: None when it is in place. When another process
        trained the same key and renamed its folder first, tmp is deleted and that run is returned, loaded (a
        damaged entry in the way is moved aside and the rename tried again)."""
        target = self.path(key)
        for _ in range(3):
            try:
                os.rename(tmp, target)
            except OSError as err:
                error = err
                winner = self.load(key)  # None: nothing there, or a damaged entry now moved aside
                if winner is not None:
                    shutil.rmtree(tmp, ignore_errors=True)
                    return winner
                continue
            self.evict(keep={key})
            return None
        shutil.rmtree(tmp, ignore_errors=True)
        raise error

    def discard(self, tmp: Path) -> None:
        shutil.rmtree(tmp, ignore_errors=True)

    def entries(self) -> list[tuple[str, float, int]]:
        """(key, last used, bytes) of every finished run, least recently used first."""
        out = []
        for path in self.runs_dir.iterdir():
            try:
                used = (path / "result.json").stat().st_mtime
                size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
            except OSError:
                continue
            out.append((path.name, used, size))
        return sorted(out, key=lambda e: e[1])

    def remove(self, key: str, entry: os.stat_result | None = None) -> bool:
        """Delete one finished run (moved out of runs/ in one step, then deleted). entry: the ``os.stat`` of the
        folder when it was read; then only that folder goes, not another process's run that took its place."""
        doomed = self.tmp_dir / f"removed-{key}-{uuid.uuid4().hex[:8]}"
        try:
            if entry is not None and not same_folder(entry, os.stat(self.path(key))):
                return False
            os.rename(self.path(key), doomed)
        except OSError:
            return False
        shutil.rmtree(doomed, ignore_errors=True)
        return True

    def tmp_bytes(self) -> int:
        """Bytes in tmp/: runs being written and leftovers not yet swept count toward the cap too."""
        total = 0
        for root, _dirs, files in os.walk(self.tmp_dir):
            for name in files:
                try:
                    total += os.lstat(os.path.join(root, name)).st_size
                except OSError:
                    pass
        return total

    def evict(self, keep: set[str] = frozenset()) -> list[str]:
        """Remove least recently used runs until the folder (runs + tmp/) is under max_bytes; returns their keys."""
        removed = []
        with self._lock:
            entries = self.entries()
            total = sum(e[2] for e in entries) + self.tmp_bytes()
            for key, _used, size in entries:
                if total <= self.max_bytes:
                    break
                if key in keep:
                    continue
                if self.remove(key):
                    removed.append(key)
                elif self.path(key).exists():
                    continue
                total -= size  # removed, here or by another process evicting at the same time
        return removed

    def _sweep_tmp(self, older_than: float = 3600.0) -> None:
        """Remove leftovers of runs killed mid-write. Another process sharing the folder may be writing one
        now: a folder goes only when neither it nor a file in it changed for older_than seconds (a run's
        folder is made when its training has ended, and its files are written within seconds)."""
        now = time.time()
        for path in self.tmp_dir.iterdir():
            try:
                changed = max([path.stat().st_mtime] + [f.stat().st_mtime for f in (path.iterdir() if path.is_dir() else ())])
                if now - changed > older_than:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass
