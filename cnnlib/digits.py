"""Real MNIST digits shipped with the app (numpy only), and the §1 closed-loop count.

The digits come from the shipped sample (``cnnlib.datasets.load_sample``: cnnlib/data/mnist-sample-10k.npz,
10,000 real MNIST digits, 8,000 train / 2,000 test, uint8 0–255; provenance and licence in
cnnlib/data/README.md).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from cnnlib.datasets import load_sample


def examples_of(digit: int, count: int | None = 5) -> np.ndarray:
    """The first `count` (None: all) test images of one digit, in the sample's order."""
    sample = load_sample()
    return sample.x_test[sample.y_test == digit][:count]


@dataclass(frozen=True)
class Loops:
    """Closed loops of a digit as on the slide's table: in total, in the top half, in the bottom half."""

    total: int
    top: int
    bottom: int


def _holes(ink: np.ndarray) -> list[np.ndarray]:
    """Background regions that do not touch the border (4-connected): the closed loops."""
    h, w = ink.shape
    seen = ink.copy()
    holes = []
    for r0 in range(h):
        for c0 in range(w):
            if seen[r0, c0]:
                continue
            seen[r0, c0] = True
            queue, cells, touches_border = deque([(r0, c0)]), [], False
            while queue:
                r, c = queue.popleft()
                cells.append((r, c))
                touches_border |= r in (0, h - 1) or c in (0, w - 1)
                for rr, cc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                    if 0 <= rr < h and 0 <= cc < w and not seen[rr, cc]:
                        seen[rr, cc] = True
                        queue.append((rr, cc))
            if not touches_border:
                holes.append(np.array(cells))
    return holes


def closed_loops(image: np.ndarray, threshold: float = 0.35, min_area: int = 2, share: float = 0.8) -> Loops:
    """Count the loops of a digit image: a hole belongs to the top (bottom) half of the digit when
    at least `share` of it lies above (below) the middle of the digit's ink; a loop across the
    middle, like the one of a 0, counts only in the total."""
    img = np.asarray(image, dtype=float)
    ink = img > threshold * (img.max() or 1.0)
    holes = [hole for hole in _holes(ink) if len(hole) >= min_area]
    rows = np.flatnonzero(ink.any(axis=1))
    if not holes or rows.size == 0:
        return Loops(len(holes), 0, 0)
    middle = (rows[0] + rows[-1] + 1) / 2
    top = sum(1 for hole in holes if np.mean(hole[:, 0] + 0.5 < middle) >= share)
    bottom = sum(1 for hole in holes if np.mean(hole[:, 0] + 0.5 >= middle) >= share)
    return Loops(len(holes), top, bottom)


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


@lru_cache(maxsize=10)
def typical_loops(digit: int) -> tuple[Loops, int]:
    """The most common loop count among the sample's test images of `digit`, and the first image
    index (into examples_of(digit, all)) that has it: a clean example chosen by data, not by hand."""
    images = examples_of(digit, count=None)
    counts = [closed_loops(img) for img in images]
    typical = max(set(counts), key=counts.count)
    return typical, counts.index(typical)
