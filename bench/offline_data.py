"""Benchmark: the offline data of §6/§7, each against a plain baseline run in the same process.

- ``make_letters(300)``: 3,000 notMNIST-like letters (fonts found and glyphs drawn once per process),
  against the plainest way to get 3,000 letter pictures: Pillow's default font drawn on a 28×28
  canvas, no rotation, no variety.
- ``load_mnist()`` when Keras' download hangs: it must fall back to the shipped sample after
  DOWNLOAD_TIMEOUT, not after the download (each try also reads the shipped npz again); the
  baseline is the bare wait any time limit costs (``Thread.join(timeout)`` on a worker that hangs).

    python bench/offline_data.py [LETTERS_PER_CLASS]
"""

from __future__ import annotations

import os
import sys
import threading
import types

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.timing import timed
from cnnlib import datasets
from cnnlib.letters import LETTERS, make_letters

TIMEOUT_S = 0.2


def plain_letters(per_class: int) -> np.ndarray:
    font = ImageFont.load_default(size=20)
    out = np.empty((per_class * len(LETTERS), 28, 28), np.uint8)
    for i in range(len(out)):
        canvas = Image.new("L", (28, 28), 0)
        ImageDraw.Draw(canvas).text((6, 2), LETTERS[i // per_class], font=font, fill=255)
        out[i] = np.asarray(canvas)
    return out


def hung_fallback() -> None:
    """load_mnist() with a Keras download that never answers (a stand-in module: no network, no TensorFlow)."""
    release = threading.Event()
    sys.modules["keras"] = types.SimpleNamespace(
        datasets=types.SimpleNamespace(mnist=types.SimpleNamespace(load_data=lambda: release.wait(30)))
    )
    datasets.reset_cache()
    try:
        data = datasets.load_mnist("auto")
    finally:
        release.set()
        del sys.modules["keras"]
    assert data.source == "sample" and "TimeoutError" in data.note.params["reason"]


def bare_wait() -> None:
    release = threading.Event()
    worker = threading.Thread(target=release.wait, args=(30,), daemon=True)
    worker.start()
    worker.join(TIMEOUT_S)
    release.set()


def main() -> int:
    per_class = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    n = per_class * len(LETTERS)
    make_letters(1)  # fonts found and glyphs drawn once per process, as a server does on its first page
    ours = timed(lambda: make_letters(per_class, seed=3), repeat=5)
    plain = timed(lambda: plain_letters(per_class), repeat=5)
    print(f"{n:,} letters: make_letters {ours:8.1f} ms   plain Pillow text {plain:8.1f} ms   ×{ours / plain:.2f}")

    datasets.DOWNLOAD_TIMEOUT = TIMEOUT_S
    fallback = timed(hung_fallback, repeat=5)
    wait = timed(bare_wait, repeat=5)
    print(f"hung Keras download, limit {TIMEOUT_S * 1000:.0f} ms: fallback to the sample {fallback:6.1f} ms   "
          f"bare wait {wait:6.1f} ms   ×{fallback / wait:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
