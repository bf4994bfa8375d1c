"""cnnlib.training: cache keys, the on-disk LRU cache, the queue (attach, order, cancel, failure) and the CLI.

Real Keras runs, kept tiny (a few hundred images, 1 epoch) in a temporary CNNLIB_CACHE_DIR.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from cnnlib import architecture, training
from cnnlib.errors import LessonError
from cnnlib.training import RunCache, RunConfig, TrainingError, TrainingService

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def offline_sample(monkeypatch):
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")


@pytest.fixture
def service(tmp_path):
    svc = TrainingService(tmp_path / "cache")
    yield svc
    svc.shutdown()


def tiny(**settings) -> RunConfig:
    """LeNet-5 on 300 images for one epoch: about a second."""
    base = {"train_size": 300, "epochs": 1}
    base.update(settings)
    return training.default_config().with_settings(**base)


def slow(**settings) -> RunConfig:
    """Long enough (hundreds of batches) to be caught while it trains."""
    base = {"train_size": 400, "epochs": 50, "batch_size": 8}
    base.update(settings)
    return training.default_config().with_settings(**base)


def wait_until(predicate, timeout=60.0):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.02)
    raise AssertionError("timed out")


# ------------------------------------------------------------------------------------------
# Configuration and keys


def test_same_configuration_same_key_and_every_field_counts():
    a = training.default_config()
    assert a.key == training.default_config().key
    assert len(a.key) == 20 and int(a.key, 16) >= 0
    # a stack written with Keras' defaults spelled out is the same run
    spelled = [dict(layer) for layer in a.stack]
    spelled[0] = {**spelled[0], "strides": 1}
    spelled[1] = {**spelled[1], "pool_size": 2}
    assert a.with_settings(stack=tuple(spelled)).key == a.key
    changes = {"dataset": "mnist", "train_size": 4000, "epochs": 6, "batch_size": 32, "optimizer": "rmsprop",
               "learning_rate": 0.001, "schedule": "constant", "seed": 1, "scaling": "raw"}
    keys = {a.key} | {a.with_settings(**{k: v}).key for k, v in changes.items()}
    assert len(keys) == len(changes) + 1
    assert RunConfig.from_preset("two_conv").key != a.key


def test_round_trip_through_json():
    a = training.default_config()
    b = RunConfig.from_dict(json.loads(json.dumps(a.to_dict())))
    assert b.key == a.key and b == a


def test_defaults_are_the_measured_fast_settings_on_lenet5():
    a = training.default_config()
    assert a.epochs == 5 and a.batch_size == 64 and a.optimizer == "adam" and a.scaling == "scaled"
    assert list(a.stack) == architecture.PRESETS["lenet5"]["stack"]
    slides = a.with_settings(**training.SLIDE_SETTINGS)
    assert (slides.epochs, slides.batch_size, slides.optimizer, slides.scaling) == (10, 32, "rmsprop", "raw")


@pytest.mark.parametrize(
    "settings",
    [{"epochs": 0}, {"epochs": 2.5}, {"batch_size": 0}, {"train_size": 10**7}, {"learning_rate": 0.0},
     {"learning_rate": 100.0}, {"optimizer": "adagrad"}, {"scaling": "standard"}, {"schedule": "step"},
     {"stack": ()}],
)
def test_bad_configuration_is_refused_in_both_languages(settings):
    with pytest.raises(TrainingError) as info:
        training.default_config().with_settings(**settings).check()
    assert info.value.text("ko") != info.value.text("en")


def test_unbuildable_stack_is_a_stack_error():
    config = RunConfig(stack=({"type": "Conv2D", "filters": 3, "kernel_size": 40},))
    with pytest.raises(architecture.StackError):
        config.check()


def test_model_too_big_for_the_server_is_refused():
    huge = RunConfig(stack=({"type": "Conv2D", "filters": 512, "kernel_size": 3, "padding": "same"},
                            {"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}),
                     batch_size=512)
    with pytest.raises(TrainingError) as info:
        huge.check()
    assert "MB" in info.value.text("en") and "MB" in info.value.text("ko")
    assert training.estimate_memory_mb(training.default_config()) < 100


def test_out_of_memory_and_unknown_failures_become_lesson_errors():
    oom = training._as_lesson_error(MemoryError())
    assert isinstance(oom, LessonError) and "memory" in oom.text("en") and "메모리" in oom.text("ko")
    other = training._as_lesson_error(ValueError("odd\nsecond line"))
    assert other.text("en") == "Training failed: ValueError: odd"


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLIB_CACHE_DIR", str(tmp_path / "here"))
    assert training.default_cache_dir() == tmp_path / "here"
    monkeypatch.delenv("CNNLIB_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert training.default_cache_dir() == tmp_path / "cnnlib"
    assert training.get_service(tmp_path / "a") is training.get_service(tmp_path / "a")


# ------------------------------------------------------------------------------------------
# The cache on disk (no TensorFlow)


def fake_entry(cache: RunCache, key: str, size: int, used: float) -> None:
    tmp = cache.new_tmp(key)
    (tmp / "model.keras").write_bytes(b"\0" * size)
    (tmp / "result.json").write_text("{}")
    os.rename(tmp, cache.path(key))
    os.utime(cache.path(key) / "result.json", (used, used))


def test_least_recently_used_runs_are_evicted_first(tmp_path):
    cache = RunCache(tmp_path, max_bytes=3500)
    now = time.time()
    for i, key in enumerate("abcd"):
        fake_entry(cache, key, 1000, now - 100 + i)  # a is the oldest
    os.utime(cache.path("a") / "result.json", (now, now))  # … but a was just used
    removed = cache.evict(keep={"d"})
    assert removed == ["b"]
    assert sorted(e[0] for e in cache.entries()) == ["a", "c", "d"]
    cache.max_bytes = 0
    assert cache.evict(keep={"d"}) == ["c", "a"]
    assert [e[0] for e in cache.entries()] == ["d"]
    assert list(cache.tmp_dir.iterdir()) == []


def test_commit_is_one_rename_and_a_second_writer_loses_cleanly(tmp_path):
    cache = RunCache(tmp_path)
    first = cache.new_tmp("k")
    (first / "result.json").write_text("{}")
    cache.commit(first, "k")
    second = cache.new_tmp("k")
    (second / "result.json").write_text('{"other": 1}')
    cache.commit(second, "k")
    assert (cache.path("k") / "result.json").read_text() == "{}"
    assert list(cache.tmp_dir.iterdir()) == []


def test_stale_temporary_folders_are_swept(tmp_path):
    cache = RunCache(tmp_path)
    old = cache.new_tmp("dead")
    fresh = cache.new_tmp("busy")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    RunCache(tmp_path)
    assert not old.exists() and fresh.exists()


# ------------------------------------------------------------------------------------------
# Real runs through the service


def test_tiny_run_trains_caches_and_replays_after_a_restart(service, tmp_path):
    config = tiny()
    run = service.submit(config)
    assert run.finished.wait(120)
    snap = service.snapshot(run.key)
    assert snap.state == "done", snap.error and snap.error.text("en")
    result = snap.result
    assert not result.cached and 0.0 <= result.test_accuracy <= 1.0
    assert result.train_images == 300 and result.test_images == 2000 and result.params == 61_706
    assert len(result.history["loss"]) == 1 and len(result.epoch_seconds) == 1
    assert result.confusion.sum() == 2000 and result.confusion.shape == (10, 10)
    y_test = np.load(ROOT / "cnnlib/data/mnist-sample-10k.npz")["y_test"]
    assert result.test_accuracy == pytest.approx(np.trace(result.confusion) / 2000)
    assert result.test_accuracy == pytest.approx(result.history["val_accuracy"][-1], abs=1e-6)
    cell = result.misclassified(3, 5, y_test)
    assert len(cell) == result.confusion[3, 5]
    assert snap.fraction == 1.0 and snap.samples_per_second > 0
    files = sorted(p.name for p in service.cache.path(run.key).iterdir())
    assert files == ["model.keras", "predictions.npz", "result.json"]
    assert list(service.cache.tmp_dir.iterdir()) == []
    assert service.load_model(run.key).count_params() == 61_706

    restarted = TrainingService(tmp_path / "cache")
    start = time.perf_counter()
    again = restarted.submit(config)
    replay_seconds = time.perf_counter() - start
    assert again.state == "done" and again.result.cached and replay_seconds < 1.0
    assert again.result.test_accuracy == result.test_accuracy
    assert again.result.history == result.history
    assert np.array_equal(again.result.y_pred, result.y_pred)
    assert restarted.trainings_started == 0
    assert restarted.lookup(config.key) is again


def test_same_configuration_gives_the_same_numbers(service):
    config = tiny(seed=7)
    first = service.train_now(config, 120).result
    service.cache.remove(config.key)
    second = service.train_now(config, 120).result
    assert not second.cached
    assert second.history == first.history
    assert np.array_equal(second.y_pred, first.y_pred)


def test_twelve_concurrent_requests_train_once_and_all_see_it(service):
    config = tiny(seed=1)
    runs, barrier = [], threading.Barrier(12)

    def ask():
        barrier.wait()
        runs.append(service.submit(config))

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(runs) == 12 and all(run is runs[0] for run in runs)
    assert runs[0].finished.wait(120)
    assert service.trainings_started == 1
    snaps = [service.snapshot(config.key) for _ in runs]
    assert all(s.state == "done" and s.requests == 12 for s in snaps)
    assert service.submit(config) is runs[0] and service.trainings_started == 1


def test_different_configurations_run_in_order_and_show_their_place(service):
    configs = [tiny(seed=s) for s in (11, 12, 13)]
    runs = [service.submit(c) for c in configs]
    positions = [service.position(r.key) for r in runs]
    assert positions in ([0, 1, 2], [1, 2, 3])  # the worker may not have picked up the first yet
    assert [s.key for s in service.queue()] == [r.key for r in runs]
    for run in runs:
        assert run.finished.wait(120)
    assert [r.state for r in runs] == ["done"] * 3
    started = [r.started_at for r in runs]
    finished = [r.finished_at for r in runs]
    assert started == sorted(started) and finished == sorted(finished)
    assert all(finished[i] <= started[i + 1] for i in range(2)), "one run at a time"
    assert service.queue() == [] and service.position(runs[0].key) is None


def test_cancel_frees_the_queue_and_leaves_nothing_behind(service):
    long_run = service.submit(slow())
    waiting = service.submit(tiny(seed=21))
    queued_then_cancelled = service.submit(tiny(seed=22))
    wait_until(lambda: long_run.snapshot().step > 2 and long_run.state == "running")  # 2 batches give a rate
    snap = long_run.snapshot()
    assert 0 < snap.fraction < 1 and snap.seconds_left is not None and snap.samples_per_second > 0
    assert service.cancel(queued_then_cancelled.key)
    assert queued_then_cancelled.state == "cancelled" and service.position(queued_then_cancelled.key) is None
    assert service.cancel(long_run.key)
    assert long_run.finished.wait(30) and long_run.state == "cancelled"
    assert waiting.finished.wait(120) and waiting.state == "done"
    assert not service.cache.has(long_run.key) and not service.cache.has(queued_then_cancelled.key)
    assert list(service.cache.tmp_dir.iterdir()) == []
    assert service.trainings_started == 2
    assert not service.cancel(waiting.key), "a finished run cannot be cancelled"
    # asking again for a cancelled configuration trains it afresh
    again = service.submit(queued_then_cancelled.config)
    assert again is not queued_then_cancelled and again.state in ("queued", "running")
    service.cancel(again.key)


def test_failing_runs_end_with_a_message_and_the_queue_goes_on(service):
    nan = service.submit(tiny(optimizer="sgd", learning_rate=10.0, scaling="raw", schedule="constant"))
    unknown = service.submit(tiny(dataset="no-such-dataset"))
    wrong_output = service.submit(RunConfig.from_preset("lenet5", train_size=300, epochs=1).with_settings(
        stack=tuple(architecture.PRESETS["lenet5"]["stack"][:-1]) + ({"type": "Dense", "units": 5},)))
    fine = service.submit(tiny(seed=31))
    for run in (nan, unknown, wrong_output, fine):
        assert run.finished.wait(120)
    assert nan.state == "failed" and isinstance(nan.error, training.NanLossError)
    assert "NaN" in nan.error.text("en") and "NaN" in nan.error.text("ko")
    assert unknown.state == "failed" and "no-such-dataset" in unknown.error.text("en")
    assert wrong_output.state == "failed" and "(None, 10)" in wrong_output.error.text("en")
    assert fine.state == "done"
    assert [e[0] for e in service.cache.entries()] == [fine.key]
    assert list(service.cache.tmp_dir.iterdir()) == []


# ------------------------------------------------------------------------------------------
# The command line


def cli(*args, cache: Path) -> tuple[dict, int]:
    env = {**os.environ, "CNNLIB_MNIST_SOURCE": "sample", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "cnnlib", "train", "--cache-dir", str(cache), "--quiet", *args],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1, out.stdout + out.stderr  # stdout is exactly one JSON object
    return json.loads(lines[0]), out.returncode


def test_cli_fills_the_same_cache_and_gives_the_same_numbers(service):
    config = tiny(seed=5)
    args = ("--train-size", "300", "--epochs", "1", "--seed", "5")
    first, status = cli(*args, cache=service.cache.root)
    assert status == 0 and first["cached"] is False and first["key"] == config.key
    for name in ("test_accuracy", "seconds", "samples_per_second"):
        assert first[name] > 0
    # the server process replays what the CLI trained, without training
    run = service.submit(config)
    assert run.state == "done" and run.result.cached and service.trainings_started == 0
    assert run.result.test_accuracy == first["test_accuracy"]
    # … and trained in this process, the same configuration gives the same numbers
    service.cache.remove(config.key)
    here = service.train_now(config, 120).result
    assert here.history["val_accuracy"] == pytest.approx(first["history"]["val_accuracy"], abs=1e-6)
    second, status = cli(*args, cache=service.cache.root)
    assert status == 0 and second["cached"] is True and second["test_accuracy"] == pytest.approx(here.test_accuracy)


def test_cli_without_options_is_the_pages_default_and_errors_are_json(tmp_path):
    from cnnlib.__main__ import _parser, config_from_args

    assert config_from_args(_parser().parse_args(["train"])) == training.default_config("mnist_sample")
    slides = config_from_args(_parser().parse_args(["train", "--slides", "--preset", "two_conv"]))
    assert slides.batch_size == 32 and slides.optimizer == "rmsprop" and slides.scaling == "raw"
    out, status = cli("--epochs", "0", cache=tmp_path)
    assert status == 1 and "epochs" in out["error"] and "epochs" in out["error_ko"]


def test_streamlits_clear_session_after_every_rerun_no_longer_touches_keras():
    """Streamlit calls keras.backend.clear_session() after every script run (fragments too):
    under a training thread that stalled runs for seconds. Only Streamlit's call is skipped."""
    import keras

    training.configure_tensorflow()
    keras.layers.Dense(1, name=None)
    before = keras.layers.Dense(1).name
    namespace = {"__name__": "streamlit.runtime.scriptrunner.script_runner", "keras": keras}
    exec("def clean():\n    keras.backend.clear_session()\n", namespace)  # as Streamlit's _clean_problem_modules
    namespace["clean"]()
    after_streamlit = keras.layers.Dense(1).name
    assert after_streamlit != "dense" and after_streamlit != before, "Streamlit's call must not reset Keras"
    keras.backend.clear_session(free_memory=False)  # anyone else's call still does
    assert keras.layers.Dense(1).name == "dense"
