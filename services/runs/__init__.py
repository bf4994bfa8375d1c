"""Training runs (§2, §6, §7): one configuration is one run, trained once in the background and cached on disk.

- ``config``: ``RunConfig`` (everything that decides a run's numbers; ``key`` hashes it), limits, presets.
- ``progress``: ``Run`` (shared, lock-protected progress per batch and epoch) and ``Snapshot``.
- ``cache``: ``RunResult`` and ``RunCache`` (one folder per key, tmp-then-rename, LRU).
- ``fit``: TensorFlow set-up and the fit procedure (TensorFlow imported only inside functions).
- ``service``: ``TrainingService`` (queue, worker, attach/dedupe/cancel) and ``get_service()``.
- ``errors``: ``TrainingError`` / ``NanLossError`` as codes (words in words/run_errors.py).

The names pages need are importable from here: ``from services.runs import RunConfig, get_service``.
"""

from services.runs.cache import RunCache, RunResult
from services.runs.config import (
    FAST_SETTINGS,
    LIMITS,
    LR_LIMITS,
    OPTIMIZERS,
    SCALINGS,
    SCHEDULES,
    SLIDE_SETTINGS,
    RunConfig,
    default_config,
)
from services.runs.errors import NanLossError, TrainingError
from services.runs.progress import ACTIVE, Run, Snapshot
from services.runs.service import TrainingService, get_service

__all__ = [
    "ACTIVE", "FAST_SETTINGS", "LIMITS", "LR_LIMITS", "OPTIMIZERS", "SCALINGS", "SCHEDULES", "SLIDE_SETTINGS",
    "NanLossError", "Run", "RunCache", "RunConfig", "RunResult", "Snapshot", "TrainingError", "TrainingService",
    "default_config", "get_service",
]
