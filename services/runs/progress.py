"""The progress of one run, shared by every session that asked for it: ``Run`` (written by the worker,
a few numbers per batch), ``Snapshot`` (a consistent copy for one redraw) and the Keras callback that feeds it.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cnnlib.errors import LessonError
from services.runs.config import RunConfig
from services.runs.errors import Cancelled, NanLossError, TrainingError

if TYPE_CHECKING:
    from services.runs.cache import RunResult

ACTIVE = ("queued", "running")  # then "done", "failed" or "cancelled"
HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of a run's progress for one redraw of a page."""

    key: str
    state: str
    phase: str
    epoch: int  # epochs finished
    epochs: int
    step: int  # batches finished in the current epoch
    steps: int  # batches per epoch
    samples_done: int
    samples_total: int
    samples_per_second: float | None
    seconds_left: float | None
    elapsed: float
    history: dict
    error: LessonError | None
    result: RunResult | None
    requests: int  # how many requests wait for this run (sessions, plus the command line's)
    position: int | None = None  # 0 = training now, 1 = next, …; None when not in the queue
    config: RunConfig | None = None
    estimate: float | None = None  # estimated seconds of the whole run (services.runs.config.estimate_seconds)

    @property
    def fraction(self) -> float:
        if self.state == "done":
            return 1.0
        return self.samples_done / self.samples_total if self.samples_total else 0.0

    @property
    def finished(self) -> bool:
        return self.state not in ACTIVE


