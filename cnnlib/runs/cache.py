"""Finished runs on disk: ``RunResult`` (what a run leaves) and ``RunCache`` (one folder per key, LRU).

``<cache_dir>/runs/<key>/`` holds ``model.keras``, ``result.json`` (config, history, test metrics,
confusion matrix) and ``predictions.npz``. A run is written into ``tmp/`` and renamed into place,
so a cancelled or failed run leaves nothing half-written; the least recently used runs go first
when the folder outgrows its cap (``cnnlib.settings.cache_max_bytes``).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from cnnlib.runs.errors import TrainingError
from cnnlib.settings import cache_max_bytes


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
        data = json.loads((path / "result.json").read_text())
        with np.load(path / "predictions.npz") as arrays:
            y_pred = arrays["y_pred"]
        data["confusion"] = np.asarray(data["confusion"], dtype=np.int64)
        return cls(**data, y_pred=y_pred, path=path, cached=True)


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
        """The finished run, marked as just used; None when absent or unreadable."""
        path = self.path(key)
        try:
            result = RunResult.from_dir(path)
            os.utime(path / "result.json")  # LRU: the last use is the result file's mtime
        except (OSError, ValueError, KeyError, TypeError):
            return None
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

    def commit(self, tmp: Path, key: str) -> Path:
        """Move a complete run folder into place in one rename (another process may have won)."""
        target = self.path(key)
        try:
            os.rename(tmp, target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not self.has(key):
                raise
        self.evict(keep={key})
        return target

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

    def remove(self, key: str) -> bool:
        """Delete one finished run (moved out of runs/ in one step, then deleted)."""
        doomed = self.tmp_dir / f"removed-{key}-{uuid.uuid4().hex[:8]}"
        try:
            os.rename(self.path(key), doomed)
        except OSError:
            return False
        shutil.rmtree(doomed, ignore_errors=True)
        return True

    def evict(self, keep: set[str] = frozenset()) -> list[str]:
        """Remove least recently used runs until the folder is under max_bytes; returns their keys."""
        removed = []
        with self._lock:
            entries = self.entries()
            total = sum(e[2] for e in entries)
            for key, _used, size in entries:
                if total <= self.max_bytes:
                    break
                if key in keep:
                    continue
                if not self.remove(key):
                    continue
                total -= size
                removed.append(key)
        return removed

    def _sweep_tmp(self, older_than: float = 3600.0) -> None:
        """Remove leftovers of runs killed mid-write (another process may be writing a fresh one)."""
        now = time.time()
        for path in self.tmp_dir.iterdir():
            try:
                if now - path.stat().st_mtime > older_than:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass
