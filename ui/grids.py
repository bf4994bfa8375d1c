"""Grid widgets: a clickable 0/1 input, a 3×3 weight grid, and a 'paste numbers' box.

The source of truth is always an array in session_state; widgets only write into it through
callbacks, so nothing is lost when a rerun happens mid-edit (and no edited frame is fed back).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnnlib.grids import CheckedGrid, check_grid
from ui.i18n import t


def _label(value: float) -> str:
    return f"{value:g}"


def toggle_grid(state_key: str) -> None:
    """Each cell a button: click toggles 0 ↔ 1 (any non-zero value becomes 0)."""
    grid = st.session_state[state_key]

    def toggle(r: int, c: int) -> None:
        g = st.session_state[state_key].copy()
        g[r, c] = 0.0 if g[r, c] else 1.0
        st.session_state[state_key] = g

    for r in range(grid.shape[0]):
        for c, col in enumerate(st.columns(grid.shape[1], gap="small")):
            col.button(
                _label(grid[r, c]),
                key=f"{state_key}_cell_{r}_{c}",
                type="primary" if grid[r, c] else "secondary",
                on_click=toggle,
                args=(r, c),
                use_container_width=True,
                help=f"x{r * grid.shape[1] + c + 1}",
            )


def weight_grid(prefix: str, shape: tuple[int, int], lo: float, hi: float, step: float = 0.5) -> np.ndarray:
    """kh×kw number inputs labelled w1 … w9 as on the slide; returns the current weights."""
    values = np.zeros(shape)
    for r in range(shape[0]):
        for c, col in enumerate(st.columns(shape[1], gap="small")):
            i = r * shape[1] + c
            values[r, c] = col.number_input(f"w{i + 1}", min_value=lo, max_value=hi, step=step, key=f"{prefix}_{i}", format="%g")
    return values


def set_weights(prefix: str, grid: np.ndarray) -> None:
    for i, v in enumerate(np.asarray(grid, dtype=float).ravel()):
        st.session_state[f"{prefix}_{i}"] = float(v)


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
    box(("\n\n".join([t("grids.refused") if not checked.ok else t("grids.clamped_note"), *[f"- {line}" for line in lines]])))


def paste_box(key: str, state_key: str, shape: tuple[int, int], lo: float, hi: float, on_ok=None) -> None:
    """A text area + apply button; a bad paste changes nothing and says why.

    Applying runs in the button's callback, before any widget is drawn, so it may set the
    values of other widgets (the filter's number inputs).
    """
    current = st.session_state[state_key] if state_key in st.session_state else np.zeros(shape)
    default = "\n".join(" ".join(f"{v:g}" for v in row) for row in np.asarray(current))

    def apply() -> None:
        checked = parse_pasted(st.session_state.get(key, ""), shape, lo, hi)
        st.session_state[f"{key}_result"] = checked
        if checked.ok:
            (on_ok or (lambda g: st.session_state.__setitem__(state_key, g)))(checked.values)

    st.text_area(t("grids.paste_label", rows=shape[0], cols=shape[1]), value=default, key=key, height=68 + 22 * shape[0])
    st.button(t("grids.apply"), key=f"{key}_apply", on_click=apply)
    result = st.session_state.pop(f"{key}_result", None)
    if result is not None:
        show_problems(result, lo, hi)
        if result.ok and not result.problems:
            st.success(t("grids.applied"))
