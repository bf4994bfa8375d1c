"""Where cnnlib keeps what it writes: one answer for the run cache and the notMNIST download."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """$CNNLIB_CACHE_DIR, else $XDG_CACHE_HOME/cnnlib, else ~/.cache/cnnlib."""
    if os.environ.get("CNNLIB_CACHE_DIR"):
        return Path(os.environ["CNNLIB_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnnlib"
