"""The training service: one per process and cache folder (``get_service()``).

A worker thread trains one run at a time from a FIFO queue, outside any Streamlit script thread,
so a widget touch or a closed tab never kills a run. Asking for a run that is queued or training
attaches to it; asking for one that is on disk replays it at once (also after a restart).
Every request names its requester (an opaque id: the pages pass one per browser session). A
requester may wait for one run at a time, a run estimated past CNNLIB_RUN_MAX_SECONDS is refused
and one that passes it anyway is stopped; withdrawing a request stops the run only when nobody
else waits for it (``withdraw``), so one student cannot cancel the class's run. The worker is a daemon
thread with a deque rather than a ThreadPoolExecutor: the queue must report each run's place and drop a
cancelled run by key, and an executor's threads are joined at interpreter exit, so stopping the server
would wait for a run to finish.
"""

from __future__ import annotations

import collections
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from services.runs.cache import RunCache
from services.runs.config import RunConfig, estimate_seconds
from services.runs.errors import Cancelled, TrainingError, as_lesson_error
from services.runs.fit import configure_tensorflow, release_memory, train
from services.runs.progress import ACTIVE, Run, Snapshot
from services.settings import cache_dir as default_cache_dir
from services.settings import run_max_seconds
from services.training_data import pin, unpin

MODELS_KEPT = 4  # trained Keras models kept in memory for the try-it panels


