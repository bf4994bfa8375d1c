"""Settings from the environment: where cnnlib keeps what it writes (the run cache, the notMNIST
download), how big that may grow, and what a training run may use."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """$CNNLIB_CACHE_DIR, else $XDG_CACHE_HOME/cnnlib, else ~/.cache/cnnlib."""
    if os.environ.get("CNNLIB_CACHE_DIR"):
        return Path(os.environ["CNNLIB_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnnlib"


def cache_max_bytes() -> int:
    """$CNNLIB_CACHE_MAX_MB (default 256): the run cache evicts least recently used runs beyond it."""
    return int(float(os.environ.get("CNNLIB_CACHE_MAX_MB", "256")) * 1e6)


def run_memory_mb() -> int:
    """$CNNLIB_RUN_MEMORY_MB (default 600): the most a training run may add to the server's memory."""
    return int(os.environ.get("CNNLIB_RUN_MEMORY_MB", "600"))


def tf_threads() -> int:
    """$CNNLIB_TF_THREADS: TensorFlow's thread-pool size; 0 (the default) = the CPUs this process may use."""
    return int(os.environ.get("CNNLIB_TF_THREADS", "0"))
