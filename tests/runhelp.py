"""Helpers shared by the tests of services.runs: tiny and slow configurations, a condition wait, words."""

from __future__ import annotations

import time

from services.runs import RunConfig, default_config
from words import words  # noqa: F401 - a coded report in words, as the CLI and the pages show it


def tiny(**settings) -> RunConfig:
    """LeNet-5 on 300 images for one epoch: about a second."""
    base = {"train_size": 300, "epochs": 1}
    base.update(settings)
    return default_config().with_settings(**base)


def slow(**settings) -> RunConfig:
    """Long enough (hundreds of batches) to be caught while it trains."""
    base = {"train_size": 400, "epochs": 50, "batch_size": 8}
    base.update(settings)
    return default_config().with_settings(**base)


def wait_until(predicate, timeout=60.0):
    """Poll a condition (every 20 ms) until it holds; fail after timeout seconds."""
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.02)
    raise AssertionError("timed out")
