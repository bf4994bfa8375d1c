"""services.runs.service: train once, replay after a restart, attach, queue order, cancel, failures.

Real Keras runs, kept tiny (a few hundred images, 1 epoch) in a temporary cache folder. A run that must
still be training while the test looks is held at its third batch (``held_runs``) until it is cancelled,
withdrawn or released, instead of training 50 epochs on both cores meanwhile.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from cnnlib import architecture
from services.runs.config import RunConfig
from services.runs.errors import NanLossError, TrainingError
from services.runs.service import TrainingService, get_service
from tests.runhelp import in_another_process, replace_entry, replay_in_this_process, slow, tiny, wait_until, words

pytestmark = [pytest.mark.tf, pytest.mark.usefixtures("training_services")]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def offline_sample(monkeypatch):
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")


@pytest.fixture
def service(tmp_path):
    svc = TrainingService(tmp_path / "cache")
    yield svc
    svc.shutdown()


def test_one_service_per_cache_folder(monkeypatch, tmp_path):
    assert get_service(tmp_path / "a") is get_service(tmp_path / "a")
    assert get_service(tmp_path / "a") is not get_service(tmp_path / "b")
    monkeypatch.setenv("CNNLIB_CACHE_DIR", str(tmp_path / "a"))
    assert get_service() is get_service(tmp_path / "a"), "the default folder is services.settings.cache_dir()"


@pytest.mark.slow  # a real run
def test_tiny_run_trains_caches_and_replays_after_a_restart(service, tmp_path):
    config = tiny()
    run = service.submit(config)
    assert run.finished.wait(120)
    snap = service.snapshot(run.key)
    assert snap.state == "done", snap.error and words(snap.error, "en")
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
    assert service.load_model(run.key) is service.load_model(run.key), "kept in memory"
    assert service.load_model("missing") is None

    restarted = TrainingService(tmp_path / "cache")  # how fast the replay is: bench/training.py
    again = restarted.submit(config)
    assert again.state == "done" and again.result.cached
    assert again.result.test_accuracy == result.test_accuracy
    assert again.result.history == result.history
    assert np.array_equal(again.result.y_pred, result.y_pred)
    assert restarted.trainings_started == 0
    assert restarted.lookup(config.key) is again


@pytest.mark.slow  # a real run
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


@pytest.mark.slow  # three real runs
def test_different_configurations_run_in_order_and_show_their_place(service):
    configs = [tiny(seed=s) for s in (11, 12, 13)]
    runs = [service.submit(c) for c in configs]
    queue = service.queue()  # one look under the queue's lock (the worker may pick up the first between two looks)
    assert [s.key for s in queue] == [r.key for r in runs]
    assert [s.position for s in queue] in ([0, 1, 2], [1, 2, 3])  # the worker may not have picked up the first yet
    assert service.position(runs[2].key) in (2, 3)
    for run in runs:
        assert run.finished.wait(120)
    assert [r.state for r in runs] == ["done"] * 3
    started = [r.started_at for r in runs]
    finished = [r.finished_at for r in runs]
    assert started == sorted(started) and finished == sorted(finished)
    assert all(finished[i] <= started[i + 1] for i in range(2)), "one run at a time"
    assert service.queue() == [] and service.position(runs[0].key) is None


@pytest.mark.slow  # a real run after the cancelled one
def test_cancel_frees_the_queue_and_leaves_nothing_behind(service, held_runs):
    long_run = service.submit(held_runs.hold(slow()))
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


@pytest.mark.slow  # four runs, one of them whole
def test_failing_runs_end_with_a_message_and_the_queue_goes_on(service):
    nan = service.submit(tiny(optimizer="sgd", learning_rate=10.0, scaling="raw", schedule="constant"))
    unknown = service.submit(tiny(dataset="no-such-dataset"))
    wrong_output = service.submit(RunConfig.from_preset("lenet5", train_size=300, epochs=1).with_settings(
        stack=tuple(architecture.PRESETS["lenet5"]["stack"][:-1]) + ({"type": "Dense", "units": 5},)))
    fine = service.submit(tiny(seed=31))
    for run in (nan, unknown, wrong_output, fine):
        assert run.finished.wait(120)
    assert nan.state == "failed" and isinstance(nan.error, NanLossError) and nan.error.code == "nan_loss"
    assert "NaN" in words(nan.error, "en") and "NaN" in words(nan.error, "ko")
    assert unknown.state == "failed" and "no-such-dataset" in words(unknown.error, "en")
    assert wrong_output.state == "failed" and wrong_output.error.code == "output_shape"
    assert "(None, 10)" in words(wrong_output.error, "en")
    assert fine.state == "done"
    assert [e[0] for e in service.cache.entries()] == [fine.key]
    assert list(service.cache.tmp_dir.iterdir()) == []


@pytest.mark.slow  # a run must outlive its 3 s limit
def test_a_run_past_its_time_limit_is_stopped_and_nothing_is_kept(tmp_path, monkeypatch):
    """The estimate let it in (here: a bad guess), but the run outlives CNNLIB_RUN_MAX_SECONDS: "too_long"."""
    from services.runs import config as run_config
    from services.runs import service as run_service

    for module in (run_config, run_service):
        monkeypatch.setattr(module, "estimate_seconds", lambda config, test_images=0: 1.0)
    monkeypatch.setenv("CNNLIB_RUN_MAX_SECONDS", "3")
    svc = TrainingService(tmp_path / "cache")
    try:
        run = svc.submit(slow())  # thousands of batches: far more than 3 s
        assert run.finished.wait(120)
        snap = svc.snapshot(run.key)
        assert snap.state == "failed" and snap.error.code == "too_long" and snap.error.params["limit"] == 3
        assert "3" in words(snap.error, "en") and "CNNLIB_RUN_MAX_SECONDS" in words(snap.error, "ko")
        assert 0 < snap.samples_done < snap.samples_total, "stopped part way"
        assert not svc.cache.has(run.key) and list(svc.cache.tmp_dir.iterdir()) == []
    finally:
        svc.shutdown()


def test_one_waiting_run_per_requester_and_a_request_counts_once(service, held_runs):
    training = service.submit(held_runs.hold(slow()), requester="teacher")
    wait_until(lambda: training.state == "running")
    mine = service.submit(tiny(seed=41), requester="s1")
    assert service.submit(tiny(seed=41), requester="s1") is mine and mine.requests == 1, "asking twice counts once"
    with pytest.raises(TrainingError) as info:
        service.submit(tiny(seed=42), requester="s1")
    assert info.value.code == "one_at_a_time" and "one run at a time" in words(info.value, "en")
    assert service.held("s1").key == mine.key and service.held("s9") is None
    assert service.submit(training.config, requester="s1") is training, "joining a run already queued is free"
    for i in range(2, 6):  # five sessions press Train for the same run: five requests
        assert service.submit(tiny(seed=41), requester=f"s{i}") is mine
    assert service.snapshot(mine.key).requests == 5
    other = service.submit(tiny(seed=43), requester="s9")
    queue = service.queue()
    assert [s.key for s in queue] == [training.key, mine.key, other.key] and [s.position for s in queue] == [0, 1, 2]
    assert queue[1].config == mine.config and queue[1].requests == 5 and queue[1].estimate > 0
    for run in (other, mine, training):  # the queued ones first: none of them starts training meanwhile
        service.cancel(run.key)


def test_withdrawing_stops_a_run_only_when_nobody_else_waits(service, held_runs):
    class_run = service.submit(held_runs.hold(slow(seed=1)), requester="teacher")
    wait_until(lambda: class_run.state == "running")
    queued = service.submit(tiny(seed=51), requester="s1")
    for who in ("s1", "s2"):
        service.submit(class_run.config, requester=who)
    service.submit(queued.config, requester="s2")
    assert service.is_requester(class_run.key, "s1") and not service.is_requester(class_run.key, "s3")
    assert not service.withdraw(class_run.key, "s3"), "only your own request can be withdrawn"
    assert service.withdraw(class_run.key, "s1") and not service.withdraw(class_run.key, "s1")
    assert service.withdraw(class_run.key, "teacher")
    assert class_run.state == "running" and class_run.requests == 1, "s2 still waits: the run goes on"
    assert service.withdraw(queued.key, "s1") and queued.state == "queued", "s2 still waits for this one too"
    assert service.withdraw(queued.key, "s2") and queued.state == "cancelled", "nobody waits: it leaves the queue"
    assert service.withdraw(class_run.key, "s2")
    assert class_run.finished.wait(30) and class_run.state == "cancelled"
    cli = service.submit(tiny(seed=52))  # the command line's request (no requester) is never withdrawn
    assert not service.withdraw(cli.key, "s1") and cli.requests == 1
    service.cancel(cli.key)


@pytest.mark.slow  # two real runs
def test_a_damaged_entry_heals_and_a_garbage_model_is_a_coded_error(service, tmp_path):
    """Finding 9: an empty result.json made every visit retrain and throw the result away."""
    config = tiny(seed=61)
    first = service.train_now(config, 120)
    assert first.state == "done"
    (service.cache.path(config.key) / "result.json").write_text("")
    restarted = TrainingService(tmp_path / "cache")
    try:
        assert restarted.lookup(config) is None, "a damaged entry counts as missing"
        again = restarted.train_now(config, 120)
        assert again.state == "done" and restarted.trainings_started == 1
        assert restarted.cache.load(config.key) is not None, "the new result was kept"
        (restarted.cache.path(config.key) / "model.keras").write_bytes(b"garbage" * 1000)
        fresh = TrainingService(tmp_path / "cache")
        fresh._runs[config.key] = restarted._runs[config.key]  # shown from memory: the page asks for the model
        with pytest.raises(TrainingError) as info:
            fresh.load_model(config.key)
        assert info.value.code == "broken_model" and "train again" in words(info.value, "en")
        assert not fresh.cache.has(config.key) and fresh.lookup(config) is None, "removed: the next request trains"
    finally:
        restarted.shutdown()


def test_an_own_data_set_stays_registered_while_its_run_waits_or_trains(service, held_runs):
    """Issue 9 #8: a queued §7 run failed 'no longer in memory' after 8 other uploads. The service
    pins the run's data set from queueing until the run ends, however it ends."""
    from services.training_data import pinned

    first, second = slow(seed=1), slow(seed=2, dataset="mnist_sample")
    a = service.submit(held_runs.hold(first))
    b = service.submit(second.with_settings(train_size=300))
    assert pinned(first.dataset)
    service.cancel(b.key)  # leaves the queue: one pin less, the training run still holds its own
    assert b.finished.wait(30) and pinned(first.dataset)
    service.cancel(a.key)
    assert a.finished.wait(60)
    assert not pinned(first.dataset)


