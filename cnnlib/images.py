"""One picture of any format Pillow reads → the lecture's 28×28 grey, as notMNIST stores it.

Pixels stay as the picture has them (notMNIST: a white letter on black); uint8 0–255. A picture
that is not square keeps its aspect ratio and is padded with its own paper colour. Pixel bombs (a
3 KB PNG that claims 5000×5000) are refused from the header, before a single pixel is decoded: each
picture has a budget of pixels and of decoded bytes, and an archive has one for all its pictures
together (``PixelBudget``). A big JPEG photo is decoded at 1/2…1/8 scale (``draft``) and any big
picture is box-reduced in its own mode (``reduce``) before it is turned grey, so memory stays near
one decoded copy.

numpy + Pillow only: no TensorFlow here.
"""

from __future__ import annotations

import io
import os

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from cnnlib import archives
from cnnlib.archives import Skip
from cnnlib.dataset import DatasetError

SIZE = 28  # the lecture's images are 28×28
MAX_IMAGE_PIXELS = 25_000_000  # width × height, checked from the header BEFORE decoding
# Bytes one picture may take decoded (its decoded copy plus the one conversion it may need): a 12 MP
# phone PNG (4000×3000 RGB, 48 MB in Pillow's 4-byte pixels) passes; 5000×5000 RGBA (100 MB decoded,
# +200 MB to reduce with its alpha) or float (100 MB) does not. Checked from the header.
MAX_IMAGE_BYTES = 64 * 2**20
# Pixels all pictures of one archive may decode together. Decoding runs at ~40 ms per 25 MP 1-bit PNG
# (issue 9 #4, measured on the class server): 250 MP is ~0.5 s of CPU, and still 300 phone JPEGs
# (12 MP, decoded at 1/8 scale: 0.19 MP each), 5,000 pictures of 224×224 or all of notMNIST (15 MP).
MAX_ARCHIVE_PIXELS = 250_000_000

# Every format Pillow can open, except EPS: Pillow hands EPS to Ghostscript (a subprocess).
# Pillow tries them in this order, so the common ones go first (PNG first: ~2× faster opens).
Image.init()
_COMMON = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP")
_FORMATS = tuple(f for f in _COMMON if f in Image.OPEN) + tuple(
    sorted(f for f in Image.OPEN if f not in _COMMON and f != "EPS")
)
_IMAGE_SUFFIXES = {
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".dib", ".tif", ".tiff", ".webp", ".ppm", ".pgm",
    ".pbm", ".pnm", ".ico", ".tga", ".psd", ".jp2", ".j2k", ".avif", ".qoi", ".pcx", ".sgi",
}  # fmt: skip


