"""§3 Filters: a filter set is a 3-D block of weights (kh, kw, channels in) that looks at EVERY
channel of the map before it and sums them into ONE feature map; a layer makes as many maps as it
has filter sets.

All convolutions go through ``cnnlib.convolution.conv2d`` (one filter set over one or all
channels), so the partial maps, their sum and the one-cell arithmetic cannot disagree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from cnnlib.convolution import activate, conv2d, explain_cell
from cnnlib.errors import LessonError

COLOUR_SHAPE = (32, 32, 3)  # the slide's (32, 32, 3)
CHANNEL_NAMES = ("R", "G", "B")
FILTER_SET_PRESETS = ("horizontal", "vertical", "red_only", "red_minus_blue", "brightness", "random")
KERNEL_SIZES = (3, 5)
WEIGHT_RANGE = (-10.0, 10.0)


class FilterError(LessonError):
    """A picture that cannot be read, or a filter set whose channels do not match its input."""

    domain = "filter_errors"
    codes = {"not_a_picture": (), "channels_differ": ("filter_channels", "input_channels")}


# ---- the colour picture ----------------------------------------------------------------------


def sample_colour_image(size: int = COLOUR_SHAPE[0]) -> np.ndarray:
    """An embedded (size, size, 3) uint8 picture drawn with numpy: blue sky, red sun, green hill,
    and a white horizontal bar, so each channel (and each edge direction) shows something different.
    """
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1)
    img = np.zeros((size, size, 3))
    img[..., 2] = 0.55 + 0.45 * (1 - yy)  # sky: blue fading downwards
    img[..., 1] = 0.35 * (1 - yy)
    sun = (xx - 0.72) ** 2 + (yy - 0.28) ** 2 < 0.16**2
    img[sun] = (0.95, 0.25, 0.1)
    hill = yy > 0.72 - 0.18 * np.sin(np.pi * xx)
    img[hill] = np.stack([0.15 + 0 * xx, 0.55 + 0.3 * yy, 0.12 + 0 * xx], axis=-1)[hill]
    bar = (np.abs(yy - 0.5) < 0.05) & (xx > 0.1) & (xx < 0.5)
    img[bar] = 1.0
    return np.round(np.clip(img, 0, 1) * 255).astype(np.uint8)


def load_colour_image(data: bytes, size: int = COLOUR_SHAPE[0]) -> np.ndarray:
    """Any picture Pillow reads → (size, size, 3) uint8, RGB, squashed to a square as Keras' resize would."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as pic:
            pic.load()
            rgb = pic.convert("RGB").resize((size, size), Image.Resampling.BILINEAR)
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise FilterError("not_a_picture") from err
    return np.asarray(rgb, dtype=np.uint8)


# ---- one filter set over a colour picture ----------------------------------------------------


