"""One run, start to finish: TensorFlow set-up, the data pipeline, model.fit, the test, the save.

TensorFlow is imported only inside these functions. ``tensorflow_ready()`` says, without importing or
waiting, whether TensorFlow and Keras are there (a page's cheap check, ui/warmup.py).
"""

from __future__ import annotations

import json
import math
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

from cnnlib import architecture
from services.runs.cache import RunCache, RunResult
from services.runs.config import RunConfig
from services.runs.errors import Cancelled, TrainingError
from services.runs.progress import Run, make_progress_callback
from services.settings import run_memory_mb, tf_threads

_tf_lock = threading.Lock()
_tf_configured = False  # thread pools set
_tf_ready = threading.Event()  # TensorFlow and Keras imported completely (set by configure_tensorflow)
_heap_frozen = False  # freeze_heap has run in this process


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


def _imported(name: str) -> bool:
    """A module imported completely (not absent, and not half-way through another thread's import)."""
    module = sys.modules.get(name)
    return module is not None and not getattr(getattr(module, "__spec__", None), "_initializing", False)


def tensorflow_ready() -> bool:
    """TensorFlow and Keras are imported completely, so using them now waits for no import. Never imports
    and never waits (a page may call it on every run): a module another thread is still importing is in
    ``sys.modules`` already, hence the spec's ``_initializing`` check."""
    if _tf_ready.is_set():
        return True
    if _imported("tensorflow") and _imported("keras"):  # imported elsewhere (e.g. the lab's Keras summary)
        _tf_ready.set()
    return _tf_ready.is_set()


M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
MALLOC_ARENAS = 2  # at most this many malloc arenas from the first TensorFlow import on


def _libc():
    """glibc, or None (another C library: the two calls below are then skipped)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def limit_malloc_arenas() -> None:
    """glibc gives each busy thread a malloc arena of its own (up to 8 per core), and memory freed in one is not
    reused by another: TensorFlow's pool threads and the training thread left a run's peak spread over several.
    Called before TensorFlow's threads start. (Fixing glibc's mmap threshold as well, at 1 MiB, took another 46 MB
    off `python -m cnnlib train`'s peak but made training 20–40 % slower in alternating runs: not done.)"""
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)


def release_memory() -> None:
    """After a run: collect Python's cycles and hand glibc's free pages back to the system (malloc_trim), so the
    server's RSS falls back instead of keeping the run's peak."""
    import gc

    gc.collect()
    trim_memory()


def freeze_heap() -> None:
    """Collect once, then put every object alive into the garbage collector's permanent generation (gc.freeze), once
    TensorFlow and Keras are imported: their ~410,000 objects live as long as the process, and every full collection
    walked them again, 0.3–0.37 s with the GIL held (every page of the server waits) after each run (release_memory)
    and whenever Python's own full collection came; frozen, 9–11 ms after a run (bench/training.py --collections).
    Frozen objects are still freed when nothing refers to them; only a reference cycle among them is never collected
    (what was alive at this moment: bounded, once).
    Once per process: configure_tensorflow is called again before each run while TensorFlow's thread pools could not
    be set (a page imported it first), and a run collects nothing while it trains."""
    import gc

    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.collect()
        gc.freeze()


def trim_memory() -> None:
    """Hand glibc's free pages back to the system, with no garbage collection (a full one holds the GIL, and every
    page of the server waits: about 0.3 s once TensorFlow is loaded, ~10 ms after freeze_heap; ctypes lets the GIL go
    during the call).
    After each epoch of a run: in a server, RSS grew by ~100 MB over the class-start run's five epochs, pages freed
    and not returned; trimmed each epoch, the run's peak fell from 862–872 MiB to 810 MiB (bench/memory.py)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def trim_each_epoch():
    """A Keras callback: ``trim_memory`` at the end of every epoch."""
    import keras

    return keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs=None: trim_memory())


def configure_tensorflow() -> bool:
    """Import TensorFlow and Keras, quiet logs and thread pools sized to the CPUs we may use; True if TF
    took the settings.

    Thread counts can only be set before TensorFlow initialises its runtime (else RuntimeError);
    if another page already used TensorFlow, its defaults stay.
    """
    global _tf_configured
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with _tf_lock:
        if _tf_configured:
            return True
        limit_malloc_arenas()  # before TensorFlow's thread pools exist
        import tensorflow as tf

        threads = tf_threads() or available_cpus()
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(min(2, threads))
            _tf_configured = True
        except RuntimeError:
            _tf_configured = False
        import keras  # noqa: F401 - part of the set-up: whoever asked uses Keras next, without another wait

        freeze_heap()
        _tf_ready.set()
        return _tf_configured


_build_lock = threading.Lock()  # seeding and building must not interleave between threads


def prepare(config: RunConfig, dataset=None):
    """The dataset as (N, *input_shape) uint8 plus labels, checked against the model's output."""
    from services.training_data import get_dataset

    data = dataset or get_dataset(config.dataset)
    shape = config.input_shape
    n = min(config.train_size, len(data.x_train))
    x_train, y_train = data.x_train[:n], data.y_train[:n]
    if n == 0 or len(data.x_test) == 0:  # Keras would fail deep inside fit/evaluate (UnboundLocalError)
        raise TrainingError("no_images", train=n, test=len(data.x_test))
    image = data.x_train.shape[1:]
    if math.prod(image) != math.prod(shape) or tuple(shape[: len(image[:2])]) != tuple(image[:2]):
        raise TrainingError("input_shape", shape=shape, image=image)
    classes = len(data.class_names)
    out = architecture.output_shape(list(config.stack), shape)
    if tuple(out[1:]) != (classes,):
        raise TrainingError("output_shape", classes=classes, shape=out)
    return data, x_train.reshape((n, *shape)), y_train, data.x_test.reshape((len(data.x_test), *shape))


