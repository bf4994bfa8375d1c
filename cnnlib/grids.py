"""Numbers typed into a grid (a filter, an input, a feature map): checked before any maths.

A student can type anything. Empty, text and NaN cells are refused (the last valid grid stays);
±inf and huge numbers are clamped into the allowed range. Problems come back as data, and the
page says them in the student's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Problem:
    """One bad cell: kind is 'empty', 'text', 'nan' (refused) or 'clamped'."""

    row: int
    col: int
    kind: str
    raw: str = ""

    @property
    def refused(self) -> bool:
        return self.kind != "clamped"


@dataclass
class CheckedGrid:
    values: np.ndarray | None  # None when any cell was refused
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.values is not None


def _cell(raw: object, lo: float, hi: float) -> tuple[float | None, str | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, "empty"
    if isinstance(raw, (bool, np.bool_)):
        return float(raw), None
    try:
        value = float(raw.strip().replace("−", "-") if isinstance(raw, str) else raw)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None, "text"
    if math.isnan(value):
        return None, "nan"
    if value < lo or value > hi:
        return min(max(value, lo), hi), "clamped"
    return value, None


def check_grid(rows: object, shape: tuple[int, int], lo: float, hi: float) -> CheckedGrid:
    """Turn anything grid-like (lists, an array, a DataFrame's values) into a float array of `shape`."""
    data = np.asarray(rows, dtype=object)
    if data.shape != tuple(shape):
        return CheckedGrid(None, [Problem(-1, -1, "shape", f"{data.shape}")])
    values = np.zeros(shape)
    problems = []
    for (r, c), raw in np.ndenumerate(data):
        value, kind = _cell(raw, lo, hi)
        if kind:
            problems.append(Problem(r, c, kind, str(raw)[:20]))
        if value is not None:
            values[r, c] = value
    refused = any(p.refused for p in problems)
    return CheckedGrid(None if refused else values, problems)


def grid_to_text(grid: np.ndarray) -> str:
    """A grid as one URL-friendly line: '-1,-1,-1,2,2,2,-1,-1,-1' (row-major)."""
    return ",".join(f"{v:g}" for v in np.asarray(grid, dtype=float).ravel())


def grid_from_text(text: str, shape: tuple[int, int], lo: float, hi: float) -> CheckedGrid:
    """The inverse of grid_to_text, through the same checks (a hand-edited link is input too)."""
    cells = str(text).split(",")
    if len(cells) != shape[0] * shape[1]:
        return CheckedGrid(None, [Problem(-1, -1, "shape", str(len(cells)))])
    return check_grid(np.array(cells, dtype=object).reshape(shape), shape, lo, hi)


def bits_to_hex(grid: np.ndarray) -> str | None:
    """A 0/1 grid as hex (8×8 → 16 characters), or None when a cell is not 0 or 1."""
    flat = np.asarray(grid, dtype=float).ravel()
    if not np.isin(flat, (0.0, 1.0)).all():
        return None
    number = int("".join("1" if v else "0" for v in flat), 2)
    return f"{number:0{(flat.size + 3) // 4}x}"


def hex_to_bits(text: str, shape: tuple[int, int]) -> np.ndarray | None:
    """The inverse of bits_to_hex; None when the text is not such a grid."""
    size = shape[0] * shape[1]
    try:
        number = int(text, 16)
    except (TypeError, ValueError):
        return None
    if len(text) != (size + 3) // 4 or number >= 1 << size:
        return None
    return np.array([float(b) for b in f"{number:0{size}b}"]).reshape(shape)
