"""python -m cnnlib train: the same cache and numbers as the server, one JSON object, errors in both languages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnnlib.__main__ import _parser, config_from_args
from services.runs.config import default_config
from services.runs.errors import TrainingError
from services.runs.service import TrainingService
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


@pytest.mark.slow  # two CLI trainings and one here
@pytest.mark.tf
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


def test_cli_without_options_is_the_pages_default_and_errors_are_json(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")  # "auto" looks for MNIST here: the shipped sample, no network
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


# ---- python -m cnnlib notebook <page> [--query …] [--lang …] -o FILE.ipynb ----------------------------


def notebook_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "cnnlib", "notebook", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


@pytest.mark.slow  # two CLI processes, notebooks run
@pytest.mark.tf
def test_notebook_for_the_slide_and_for_a_queried_setting_runs_and_gives_the_pages_numbers(tmp_path):
    import nbformat
    import numpy as np

    from cnnlib.convolution import activate, conv2d
    from cnnlib.lecture import POOLING_EXAMPLE_6X6
    from cnnlib.pooling import max_pool2d
    from links.pages import ARITHMETIC
    from tests.notebookhelp import run_notebooks

    slide = notebook_cli("max-pooling", "-o", "pooling.ipynb", cwd=tmp_path)
    assert slide.returncode == 0, slide.stderr
    query = "x=digit:3&w=1,0,-1,2,0,-2,1,0,-1&pad=same&stride=2&act=relu"  # as the page writes its address
    queried = notebook_cli("convolution-arithmetic", "--query", query, "--lang", "en", "-o", "arith.ipynb", cwd=tmp_path)
    assert queried.returncode == 0, queried.stderr
    out = json.loads(queried.stdout)
    assert out["notebook"] == "arith.ipynb" and out["results"] == ["y"] and out["settings"] == ["act", "pad", "stride", "w", "x"]
    books = [nbformat.read(tmp_path / name, as_version=4) for name in ("pooling.ipynb", "arith.ipynb")]
    for nb in books:
        nbformat.validate(nb)
    assert "Made by" in books[1].cells[0].source + books[1].cells[1].source  # --lang en
    (pooled, arith) = run_notebooks(tmp_path / "run", [(books[0], ["pooled"]), (books[1], ["y"])])
    np.testing.assert_allclose(pooled["pooled"], max_pool2d(POOLING_EXAMPLE_6X6, 2), atol=1e-9)
    values, refused = ARITHMETIC.decode({name: [text] for name, text in (p.split("=", 1) for p in query.split("&"))})
    assert not refused  # the page's own link reads the query as the page would
    y = activate(conv2d(values["x"][0], values["w"], 2, "same"), "relu")
    np.testing.assert_allclose(arith["y"], y, atol=1e-9)


def test_notebook_refuses_a_bad_query_in_both_languages_and_an_unknown_page_with_the_list(tmp_path):
    for query in ("pad=sideways", "padd=same", "stride=3&w=nonsense"):
        done = notebook_cli("convolution-arithmetic", "--query", query, "-o", "x.ipynb", cwd=tmp_path)
        out = json.loads(done.stdout)
        assert done.returncode == 1 and out["error_code"] == "notebook_errors.bad_query", done.stdout
        assert out["error"] != out["error_ko"] and "stride, w, x" in out["error"] and "노트북" in out["error_ko"]
    lab = notebook_cli("layer-stack-lab", "--query", "stack=i28x28x1_c3-k9_c3-k9_c3-k9_c3-k9", "-o", "x.ipynb", cwd=tmp_path)
    assert lab.returncode == 1 and json.loads(lab.stdout)["error"]  # a stack Keras cannot build: refused, in words
    assert not (tmp_path / "x.ipynb").exists()  # never a notebook that fails halfway
    unknown = notebook_cli("no-such-page", cwd=tmp_path)
    assert unknown.returncode == 2 and "convolution-arithmetic" in unknown.stderr and "lenet-5" in unknown.stderr
