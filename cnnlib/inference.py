"""Looking inside a trained model (§6): a drawn digit as MNIST input, class probabilities,
the feature maps after each convolution and pooling layer, and the learned first-layer filters.

Keras is only touched through the model object a caller passes in (loaded by services.runs.service).
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from cnnlib.convolution import conv2d
from cnnlib.filters import FILTER_PRESETS

MAP_LAYERS = ("Conv2D", "MaxPooling2D", "AveragePooling2D")
CENTRE = 14.0  # where MNIST digits have their centre of mass (row and column, 0-based; measured on the sample)


def to_mnist(picture: np.ndarray, threshold: float = 0.1) -> np.ndarray | None:
    """A drawing (H, W[, 3|4], light ink on dark) → the 28×28 uint8 digit MNIST would store.

    As MNIST was made: crop to the ink, scale the longer side to 20 pixels (aspect kept),
    then place it in a 28×28 frame so that its centre of mass is at (14, 14) as in MNIST.
    None when there is (almost) no ink.
    """
    from PIL import Image

    a = np.asarray(picture, dtype=float)
    if a.ndim == 3:
        gray = a[..., :3].mean(axis=2) if a.shape[2] >= 3 else a[..., 0]
        if a.shape[2] == 4:
            gray = gray * (a[..., 3] / 255.0)  # transparent = no ink
    else:
        gray = a
    if gray.max() <= 1.0 and a.dtype != np.uint8 and gray.max() > 0:
        gray = gray * 255.0
    ink = gray > threshold * 255
    if ink.sum() < 3:
        return None
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = gray[rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1]
    h, w = crop.shape
    scale = 20.0 / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = np.asarray(Image.fromarray(crop.astype(np.uint8)).resize(size, Image.LANCZOS), dtype=float)
    frame = np.zeros((28, 28))
    top, left = (28 - small.shape[0]) // 2, (28 - small.shape[1]) // 2
    frame[top: top + small.shape[0], left: left + small.shape[1]] = small
    total = frame.sum()
    if total > 0:  # shift the centre of mass to where MNIST has it, staying inside the frame
        r, c = np.indices(frame.shape)
        dy = int(round(CENTRE - (r * frame).sum() / total))
        dx = int(round(CENTRE - (c * frame).sum() / total))
        dy = int(np.clip(dy, -top, 28 - top - small.shape[0]))
        dx = int(np.clip(dx, -left, 28 - left - small.shape[1]))
        frame = np.roll(frame, (dy, dx), axis=(0, 1))
    return np.clip(frame, 0, 255).astype(np.uint8)


def model_input(images: np.ndarray, input_shape, scaling: str) -> np.ndarray:
    """28×28 uint8 images (one, or a batch) as the model's input (N, *input_shape), scaled as the run
    was trained: "scaled" ×1/255 as the training pipeline does, "raw" the slides' 0–255."""
    x = np.asarray(images, dtype=np.float32).reshape((-1, *tuple(input_shape)))
    return x * np.float32(1 / 255) if scaling == "scaled" else x


def outputs_probabilities(model) -> bool:
    """True when the model's last layer already gives probabilities (softmax)."""
    last = model.layers[-1]
    activation = getattr(last, "activation", None)
    return getattr(activation, "__name__", "") == "softmax"


def _as_probabilities(model, outputs) -> np.ndarray:
    """The model's outputs (…, classes) as probabilities: kept after a softmax layer, else softmax of the logits."""
    z = np.asarray(outputs, dtype=np.float64)
    if outputs_probabilities(model):
        return z
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def probabilities(model, image: np.ndarray, input_shape, scaling: str) -> np.ndarray:
    """Class probabilities (sum 1) for one 28×28 image."""
    return _as_probabilities(model, model(model_input(image, input_shape, scaling), training=False))[0]


def classify(model, pictures: np.ndarray, scaling: str = "scaled") -> np.ndarray:
    """Class probabilities (N, classes) for (N, 28, 28, 1) uint8 pictures from a trained Keras model, with
    the run's input scaling ("scaled": ÷255 as in training, "raw": the slides' 0–255)."""
    pictures = np.asarray(pictures)
    return _as_probabilities(model, model.predict(model_input(pictures, pictures.shape[1:], scaling), verbose=0))


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """Right answers / test images, per class (a row of the confusion matrix); NaN for a class with none."""
    confusion = np.asarray(confusion, dtype=float)
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / totals, np.nan)


def most_confused(confusion) -> tuple[int, int, int] | None:
    """The most common mistake in a confusion matrix (rows: true class, columns: predicted):
    (true, predicted, count) of its largest off-diagonal cell, the first in reading order on a tie;
    None when there is no mistake at all (a class with no test images is a row of zeros)."""
    off = np.array(confusion, dtype=np.int64, copy=True)
    np.fill_diagonal(off, 0)
    if not off.any():
        return None
    true, predicted = np.unravel_index(int(off.argmax()), off.shape)
    return int(true), int(predicted), int(off[true, predicted])


_probes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_probe_lock = threading.Lock()


def _probe(model):
    """A model with one output per convolution/pooling layer (built once per trained model)."""
    with _probe_lock:
        probe = _probes.get(model)
        if probe is None:
            import keras

            chosen = [layer for layer in model.layers if type(layer).__name__ in MAP_LAYERS]
            probe = (keras.Model(model.input, [layer.output for layer in chosen]) if chosen else None, chosen)
            _probes[model] = probe
        return probe


def feature_maps(model, image: np.ndarray, input_shape, scaling: str) -> list[tuple[str, str, np.ndarray]]:
    """(layer name, layer class, maps (H, W, channels)) after each Conv2D and pooling layer."""
    probe, chosen = _probe(model)
    if probe is None:
        return []
    outs = probe(model_input(image, input_shape, scaling), training=False)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    return [(layer.name, type(layer).__name__, np.asarray(out)[0]) for layer, out in zip(chosen, outs, strict=True)]


def first_filters(model) -> np.ndarray | None:
    """The first Conv2D layer's filters for the first input channel: (filters, kh, kw)."""
    for layer in model.layers:
        if type(layer).__name__ == "Conv2D":
            kernel = np.asarray(layer.get_weights()[0])  # (kh, kw, in_channels, filters)
            return kernel[:, :, 0, :].transpose(2, 0, 1)
    return None


# Classic hand-made filters to set beside the learned ones (cnnlib.filters, §1 and §4).
CLASSIC = ("sobel_x", "sobel_y", "lecture_horizontal", "vertical", "diagonal_down", "diagonal_up", "blur", "sharpen")


def classic_similarity(filters: np.ndarray, images: np.ndarray) -> np.ndarray:
    """How alike each learned filter is to each classic filter: (filters, len(CLASSIC)) Pearson r.

    Compared by what they do, not by their numbers (a 5×5 and a 3×3 filter): the correlation of
    their feature maps over all pixels of `images` ('same' padding). r near ±1 = the same
    detector (−1: with its sign flipped); a filter with only positive weights looks like blur.
    """
    imgs = [np.asarray(img, dtype=float) / 255.0 for img in images]
    classic = [np.concatenate([conv2d(i, FILTER_PRESETS[name], padding="same").ravel() for i in imgs])
               for name in CLASSIC]
    out = np.zeros((len(filters), len(CLASSIC)))
    for a, f in enumerate(filters):
        learned = np.concatenate([conv2d(i, f, padding="same").ravel() for i in imgs])
        for b, ref in enumerate(classic):
            if learned.std() > 0 and ref.std() > 0:
                out[a, b] = np.corrcoef(learned, ref)[0, 1]
    return out
