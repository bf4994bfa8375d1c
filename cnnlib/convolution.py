"""Convolution as the lecture teaches it: slide a filter over the input, multiply, sum.

Cross-correlation exactly as Keras `Conv2D` computes it (no kernel flip), with Keras'
'valid' / 'same' padding. `conv2d` and `explain_cell` read the SAME windows, so the
step-through on the arithmetic page can never disagree with the feature map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PADDINGS = ("valid", "same")


def output_size(n: int, k: int, stride: int = 1, padding: str = "valid") -> int:
    """Output length along one axis: valid ⌊(n − k) / s⌋ + 1, same ⌈n / s⌉ (Keras' rule)."""
    _check_args(stride, padding)
    if padding == "same":
        return math.ceil(n / stride)
    return (n - k) // stride + 1 if n >= k else 0


def padding_amounts(n: int, k: int, stride: int = 1, padding: str = "valid") -> tuple[int, int]:
    """Zeros added (before, after) along one axis; 'same' puts the odd one after, as TensorFlow."""
    if padding == "valid":
        return 0, 0
    out = output_size(n, k, stride, padding)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def _check_args(stride: int, padding: str) -> None:
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}, not {padding!r}")
    if int(stride) != stride or stride < 1:
        raise ValueError(f"stride must be a positive integer, not {stride!r}")


def _as_channels(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if x.ndim == 2:
        x = x[:, :, None]
    if w.ndim == 2:
        w = w[:, :, None]
    if x.ndim != 3 or w.ndim != 3:
        raise ValueError("x must be (H, W) or (H, W, C) and w (kh, kw) or (kh, kw, C)")
    if x.shape[2] != w.shape[2]:
        raise ValueError(f"x has {x.shape[2]} channels but the filter set has {w.shape[2]}")
    return x, w


def windows(x: np.ndarray, w: np.ndarray, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """Every window the filter sees: shape (out_h, out_w, kh, kw, C), zero padding included."""
    _check_args(stride, padding)
    x, w = _as_channels(x, w)
    (h, wd, _), (kh, kw, _) = x.shape, w.shape
    top, bottom = padding_amounts(h, kh, stride, padding)
    left, right = padding_amounts(wd, kw, stride, padding)
    padded = np.pad(x, ((top, bottom), (left, right), (0, 0)))
    if padded.shape[0] < kh or padded.shape[1] < kw:
        raise ValueError(f"a {kh}×{kw} filter does not fit a {h}×{wd} input")
    view = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw), axis=(0, 1))
    # view: (H', W', C, kh, kw) → take every stride-th window, channels last
    return view[::stride, ::stride].transpose(0, 1, 3, 4, 2)


def conv2d(x: np.ndarray, w: np.ndarray, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """The feature map of one filter set: (H, W[, C]) ⊛ (kh, kw[, C]) → (out_h, out_w) floats."""
    win = windows(x, w, stride, padding)
    _, w3 = _as_channels(np.zeros((1, 1, win.shape[-1])), w)
    return np.einsum("ijabc,abc->ij", win, w3)


@dataclass(frozen=True)
class Term:
    """One product x·w of the slide's formula; x_index is 1-based as on the slide (None = padding)."""

    x_index: int | None
    x: float
    w_index: int
    w: float
    channel: int = 0

    @property
    def product(self) -> float:
        return self.x * self.w


@dataclass(frozen=True)
class CellStep:
    """How one output cell y_k is made: the window's place on the input and its terms."""

    y_index: int  # 1-based, row-major, as y1 … y36 on the slide
    row: int
    col: int
    top: int  # window's top-left corner in input coordinates (negative = in the padding)
    left: int
    terms: tuple[Term, ...]
    total: float


def explain_cell(x: np.ndarray, w: np.ndarray, row: int, col: int, stride: int = 1, padding: str = "valid") -> CellStep:
    """The slide's formula for output cell (row, col): y = x1·w1 + x2·w2 + … with its numbers."""
    x3, w3 = _as_channels(x, w)
    win = windows(x3, w3, stride, padding)
    out_h, out_w = win.shape[:2]
    if not (0 <= row < out_h and 0 <= col < out_w):
        raise IndexError(f"output cell ({row}, {col}) outside a {out_h}×{out_w} map")
    (h, wd, channels), (kh, kw, _) = x3.shape, w3.shape
    top = row * stride - padding_amounts(h, kh, stride, padding)[0]
    left = col * stride - padding_amounts(wd, kw, stride, padding)[0]
    terms = []
    for c in range(channels):
        for a in range(kh):
            for b in range(kw):
                r, s = top + a, left + b
                inside = 0 <= r < h and 0 <= s < wd
                terms.append(
                    Term(r * wd + s + 1 if inside else None, float(win[row, col, a, b, c]), a * kw + b + 1, float(w3[a, b, c]), c)
                )
    total = float(np.einsum("abc,abc->", win[row, col], w3))
    return CellStep(row * out_w + col + 1, row, col, top, left, tuple(terms), total)


def formula(step: CellStep, numbers: bool = False) -> str:
    """'y1 = x1·w1 + x2·w2 + …' as on the slide, or with the numbers plugged in and the sum."""

    def num(v: float) -> str:
        text = f"{v:g}"
        return f"({text})" if v < 0 else text

    def x_name(term: Term) -> str:
        name = "0" if term.x_index is None else f"x{term.x_index}"
        return name if len({t.channel for t in step.terms}) == 1 else f"{name}[{term.channel + 1}]"

    if numbers:
        body = " + ".join(f"{num(t.x)}·{num(t.w)}" for t in step.terms)
        return f"y{step.y_index} = {body} = {step.total:g}"
    return f"y{step.y_index} = " + " + ".join(f"{x_name(t)}·w{t.w_index}" for t in step.terms)


ACTIVATIONS = ("none", "relu", "swish")


def activate(y: np.ndarray, name: str = "none") -> np.ndarray:
    """Apply Conv2D's activation to a feature map: relu = max(0, y), swish = y·sigmoid(y)."""
    y = np.asarray(y, dtype=float)
    if name == "none":
        return y
    if name == "relu":
        return np.maximum(y, 0.0)
    if name == "swish":
        with np.errstate(over="ignore"):  # exp(-y) overflows for y ≪ 0: y / inf = 0, which is swish's value there
            return y / (1.0 + np.exp(-y))
    raise ValueError(f"activation must be one of {ACTIVATIONS}, not {name!r}")


def output_size_formula(n: int, k: int, stride: int = 1, padding: str = "valid") -> str:
    """The output-size rule with the numbers in: '⌊(8 − 3) / 1⌋ + 1 = 6' or '⌈8 / 2⌉ = 4'."""
    out = output_size(n, k, stride, padding)
    if padding == "same":
        return f"⌈{n} / {stride}⌉ = {out}"
    return f"⌊({n} − {k}) / {stride}⌋ + 1 = {out}"