def test_a_gone_requester_withdraws_everything_and_only_unwanted_runs_stop(service, held_runs):
    """Issue 9: work that a closed tab no longer needs stops; a run someone else waits for goes on."""
    mine, shared = held_runs.hold(slow(seed=3)), held_runs.hold(slow(seed=4))
    a = service.submit(mine, "tab-1")
    b = service.submit(shared, "tab-2")
    service.submit(shared, "tab-3")
    assert service.withdraw_all("tab-1") == 1
    assert a.finished.wait(60) and service.snapshot(a.key).state == "cancelled"
    assert service.withdraw_all("tab-2") == 1 and not b.cancel_requested.is_set()  # tab-3 still waits
    assert service.withdraw_all("nobody") == 0
    service.cancel(b.key)
    assert b.finished.wait(60)


# ---- two server processes on one cache folder (replicas sharing CNNLIB_CACHE_DIR) ------------------------


@pytest.mark.slow  # a spawned Python process (another replica)
def test_a_run_one_process_trained_is_replayed_by_another_without_training(service, tiny_run):
    """Replica 1 trained the class's run (tiny_run: trained by a TrainingService of this process); replica 2, on
    the same folder, finds it with a page's lookup and replays it: no training, not even TensorFlow."""
    config = tiny_run(service.cache.root)
    mine = service.lookup(config)
    other = in_another_process(replay_in_this_process, str(service.cache.root), {"train_size": 300, "epochs": 1})
    assert other["found"] and other["same_run"] and other["state"] == "done" and other["cached"]
    assert other["trainings"] == 0 and not other["tensorflow"], "replayed, not trained"
    assert (other["test_accuracy"], other["created_at"]) == (mine.result.test_accuracy, mine.result.created_at)


