"""Running notebooks in tests (tests/test_notebooks_*.py, test_cli.py, test_take_home.py).

The runner joins each notebook's code cells and runs them top to bottom, in the caller's folder, with
the network blocked (any connection attempt raises, so a download fails the test) and MPLBACKEND=Agg.
It pickles the variables the contract names, models as their parameter counts.

One runner process serves the whole test session (TensorFlow starts once, not once per test module):
``run_notebooks`` sends it a folder, the jobs and the environment variables of this call, and waits for
its answer. Each notebook runs in a fresh namespace with the caller's folder as its working directory;
the variables in ``env`` are set for that call only. A notebook that raises fails its test with the
traceback, and the runner goes on serving; a runner that dies or hangs is started again for the next
call. conftest closes it at the end of the session (``close_runner``).
"""

from __future__ import annotations

import json
import os
import pickle
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cnnlib.datasets import SAMPLE_PATH
from tests.wordhelp import lang_words

__all__ = ["NETWORK_BLOCK", "close_runner", "code_of", "lang_words", "run_notebooks", "with_sample"]

# the first lines of every notebook run: no network at all
NETWORK_BLOCK = r'''
import os, pickle, socket, sys

def _blocked(*args, **kwargs):
    raise OSError("network blocked by the notebook tests")

socket.socket.connect = _blocked
socket.create_connection = _blocked
socket.getaddrinfo = _blocked
'''
RUNNER = NETWORK_BLOCK + r'''
import json, traceback

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

def value(v):
    if hasattr(v, "count_params"):
        return {"params": int(v.count_params()), "output": tuple(v.output.shape) if not isinstance(v.output, list) else None}
    if hasattr(v, "history") and isinstance(v.history, dict):
        return {"history": {k: [float(x) for x in xs] for k, xs in v.history.items()}, "epochs": list(v.epoch)}
    if isinstance(v, (tuple, list)):
        return type(v)(value(x) for x in v)
    return v

replies = os.fdopen(int(sys.argv[1]), "w", buffering=1)
home = os.getcwd()
for line in sys.stdin:  # one request per line: {"folder": ..., "env": {...}}; the jobs in folder/jobs.pkl
    request = json.loads(line)
    saved = {name: os.environ.get(name) for name in request["env"]}
    os.environ.update(request["env"])
    os.chdir(request["folder"])
    try:
        jobs = pickle.load(open("jobs.pkl", "rb"))
        results = []
        for source, names in jobs:
            space = {"__name__": "__main__"}
            try:
                exec(compile(source, "notebook", "exec"), space)
            finally:
                plt.close("all")
            results.append({name: value(space[name]) for name in names})
        pickle.dump(results, open("out.pkl", "wb"))
        answer = {"ok": True}
    except BaseException:
        answer = {"ok": False, "error": traceback.format_exc()[-6000:]}
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
        os.chdir(home)
        sys.stdout.flush()
        sys.stderr.flush()
    replies.write(json.dumps(answer) + "\n")
'''


class _Runner:
    """The session's notebook process: started on first use, restarted after a crash or a timeout."""

    def __init__(self):
        self.proc: subprocess.Popen | None = None
        self.folder: Path | None = None

    def start(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="notebook-runner-"))
        (self.folder / "runner.py").write_text(RUNNER, encoding="utf-8")
        self.keras_home = self.folder / "keras-home"
        self.log = open(self.folder / "runner.log", "w+b")  # noqa: SIM115 - closed in close()
        read, write = os.pipe()
        environment = {**os.environ, "KERAS_HOME": str(self.keras_home), "MPLBACKEND": "Agg",
                       "MPLCONFIGDIR": str(self.folder / "mpl"), "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": ""}
        self.proc = subprocess.Popen([sys.executable, "runner.py", str(write)], cwd=self.folder, env=environment,
                                     stdin=subprocess.PIPE, stdout=self.log, stderr=subprocess.STDOUT, text=True,
                                     pass_fds=(write,))
        os.close(write)
        self.replies = os.fdopen(read, "r")

    def log_tail(self, since: int) -> str:
        self.log.flush()
        self.log.seek(since)
        text = self.log.read().decode("utf-8", "replace")
        self.log.seek(0, os.SEEK_END)
        return text[-3000:]

    def run(self, folder: Path, env: dict, timeout: float) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self.close()
            self.start()
        self.log.seek(0, os.SEEK_END)
        since = self.log.tell()
        self.proc.stdin.write(json.dumps({"folder": str(folder.resolve()), "env": env}) + "\n")
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        line = ""
        while not line:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.replies], [], [], max(left, 0))
            if not ready:
                self.close()
                raise AssertionError(f"the notebooks did not finish in {timeout} s\n" + self.log_tail(since))
            line = self.replies.readline()
            if not line:  # the runner died
                tail = self.log_tail(since)
                self.close()
                raise AssertionError("the notebook runner died\n" + tail)
        answer = json.loads(line)
        assert answer["ok"], answer["error"] + "\n--- output ---\n" + self.log_tail(since)
        datasets = self.keras_home / "datasets"
        assert not datasets.exists() or not any(datasets.iterdir())  # nothing downloaded

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.stdin.close()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.replies.close()
            self.log.close()
            shutil.rmtree(self.folder, ignore_errors=True)
        self.proc = None


_RUNNER = _Runner()


def close_runner() -> None:
    """Stop the session's notebook process (conftest, at the end of the session)."""
    _RUNNER.close()


def code_of(nb) -> str:
    """The notebook's code cells joined in order, as a Python script."""
    return "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "code") + "\n"


def run_notebooks(folder: Path, jobs: list[tuple], env: dict | None = None, timeout: int = 600) -> list[dict]:
    """Run each (notebook, names) in the session's runner with cwd=folder and no network; the named variables back."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "out.pkl").unlink(missing_ok=True)
    (folder / "jobs.pkl").write_bytes(pickle.dumps([(code_of(nb), tuple(names)) for nb, names in jobs]))
    _RUNNER.run(folder, {name: str(value) for name, value in (env or {}).items()}, timeout)
    return pickle.loads((folder / "out.pkl").read_bytes())


def with_sample(folder: Path) -> Path:
    """The folder with the shipped MNIST sample next to the notebook (the offline cell reads it)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_PATH, folder / SAMPLE_PATH.name)
    return folder
