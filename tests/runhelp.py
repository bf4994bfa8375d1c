"""Helpers shared by the tests of services.runs: tiny and slow configurations, held runs, a condition wait,
stopping the services a test made, words."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from services.runs import RunConfig, default_config
from words import words  # noqa: F401 - a coded report in words, as the CLI and the pages show it


def tiny(**settings) -> RunConfig:
    """LeNet-5 on 300 images for one epoch: about a second."""
    base = {"train_size": 300, "epochs": 1}
    base.update(settings)
    return default_config().with_settings(**base)


def slow(**settings) -> RunConfig:
    """Long enough (hundreds of batches) to be caught while it trains. A test that only needs a run that is
    still training holds one (``held_runs``) instead of burning both cores on it until it withdraws it."""
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


def wait_for_runs(timeout: float) -> list:
    """Block until every run the process's service (get_service()) has queued or is training has finished;
    their last snapshots (a page then redraws, as its progress fragment would)."""
    from services.runs import get_service

    service = get_service()
    return [service.wait(snap.key, timeout) for snap in service.queue()]


def copy_run(template_cache: Path, key: str, cache_dir: Path) -> None:
    """Put a finished run (runs/<key>/ of a template cache folder) into another cache folder."""
    shutil.copytree(Path(template_cache) / "runs" / key, Path(cache_dir) / "runs" / key)


def stop_services() -> None:
    """Stop every training service get_service() made and forget them (the next page gets a new one on the
    same folder, as after a server restart). Queued runs are cancelled, a training one stops at its next batch."""
    from services.runs import service as run_service

    with run_service._services_lock:
        services = list(run_service._services.values())
        run_service._services.clear()
    for svc in services:
        svc.shutdown()


class Holds:
    """Runs held in training (the ``held_runs`` fixture): a held run trains for real up to its ``after``-th
    batch and then waits there, inside Keras' fit and in state "running", until the test releases it (it goes
    on) or it is cancelled or withdrawn (it stops at that batch, as any run does: ``Cancelled``)."""

    def __init__(self, after: int = 3):
        self.after = after
        self._gates: dict[str, threading.Event] = {}
        self._reached: dict[str, threading.Event] = {}

    def hold(self, config: RunConfig) -> RunConfig:
        """Hold the run of this configuration when it trains; the configuration back, to submit."""
        self._gates.setdefault(config.key, threading.Event())
        self._reached.setdefault(config.key, threading.Event())
        return config

    def wait_held(self, config: RunConfig, timeout: float = 120) -> None:
        """Wait until the run is training and held at its batch (fail after timeout seconds)."""
        assert self._reached[config.key].wait(timeout), "the held run never reached its batch"

    def release(self, config: RunConfig) -> None:
        self._gates[config.key].set()

    def release_all(self) -> None:
        for gate in self._gates.values():
            gate.set()

    def wrap(self, batch_end):
        """Run._batch_end with the hold after it (the batch's progress is recorded first)."""

        def held_batch_end(run, step, loss):
            batch_end(run, step, loss)
            gate = self._gates.get(run.key)
            if gate is not None and step >= self.after and not gate.is_set():
                self._reached[run.key].set()
                while not gate.wait(0.01) and not run.cancel_requested.is_set():
                    pass
                run._test_batch_end()  # cancelled meanwhile: raises Cancelled, as at any batch

        return held_batch_end