@pytest.mark.slow  # a real run, to its end
def test_a_run_another_process_committed_first_is_the_one_both_show(service, held_runs, tiny_run):
    """Both replicas train the same run (each has its own queue); the other one's is in place first. This one's
    rename loses: its own folder is deleted and its run ends with the other's result, curves and all."""
    config = held_runs.hold(tiny())
    run = service.submit(config)
    held_runs.wait_held(config)
    tiny_run(service.cache.root)  # meanwhile the other replica finished it
    theirs = service.cache.load(config.key)
    held_runs.release(config)
    assert run.finished.wait(120)
    snap = service.snapshot(config.key)
    assert snap.state == "done" and service.trainings_started == 1
    assert snap.result.cached and snap.result.created_at == theirs.created_at
    assert snap.history == theirs.history
    assert service.cache.load(config.key).created_at == theirs.created_at
    assert list(service.cache.tmp_dir.iterdir()) == []


def test_a_queued_run_another_process_finished_meanwhile_is_not_trained_again(service, held_runs, tiny_run):
    blocker = service.submit(held_runs.hold(slow(seed=71)))
    held_runs.wait_held(blocker.config)
    waiting = service.submit(tiny())
    assert service.position(waiting.key) == 1
    tiny_run(service.cache.root)  # the other replica finished it while it waited here
    service.cancel(blocker.key)
    assert waiting.finished.wait(60)
    snap = service.snapshot(waiting.key)
    assert snap.state == "done" and snap.result.cached and service.trainings_started == 1, "only the blocker trained"
    assert snap.history == snap.result.history and snap.epoch == 1


def test_a_model_another_process_replaces_while_it_loads_is_not_called_broken(service, tiny_run, monkeypatch):
    """The other replica evicts the run (and trains it again) while this one opens its model: the page says the
    model is gone (None), not that it is damaged, and the other's new run stays."""
    import keras

    config = tiny_run(service.cache.root)

    def load_meanwhile(path, compile=True):
        in_another_process(replace_entry, str(service.cache.root), config.key, 2.0)
        raise FileNotFoundError(path)

    monkeypatch.setattr(keras.saving, "load_model", load_meanwhile)
    assert service.load_model(config.key) is None
    assert service.cache.load(config.key).created_at == 2.0
