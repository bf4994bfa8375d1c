"""Running notebooks in tests (tests/test_notebooks*.py, test_cli.py, test_take_home.py).

The runner joins each notebook's code cells and runs them top to bottom in a subprocess, in a
temporary folder, with the network blocked (any connection attempt raises, so a download fails the
test), KERAS_HOME in the folder and MPLBACKEND=Agg; several notebooks share one subprocess (one
TensorFlow start). It pickles the variables the contract names, models as their parameter counts.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

from cnnlib.datasets import SAMPLE_PATH
from tests.wordhelp import lang_words

__all__ = ["RUNNER", "code_of", "lang_words", "run_notebooks", "with_sample"]

ROOT = Path(__file__).resolve().parent.parent
RUNNER = r'''
import os, pickle, socket, sys

def _blocked(*args, **kwargs):
    raise OSError("network blocked by the notebook tests")

socket.socket.connect = _blocked
socket.create_connection = _blocked
socket.getaddrinfo = _blocked

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

jobs = pickle.load(open(sys.argv[1], "rb"))
results = []
for source, names in jobs:
    space = {"__name__": "__main__"}
    exec(compile(source, "notebook", "exec"), space)
    results.append({name: value(space[name]) for name in names})
    plt.close("all")
pickle.dump(results, open(sys.argv[2], "wb"))
'''


def code_of(nb) -> str:
    """The notebook's code cells joined in order, as a Python script."""
    return "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "code") + "\n"


def run_notebooks(folder: Path, jobs: list[tuple], env: dict | None = None, timeout: int = 600) -> list[dict]:
    """Run each (notebook, names) in one subprocess with cwd=folder and no network; the named variables back."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "jobs.pkl").write_bytes(pickle.dumps([(code_of(nb), tuple(names)) for nb, names in jobs]))
    (folder / "runner.py").write_text(RUNNER, encoding="utf-8")
    keras_home = folder / "keras-home"
    environment = {**os.environ, "KERAS_HOME": str(keras_home), "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(folder / "mpl"),
                   "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": "", **(env or {})}
    done = subprocess.run([sys.executable, "runner.py", "jobs.pkl", "out.pkl"], cwd=folder, env=environment,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert not (keras_home / "datasets").exists() or not any((keras_home / "datasets").iterdir())  # nothing downloaded
    return pickle.loads((folder / "out.pkl").read_bytes())


def with_sample(folder: Path) -> Path:
    """The folder with the shipped MNIST sample next to the notebook (the offline cell reads it)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_PATH, folder / SAMPLE_PATH.name)
    return folder
