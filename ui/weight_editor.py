"""One filter, one truth: sliders laid out as the filter, number boxes and a paste box that never disagree.

The truth is a float array the editor does not own (``ui.grids.Cells``: e.g. the ``w`` of a page's
record). Every widget writes into it only through its on_change callback; before drawing, the editor
copies the truth into each widget's session value (allowed before a widget is drawn), so a slider, its
number box and the paste text always show what the map uses. Widget keys never change (a remounted
slider would lose its focus and with it the arrow-key stepping).

Keys: slider ``{key}_s{i}``, number box ``{key}_n{i}`` (see ``box_key``), paste text ``{key}_paste`` and its
button ``{key}_paste_apply``; i counts row by row from 0. The boxes and the paste box sit in a container
keyed ``{key}_typed`` (CSS class ``st-key-{key}_typed``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from cnnlib.grids import CheckedGrid
from ui.grids import Cells, parse_pasted, show_problems
from ui.i18n import t


def _text(grid: np.ndarray) -> str:
    return "\n".join(" ".join(f"{v + 0.0:g}" for v in row) for row in np.asarray(grid, dtype=float))


def _truth(cells: Cells, shape: tuple[int, int]) -> np.ndarray:
    grid = np.asarray(cells.get(), dtype=float)
    if grid.shape != tuple(shape):
        raise ValueError(f"the editor shows {shape}, its cells hold {grid.shape}")
    return grid


def _sync(key: str, value) -> bool:
    """Set a widget's value only when it differs: an unchanged widget gets no new value from the server.
    Returns whether it was set."""
    if st.session_state.get(key) != value:
        st.session_state[key] = value
        return True
    return False


def weight_editor(
    key: str,
    cells: Cells,
    shape: tuple[int, int],
    lo: float,
    hi: float,
    *,
    step: float = 0.5,
    on_edit: Callable[[], None] | None = None,
    numbers: bool = True,
    paste: bool = True,
    box_key: str = "{key}_n{i}",
    label: Callable[[int], str] | None = None,
    expander: str | None = None,
    lazy: bool = False,
    sliders: bool = True,
) -> np.ndarray:
    """Sliders laid out as the filter (labelled w1 … wN as on the slide), optional number boxes and a
    paste box (widget keys start with `key`), all editing `cells` (a float array of `shape`, the ONE truth).
    Returns the truth.

    on_edit: called (in the widget callback) after any manual edit — e.g. to mark the preset "custom".
    box_key: the number boxes' keys, formatted with key and i (0-based).
    label: the i-th cell's label (0-based i); default "w{i+1}".
    expander: the number boxes and the paste box sit in an expander with this title
        (default "숫자로 입력하기" / "Type the numbers"); "" draws them open, below the sliders.
    lazy: draw the boxes and the paste box only while the expander is open (its state is
        st.session_state[f"{key}_typed_open"]; opening it reruns). Every number box costs
        Streamlit a scan of the whole session state (about 0.5 ms) on every rerun, open or not.
    sliders: False when the sliders live elsewhere (§4's workbench draws its own in the browser).
    """
    rows, cols = shape
    truth = _truth(cells, shape)
    name = label or (lambda i: f"w{i + 1}")
    slider_keys = [f"{key}_s{i}" for i in range(rows * cols)]
    boxes = [box_key.format(key=key, i=i) for i in range(rows * cols)]
    paste_key, shown_key, said_key = f"{key}_paste", f"_{key}_paste_shown", f"_{key}_said"

    def write(i: int, value: float) -> None:
        grid = _truth(cells, shape).copy()
        grid.flat[i] = value
        cells.put(grid)
        if on_edit is not None:
            on_edit()

    def from_slider(i: int) -> None:
        value = st.session_state.get(slider_keys[i])
        if value is not None:
            write(i, float(min(max(float(value), lo), hi)))

    def from_box(i: int) -> None:
        raw = st.session_state.get(boxes[i])
        if raw is None or not np.isfinite(raw):  # an emptied box: keep the weight, the box shows it again
            st.session_state[said_key] = ("box_empty", i, raw)
            return
        value = float(min(max(float(raw), lo), hi))
        if value != raw:
            st.session_state[said_key] = ("box_clamped", i, raw)
        write(i, value)

    def from_paste() -> None:
        checked = parse_pasted(st.session_state.get(paste_key, ""), shape, lo, hi)
        st.session_state[said_key] = ("paste", checked)
        if checked.ok:
            cells.put(checked.values)
            if on_edit is not None:
                on_edit()

    # the truth into every widget, before any is drawn
    # A slider given its value skips Streamlit's scan of the whole session state (about 0.5 ms a widget);
    # one just set from the truth is given none (Streamlit would log that both were set).
    given = [None if sliders and _sync(slider_keys[i], float(v)) else float(v) for i, v in enumerate(truth.ravel())]
    title = t("grids.type_numbers") if expander is None else expander
    open_key = f"{key}_typed_open"
    typed = not (lazy and title) or bool(st.session_state.get(open_key, False))  # boxes and paste drawn this run
    for i, v in enumerate(truth.ravel()):
        if numbers and typed:
            _sync(boxes[i], float(v))
    text = _text(truth)
    if paste and typed and (st.session_state.get(shown_key) != text or paste_key not in st.session_state):
        st.session_state[paste_key] = text  # weights changed elsewhere: the paste box shows them (a refused paste keeps its text)
        st.session_state[shown_key] = text

    fmt = "%g"
    for r in range(rows if sliders else 0):
        for c, col in enumerate(st.columns(cols, gap="small")):
            i = r * cols + c
            col.slider(name(i), min_value=float(lo), max_value=float(hi), value=given[i], step=float(step), key=slider_keys[i],
                       format=fmt, on_change=from_slider, args=(i,))

    said = st.session_state.pop(said_key, None)
    if not (numbers or paste):
        return _truth(cells, shape)
    with st.container(key=f"{key}_typed"):
        block = (st.expander(title, key=open_key, on_change="rerun") if lazy else st.expander(title)) if title else st.container()
    with block:
        if numbers and typed:
            for r in range(rows):
                for c, col in enumerate(st.columns(cols, gap="small")):
                    i = r * cols + c
                    # no min/max on the box: the browser would keep an out-of-range number in a red box
                    # that the map does not use; the callback clamps it and says so instead
                    col.number_input(name(i), step=float(step), key=boxes[i], format=fmt, on_change=from_box, args=(i,))
        if paste and typed:
            st.text_area(t("grids.paste_label", rows=rows, cols=cols), key=paste_key, height=68 + 22 * rows)
            st.button(t("grids.apply"), key=f"{paste_key}_apply", on_click=from_paste)
        if said is not None:
            _say(said, name, lo, hi)
    return _truth(cells, shape)


def _say(said: tuple, name: Callable[[int], str], lo: float, hi: float) -> None:
    """What the last edit did, in the student's language: a clamped or empty box, a paste's problems."""
    kind = said[0]
    if kind == "paste":
        checked: CheckedGrid = said[1]
        show_problems(checked, lo, hi)
        if checked.ok and not checked.problems:
            st.success(t("grids.applied"))
    elif kind == "box_clamped":
        _, i, raw = said
        st.warning(t("grids.box_clamped", name=name(i), raw=f"{raw:g}", lo=f"{lo:g}", hi=f"{hi:g}",
                     value=f"{min(max(raw, lo), hi):g}"))
    elif kind == "box_empty":
        st.warning(t("grids.box_empty", name=name(said[1])))