class TrainingService:
    """Trains one run at a time in a background thread; same configuration = same run.

    Thread-safe: any number of Streamlit sessions (and the CLI) may call it at once.
    """

    def __init__(
        self, cache_dir: Path | str | None = None, max_bytes: int | None = None, keep: int = 64, max_seconds: float | None = None
    ):
        self.cache = RunCache(cache_dir or default_cache_dir(), max_bytes)
        self.max_seconds = max_seconds  # None: CNNLIB_RUN_MAX_SECONDS, read at each request
        self._cond = threading.Condition()
        self._queue: collections.deque[Run] = collections.deque()
        self._current: Run | None = None
        self._runs: collections.OrderedDict[str, Run] = collections.OrderedDict()
        self._keep = keep
        self._worker: threading.Thread | None = None
        self._stopping = False
        self._models: collections.OrderedDict[str, object] = collections.OrderedDict()
        self._models_lock = threading.Lock()
        self.trainings_started = 0  # how many runs the worker actually trained (tests, bench)

    # -- asking for runs --------------------------------------------------------------------
    def submit(self, config: RunConfig, requester: str | None = None) -> Run:
        """The run for this configuration: attached if queued/training, replayed if cached, else queued.

        requester: who asks (a page passes its session's id); None = the command line or a test,
        whose requests are never withdrawn and are not limited to one at a time.
        Raises TrainingError/StackError at once for a configuration no run can use, one estimated
        to take too long (``too_slow``), or a requester already waiting for another run (``one_at_a_time``).
        """
        limit = run_max_seconds() if self.max_seconds is None else self.max_seconds
        config.check(max_seconds=limit)
        key = config.key
        with self._cond:
            run = self._attach(key, requester)
            if run is not None:
                return run
        cached = self.cache.load(key)  # disk I/O outside the lock
        with self._cond:
            run = self._attach(key, requester)
            if run is not None:
                return run
            if cached is not None:
                run = Run.replayed(cached)
            else:
                if requester is not None and self._held(requester) is not None:
                    raise TrainingError("one_at_a_time")
                run = Run(config, key, max_seconds=limit, estimate=estimate_seconds(config))
                run._add_request(requester)
                # an uploaded (§7) data set must stay registered until its run ends, however many others upload
                pin(config.dataset)
                run._on_finish.append(lambda: unpin(config.dataset))
                self._queue.append(run)
                self._ensure_worker()
                self._cond.notify_all()
            self._remember(run)
            return run

    def _attach(self, key: str, requester: str | None) -> Run | None:
        run = self._runs.get(key)
        if run is None:
            return None
        if run.state in ACTIVE:
            run._add_request(requester)  # the same requester again counts once
            return run
        if run.state == "done" and self.cache.has(key):
            return run
        return None  # failed, cancelled or evicted: a new request trains again

    def lookup(self, config_or_key) -> Run | None:
        """The run if it is queued, training, finished in this process or on disk; never trains."""
        key = config_or_key if isinstance(config_or_key, str) else config_or_key.key
        with self._cond:
            run = self._runs.get(key)
            if run is not None and run.state != "done":
                return run
        if run is not None and self.cache.has(key):
            if time.time() - run.last_touched > 60:  # LRU: shown = used (at most one write a minute)
                run.last_touched = time.time()
                self.cache.touch(key)
            return run
        cached = self.cache.load(key)
        if cached is None:
            return run
        with self._cond:
            run = self._runs.get(key)
            if run is None or run.state != "done":
                run = Run.replayed(cached)
                self._remember(run)
            return run

    def snapshot(self, key: str) -> Snapshot | None:
        with self._cond:
            run = self._runs.get(key)
            position = self._position(key)
        return None if run is None else run.snapshot(position)

    def position(self, key: str) -> int | None:
        with self._cond:
            return self._position(key)

    def _position(self, key: str) -> int | None:
        if self._current is not None and self._current.key == key:
            return 0
        for i, run in enumerate(self._queue, start=1):
            if run.key == key:
                return i
        return None

    def queue(self) -> list[Snapshot]:
        """The run training now (position 0) and those waiting, in order."""
        with self._cond:
            runs = ([self._current] if self._current else []) + list(self._queue)
            offset = 0 if self._current else 1
        return [run.snapshot(i + offset) for i, run in enumerate(runs)]

    def _held(self, requester: str) -> Run | None:
        """The queued or training run this requester waits for (call with the lock held)."""
        runs = ([self._current] if self._current else []) + list(self._queue)
        return next((run for run in runs if requester in run.requesters and run.state in ACTIVE), None)

    def held(self, requester: str) -> Snapshot | None:
        """The run a requester waits for, if any (a page shows it when another request is refused)."""
        with self._cond:
            run = self._held(requester)
            position = run and self._position(run.key)
        return None if run is None else run.snapshot(position)

    def is_requester(self, key: str, requester: str) -> bool:
        with self._cond:
            run = self._runs.get(key)
        return run is not None and run.state in ACTIVE and requester in run.requesters

    def withdraw(self, key: str, requester: str) -> bool:
        """Withdraw one requester's request; the run stops only when no request is left. True if withdrawn."""
        with self._cond:
            run = self._runs.get(key)
            if run is None or run.state not in ACTIVE or requester not in run.requesters:
                return False
            with run._lock:
                run.requesters.discard(requester)
                left = run.requests
            if left == 0:
                self._stop(run)
            return True

    def withdraw_all(self, requester: str) -> int:
        """A requester is gone (its browser session ended): withdraw every request it still has; a run
        nobody else waits for stops. Returns how many requests were withdrawn."""
        with self._cond:
            keys = [
                run.key for run in ([self._current] if self._current else []) + list(self._queue) if requester in run.requesters
            ]
        return sum(self.withdraw(key, requester) for key in keys)

    def cancel(self, key: str) -> bool:
        """Stop a run whoever waits for it (the command line, tests); the pages only ``withdraw``."""
        with self._cond:
            run = self._runs.get(key)
            if run is None or run.state not in ACTIVE:
                return False
            self._stop(run)
            return True

    def _stop(self, run: Run) -> None:
        """A queued run leaves the queue, a training one stops at its next batch (call with the lock held)."""
        run.cancel_requested.set()
        if run in self._queue:
            self._queue.remove(run)
            run._finish("cancelled")

    def wait(self, key: str, timeout: float | None = None) -> Snapshot | None:
        with self._cond:
            run = self._runs.get(key)
        if run is None:
            return None
        run.finished.wait(timeout)
        return self.snapshot(key)

    def train_now(self, config: RunConfig, timeout: float | None = None,
                  on_progress: Callable[[Snapshot], None] | None = None) -> Snapshot:
        """Submit and wait until the run has finished or ``timeout`` seconds have passed (the command line);
        ``on_progress(snapshot)`` every half second while it waits."""
        run = self.submit(config)
        start = time.monotonic()
        while not run.finished.wait(0.5):
            if on_progress is not None:
                on_progress(run.snapshot())
            if timeout is not None and time.monotonic() - start >= timeout:
                break
        return self.snapshot(run.key)

    # -- the worker ---------------------------------------------------------------------------
    def _ensure_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._stopping = False
            self._worker = threading.Thread(target=self._work, name="cnnlib-training", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                run = self._queue.popleft()
                self._current = run
            outcome: dict = {"state": "cancelled"}
            try:
                result = self.cache.load(run.key)  # another process on the folder (a replica) finished it meanwhile?
                if result is None:
                    with self._cond:
                        self.trainings_started += 1
                    result = train(run.config, self.cache, run)
                outcome = {"state": "done", "result": result}
            except Cancelled:
                pass
            except BaseException as err:  # noqa: BLE001 - one run's failure must not stop the queue
                outcome = {"state": "failed", "error": as_lesson_error(err)}
            finally:
                release_memory()  # the run's peak back to the system, not kept by the server
                with self._cond:  # leave the queue before anyone waiting on the run wakes up
                    self._current = None
                    if outcome.get("result") is not None and outcome["result"].cached:
                        run._replay(outcome["result"])  # another process's run (found, or first to commit): its curves
                    else:
                        run._finish(**outcome)
                    self._cond.notify_all()

    def _remember(self, run: Run) -> None:
        self._runs[run.key] = run
        self._runs.move_to_end(run.key)
        finished = [k for k, r in self._runs.items() if r.state not in ACTIVE]
        for key in finished[: max(0, len(self._runs) - self._keep)]:
            del self._runs[key]

    def shutdown(self, timeout: float = 30.0) -> None:
        """Cancel everything and stop the worker (tests)."""
        with self._cond:
            for run in list(self._queue):
                run.cancel_requested.set()
                run._finish("cancelled")
            self._queue.clear()
            if self._current is not None:
                self._current.cancel_requested.set()
            self._stopping = True
            self._cond.notify_all()
            worker = self._worker
        if worker is not None:
            worker.join(timeout)

    # -- trained models -----------------------------------------------------------------------
    def load_model(self, key: str):
        """The trained Keras model of a finished run (a few kept in memory); None if not on disk."""
        with self._models_lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
        path = self.cache.path(key) / "model.keras"
        try:
            entry = os.stat(path.parent)  # the folder read: another process may remove or replace it meanwhile
        except OSError:
            return None
        if not path.is_file():
            return None
        configure_tensorflow()
        import keras

        try:
            model = keras.saving.load_model(path, compile=False)
        except Exception as err:  # noqa: BLE001 - any damage (BadZipFile, EOFError, …): a coded message
            if not self.cache.remove(key, entry):  # removed (evicted) by another process meanwhile: not damage
                return None
            # the next request trains it again
            with self._cond:
                run = self._runs.get(key)
                if run is not None and run.state == "done":
                    del self._runs[key]
            raise TrainingError("broken_model", name=type(err).__name__) from None
        with self._models_lock:
            self._models[key] = model
            while len(self._models) > MODELS_KEPT:
                self._models.popitem(last=False)
        return model


_services: dict[str, TrainingService] = {}
_services_lock = threading.Lock()


def get_service(cache_dir: Path | str | None = None) -> TrainingService:
    """The process-wide service for a cache folder (default: services.settings.cache_dir())."""
    root = str(Path(cache_dir or default_cache_dir()).expanduser().resolve())
    with _services_lock:
        if root not in _services:
            _services[root] = TrainingService(root)
        return _services[root]
