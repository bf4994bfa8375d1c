"""Max-pooling as on the slide: keep the largest value of each window ('valid', as Keras MaxPool2D)."""

from __future__ import annotations

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