def filter_set_preset(name: str, size: int = 3, channels: int = 3, seed: int = 0) -> np.ndarray:
    """A (size, size, channels) filter set: one 2-D filter per channel coming in.

    Every weight is on the editor's 0.5 steps (the random ones too); the others are whole numbers."""
    if size not in KERNEL_SIZES and name != "random":
        raise ValueError(f"size must be one of {KERNEL_SIZES}")
    line = np.full((size, size), -1.0)
    line[size // 2, :] = size - 1.0  # middle row +, rows around it −: sums to 0, like the slide's filter
    centre = np.zeros((size, size))
    centre[size // 2, size // 2] = 1.0  # passes its channel through: whole numbers a slider can reach
    w = np.zeros((size, size, channels))
    if name == "horizontal":
        w[...] = line[:, :, None]
    elif name == "vertical":
        w[...] = line.T[:, :, None]
    elif name == "red_only":
        w[:, :, 0] = centre
    elif name == "red_minus_blue":
        w[:, :, 0] = centre
        w[:, :, min(2, channels - 1)] = -centre
    elif name == "brightness":
        w[...] = centre[:, :, None]  # R + G + B
    elif name == "random":
        w = np.round(np.random.default_rng(seed).normal(0, 1, (size, size, channels)) * 2) / 2  # 0.5 steps
    else:
        raise ValueError(f"unknown filter set {name!r}; known: {FILTER_SET_PRESETS}")
    return w


@dataclass(frozen=True)
class FilterSetResult:
    """partials[..., c] = channel c ⊛ filter c; feature_map = Σ_c partials + bias (one map)."""

    partials: np.ndarray  # (oh, ow, C)
    bias: float
    feature_map: np.ndarray  # (oh, ow)


def apply_filter_set(x: np.ndarray, w: np.ndarray, bias: float = 0.0, stride: int = 1, padding: str = "valid") -> FilterSetResult:
    """One filter set over every channel: C partial maps → their sum + bias → ONE feature map."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if x.ndim != 3 or w.ndim != 3 or x.shape[2] != w.shape[2]:
        raise FilterError("channels_differ", filter_channels=w.shape[-1] if w.ndim == 3 else 1,
                          input_channels=x.shape[-1] if x.ndim == 3 else 1)
    partials = np.stack([conv2d(x[:, :, c], w[:, :, c], stride, padding) for c in range(x.shape[2])], axis=-1)
    return FilterSetResult(partials, float(bias), partials.sum(axis=-1) + float(bias))


@dataclass(frozen=True)
class CellAcrossChannels:
    """The arithmetic of one output cell: each channel's 9 (or 25) products and its sum, then + bias."""

    row: int
    col: int
    products: np.ndarray  # (C, kh, kw): x·w per window cell, per channel
    windows: np.ndarray  # (C, kh, kw): the x values the filter set sees
    weights: np.ndarray  # (C, kh, kw)
    channel_sums: tuple[float, ...]
    bias: float
    total: float


def cell_across_channels(x: np.ndarray, w: np.ndarray, row: int, col: int, bias: float = 0.0,
                         stride: int = 1, padding: str = "valid") -> CellAcrossChannels:
    """y[row, col] = Σ_channels Σ_window x·w + bias, spelt out per channel (from ``explain_cell``)."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    step = explain_cell(x, w, row, col, stride, padding)
    kh, kw, channels = w.shape
    xs = np.zeros((channels, kh, kw))
    ws = np.zeros((channels, kh, kw))
    for term in step.terms:
        a, b = divmod(term.w_index - 1, kw)
        xs[term.channel, a, b] = term.x
        ws[term.channel, a, b] = term.w
    products = xs * ws
    sums = tuple(float(products[c].sum()) for c in range(channels))
    return CellAcrossChannels(row, col, products, xs, ws, sums, float(bias), float(step.total + bias))


# ---- the lecture's stack on a real digit -----------------------------------------------------


def glorot_uniform(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Keras' default kernel initialiser for Conv2D: U(±√(6 / (fan_in + fan_out)))."""
    kh, kw, c_in, c_out = shape
    limit = np.sqrt(6.0 / (kh * kw * c_in + kh * kw * c_out))
    return rng.uniform(-limit, limit, shape)


@dataclass(frozen=True)
class LectureStack:
    """Conv2D(3, 5) → Conv2D(6, 5) on one digit, weights as Keras stores them (kh, kw, C_in, filters)."""

    image: np.ndarray  # (28, 28, 1), 0–1
    kernels: tuple[np.ndarray, np.ndarray]  # (5, 5, 1, 3), (5, 5, 3, 6)
    biases: tuple[np.ndarray, np.ndarray]  # (3,), (6,)
    maps: tuple[np.ndarray, np.ndarray]  # (24, 24, 3), (20, 20, 6) after swish


LECTURE_FILTERS = (3, 6)  # Conv2D(3, kernel_size=5) then Conv2D(6, kernel_size=5)


def lecture_weights(seed: int = 0, kernel_size: int = 5) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Random weights with a fixed seed until a trained model exists: Keras' shapes, zero biases."""
    rng = np.random.default_rng(seed)
    c_in, kernels, biases = 1, [], []
    for filters in LECTURE_FILTERS:
        kernels.append(glorot_uniform((kernel_size, kernel_size, c_in, filters), rng))
        biases.append(np.zeros(filters))
        c_in = filters
    return tuple(kernels), tuple(biases)


def conv_layer(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray, activation: str = "swish") -> np.ndarray:
    """A Conv2D layer by hand: one filter set kernel[..., f] (over all channels) per output map f."""
    maps = [conv2d(x, kernel[:, :, :, f]) + bias[f] for f in range(kernel.shape[3])]
    return activate(np.stack(maps, axis=-1), activation)


def lecture_stack(image: np.ndarray, seed: int = 0) -> LectureStack:
    """The §2/§3 stack on a 28×28 digit (uint8 0–255 or 0–1): 3 maps of 24×24, then 6 maps of 20×20."""
    img = np.asarray(image, dtype=float)
    if img.max() > 1.0:
        img = img / 255.0
    x = img.reshape(img.shape[0], img.shape[1], 1)
    kernels, biases = lecture_weights(seed)
    first = conv_layer(x, kernels[0], biases[0])
    second = conv_layer(first, kernels[1], biases[1])
    return LectureStack(x, tuple(kernels), tuple(biases), (first, second))


def slide_notation(kernel: np.ndarray) -> tuple[int, int, int, int]:
    """Keras' (kh, kw, C_in, filters) as the slide writes it: (filters, kh, kw, C_in) — the '?' is C_in."""
    kh, kw, c_in, filters = kernel.shape
    return (filters, kh, kw, c_in)
