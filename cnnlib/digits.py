"""Real MNIST digits shipped with the app (numpy only), and the §1 closed-loop count.

The digits come from the shipped sample (``cnnlib.datasets.load_sample``: cnnlib/data/mnist-sample-10k.npz,
10,000 real MNIST digits, 8,000 train / 2,000 test, uint8 0–255; provenance and licence in
cnnlib/data/README.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from cnnlib.datasets import load_test_digits


def examples_of(digit: int, count: int | None = 5) -> np.ndarray:
    """The first `count` (None: all) test images of one digit, in the sample's order."""
    x_test, y_test = _test_digits()
    return x_test[y_test == digit][:count]


@lru_cache(maxsize=1)
def _test_digits() -> tuple[np.ndarray, np.ndarray]:
    """The sample's 2,000 test digits: read on their own, or taken from the sample when it is loaded already
    (§1, §3 and §5 show test digits; the 8,000 training digits are only for training)."""
    return load_test_digits()


@dataclass(frozen=True)
class Loops:
    """Closed loops of a digit as on the slide's table: in total, in the top half, in the bottom half."""

    total: int
    top: int
    bottom: int


def hole_labels(ink: np.ndarray) -> np.ndarray:
    """(N, H, W) ink → the same shape of labels: each background region that does not touch the border (a
    closed loop, 4-connected) gets one label ≥ 0; ink and the background reaching the border get -1.

    Every background pixel starts with its own index; each step takes the smallest label among its four
    neighbours (ink never passes a label on), so a region ends with the smallest index in it. Pixels on
    the border start at -1, which floods the open background. A few dozen numpy steps for a whole batch
    of digits, instead of a flood fill per pixel in Python."""
    n, h, w = ink.shape
    ink = np.asarray(ink, dtype=bool)
    big = np.int32(n * h * w)
    labels = np.arange(n * h * w, dtype=np.int32).reshape(n, h, w)
    edge = np.zeros((h, w), dtype=bool)
    edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
    labels[~ink & edge] = -1
    labels[ink] = big
    spread = np.empty_like(labels)
    while True:
        np.copyto(spread, labels)
        np.minimum(spread[:, 1:, :], labels[:, :-1, :], out=spread[:, 1:, :])
        np.minimum(spread[:, :-1, :], labels[:, 1:, :], out=spread[:, :-1, :])
        np.minimum(spread[:, :, 1:], labels[:, :, :-1], out=spread[:, :, 1:])
        np.minimum(spread[:, :, :-1], labels[:, :, 1:], out=spread[:, :, :-1])
        spread[ink] = big
        if np.array_equal(spread, labels):
            break
        labels, spread = spread, labels
    labels[labels == big] = -1
    return labels


def loop_counts(images: np.ndarray, threshold: float = 0.35, min_area: int = 2, share: float = 0.8) -> list[Loops]:
    """``closed_loops`` of every image of a batch (N, H, W) at once."""
    img = np.asarray(images, dtype=float)
    n, h, w = img.shape
    peak = img.reshape(n, -1).max(axis=1)
    ink = img > threshold * np.where(peak > 0, peak, 1.0)[:, None, None]
    labels = hole_labels(ink)
    has_ink = ink.any(axis=2)  # (N, H): rows with ink
    first = has_ink.argmax(axis=1)
    last = h - 1 - has_ink[:, ::-1].argmax(axis=1)
    middle = (first + last + 1) / 2  # the middle of each digit's ink
    pixels = np.flatnonzero(labels.ravel() >= 0)
    ids, which = np.unique(labels.ravel()[pixels], return_inverse=True)
    size = np.bincount(which)
    rows = (pixels // w) % h
    above = np.bincount(which, weights=rows + 0.5 < middle[pixels // (h * w)], minlength=len(ids))
    image = ids // (h * w)  # each hole's image
    kept = size >= min_area
    top_hole = kept & (above / size >= share)
    bottom_hole = kept & ((size - above) / size >= share)
    total = np.bincount(image[kept], minlength=n)
    top, bottom = np.bincount(image[top_hole], minlength=n), np.bincount(image[bottom_hole], minlength=n)
    return [Loops(int(total[i]), int(top[i]) if has_ink[i].any() else 0, int(bottom[i]) if has_ink[i].any() else 0)
            for i in range(n)]


def closed_loops(image: np.ndarray, threshold: float = 0.35, min_area: int = 2, share: float = 0.8) -> Loops:
    """Count the loops of a digit image: a hole belongs to the top (bottom) half of the digit when
    at least `share` of it lies above (below) the middle of the digit's ink; a loop across the
    middle, like the one of a 0, counts only in the total."""
    return loop_counts(np.asarray(image)[None], threshold, min_area, share)[0]


def reduce_to_grid(image: np.ndarray, size: int = 8, margin: int = 1) -> np.ndarray:
    """A digit drawn on a size×size grid of 0/1 cells (crop to the ink, average, threshold),
    leaving `margin` empty cells around it like the lecture's "4"."""
    img = np.asarray(image, dtype=float)
    ink = img > 0.35 * (img.max() or 1.0)
    if not ink.any():
        return np.zeros((size, size))
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = img[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] / (img.max() or 1.0)
    inner = size - 2 * margin
    side = max(crop.shape)  # square it, keeping the aspect ratio
    square = np.zeros((side, side))
    r0, c0 = (side - crop.shape[0]) // 2, (side - crop.shape[1]) // 2
    square[r0 : r0 + crop.shape[0], c0 : c0 + crop.shape[1]] = crop
    edges = np.linspace(0, side, inner + 1).round().astype(int)
    cells = np.array(
        [
            [
                square[edges[i] : max(edges[i + 1], edges[i] + 1), edges[j] : max(edges[j + 1], edges[j] + 1)].mean()
                for j in range(inner)
            ]
            for i in range(inner)
        ]
    )
    grid = np.zeros((size, size))
    grid[margin : margin + inner, margin : margin + inner] = (cells >= 0.2).astype(float)
    return grid


TYPICAL_PATH = Path(__file__).parent / "data" / "typical-loops.json"


def compute_typical_loops() -> dict[int, tuple[Loops, int]]:
    """For every digit: the most common loop count among the sample's test images of it, and the first image
    index (into examples_of(digit, all)) that has it: a clean example chosen by data, not by hand."""
    out = {}
    for digit in range(10):
        counts = loop_counts(examples_of(digit, count=None))
        typical = max(set(counts), key=counts.count)
        out[digit] = (typical, counts.index(typical))
    return out


def write_typical_loops(path: Path = TYPICAL_PATH) -> None:
    """Compute the table and ship it beside the sample (tests/test_digits.py checks it against a flood fill)."""
    table = {str(d): {"total": loops.total, "top": loops.top, "bottom": loops.bottom, "index": index}
             for d, (loops, index) in compute_typical_loops().items()}
    path.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def _typical_table() -> dict[int, tuple[Loops, int]]:
    table = json.loads(TYPICAL_PATH.read_text(encoding="utf-8"))
    return {int(d): (Loops(row["total"], row["top"], row["bottom"]), row["index"]) for d, row in table.items()}


def typical_loops(digit: int) -> tuple[Loops, int]:
    """The most common loop count among the sample's test images of `digit`, and the first image index
    (into examples_of(digit, all)) that has it: read from the table shipped with the sample (computed from it
    once by ``write_typical_loops``; every first visit of §1 would otherwise count 800 digits' loops)."""
    return _typical_table()[int(digit)]