class PixelBudget:
    """The pixels the pictures of one archive may still decode (``MAX_ARCHIVE_PIXELS``)."""

    def __init__(self, limit: int | None = None):
        self.limit = MAX_ARCHIVE_PIXELS if limit is None else limit
        self.left = self.limit

    def charge(self, pixels: int) -> None:
        if pixels > self.left:
            raise Skip("pixel_budget", limit=self.limit // 1_000_000)
        self.left -= pixels


def _pixel_bytes(mode: str) -> int:
    """Bytes per pixel in Pillow's memory: 1 for 1/L/P, 2 for 16-bit, 4 for the rest (RGB too)."""
    if mode in ("1", "L", "P"):
        return 1
    return 2 if mode.startswith("I;16") else 4


def _reducible(mode: str) -> str:
    """The mode a picture needs before ``Image.reduce`` (which refuses 1, P and 16-bit)."""
    if mode == "1":
        return "L"
    if mode.startswith("I;16"):
        return "I"
    return mode


def _decoded_bytes(image: Image.Image) -> int:
    """What decoding and shrinking this picture costs in memory, from its header only."""
    w, h = image.size
    mode = image.mode
    if mode == "P":
        mode = "RGBA" if "transparency" in image.info else "L"
        extra = _pixel_bytes(mode)
    else:
        extra = 0 if _reducible(mode) == mode else _pixel_bytes(_reducible(mode))
    if mode in ("RGBA", "LA"):  # Image.reduce works on a premultiplied copy
        extra += 4
    return w * h * (_pixel_bytes(image.mode) + extra)


def decode(data: bytes, name: str, budget: PixelBudget | None = None) -> np.ndarray:
    """Bytes of any image Pillow reads → (28, 28) uint8; ``Skip`` with the reason when it cannot be used.

    budget: the archive's ``PixelBudget``; this picture's decoded pixels are charged to it first.
    """
    if len(data) < 8:  # no format's header fits (Pillow would try each of its ~40 openers: 50 µs)
        raise Skip("unreadable" if _looks_like_image(name) else "not_image")
    try:
        image = Image.open(io.BytesIO(data), formats=_FORMATS)
    except UnidentifiedImageError:
        raise Skip("unreadable" if _looks_like_image(name) else "not_image") from None
    except Image.DecompressionBombError:
        raise Skip("too_many_pixels_header", limit=MAX_IMAGE_PIXELS // 1_000_000) from None
    except Exception:  # noqa: BLE001 (a malformed header can raise almost anything inside a plugin)
        raise Skip("unreadable") from None
    with image:
        w, h = image.size
        if w <= 0 or h <= 0:
            raise Skip("unreadable")
        if w * h > MAX_IMAGE_PIXELS:  # checked on the header's size, before a single pixel is decoded
            raise Skip("too_many_pixels", w=w, h=h, limit=MAX_IMAGE_PIXELS // 1_000_000)
        try:
            if image.format == "JPEG" and max(w, h) > 4 * SIZE:
                image.draft(None, (2 * SIZE, 2 * SIZE))  # decode a JPEG photo at 1/2…1/8 scale
        except Exception:  # noqa: BLE001
            raise Skip("unreadable") from None
        w, h = image.size  # after draft: what will really be decoded
        if _decoded_bytes(image) > MAX_IMAGE_BYTES:
            raise Skip("too_much_memory", w=w, h=h, limit=MAX_IMAGE_BYTES // 2**20)
        if budget is not None:
            budget.charge(w * h)
        try:
            image.load()
            grey = _to_grey(_shrink(image), sixteen_bit=image.mode.startswith("I;16"))
        except Exception:  # noqa: BLE001 (truncated data, a broken chunk, an odd mode: a skip, not a crash)
            raise Skip("unreadable") from None
    return _fit(grey)


def _shrink(image: Image.Image) -> Image.Image:
    """A big picture box-reduced in its own mode to about 3×28 on its longer side (before any float copy)."""
    factor = max(image.size) // (3 * SIZE)
    if factor <= 1:
        return image
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "L")
    elif _reducible(image.mode) != image.mode:
        image = image.convert(_reducible(image.mode))
    return image.reduce(factor)


def _looks_like_image(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in _IMAGE_SUFFIXES


def _to_grey(image: Image.Image, sixteen_bit: bool = False) -> np.ndarray:
    """Any mode → 2-D uint8 grey. 16-bit is scaled (not clipped); transparency is composited
    on the background that contrasts with the ink, so a black letter on clear stays visible."""
    mode = image.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        values = np.asarray(image, dtype=np.float64)
        if mode.startswith("I;16") or sixteen_bit:  # 16-bit (perhaps reduced as 32-bit "I") is scaled, not clipped
            values = values / 257.0
        else:
            lo, hi = float(values.min()), float(values.max())
            if lo < 0 or hi > 255:
                values = (values - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(values)
        return np.clip(np.rint(values), 0, 255).astype(np.uint8)
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if not has_alpha:
        return np.asarray(image.convert("L"))
    la = np.asarray(image.convert("RGBA").convert("LA"), dtype=np.float32)
    grey, alpha = la[..., 0], la[..., 1] / 255.0
    ink = alpha.sum()
    mean_ink = float((grey * alpha).sum() / ink) if ink > 0 else 255.0
    background = 0.0 if mean_ink >= 128 else 255.0  # light ink → black paper; dark ink → white paper
    return np.clip(np.rint(grey * alpha + background * (1 - alpha)), 0, 255).astype(np.uint8)


def _fit(grey: np.ndarray) -> np.ndarray:
    """Scale so the longer side is 28 (``ImageOps.pad``: aspect kept, centred), padding with the paper's colour."""
    if grey.shape == (SIZE, SIZE):
        return np.ascontiguousarray(grey)
    picture = Image.fromarray(grey, "L")
    factor = max(grey.shape) // (3 * SIZE)
    if factor > 1:  # a cheap box reduction first, as resize(reducing_gap=3) does: ~10× faster on a photo
        picture = picture.reduce(factor)
    return np.asarray(ImageOps.pad(picture, (SIZE, SIZE), Image.Resampling.LANCZOS, color=round(paper(grey))))


def paper(images: np.ndarray) -> float:
    """The median border pixel of (H, W) or (N, H, W) pictures: the colour of the paper."""
    a = np.asarray(images)
    a = a.reshape(-1, a.shape[-2], a.shape[-1])
    return float(np.median(np.concatenate([a[:, 0], a[:, -1], a[:, :, 0], a[:, :, -1]], axis=1)))


def load_image(source) -> np.ndarray:
    """One picture (a path, bytes or a file object) → (28, 28, 1) uint8, as the data set's images."""
    fileobj, _, ours = archives.open_source(source, archives.MAX_FILE_BYTES)  # the same limit as an archive's file
    try:
        data = fileobj.read()
    finally:
        if ours:
            fileobj.close()
    name = getattr(source, "name", str(source) if isinstance(source, (str, os.PathLike)) else "")
    try:
        return decode(data, name)[..., None]
    except Skip as problem:
        if problem.code.startswith("too_many_pixels"):
            raise DatasetError("image_too_large", limit=MAX_IMAGE_PIXELS // 1_000_000) from None
        if problem.code == "too_much_memory":
            raise DatasetError("image_too_much_memory", **problem.params) from None
        raise DatasetError("image_not_image" if problem.code == "not_image" else "image_unreadable") from None


def match_background(picture: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, bool]:
    """Invert one (28, 28, 1) picture when its paper is the opposite of the data set's (N, 28, 28, 1)
    (black ink on white for a model trained white on black). Returns (picture, inverted?)."""
    picture = np.asarray(picture)
    if (paper(picture[..., 0]) > 127) != (paper(np.asarray(reference)[..., 0]) > 127):
        return (255 - picture).astype(np.uint8), True
    return picture, False
