"""Small images drawn by the server: a digit enlarged with sharp pixels."""

from __future__ import annotations

import numpy as np
from PIL import Image


def enlarge(img: np.ndarray, scale: int = 5) -> Image.Image:
    """A 0–255 (or 0–1) grayscale array as a crisp, enlarged picture."""
    a = np.asarray(img, dtype=float)
    if a.max() <= 1.0:
        a = a * 255.0
    pil = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), mode="L")
    return pil.resize((pil.width * scale, pil.height * scale), Image.Resampling.NEAREST)
