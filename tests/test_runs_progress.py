"""services.runs.progress: what the worker writes per batch and epoch, and the snapshots pages read (no TensorFlow)."""

from __future__ import annotations

import numpy as np
import pytest

from services.runs.cache import RunResult
from services.runs.errors import Cancelled, NanLossError
from services.runs.progress import Run
from tests.runhelp import tiny, words


def test_batches_and_epochs_move_the_snapshot():
    run = Run(tiny(epochs=2, batch_size=64))
    assert run.snapshot().state == "queued" and run.snapshot().fraction == 0.0
    run._begin("training")
    run._plan(300, 5)
    run._epoch_begin(0)
    run._batch_end(1, 2.3)  # the first batch also compiles: no rate from it alone
    assert run.snapshot().samples_per_second is None
    run._batch_end(2, 2.1)
    snap = run.snapshot(position=0)
    assert (snap.state, snap.phase, snap.step, snap.steps, snap.position) == ("running", "training", 2, 5, 0)
    assert snap.samples_done == 128 and snap.samples_total == 600 and snap.fraction == pytest.approx(128 / 600)
    assert snap.samples_per_second > 0 and snap.seconds_left > 0 and not snap.finished
    run._batch_end(5, 2.0)
    assert run.snapshot().samples_done == 300, "the last, short batch counts only the images it had"
    run._epoch_end({"loss": 2.0, "accuracy": 0.3, "val_loss": 1.9, "val_accuracy": 0.35})
    snap = run.snapshot()
    assert snap.epoch == 1 and snap.step == 5 and snap.history["val_accuracy"] == [0.35]
    assert len(run.epoch_seconds) == 1
    snap.history["loss"].append(0.0)
    assert run.history["loss"] == [2.0], "a snapshot is a copy"


def test_a_nan_loss_stops_the_run_with_its_epoch_and_batch():
    run = Run(tiny())
    run._plan(300, 5)
    run._epoch_begin(1)
    with pytest.raises(NanLossError) as info:
        run._batch_end(3, float("nan"))
    assert info.value.key == "run_errors.nan_loss" and info.value.params == {"epoch": 2, "batch": 3}
    assert "NaN" in words(info.value, "en") and "NaN" in words(info.value, "ko")
    with pytest.raises(NanLossError):
        run._batch_end(4, float("inf"))


def test_a_cancel_request_stops_at_the_next_batch():
    run = Run(tiny())
    run._plan(300, 5)
    run._batch_end(1, 0.5)
    run.cancel_requested.set()
    with pytest.raises(Cancelled):
        run._batch_end(2, 0.5)


def test_finishing_wakes_the_waiters_and_a_replayed_run_is_done():
    run = Run(tiny())
    run._finish("failed", error=NanLossError("nan_loss", epoch=1, batch=1))
    assert run.finished.is_set() and run.snapshot().finished and run.snapshot().error.code == "nan_loss"
    config = tiny()
    result = RunResult(
        key=config.key, config=config.to_dict(), history={"loss": [1.0], "accuracy": [0.5], "val_loss": [0.9],
                                                          "val_accuracy": [0.6]},
        epoch_seconds=[1.5], test_accuracy=0.6, test_loss=0.9, confusion=np.eye(10, dtype=np.int64),
        y_pred=np.arange(10), seconds=2.0, fit_seconds=1.5, samples_per_second=200.0, train_images=300,
        test_images=10, params=61_706, dataset_source="test", class_names=list("0123456789"), created_at=0.0)
    replayed = Run.replayed(result)
    snap = replayed.snapshot()
    assert replayed.config == config and snap.state == "done" and snap.fraction == 1.0
    assert snap.samples_per_second == 200.0 and snap.seconds_left == 0.0 and snap.epoch == 1
    assert snap.samples_done == snap.samples_total == 300 and snap.result is result
