"""Lecture §7 with no internet: notMNIST-like letters A–J, (N, 28, 28, 1), drawn by our own generator.

notMNIST is the letters A–J in many fonts, white on black, 28×28. Offline, we render the same
kind of set from the fonts that the packages in requirements.txt already ship:

- Pillow's own default font (``ImageFont.load_default(size)``, a TrueType since Pillow 10.1);
- the web fonts inside Streamlit's front end (KaTeX's Main/Sans/Typewriter/Caligraphic/Fraktur/
  Script…, Source Sans/Serif/Code — variable fonts drawn at two weights).

Each picture gets a random font, size, position, rotation and stroke; the same ``seed`` gives
the same set on any machine with the same requirements (matplotlib's fonts are deliberately NOT
used: they would make the set depend on what else happens to be installed).

No TensorFlow; numpy + Pillow, and Streamlit's files are only read from disk (never imported).
"""

from __future__ import annotations

import glob
import importlib.util
import math
import os
import threading
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cnnlib.image_folders import ImageFolderSet
from cnnlib.images import SIZE

LETTERS = tuple("ABCDEFGHIJ")  # notMNIST's ten classes
RENDER_PX = 72  # glyphs are drawn once at this size, then scaled, turned and shifted per picture
STROKES = (0, 2, 4)  # extra outline in pixels at RENDER_PX: regular, bold, heavy
MAX_ROTATION = 15.0  # degrees, either way
FILL = (0.6, 0.95)  # the turned letter's longer side, as a fraction of the picture's side
VARIABLE_WEIGHTS = (300, 750)  # a variable font gives a light and a bold face
_SUPERSAMPLE = 2  # draw at 2× and average 2×2 blocks: smooth edges like notMNIST's


@dataclass(frozen=True)
class LetterFont:
    """One face the generator draws with: its display name and where it came from."""

    name: str
    package: str  # "Pillow" or "streamlit"
    path: str  # "" for Pillow's built-in font


_lock = threading.Lock()
_faces: list[tuple[LetterFont, ImageFont.FreeTypeFont | ImageFont.ImageFont]] = []
_glyphs: dict[tuple[int, str, int], Image.Image] = {}


def _font_files() -> list[tuple[str, str]]:
    """(package, path) of every font file inside the packages the app depends on, sorted."""
    found = []
    spec = importlib.util.find_spec("streamlit")  # locates the package without importing it
    if spec is not None and spec.submodule_search_locations:
        static = os.path.join(spec.submodule_search_locations[0], "static")
        for pattern in ("*.ttf", "*.otf", "*.woff2", "*.woff"):
            found += [("streamlit", p) for p in glob.glob(os.path.join(static, "**", pattern), recursive=True)]
    return sorted(found, key=lambda item: os.path.basename(item[1]))


def _has_letters(face) -> bool:
    """True when A–J are ten different real glyphs (not ten copies of the 'missing' box)."""
    try:
        masks = {(m.size, bytes(m)) for m in (face.getmask(ch) for ch in LETTERS)}
        missing = face.getmask("\ue000")
    except Exception:  # noqa: BLE001 (a font FreeType cannot use is simply not used)
        return False
    return len(masks) == len(LETTERS) and (missing.size, bytes(missing)) not in masks


def _face_name(face, fallback: str) -> str:
    try:
        family, style = face.getname()
        return f"{family} {style}".strip()
    except Exception:  # noqa: BLE001
        return fallback


def _load_faces() -> list[tuple[LetterFont, object]]:
    faces: list[tuple[LetterFont, object]] = []
    default = ImageFont.load_default(size=RENDER_PX)
    faces.append((LetterFont(_face_name(default, "Pillow default"), "Pillow", ""), default))
    for package, path in _font_files():
        try:
            face = ImageFont.truetype(path, RENDER_PX)
        except OSError:  # e.g. a FreeType built without WOFF2 (brotli) support
            continue
        try:
            axes = face.get_variation_axes()
        except (OSError, AttributeError):
            axes = []
        variants = []
        if axes:
            for weight in VARIABLE_WEIGHTS:
                variant = ImageFont.truetype(path, RENDER_PX)
                variant.set_variation_by_axes([weight] + [axis["default"] for axis in axes[1:]])
                variants.append((f"{_face_name(face, os.path.basename(path))} {weight}", variant))
        else:
            variants.append((_face_name(face, os.path.basename(path)), face))
        for name, variant in variants:
            if _has_letters(variant):
                faces.append((LetterFont(name, package, path), variant))
    return faces