class Run:
    """One run's shared progress. The worker writes (a few numbers per batch), pages read snapshots."""

    def __init__(self, config: RunConfig, key: str | None = None, max_seconds: float | None = None,
                 estimate: float | None = None):
        self.config = config
        self.max_seconds = max_seconds  # stopped with "too_long" past this many seconds since it started
        self.estimate = estimate
        self.key = key or config.key
        self._lock = threading.Lock()
        self._on_finish: list = []  # called once when the run ends, however it ends (the service unpins its data)
        self.cancel_requested = threading.Event()
        self.finished = threading.Event()
        self.state = "queued"
        self.phase = "queued"
        self.submitted_at = time.time()
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.epoch = 0
        self.step = 0
        self.steps = 0
        self.samples_done = 0
        self.samples_total = 0
        self.train_images = 0
        self.batch_size = config.batch_size
        self._rate_start: tuple[float, int] | None = None
        self._rate_last: tuple[float, int] | None = None
        self._epoch_started = 0.0
        self.history: dict[str, list[float]] = {k: [] for k in HISTORY_KEYS}
        self.epoch_seconds: list[float] = []
        self.error: LessonError | None = None
        self.result: RunResult | None = None
        self.requesters: set[str] = set()  # the sessions waiting for this run (opaque ids from the pages)
        self.anonymous = 0  # requests without a requester (the command line, tests): never withdrawn
        self.last_touched = time.time()

    @property
    def requests(self) -> int:
        return len(self.requesters) + self.anonymous

    def _add_request(self, requester: str | None) -> None:
        with self._lock:
            if requester is None:
                self.anonymous += 1
            else:
                self.requesters.add(requester)

    def _check_time(self) -> None:
        """Stop a run that outlives its limit although its estimate was within it (a busy server, a bad guess)."""
        if self.max_seconds is not None and self.started_at is not None \
                and time.time() - self.started_at > self.max_seconds:
            raise TrainingError("too_long", limit=self.max_seconds)

    @classmethod
    def replayed(cls, result: RunResult) -> Run:
        run = cls(RunConfig.from_dict(result.config), result.key)
        run._replay(result)
        return run

    def _replay(self, result: RunResult) -> None:
        """Finish as the finished run `result` (from disk), curves and counts included."""
        with self._lock:
            self.history = {k: list(v) for k, v in result.history.items()}
            self.epoch = len(self.history["loss"])
            self.samples_total = self.samples_done = result.train_images * self.epoch
        self._finish("done", result=result)

    # -- written by the worker ------------------------------------------------------------
    def _begin(self, phase: str) -> None:
        with self._lock:
            if self.started_at is None:
                self.started_at = time.time()
            self.state, self.phase = "running", phase
        self._check_time()

    def _plan(self, train_images: int, steps: int) -> None:
        with self._lock:
            self.train_images, self.steps = train_images, steps
            self.samples_total = train_images * self.config.epochs

    def _epoch_begin(self, epoch: int) -> None:
        with self._lock:
            self.epoch, self.step = epoch, 0
            self._epoch_started = time.perf_counter()

    def _batch_end(self, step: int, loss) -> None:
        """Called after every batch: a handful of assignments, no allocations beyond two tuples."""
        now = time.perf_counter()
        with self._lock:
            self.step = step
            self.samples_done = self.epoch * self.train_images + min(step * self.batch_size, self.train_images)
            if self._rate_start is None:  # the first batch includes tracing and compiling: not counted
                self._rate_start = (now, self.samples_done)
            self._rate_last = (now, self.samples_done)
        if loss is not None and not math.isfinite(loss):
            raise NanLossError("nan_loss", epoch=self.epoch + 1, batch=step)
        self._test_batch_end()

    def _test_batch_end(self) -> None:
        """After every batch, also while testing: stop when cancelled or past the time limit."""
        if self.cancel_requested.is_set():
            raise Cancelled
        self._check_time()

    def _epoch_end(self, logs: dict) -> None:
        seconds = time.perf_counter() - self._epoch_started
        with self._lock:
            for k in HISTORY_KEYS:
                self.history[k].append(float(logs.get(k, float("nan"))))
            self.epoch_seconds.append(seconds)
            self.epoch = len(self.history["loss"])
            self.step = self.steps

    def _finish(self, state: str, *, result: RunResult | None = None, error: LessonError | None = None) -> None:
        with self._lock:
            self.state, self.phase = state, state
            self.result, self.error = result, error
            self.finished_at = time.time()
            callbacks, self._on_finish = self._on_finish, []
        for callback in callbacks:
            callback()
        self.finished.set()

    # -- read by pages ----------------------------------------------------------------------
    def snapshot(self, position: int | None = None) -> Snapshot:
        with self._lock:
            rate = left = None
            if self._rate_start and self._rate_last and self._rate_last[0] > self._rate_start[0]:
                rate = (self._rate_last[1] - self._rate_start[1]) / (self._rate_last[0] - self._rate_start[0])
                if rate > 0 and self.state == "running":
                    left = (self.samples_total - self.samples_done) / rate
            if self.result is not None and self.state == "done":
                rate = self.result.samples_per_second
                left = 0.0
            end = self.finished_at or time.time()
            return Snapshot(
                key=self.key, state=self.state, phase=self.phase, epoch=self.epoch, epochs=self.config.epochs,
                step=self.step, steps=self.steps, samples_done=self.samples_done, samples_total=self.samples_total,
                samples_per_second=rate, seconds_left=left,
                elapsed=(end - self.started_at) if self.started_at else 0.0,
                history={k: list(v) for k, v in self.history.items()},
                error=self.error, result=self.result, requests=self.requests, position=position,
                config=self.config, estimate=self.estimate,
            )


def make_progress_callback(run: Run):
    """A Keras callback that writes batch and epoch progress into the shared Run."""
    import keras

    class Progress(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            run._epoch_begin(epoch)

        def on_train_batch_end(self, batch, logs=None):
            run._batch_end(batch + 1, logs.get("loss") if logs else None)

        def on_test_batch_end(self, batch, logs=None):
            run._test_batch_end()

        def on_predict_batch_end(self, batch, logs=None):
            run._test_batch_end()

        def on_epoch_end(self, epoch, logs=None):
            run._epoch_end(logs or {})

    return Progress()
