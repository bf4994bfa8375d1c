"""Max-pooling as on the slide: keep the largest value of each window ('valid', as Keras MaxPool2D)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _pool_windows(x: np.ndarray, size: int, stride: int | None) -> tuple[np.ndarray, int]:
    x = np.asarray(x, dtype=float)
    stride = size if stride is None else stride
    if int(size) != size or size < 1 or int(stride) != stride or stride < 1:
        raise ValueError("pool size and stride must be positive integers")
    if x.ndim == 2:
        x = x[:, :, None]
    if x.shape[0] < size or x.shape[1] < size:
        raise ValueError(f"a {size}×{size} pool does not fit a {x.shape[0]}×{x.shape[1]} map")
    view = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(0, 1))
    return view[::stride, ::stride], stride  # (out_h, out_w, C, size, size)


def max_pool2d(x: np.ndarray, size: int = 2, stride: int | None = None) -> np.ndarray:
    """(H, W[, C]) → (⌊(H − size)/stride⌋ + 1, …[, C]); stride defaults to size."""
    win, _ = _pool_windows(x, size, stride)
    pooled = win.max(axis=(3, 4))
    return pooled[:, :, 0] if np.asarray(x).ndim == 2 else pooled


def pool_winners(x: np.ndarray, size: int = 2, stride: int | None = None) -> np.ndarray:
    """Which input cell won each window: (out_h, out_w[, C], 2) of (row, col); ties → first in reading order."""
    win, stride = _pool_windows(x, size, stride)
    out_h, out_w, channels = win.shape[:3]
    flat = win.reshape(out_h, out_w, channels, size * size).argmax(axis=-1)
    rows = np.arange(out_h)[:, None, None] * stride + flat // size
    cols = np.arange(out_w)[None, :, None] * stride + flat % size
    winners = np.stack([rows, cols], axis=-1)
    return winners[:, :, 0] if np.asarray(x).ndim == 2 else winners


@dataclass(frozen=True)
class PoolStep:
    """One window of a max-pooling, 0-based: output cell (row, col), the window's top-left corner and
    side, its values in reading order, its max and the input cell that holds it (first in reading order)."""

    row: int
    col: int
    top: int
    left: int
    size: int
    values: tuple[float, ...]
    value: float
    winner: tuple[int, int]


def pool_out_shape(shape: tuple[int, ...], size: int = 2, stride: int | None = None) -> tuple[int, int]:
    """(out_h, out_w) of a 'valid' pooling, ⌊(n − size)/stride⌋ + 1 per side; ValueError when it does not fit."""
    stride = size if stride is None else stride
    h, w = shape[:2]
    if h < size or w < size:
        raise ValueError(f"a {size}×{size} pool does not fit a {h}×{w} map")
    return (h - size) // stride + 1, (w - size) // stride + 1


def pool_step(x: np.ndarray, size: int, stride: int | None, index: int) -> PoolStep:
    """The window number `index` (0-based, reading order over the output) of a 2-D map's max-pooling."""
    x = np.asarray(x, dtype=float)
    stride = size if stride is None else stride
    out_h, out_w = pool_out_shape(x.shape, size, stride)
    if not 0 <= index < out_h * out_w:
        raise ValueError(f"window {index} of {out_h * out_w}")
    row, col = divmod(int(index), out_w)
    top, left = row * stride, col * stride
    window = x[top:top + size, left:left + size]
    r, c = np.unravel_index(int(np.argmax(window)), window.shape)
    return PoolStep(row, col, top, left, size, tuple(float(v) for v in window.ravel()), float(window[r, c]),
                    (top + int(r), left + int(c)))
