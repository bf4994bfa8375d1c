"""Training runs (§2, §6): one configuration is one run — trained once, in the background, cached on disk.

- ``RunConfig``: everything that decides a run's numbers (stack, dataset, subset size, epochs,
  batch size, optimizer, learning rate, schedule, seed, input scaling); ``config.key`` hashes it.
- ``TrainingService``: one per process (``get_service()``). A worker thread trains one run at
  a time from a FIFO queue, outside any Streamlit script thread, so a widget touch or a closed
  tab never kills a run. Asking for a run that is queued or training attaches to it; asking for
  one that is on disk replays it at once (also after a restart).
- ``Run``: the shared, lock-protected progress of one run (per batch: samples/s, time left; per
  epoch: loss and accuracy), which any number of sessions read; anyone may cancel it.
- On disk: ``$CNNLIB_CACHE_DIR/runs/<key>/`` holds ``model.keras``, ``result.json`` (config,
  history, test metrics, confusion matrix) and ``predictions.npz``. A run is written into
  ``tmp/`` and renamed into place, so a cancelled or failed run leaves nothing half-written;
  the least recently used runs go first when the folder outgrows its cap.

TensorFlow is imported only inside the functions that train or load a model.
"""

from __future__ import annotations

import collections
import gc
import hashlib
import json
import math
import os
import shutil
import statistics
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from cnnlib import architecture
from cnnlib.errors import LessonError

FORMAT_VERSION = 1  # bump when the training code changes what a configuration produces
OPTIMIZERS = ("adam", "rmsprop", "sgd")
SCHEDULES = ("constant", "cosine")
SCALINGS = ("scaled", "raw")  # inputs divided by 255 (0–1), or the slides' raw 0–255
STATES = ("queued", "running", "done", "failed", "cancelled")
ACTIVE = ("queued", "running")
LIMITS = {"epochs": (1, 50), "batch_size": (1, 4096), "train_size": (1, 60_000), "seed": (0, 2**31 - 1)}
LR_LIMITS = (1e-6, 10.0)

# Measured on the shipped 8,000 / 2,000 sample, 2 cores (bench/training.py): LeNet-5 reaches
# ≥ 97 % test accuracy in ~5 s with these; the slides' settings need 10 epochs for ~97 %.
FAST_SETTINGS = {"epochs": 5, "batch_size": 64, "optimizer": "adam", "learning_rate": 0.003,
                 "schedule": "cosine", "scaling": "scaled"}
# The lecture's `model.compile(loss=..., metrics='accuracy')` + `model.fit(독립, 종속, epochs=10)`:
# Keras' default optimizer (RMSprop, 0.001), batch 32, raw 0–255 pixels.
SLIDE_SETTINGS = {"epochs": 10, "batch_size": 32, "optimizer": "rmsprop", "learning_rate": 0.001,
                  "schedule": "constant", "scaling": "raw"}


class TrainingError(LessonError):
    """A run that cannot start or could not finish: a bad configuration, NaN loss, no memory."""


class NanLossError(TrainingError):
    """The loss became NaN or infinite (what Keras' TerminateOnNaN stops on)."""


class _Cancelled(Exception):  # raised inside fit to stop at the next batch
    pass


# ---------------------------------------------------------------------------------------------
# Configuration


