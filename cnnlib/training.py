"""The old home of the training runs; they live in cnnlib.runs now.

# TRANSITION (issue 8): remove once ui/ and lessons/ import cnnlib.runs
"""

from __future__ import annotations

import math

from cnnlib.runs import (  # noqa: F401 - re-exported for the importers not yet switched
    ACTIVE,
    FAST_SETTINGS,
    OPTIMIZERS,
    SCALINGS,
    SCHEDULES,
    SLIDE_SETTINGS,
    NanLossError,
    Run,
    RunCache,
    RunConfig,
    RunResult,
    Snapshot,
    TrainingError,
    TrainingService,
    default_config,
    get_service,
)


def seconds_text(seconds: float | None) -> str:
    """12.3 s → "12 s", 95 s → "1:35" (progress labels). TRANSITION: ui/ has its own replacement."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    seconds = max(0, round(seconds))
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60}:{seconds % 60:02d}"

