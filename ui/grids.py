"""Grid widgets: a clickable 0/1 input and a 'paste numbers' box (a filter's editor: ui/weight_editor.py).

The source of truth is one array the widget does not own (``Cells``: a field of a page's record, or a
session key); widgets only write into it through callbacks, so nothing is lost when a rerun happens
mid-edit (and no edited frame is fed back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from cnnlib.grids import CheckedGrid, check_grid
from ui.i18n import t


@dataclass(frozen=True)
class Cells:
    """Where a grid's one truth lives: ``get()`` reads it, ``put(grid)`` replaces it (both run in callbacks too)."""

    get: Callable[[], np.ndarray]
    put: Callable[[np.ndarray], None]


def session_cells(key: str, default: np.ndarray) -> Cells:
    """A grid kept in ``st.session_state[key]`` (``default`` until something is put there)."""
    return Cells(lambda: np.asarray(st.session_state.get(key, default), dtype=float),
                 lambda grid: st.session_state.__setitem__(key, np.array(grid, dtype=float)))


def _label(value: float) -> str:
    return f"{value:g}"


GRID_CSS = """<style>
.st-key-{key} {{ max-width: {width}px; }}
.st-key-{key} [data-testid="stHorizontalBlock"] {{ gap: 2px; flex-wrap: nowrap; }}
.st-key-{key} [data-testid="stColumn"] {{ min-width: 0; }}
.st-key-{key} [data-testid="stVerticalBlock"] {{ gap: 2px; }}
.st-key-{key} button {{ min-height: 0; height: {px}px; min-width: 0; padding: 0; line-height: 1; border-radius: 4px; }}
.st-key-{key} button p {{ font-size: {font}px; }}
</style>"""


def toggle_grid(key: str, cells: Cells, *, cell_px: int = 26) -> None:
    """Each cell a small button (keys ``{key}_cell_{r}_{c}``): click toggles 0 ↔ 1 (any non-zero value becomes 0).

    Compact: one st.columns call (a column per grid column: every extra st.columns costs about 2 ms
    a rerun), buttons cell_px high with no padding, so the 0/1 labels fit at 150 % zoom too.
    """
    grid = cells.get()
    rows, cols = grid.shape

    def toggle(r: int, c: int) -> None:
        g = cells.get().copy()
        g[r, c] = 0.0 if g[r, c] else 1.0
        cells.put(g)

    box = f"{key}_grid"
    st.html(GRID_CSS.format(key=box, px=cell_px, font=max(11, cell_px // 2), width=cols * (cell_px + 8)))
    with st.container(key=box):
        for c, col in enumerate(st.columns(cols, gap=None)):
            for r in range(rows):
                col.button(
                    _label(grid[r, c]),
                    key=f"{key}_cell_{r}_{c}",
                    type="primary" if grid[r, c] else "secondary",
                    on_click=toggle,
                    args=(r, c),
                    help=f"x{r * cols + c + 1}",
                    width="stretch",
                )


def parse_pasted(text: str, shape: tuple[int, int], lo: float, hi: float) -> CheckedGrid:
    """Rows on lines, cells split by spaces, commas or tabs (what a copy from a sheet gives)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    rows = [line.replace(",", " ").replace("\t", " ").split() for line in lines]
    if len(rows) != shape[0] or any(len(row) != shape[1] for row in rows):
        # keep the ragged input so check_grid reports the shape
        return check_grid(np.array(rows, dtype=object) if rows else np.zeros((0, 0)), shape, lo, hi)
    return check_grid(rows, shape, lo, hi)


def show_problems(checked: CheckedGrid, lo: float, hi: float) -> None:
    """Say in the current language what was refused or clamped, cell by cell."""
    if not checked.problems:
        return
    if checked.problems[0].kind == "shape":
        st.error(t("grids.bad_shape"))
        return
    lines = [
        t(f"grids.{p.kind}", cell=f"({p.row + 1}, {p.col + 1})", raw=p.raw, lo=f"{lo:g}", hi=f"{hi:g}")
        for p in checked.problems[:8]
    ]
    more = len(checked.problems) - len(lines)
    if more > 0:
        lines.append(t("grids.more", n=more))
    box = st.error if not checked.ok else st.warning
    box("\n\n".join([t("grids.refused") if not checked.ok else t("grids.clamped_note"), *[f"- {line}" for line in lines]]))


def paste_box(key: str, cells: Cells, shape: tuple[int, int], lo: float, hi: float) -> None:
    """A text area + apply button; a bad paste changes nothing and says why.

    Applying runs in the button's callback, before any widget is drawn, so it may set the
    values of other widgets (the filter's number inputs).
    """
    current = cells.get()
    text = "\n".join(" ".join(f"{v:g}" for v in row) for row in np.asarray(current))
    shown = f"_{key}_shown"
    if st.session_state.get(shown) != text or key not in st.session_state:
        st.session_state[key] = text
        st.session_state[shown] = text

    def apply() -> None:
        checked = parse_pasted(st.session_state.get(key, ""), shape, lo, hi)
        st.session_state[f"{key}_result"] = checked
        if checked.ok:
            cells.put(checked.values)

    st.text_area(t("grids.paste_label", rows=shape[0], cols=shape[1]), key=key, height=68 + 22 * shape[0])
    st.button(t("grids.apply"), key=f"{key}_apply", on_click=apply)
    result = st.session_state.pop(f"{key}_result", None)
    if result is not None:
        show_problems(result, lo, hi)
        if result.ok and not result.problems:
            st.success(t("grids.applied"))