@dataclass(frozen=True)
class RunConfig:
    """What decides a run's numbers. The same configuration is the same run (``key``)."""

    stack: tuple = ()
    input_shape: tuple = (28, 28, 1)
    dataset: str = "mnist_sample"
    train_size: int = 8000
    epochs: int = FAST_SETTINGS["epochs"]
    batch_size: int = FAST_SETTINGS["batch_size"]
    optimizer: str = FAST_SETTINGS["optimizer"]
    learning_rate: float = FAST_SETTINGS["learning_rate"]
    schedule: str = FAST_SETTINGS["schedule"]
    seed: int = 0
    scaling: str = FAST_SETTINGS["scaling"]

    def __post_init__(self):
        # layers as plain dicts in a tuple, the input shape as a tuple of ints: stable to hash
        object.__setattr__(self, "stack", tuple(dict(layer) for layer in self.stack))
        object.__setattr__(self, "input_shape", tuple(self.input_shape))

    @classmethod
    def from_preset(cls, name: str, **settings) -> RunConfig:
        stack, input_shape = architecture.preset(name)
        return cls(stack=tuple(stack), input_shape=input_shape, **settings)

    def check(self) -> RunConfig:
        """Raise TrainingError (both languages) for values no run can use; returns self."""
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise TrainingError(
                    ko=f"{name}은(는) {low:,}에서 {high:,} 사이의 정수여야 합니다: {value!r}",
                    en=f"{name} must be a whole number from {low:,} to {high:,}: {value!r}",
                )
        if not isinstance(self.learning_rate, (int, float)) or not LR_LIMITS[0] <= self.learning_rate <= LR_LIMITS[1]:
            raise TrainingError(
                ko=f"학습률은 {LR_LIMITS[0]:g}에서 {LR_LIMITS[1]:g} 사이여야 합니다: {self.learning_rate!r}",
                en=f"The learning rate must be from {LR_LIMITS[0]:g} to {LR_LIMITS[1]:g}: {self.learning_rate!r}",
            )
        for name, allowed in (("optimizer", OPTIMIZERS), ("schedule", SCHEDULES), ("scaling", SCALINGS)):
            if getattr(self, name) not in allowed:
                raise TrainingError(
                    ko=f"{name}은(는) {', '.join(allowed)} 중 하나여야 합니다: {getattr(self, name)!r}",
                    en=f"{name} must be one of {', '.join(allowed)}: {getattr(self, name)!r}",
                )
        if not self.stack:
            raise TrainingError(ko="학습할 층이 없습니다", en="There are no layers to train")
        architecture.summarize(list(self.stack), self.input_shape)  # StackError when Keras could not build it
        needed = estimate_memory_mb(self)
        if needed > memory_budget_mb():
            raise TrainingError(
                ko=f"이 모델은 학습에 약 {needed:,.0f} MB가 필요해 이 서버({memory_budget_mb():,} MB)에는 너무 큽니다. "
                   "배치 크기를 줄이거나 풀링 층을 넣어 보세요.",
                en=f"This model needs about {needed:,.0f} MB to train, too much for this server "
                   f"({memory_budget_mb():,} MB). Try a smaller batch or add pooling layers.",
            )
        return self

    def canonical(self) -> dict:
        """The configuration as plain JSON values; equivalent stacks give the same text."""
        return {
            "format": FORMAT_VERSION,
            "stack": architecture.encode_stack(list(self.stack), self.input_shape),
            "dataset": self.dataset,
            "train_size": self.train_size,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "optimizer": self.optimizer,
            "learning_rate": float(self.learning_rate),
            "schedule": self.schedule,
            "seed": self.seed,
            "scaling": self.scaling,
        }

    @property
    def key(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["stack"] = [dict(layer) for layer in self.stack]
        data["input_shape"] = list(self.input_shape)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> RunConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def with_settings(self, **settings) -> RunConfig:
        return replace(self, **settings)


def default_config(dataset: str = "mnist_sample", preset: str = "lenet5") -> RunConfig:
    """The pages' default: LeNet-5 with the measured fast settings on 8,000 training images."""
    return RunConfig.from_preset(preset, dataset=dataset)


def memory_budget_mb() -> int:
    return int(os.environ.get("CNNLIB_RUN_MEMORY_MB", "600"))


def estimate_memory_mb(config: RunConfig) -> float:
    """A rough upper bound of what training adds to the server's memory, in MB.

    Weights, gradients and two optimizer slots (4 floats per parameter), three copies of every
    layer's output per image in a batch (forward, backward, XLA scratch), and the data (uint8).
    """
    rows = architecture.summarize(list(config.stack), config.input_shape)
    params = sum(row.params for row in rows)
    per_image = sum(math.prod(d for d in row.output_shape if d is not None) for row in rows)
    pixels = math.prod(config.input_shape)
    floats = 4 * params + 3 * per_image * config.batch_size
    data = (config.train_size + 10_000) * pixels * 1
    return (floats * 4 + data) / 1e6


# ---------------------------------------------------------------------------------------------
# Progress of one run, shared by every session that asked for it


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
    requests: int
    position: int | None = None  # 0 = training now, 1 = next, …; None when not in the queue

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

    def __init__(self, config: RunConfig, key: str | None = None):
        self.config = config
        self.key = key or config.key
        self._lock = threading.Lock()
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
        self.requests = 1
        self.last_touched = time.time()

    @classmethod
    def replayed(cls, result: RunResult) -> Run:
        run = cls(RunConfig.from_dict(result.config), result.key)
        run._finish("done", result=result)
        run.history = {k: list(v) for k, v in result.history.items()}
        run.epoch = len(run.history["loss"])
        run.samples_total = run.samples_done = result.train_images * run.epoch
        return run

    # -- written by the worker ------------------------------------------------------------
    def _begin(self, phase: str) -> None:
        with self._lock:
            if self.started_at is None:
                self.started_at = time.time()
            self.state, self.phase = "running", phase

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
            raise NanLossError(
                ko=f"{self.epoch + 1}번째 에포크 {step}번째 배치에서 손실이 NaN(수가 아님)이 되어 학습을 멈췄습니다 "
                   "(Keras의 TerminateOnNaN과 같음). 학습률을 낮추거나 입력을 0–1로 스케일링해 보세요.",
                en=f"The loss became NaN (not a number) at epoch {self.epoch + 1}, batch {step}, so training "
                   "stopped (as Keras' TerminateOnNaN does). Try a smaller learning rate or inputs scaled to 0–1.",
            )
        if self.cancel_requested.is_set():
            raise _Cancelled

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
            )


