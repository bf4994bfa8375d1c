"""Helpers shared by the tests of services.runs: tiny and slow configurations, held runs, a condition wait,
stopping the services a test made, words; finished runs written without training, and other processes on
the same cache folder (a replica: ``in_processes``, spawned, so the children import this module)."""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import shutil
import sys
import threading
import time
import traceback
import types
import zipfile
from pathlib import Path

import numpy as np

from services.runs import RunCache, RunConfig, RunResult, default_config
from words import words  # noqa: F401 - a coded report in words, as the CLI and the pages show it


def tiny(**settings) -> RunConfig:
    """LeNet-5 on 300 images for one epoch: 4–5 s on the 2-core machine once TensorFlow is loaded (building and
    tracing the model is most of it)."""
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


# ---- finished runs without training, and other processes on the same folder ---------------------------


def good_result(key: str = "k", created_at: float = 1.0) -> RunResult:
    """A whole, consistent result of a 3-epoch run on 8 test images of 2 classes (one image wrong)."""
    history = {name: [0.5, 0.4, 0.3] for name in ("loss", "accuracy", "val_loss", "val_accuracy")}
    return RunResult(
        key=key, config={"epochs": 3}, history=history, epoch_seconds=[1.0, 3.0, 2.0], test_accuracy=0.875,
        test_loss=0.3, confusion=np.array([[3, 1], [0, 4]]), y_pred=np.array([0, 0, 0, 1, 1, 1, 1, 1], dtype=np.int16),
        seconds=4.0, fit_seconds=3.0, samples_per_second=100.0, train_images=8, test_images=8, params=10,
        dataset_source="test", class_names=["a", "b"], created_at=created_at)


def write_tmp(cache: RunCache, result: RunResult) -> Path:
    """The three files a run leaves, in a temporary folder of the cache, as the worker writes them."""
    tmp = cache.new_tmp(result.key)
    (tmp / "result.json").write_text(json.dumps(result.to_json()))
    np.savez_compressed(tmp / "predictions.npz", y_pred=result.y_pred)
    with zipfile.ZipFile(tmp / "model.keras", "w") as model:
        model.writestr("config.json", "{}")
        model.writestr("model.weights.h5", b"\0" * 100)
    return tmp


def write_entry(cache: RunCache, result: RunResult):
    """A finished run, committed as the worker does; None, or the run another process committed first."""
    return cache.commit(write_tmp(cache, result), result.key)


def _child(target, args, barrier, results, index) -> None:
    try:
        results.put((index, True, target(*args, barrier)))
    except BaseException:  # noqa: BLE001 - the parent fails with the child's traceback
        results.put((index, False, traceback.format_exc()))


def in_processes(target, *args_each, timeout: float = 60.0) -> list:
    """Run target(*args, barrier) in one spawned process per args tuple, at the same time; their return values,
    in order (a child's exception fails the caller with its traceback). barrier: wait() on it to start a step
    together with the others. target must be a function of this module (the children import it)."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(args_each)), ctx.Queue()
    children = [ctx.Process(target=_child, args=(target, args, barrier, results, i), daemon=True)
                for i, args in enumerate(args_each)]
    main = sys.modules["__main__"]  # a spawned child runs the parent's __main__ first: after an AppTest in this
    sys.modules["__main__"] = types.ModuleType("__main__")  # process that is a page script, which cannot run alone
    try:
        for child in children:
            child.start()
    finally:
        sys.modules["__main__"] = main
    out, end = {}, time.monotonic() + timeout
    try:
        while len(out) < len(children):
            try:
                index, ok, value = results.get(timeout=max(0.1, end - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"other processes: {len(children) - len(out)} not done in {timeout} s") from None
            assert ok, f"process {index} failed:\n{value}"
            out[index] = value
    finally:
        for child in children:
            child.join(10)
            if child.is_alive():
                child.kill()
    return [out[i] for i in range(len(children))]


def in_another_process(target, *args, timeout: float = 60.0):
    """target(*args, barrier) in one other process (a replica), waited for; its return value."""
    return in_processes(target, args, timeout=timeout)[0]


# targets for in_processes: what another server process does on the shared cache folder


def commit_each(root: str, keys: list, created_at: float, barrier) -> list:
    """Write a run for each key and commit it at the same moment as the other process (created_at tells whose
    it is); per key: (won, the created_at of the run this process ends up with)."""
    cache, out = RunCache(root), []
    for key in keys:
        tmp = write_tmp(cache, good_result(key, created_at))
        barrier.wait()
        winner = cache.commit(tmp, key)
        out.append((winner is None, created_at if winner is None else winner.created_at))
    return out


def replace_entry(root: str, key: str, created_at: float | None, barrier) -> None:
    """Another process removes the run of key and, unless created_at is None, commits a fresh one in its place."""
    cache = RunCache(root)
    cache.remove(key)
    if created_at is not None:
        assert write_entry(cache, good_result(key, created_at)) is None


def evict_to(root: str, max_bytes: int, barrier) -> list:
    return RunCache(root, max_bytes=max_bytes).evict()


def churn(root: str, keys: list, rounds: int, max_bytes: int, barrier) -> dict:
    """One process writes and evicts (a cap of about two runs) while the other reads (``read_all``), until done;
    the reader's side: how many loads found a whole run, how many found none, and how many runs it removed as
    damaged (none is)."""
    writing = barrier.wait() == 0  # one of the two writes
    cache = RunCache(root, max_bytes=max_bytes)
    done = Path(root) / "writer-done"
    if writing:
        for i in range(rounds):
            for key in keys:
                write_entry(cache, good_result(key, created_at=float(i)))
        done.touch()
        return {"writer": True}
    removed = []
    remove = cache.remove

    def counted(key, entry=None):
        gone = remove(key, entry)
        if gone:
            removed.append(key)
        return gone

    cache.remove = counted
    found = missing = 0
    while not done.exists():
        for key in keys:
            result = cache.load(key)
            if result is None:
                missing += 1
            else:
                assert result.key == key and result.test_accuracy == 0.875
                found += 1
    return {"writer": False, "found": found, "missing": missing, "removed": removed}


def replay_in_this_process(root: str, settings: dict, barrier) -> dict:
    """A second server process on the same cache folder asks for the run of these settings (a page's lookup,
    then a request): what it got, how many runs it trained, and whether it needed TensorFlow."""
    from services.runs import TrainingService

    config = default_config().with_settings(**settings)
    service = TrainingService(root)
    try:
        run = service.lookup(config)
        asked = service.submit(config, requester="student")
        snap = service.snapshot(config.key)
        return {
            "found": run is not None and run.state == "done", "same_run": asked is run, "state": snap.state,
            "cached": snap.result.cached, "test_accuracy": snap.result.test_accuracy,
            "created_at": snap.result.created_at, "trainings": service.trainings_started,
            "tensorflow": "tensorflow" in sys.modules, "pid": os.getpid(),
        }
    finally:
        service.shutdown()
