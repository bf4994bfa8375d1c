"""python -m cnnlib train: the same cache and numbers as the server, one JSON object, errors in both languages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnnlib.__main__ import _parser, config_from_args
from cnnlib.runs.config import default_config
from cnnlib.runs.errors import TrainingError
from cnnlib.runs.service import TrainingService
from tests.runhelp import tiny

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def service(tmp_path):
    svc = TrainingService(tmp_path / "cache")
    yield svc
    svc.shutdown()


def cli(*args, cache: Path) -> tuple[dict, int]:
    env = {**os.environ, "CNNLIB_MNIST_SOURCE": "sample", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "cnnlib", "train", "--cache-dir", str(cache), "--quiet", *args],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1, out.stdout + out.stderr  # stdout is exactly one JSON object
    return json.loads(lines[0]), out.returncode


def test_cli_fills_the_same_cache_and_gives_the_same_numbers(service, monkeypatch):
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")
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
    assert config_from_args(_parser().parse_args(["train"])) == default_config("mnist_sample")
    slides = config_from_args(_parser().parse_args(["train", "--slides", "--preset", "two_conv"]))
    assert slides.batch_size == 32 and slides.optimizer == "rmsprop" and slides.scaling == "raw"
    out, status = cli("--epochs", "0", cache=tmp_path)
    assert status == 1 and "epochs" in out["error"] and "epochs" in out["error_ko"]
    assert out["error_code"] == "run_errors.not_whole_number" and out["error"] != out["error_ko"]


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_stack_is_an_error_not_the_default(tmp_path, text):
    """Finding 12: --stack "" trained the default LeNet-5 without a word."""
    with pytest.raises(TrainingError) as info:
        config_from_args(_parser().parse_args(["train", "--stack", text]))
    assert info.value.code == "no_layers"
    out, status = cli("--stack", text, cache=tmp_path)
    assert status == 1 and out["error_code"] == "run_errors.no_layers" and out["error"] and out["error_ko"]
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir()), "nothing trained"
