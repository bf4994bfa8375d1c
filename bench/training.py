"""Training service benchmark: in-app throughput vs plain model.fit, default accuracy/seconds, replay, memory.

    python bench/training.py            # ~1 minute on 2 cores

Measured in one process, in a fresh temporary cache, on the shipped 8,000 / 2,000 MNIST sample:
1. peak RSS while the service trains the default LeNet-5 configuration (target ≤ 1.2 GB),
   and that run's test accuracy and seconds (target ≥ 97 % in ≤ 20 s);
2. in-app throughput (the service, with its per-batch progress callback) against a plain
   ``model.fit`` of the same model and batch size — on numpy arrays as the slides do, and on
   the same tf.data pipeline without the callback — interleaved, best of N (target ratio ≥ 1.0);
3. cached replay after a "restart" (a new service on the same folder; target ≤ 1 s), against a plain
   read of the same files (json + npz) as the baseline;
4. the slides' settings (RMSprop, batch 32, raw 0–255, 10 epochs) for comparison.

    python bench/training.py --calibrate   # the run-time estimate's constants (services/runs/config.py)
    python bench/training.py --collections # what a full garbage collection costs once TensorFlow is set up

The last times what each run's end (services/runs/fit.release_memory) and each of Python's own full collections
hold the GIL for in a process that has set TensorFlow up and trained a tiny run: with TensorFlow's objects frozen
(configure_tensorflow → freeze_heap), against the same heap unfrozen as the baseline, interleaved, median of N.

trains a few stacks of different shapes (LeNet-5 at three batch sizes, §2's model, a wide 3×3 stack,
a dense-only one) and fits seconds ≈ a·(multiply-adds) + b·(cells) + c·(batches) + d, printing each stack's
measured seconds next to what ``estimate_seconds`` predicts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("CNNLIB_MNIST_SOURCE", "sample")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from services.runs import SLIDE_SETTINGS, Run, RunConfig, TrainingService, default_config  # noqa: E402
from services.runs.fit import available_cpus, make_optimizer, make_pipeline  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class PeakRss:
    """Samples this process' RSS every 20 ms while active."""

    def __init__(self):
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def plain_fit(config: RunConfig, pipeline: bool) -> float:
    """Seconds of model.fit for a fresh model of the config, as a student would write it."""
    import keras

    from cnnlib.datasets import load_sample
    from cnnlib.models import build_model

    data = load_sample()
    scale = 1 / 255 if config.scaling == "scaled" else 1.0
    x = data.x_train[: config.train_size].reshape(-1, *config.input_shape)
    y = data.y_train[: config.train_size]
    x_test = data.x_test.reshape(-1, *config.input_shape)
    keras.utils.set_random_seed(config.seed)
    model = build_model(list(config.stack), config.input_shape)
    steps = -(-len(x) // config.batch_size) * config.epochs
    model.compile(optimizer=make_optimizer(config, steps), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    if pipeline:  # the service's own input pipeline, without the progress callback
        train = make_pipeline(x, y, config.batch_size, scale, shuffle_seed=config.seed)
        test = make_pipeline(x_test, data.y_test, 500, scale, shuffle_seed=None)
        start = time.perf_counter()
        model.fit(train, epochs=config.epochs, validation_data=test, shuffle=False, verbose=0)
    else:  # numpy arrays, as on the slides
        xs, xts = (x * scale).astype("float32"), (x_test * scale).astype("float32")
        start = time.perf_counter()
        model.fit(xs, y, batch_size=config.batch_size, epochs=config.epochs,
                  validation_data=(xts, data.y_test), verbose=0)
    return time.perf_counter() - start


def _convs(filters: int, count: int) -> list[dict]:
    """count × Conv2D(filters, 3) → Flatten → Dense(10): the issue's 3 × Conv2D(256) stack, narrower."""
    return [{"type": "Conv2D", "filters": filters, "kernel_size": 3, "activation": "relu"}] * count + [
        {"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}]


CALIBRATION = {  # name: (preset or stack on 28×28×1, batch size, training images, epochs)
    "lenet5 b64": ("lenet5", 64, 4000, 2),
    "lenet5 b32": ("lenet5", 32, 4000, 2),
    "lenet5 b16": ("lenet5", 16, 4000, 2),
    "two_conv b32": ("two_conv", 32, 4000, 2),
    "two_conv_pool b32": ("two_conv_pool", 32, 4000, 2),
    "dense_only b32": ("dense_only", 32, 4000, 2),
    "2×conv32 b32": (_convs(32, 2), 32, 4000, 1),
    "3×conv64 b16": (_convs(64, 3), 16, 1000, 1),
    "2×conv128 b32": (_convs(128, 2), 32, 500, 1),
}


def non_negative_least_squares(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares with every coefficient ≥ 0 (drop the most negative column until none is left)."""
    keep = list(range(a.shape[1]))
    while True:
        coef = np.zeros(a.shape[1])
        coef[keep] = np.linalg.lstsq(a[:, keep], y, rcond=None)[0]
        if (coef >= 0).all():
            return coef
        keep.remove(int(np.argmin(coef)))


def calibrate() -> None:
    """Measure the run-time estimate's constants: whole-run seconds (wall and this process' CPU) per stack."""
    from cnnlib import architecture
    from services.runs.config import TF_START_SECONDS, estimate_seconds, run_work

    service = TrainingService(Path(tempfile.mkdtemp(prefix="cnnlib-calibrate-")))
    service.train_now(default_config("mnist_sample").with_settings(train_size=300, epochs=1))  # TF start-up
    rows = []
    print(f"[calibration: 2,000 test images each epoch; load average {os.getloadavg()[0]:.2f}]")
    for name, (stack, batch, images, epochs) in CALIBRATION.items():
        stack, shape = architecture.preset(stack) if isinstance(stack, str) else (stack, (28, 28, 1))
        config = RunConfig(stack=tuple(stack), input_shape=shape, dataset="mnist_sample", train_size=images,
                           epochs=epochs, batch_size=batch)
        cpu0 = time.process_time()
        result = service.train_now(config).result
        cpu = time.process_time() - cpu0
        work = run_work(config, test_images=result.test_images)
        estimate = estimate_seconds(config, test_images=result.test_images) - TF_START_SECONDS  # TF is loaded
        rows.append((name, work, result.seconds, cpu))
        print(f"{name:18} {images:,} × {epochs}  multiply-adds {work['macs']:.3g}  cells {work['cells']:.3g}  "
              f"batches {work['batches']:,}  run {result.seconds:5.2f} s (fit {result.fit_seconds:.2f} s)  "
              f"CPU {cpu:5.2f} s  estimate {estimate:5.2f} s ({estimate / cpu:.2f}× the CPU seconds)")
    a = np.array([[w["macs"], w["cells"], w["batches"], 1.0] for _, w, _, _ in rows])
    for label, column in (("run wall seconds", 2), ("process CPU seconds", 3)):  # CPU time holds under load
        y = np.array([r[column] for r in rows])
        coef = non_negative_least_squares(a, y)
        print(f"least squares ({label}): {coef[0]:.2e} s per multiply-add, {coef[1]:.2e} s per cell, "
              f"{coef[2] * 1000:.2f} ms per batch, {coef[3]:.2f} s fixed; fitted/measured "
              + ", ".join(f"{f / m:.2f}" for f, m in zip(a @ coef, y, strict=True)))
    service.shutdown()


def collections(repeats: int) -> None:
    """A full gc.collect() with the heap as configure_tensorflow leaves it (frozen), against the same heap unfrozen."""
    import gc
    import statistics

    from services.runs.fit import configure_tensorflow

    configure_tensorflow()
    service = TrainingService(Path(tempfile.mkdtemp(prefix="cnnlib-bench-")))
    try:  # a run's objects as well: the heap a server has after its first run
        service.train_now(default_config("mnist_sample").with_settings(train_size=300, epochs=1), 300)
    finally:
        service.shutdown()
    started = time.perf_counter()
    gc.collect()  # the heap as a server has it: TensorFlow's objects frozen, the run's not
    as_left = time.perf_counter() - started
    frozen, unfrozen = [], []  # then interleaved: everything frozen, or nothing
    for _ in range(repeats):
        for wanted, times in ((True, frozen), (False, unfrozen)):
            gc.collect()
            gc.freeze() if wanted else gc.unfreeze()
            started = time.perf_counter()
            gc.collect()
            times.append(time.perf_counter() - started)
    gc.freeze()
    print(f"load average: {os.getloadavg()[0]:.2f}; objects frozen: {gc.get_freeze_count():,}, "
          f"still walked: {len(gc.get_objects()):,}")
    a, b = statistics.median(frozen), statistics.median(unfrozen)
    print(f"full collection after the run, as configure_tensorflow left the heap: {as_left * 1000:.2f} ms")
    print(f"full collection, median of {repeats}: all frozen {a * 1000:.2f} ms, unfrozen (baseline) {b * 1000:.1f} ms; "
          f"ratio as left / baseline {as_left / b:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats for the throughput ratio")
    parser.add_argument("--no-slides", action="store_true", help="skip the slides' settings run")
    parser.add_argument("--calibrate", action="store_true", help="only the run-time estimate's calibration")
    parser.add_argument("--collections", action="store_true", help="only a full garbage collection's cost")
    args = parser.parse_args()
    if args.calibrate:
        calibrate()
        return
    if args.collections:
        collections(max(args.repeats, 9))
        return
    print(f"cpus available: {available_cpus()}, load average before: {os.getloadavg()[0]:.2f}")
    cache_dir = Path(tempfile.mkdtemp(prefix="cnnlib-bench-"))
    base_rss = rss_mb()
    config = default_config("mnist_sample")
    service = TrainingService(cache_dir)

    # 1. the default configuration through the service, with its memory
    with PeakRss() as peak:
        snap = service.train_now(config)
    result = snap.result
    print(f"\n[default LeNet-5: {config.epochs} epochs, batch {config.batch_size}, {config.optimizer} "
          f"{config.learning_rate} {config.schedule}, inputs {config.scaling}, {result.train_images:,} train / "
          f"{result.test_images:,} test images]")
    print(f"test accuracy      {result.test_accuracy:.4f}   (target ≥ 0.97)")
    print(f"run seconds        {result.seconds:.2f} s (incl. TensorFlow start-up, data, test, save)")
    print(f"fit seconds        {result.fit_seconds:.2f} s   (target ≤ 20 s)")
    print(f"per epoch          {', '.join(f'{s:.2f}' for s in result.epoch_seconds)} s")
    print(f"val accuracy       {', '.join(f'{a:.4f}' for a in result.history['val_accuracy'])}")
    print(f"RSS before TF      {base_rss:,.0f} MB; peak during the run {peak.peak:,.0f} MB   (target ≤ 1,200 MB)")

    # 2. throughput: service vs plain model.fit, interleaved
    samples = result.train_images * config.epochs
    app, plain_numpy, plain_pipeline = [], [], []
    for i in range(args.repeats):
        plain_numpy.append(samples / plain_fit(config, pipeline=False))
        seeded = config.with_settings(seed=1000 + i)  # a new key: trains again, same work
        app.append(service.train_now(seeded).result.samples_per_second)
        plain_pipeline.append(samples / plain_fit(config, pipeline=True))
    best = max(app)
    print(f"\n[throughput, images/s, best of {args.repeats} interleaved; each = {samples:,} images incl. compile]")
    print(f"in-app (service)            {', '.join(f'{v:,.0f}' for v in app)}")
    print(f"plain fit, numpy arrays     {', '.join(f'{v:,.0f}' for v in plain_numpy)}")
    print(f"plain fit, same tf.data     {', '.join(f'{v:,.0f}' for v in plain_pipeline)}")
    print(f"ratio in-app / plain numpy  {best / max(plain_numpy):.2f}   (target ≥ 1.0)")
    print(f"ratio in-app / plain tf.data {best / max(plain_pipeline):.2f}   (the cost of progress reporting alone)")

    # the progress callback alone, per batch (what the service adds to every batch of model.fit)
    probe = Run(config)
    probe._plan(8000, 125)
    calls = 20_000
    start = time.perf_counter()
    for i in range(calls):
        probe._batch_end(i % 125 + 1, 0.5)
    per_call = (time.perf_counter() - start) / calls
    batch_seconds = config.batch_size / best
    print(f"progress callback           {per_call * 1e6:.1f} µs per batch = {per_call / batch_seconds:.3%} of a "
          f"{batch_seconds * 1000:.1f} ms batch")

    # 3. replay after a restart, against a plain read of the same files
    restarted = TrainingService(cache_dir)
    start = time.perf_counter()
    run = restarted.submit(config)
    replay = time.perf_counter() - start
    folder = restarted.cache.path(config.key)
    start = time.perf_counter()
    json.loads((folder / "result.json").read_text())
    with np.load(folder / "predictions.npz") as arrays:
        arrays["y_pred"]
    plain_read = time.perf_counter() - start
    start = time.perf_counter()
    model = restarted.load_model(run.key)
    load = time.perf_counter() - start
    print("\n[cached replay after restart]")
    print(f"result replay      {replay * 1000:.1f} ms (state {run.state}, accuracy {run.result.test_accuracy:.4f};"
          f" target ≤ 1 s)")
    print(f"plain file read    {plain_read * 1000:.1f} ms (result.json + predictions.npz); "
          f"ratio replay / plain read {replay / plain_read:.1f}")
    print(f"model load         {load * 1000:.0f} ms ({model.count_params():,} parameters, for try-it)")

    # 4. the slides' settings
    if not args.no_slides:
        slides = config.with_settings(**SLIDE_SETTINGS)
        r = service.train_now(slides).result
        print("\n[slides' settings: RMSprop 0.001, batch 32, raw 0–255, 10 epochs]")
        print(f"test accuracy {r.test_accuracy:.4f}, fit {r.fit_seconds:.2f} s, "
              f"val accuracy by epoch {', '.join(f'{a:.3f}' for a in r.history['val_accuracy'])}")

    peak_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the whole benchmark process: {peak_all:,.0f} MB; load average after: {os.getloadavg()[0]:.2f}")
    service.shutdown()
    restarted.shutdown()


if __name__ == "__main__":
    main()