def make_optimizer(config: RunConfig, steps_total: int):
    """The configuration's optimizer; a cosine schedule decays to 0 over all steps of the run."""
    import keras

    rate = float(config.learning_rate)
    if config.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(rate, decay_steps=max(1, steps_total))
    if config.optimizer == "adam":
        return keras.optimizers.Adam(rate)
    if config.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(rate)
    return keras.optimizers.SGD(rate, momentum=0.9)


def make_pipeline(x, y, batch_size: int, scale: float, shuffle_seed: int | None):
    """uint8 images in, float batches out (scaled in the graph: the data stays 1 byte a pixel)."""
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((x, y.astype(np.int32)))
    if shuffle_seed is not None:
        ds = ds.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).map(
        lambda a, b: (tf.cast(a, tf.float32) * scale, b), num_parallel_calls=1
    ).prefetch(2)


def train(config: RunConfig, cache: RunCache, run: Run | None = None, dataset=None) -> RunResult:
    """Train one configuration and write its result into the cache (the worker calls this).

    Raises TrainingError (bad configuration, NaN loss) or Cancelled; in both cases the temporary
    folder is removed, so nothing is half-written.
    """
    run = run or Run(config)
    started = time.perf_counter()
    run._begin("loading")
    configure_tensorflow()
    import keras

    data, x_train, y_train, x_test = prepare(config, dataset)
    y_test = np.asarray(data.y_test)
    scale = 1 / 255 if config.scaling == "scaled" else 1.0
    steps = math.ceil(len(x_train) / config.batch_size)
    run._plan(len(x_train), steps)

    run._begin("building")
    from cnnlib.models import build_model

    with _build_lock:
        keras.utils.set_random_seed(config.seed)
        model = build_model(list(config.stack), config.input_shape, budget_mb=run_memory_mb())
        last = config.stack[-1]
        from_logits = not (last.get("type") == "Dense" and last.get("activation") == "softmax")
        model.compile(
            optimizer=make_optimizer(config, steps * config.epochs),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits),
            metrics=["accuracy"],
        )
        train_ds = make_pipeline(x_train, y_train, config.batch_size, scale, shuffle_seed=config.seed)
    test_ds = make_pipeline(x_test, y_test, 500, scale, shuffle_seed=None)

    if run.cancel_requested.is_set():
        raise Cancelled
    run._begin("training")
    fit_start = time.perf_counter()
    progress = make_progress_callback(run)  # progress, cancel and the time limit, batch by batch
    model.fit(train_ds, epochs=config.epochs, validation_data=test_ds,
              callbacks=[progress, trim_each_epoch()], shuffle=False, verbose=0)  # shuffled above
    fit_seconds = time.perf_counter() - fit_start

    run._begin("testing")
    scores = model.predict(test_ds, verbose=0, callbacks=[progress])
    y_pred = scores.argmax(axis=1).astype(np.int16)
    classes = len(data.class_names)
    confusion = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(confusion, (y_test.astype(np.int64), y_pred.astype(np.int64)), 1)
    history = {k: list(v) for k, v in run.history.items()}
    if run.cancel_requested.is_set():
        raise Cancelled

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
            raise Cancelled
        winner = cache.commit(tmp, run.key)
    except BaseException:
        cache.discard(tmp)
        raise
    if winner is not None:  # another process on the same cache folder finished this run first: its result is the one kept
        return winner
    result.path = cache.path(run.key)
    return result