# ---------------------------------------------------------------------------------------------
# Results on disk


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

    @property
    def model_path(self) -> Path | None:
        return None if self.path is None else self.path / "model.keras"

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


def default_cache_dir() -> Path:
    """$CNNLIB_CACHE_DIR, else ~/.cache/cnnlib (XDG_CACHE_HOME respected)."""
    if os.environ.get("CNNLIB_CACHE_DIR"):
        return Path(os.environ["CNNLIB_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnnlib"


def default_max_bytes() -> int:
    return int(float(os.environ.get("CNNLIB_CACHE_MAX_MB", "256")) * 1e6)


class RunCache:
    """Finished runs on disk, one folder per configuration key, least recently used evicted first."""

    def __init__(self, root: Path | str, max_bytes: int | None = None):
        self.root = Path(root)
        self.max_bytes = default_max_bytes() if max_bytes is None else max_bytes
        self.runs_dir = self.root / "runs"
        self.tmp_dir = self.root / "tmp"
        self._lock = threading.Lock()
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
            self.tmp_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise TrainingError(
                ko=f"결과를 저장할 폴더를 만들 수 없습니다: {self.root} ({err}). CNNLIB_CACHE_DIR를 바꿔 보세요.",
                en=f"Cannot create the results folder {self.root} ({err}). Set CNNLIB_CACHE_DIR elsewhere.",
            ) from err
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

    def size(self) -> int:
        return sum(e[2] for e in self.entries())

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

    def clear(self) -> None:
        for key, _used, _size in self.entries():
            shutil.rmtree(self.path(key), ignore_errors=True)

    def _sweep_tmp(self, older_than: float = 3600.0) -> None:
        """Remove leftovers of runs killed mid-write (another process may be writing a fresh one)."""
        now = time.time()
        for path in self.tmp_dir.iterdir():
            try:
                if now - path.stat().st_mtime > older_than:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass


# ---------------------------------------------------------------------------------------------
# TensorFlow set-up and one run


_tf_lock = threading.Lock()
_tf_configured = False


def available_cpus() -> int:
    """CPUs this process may use: affinity, and a cgroup quota (containers report the host's count)."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            count = min(count, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return count


def guard_clear_session() -> None:
    """Make Streamlit's after-every-run ``keras.backend.clear_session()`` a no-op.

    Streamlit's script runner calls it after EVERY script run, fragment reruns included
    (``_clean_problem_modules``). That resets Keras' global state and clears TensorFlow's
    kernel caches under the training thread (a run then stalls for seconds), and its
    ``gc.collect()`` costs ~0.2 s per rerun: with forty students watching progress that is the
    whole CPU. Our models get explicit layer names (cnnlib.models), so nothing needs the reset.
    Calls from anywhere else (tests, a student's code) still clear the session.
    """
    import keras

    original = keras.backend.clear_session
    if getattr(original, "_cnnlib_guard", False):
        return

    def clear_session(*args, **kwargs):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller.startswith("streamlit."):
            return None
        return original(*args, **kwargs)

    clear_session._cnnlib_guard = True
    clear_session.__doc__ = original.__doc__
    keras.backend.clear_session = clear_session


def configure_tensorflow() -> bool:
    """Quiet logs and thread pools sized to the CPUs we may use; True if TF took the settings.

    Thread counts can only be set before TensorFlow initialises its runtime (else RuntimeError);
    if another page already used TensorFlow, its defaults stay.
    """
    global _tf_configured
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with _tf_lock:
        if _tf_configured:
            return True
        import tensorflow as tf

        guard_clear_session()

        threads = int(os.environ.get("CNNLIB_TF_THREADS", "0")) or available_cpus()
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(min(2, threads))
            _tf_configured = True
        except RuntimeError:
            _tf_configured = False
        return _tf_configured


_build_lock = threading.Lock()  # seeding and building must not interleave between threads


def _prepare(config: RunConfig, dataset):
    """The dataset as (N, *input_shape) uint8 plus labels, checked against the model's output."""
    from cnnlib.datasets import get_dataset

    data = dataset or get_dataset(config.dataset)
    shape = config.input_shape
    n = min(config.train_size, len(data.x_train))
    x_train, y_train = data.x_train[:n], data.y_train[:n]
    image = data.x_train.shape[1:]
    if math.prod(image) != math.prod(shape) or tuple(shape[: len(image[:2])]) != tuple(image[:2]):
        raise TrainingError(
            ko=f"모델의 입력 모양 {shape}이(가) 데이터 이미지 모양 {image}과(와) 맞지 않습니다",
            en=f"The model's input shape {shape} does not fit the dataset's images {image}",
        )
    classes = len(data.class_names)
    out = architecture.output_shape(list(config.stack), shape)
    if tuple(out[1:]) != (classes,):
        raise TrainingError(
            ko=f"마지막 층의 출력 모양은 (None, {classes})이어야 합니다 (클래스 {classes}개): 지금은 {out}. "
               f"마지막에 Flatten과 Dense({classes}, activation='softmax')를 두세요.",
            en=f"The last layer must output (None, {classes}) for {classes} classes, not {out}. "
               f"End with Flatten and Dense({classes}, activation='softmax').",
        )
    return data, x_train.reshape((n, *shape)), y_train, data.x_test.reshape((len(data.x_test), *shape))


def _optimizer(config: RunConfig, steps_total: int):
    import keras

    rate = float(config.learning_rate)
    if config.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(rate, decay_steps=max(1, steps_total))
    if config.optimizer == "adam":
        return keras.optimizers.Adam(rate)
    if config.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(rate)
    return keras.optimizers.SGD(rate, momentum=0.9)


def _pipeline(x, y, batch_size: int, scale: float, shuffle_seed: int | None):
    """uint8 images in, float batches out (scaled in the graph: the data stays 1 byte a pixel)."""
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((x, y.astype(np.int32)))
    if shuffle_seed is not None:
        ds = ds.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).map(
        lambda a, b: (tf.cast(a, tf.float32) * scale, b), num_parallel_calls=1
    ).prefetch(2)


def make_progress_callback(run: Run):
    """A Keras callback that writes batch and epoch progress into the shared Run."""
    import keras

    class Progress(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            run._epoch_begin(epoch)

        def on_train_batch_end(self, batch, logs=None):
            run._batch_end(batch + 1, logs.get("loss") if logs else None)

        def on_epoch_end(self, epoch, logs=None):
            run._epoch_end(logs or {})

    return Progress()


def train(config: RunConfig, cache: RunCache, run: Run | None = None, dataset=None) -> RunResult:
    """Train one configuration and write its result into the cache (the worker calls this).

    Raises TrainingError (bad configuration, NaN loss, out of memory) or _Cancelled; in both
    cases the temporary folder is removed, so nothing is half-written.
    """
    run = run or Run(config)
    started = time.perf_counter()
    run._begin("loading")
    configure_tensorflow()
    import keras

    data, x_train, y_train, x_test = _prepare(config, dataset)
    y_test = np.asarray(data.y_test)
    scale = 1 / 255 if config.scaling == "scaled" else 1.0
    steps = math.ceil(len(x_train) / config.batch_size)
    run._plan(len(x_train), steps)

    run._begin("building")
    from cnnlib.models import build_model

    with _build_lock:
        keras.utils.set_random_seed(config.seed)
        model = build_model(list(config.stack), config.input_shape)
        last = config.stack[-1]
        from_logits = not (last.get("type") == "Dense" and last.get("activation") == "softmax")
        model.compile(
            optimizer=_optimizer(config, steps * config.epochs),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits),
            metrics=["accuracy"],
        )
        train_ds = _pipeline(x_train, y_train, config.batch_size, scale, shuffle_seed=config.seed)
    test_ds = _pipeline(x_test, y_test, 500, scale, shuffle_seed=None)

    if run.cancel_requested.is_set():
        raise _Cancelled
    run._begin("training")
    fit_start = time.perf_counter()
    model.fit(train_ds, epochs=config.epochs, validation_data=test_ds,
              callbacks=[make_progress_callback(run)], shuffle=False, verbose=0)  # shuffled above
    fit_seconds = time.perf_counter() - fit_start

    run._begin("testing")
    scores = model.predict(test_ds, verbose=0)
    y_pred = scores.argmax(axis=1).astype(np.int16)
    classes = len(data.class_names)
    confusion = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(confusion, (y_test.astype(np.int64), y_pred.astype(np.int64)), 1)
    history = {k: list(v) for k, v in run.history.items()}
    if run.cancel_requested.is_set():
        raise _Cancelled

    run._begin("saving")
    tmp = cache.new_tmp(run.key)
    try:
        model.save(tmp / "model.keras")
        np.savez_compressed(tmp / "predictions.npz", y_pred=y_pred)
        result = RunResult(
            key=run.key, config=config.to_dict(), history=history, epoch_seconds=list(run.epoch_seconds),
            test_accuracy=float((y_pred == y_test).mean()), test_loss=history["val_loss"][-1],
            confusion=confusion, y_pred=y_pred, seconds=0.0, fit_seconds=fit_seconds,
            samples_per_second=len(x_train) * config.epochs / fit_seconds,
            train_images=len(x_train), test_images=len(y_test), params=int(model.count_params()),
            dataset_source=data.source, class_names=list(data.class_names), created_at=time.time(),
        )
        result.seconds = time.perf_counter() - started
        (tmp / "result.json").write_text(json.dumps(result.to_json(), ensure_ascii=False))
        if run.cancel_requested.is_set():
            raise _Cancelled
        result.path = cache.commit(tmp, run.key)
    except BaseException:
        cache.discard(tmp)
        raise
    return result


def _as_lesson_error(err: BaseException) -> LessonError:
    """Any failure of a run as a message in both languages (never a traceback on a page)."""
    if isinstance(err, LessonError):
        return err
    name = type(err).__name__
    text = str(err).strip().splitlines()[0][:300] if str(err).strip() else name
    if isinstance(err, MemoryError) or name in ("ResourceExhaustedError", "OutOfMemoryError"):
        return TrainingError(
            ko=f"메모리가 부족해 학습을 멈췄습니다 ({name}). 배치 크기나 학습 이미지 수를 줄여 보세요.",
            en=f"Training stopped: out of memory ({name}). Try a smaller batch or fewer training images.",
        )
    return TrainingError(
        ko=f"학습이 실패했습니다: {name}: {text}",
        en=f"Training failed: {name}: {text}",
    )


# ---------------------------------------------------------------------------------------------
# The service: a queue and one worker thread per process


class TrainingService:
    """Trains one run at a time in a background thread; same configuration = same run.

    Thread-safe: any number of Streamlit sessions (and the CLI) may call it at once.
    """

    def __init__(self, cache_dir: Path | str | None = None, max_bytes: int | None = None, keep: int = 64):
        self.cache = RunCache(cache_dir or default_cache_dir(), max_bytes)
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
    def submit(self, config: RunConfig) -> Run:
        """The run for this configuration: attached if queued/training, replayed if cached, else queued.

        Raises TrainingError/StackError at once for a configuration no run can use.
        """
        config.check()
        key = config.key
        with self._cond:
            run = self._attach(key)
            if run is not None:
                return run
        cached = self.cache.load(key)  # disk I/O outside the lock
        with self._cond:
            run = self._attach(key)
            if run is not None:
                return run
            if cached is not None:
                run = Run.replayed(cached)
            else:
                run = Run(config, key)
                self._queue.append(run)
                self._ensure_worker()
                self._cond.notify_all()
            self._remember(run)
            return run

    def _attach(self, key: str) -> Run | None:
        run = self._runs.get(key)
        if run is None:
            return None
        if run.state in ACTIVE:
            with run._lock:
                run.requests += 1
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

    def cancel(self, key: str) -> bool:
        """Stop a run (anyone may): a queued run leaves the queue, a training one stops at its next batch."""
        with self._cond:
            run = self._runs.get(key)
            if run is None or run.state not in ACTIVE:
                return False
            run.cancel_requested.set()
            if run in self._queue:
                self._queue.remove(run)
                run._finish("cancelled")
            return True

    def wait(self, key: str, timeout: float | None = None) -> Snapshot | None:
        with self._cond:
            run = self._runs.get(key)
        if run is None:
            return None
        run.finished.wait(timeout)
        return self.snapshot(key)

    def train_now(self, config: RunConfig, timeout: float | None = None) -> Snapshot:
        """Submit and wait until finished (the CLI)."""
        run = self.submit(config)
        run.finished.wait(timeout)
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
                self.trainings_started += 1
            outcome: dict = {"state": "cancelled"}
            try:
                outcome = {"state": "done", "result": train(run.config, self.cache, run)}
            except _Cancelled:
                pass
            except BaseException as err:  # noqa: BLE001 - one run's failure must not stop the queue
                outcome = {"state": "failed", "error": _as_lesson_error(err)}
            finally:
                gc.collect()
                with self._cond:  # leave the queue before anyone waiting on the run wakes up
                    self._current = None
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
        if not path.is_file():
            return None
        configure_tensorflow()
        import keras

        model = keras.saving.load_model(path, compile=False)
        with self._models_lock:
            self._models[key] = model
            while len(self._models) > 4:
                self._models.popitem(last=False)
        return model


_services: dict[str, TrainingService] = {}
_services_lock = threading.Lock()


def get_service(cache_dir: Path | str | None = None) -> TrainingService:
    """The process-wide service for a cache folder (default: $CNNLIB_CACHE_DIR or ~/.cache/cnnlib)."""
    root = str(Path(cache_dir or default_cache_dir()).expanduser().resolve())
    with _services_lock:
        if root not in _services:
            _services[root] = TrainingService(root)
        return _services[root]


def seconds_text(seconds: float | None) -> str:
    """12.3 s → "12 s", 95 s → "1:35" (progress labels)."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    seconds = max(0, round(seconds))
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60}:{seconds % 60:02d}"