def _draw_glyph(face, letter: str, stroke: int) -> Image.Image:
    if not isinstance(face, ImageFont.FreeTypeFont):
        stroke = 0  # Pillow without FreeType: the bitmap font has no outline
    left, top, right, bottom = face.getbbox(letter, stroke_width=stroke)
    canvas = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(canvas).text(
        (2 - left, 2 - top), letter, font=face, fill=255, stroke_width=stroke, stroke_fill=255
    )
    box = canvas.getbbox()
    return canvas.crop(box) if box else canvas


def _prepare() -> None:
    """Find the fonts and draw every (font, letter, stroke) once; FreeType faces are not thread-safe."""
    with _lock:
        if _faces:
            return
        faces = _load_faces()
        for i, (_, face) in enumerate(faces):
            for letter in LETTERS:
                for stroke in STROKES:
                    _glyphs[i, letter, stroke] = _draw_glyph(face, letter, stroke)
        _faces.extend(faces)


def available_fonts() -> tuple[LetterFont, ...]:
    """The faces the generator draws with on this machine (found once per process)."""
    _prepare()
    return tuple(font for font, _ in _faces)


def _place(glyph: Image.Image, angle: float, fill: float, shift: tuple[float, float]) -> np.ndarray:
    """One letter → (28, 28) uint8: scaled so its turned box fills `fill` of the side, then shifted."""
    big = SIZE * _SUPERSAMPLE
    gw, gh = glyph.size
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    width, height = abs(gw * cos) + abs(gh * sin), abs(gw * sin) + abs(gh * cos)
    scale = fill * big / max(width, height)
    room_x, room_y = (big - width * scale) / 2, (big - height * scale) / 2
    cx, cy = big / 2 + shift[0] * room_x, big / 2 + shift[1] * room_y
    # the affine map goes from each output pixel back to the glyph: rotate by -angle, divide by scale
    a, b, d, e = cos / scale, -sin / scale, sin / scale, cos / scale
    matrix = (a, b, gw / 2 - a * cx - b * cy, d, e, gh / 2 - d * cx - e * cy)
    turned = glyph.transform((big, big), Image.Transform.AFFINE, matrix, Image.Resampling.BILINEAR)
    return np.asarray(turned.reduce(_SUPERSAMPLE))


def make_letters(per_class: int = 300, seed: int = 0) -> ImageFolderSet:
    """notMNIST-like A–J: per_class pictures of each letter, white on black, (10·per_class, 28, 28, 1) uint8.

    The same seed gives the same pictures (on the same set of installed fonts). Returned like an
    uploaded archive (``ImageFolderSet``), so the page and the training treat both alike.
    """
    if per_class < 1:
        raise ValueError("per_class must be at least 1")
    _prepare()
    rng = np.random.default_rng(seed)
    n = per_class * len(LETTERS)
    fonts = rng.integers(0, len(_faces), n)
    strokes = rng.integers(0, len(STROKES), n)
    angles = rng.uniform(-MAX_ROTATION, MAX_ROTATION, n)
    fills = rng.uniform(*FILL, n)
    shifts = rng.uniform(-0.9, 0.9, (n, 2))
    images = np.empty((n, SIZE, SIZE, 1), dtype=np.uint8)
    labels, files = [], []
    for i in range(n):
        letter = LETTERS[i // per_class]
        glyph = _glyphs[int(fonts[i]), letter, STROKES[int(strokes[i])]]
        images[i, :, :, 0] = _place(glyph, float(angles[i]), float(fills[i]), tuple(shifts[i]))
        labels.append(letter)
        files.append(f"{letter}/{_faces[int(fonts[i])][0].name}/{i:05d}")
    return ImageFolderSet(
        images=images,
        labels=np.array(labels, dtype=object),
        class_names=LETTERS,
        files=tuple(files),
        root="letters",
    )
