"""§3's widgets and figures: the page's record (``links.pages.FilterSets``) and its editor, the figures.

The whole setting is one record kept by ``SETTING`` (ui/page_setting.py): the filter set ``w`` (k×k×3,
edited one channel at a time through ``channel_cells``), its preset name ``fset`` (or "custom"), the bias,
the digit and seed of the lecture's stack, the picture's source, the open channel and the explained
cell (1-based as on the slides). Its link: ``fset``, ``k``, ``w`` (the weights when edited), ``b``,
``digit``, ``seed``. ``workbench`` is the page's editor: everything a filter edit changes, in one fragment.

The channel chooser, the chosen channel's weight sliders, the three filters and the partial maps with their sum are
drawn and computed in the browser (``static/filtersets.js``, mounted by ui/workbench.py): a drag redraws the maps on
every animation frame, and the edit comes back as ONE commit ``{seq, w, channel}`` (``apply_commit``).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping

import numpy as np
import streamlit as st
from PIL import Image

from cnnlib.convolution import output_size
from cnnlib.digits import examples_of
from cnnlib.filter_sets import (
    CHANNEL_NAMES,
    FILTER_SET_PRESETS,
    KERNEL_SIZES,
    WEIGHT_RANGE,
    LectureStack,
    apply_filter_set,
    cell_across_channels,
    filter_set_preset,
    lecture_stack,
)
from links.pages import CUSTOM, FILTER_SETS, FilterSets, filter_set_of
from ui import class_session, take_home
from ui import workbench as bench
from ui.charts import DIVERGING, GRAY, heatmap_spec, ready, window_box
from ui.grids import Cells
from ui.guard import guarded
from ui.i18n import CATALOGUE, labels, lang, t
from ui.page_setting import PageSetting
from ui.presenter import caption, presenting, text_px
from ui.weight_editor import weight_editor
from ui.workbench import compact

SETTING = PageSetting("filter-sets", FILTER_SETS)
CHANNELS = len(CHANNEL_NAMES)
CHOICES = (*FILTER_SET_PRESETS, CUSTOM)  # the dropdown: every preset, and what a manual edit makes
NO_BAR = {"displayModeBar": False}
BENCH = "filt_bench"  # the editor's component key (ui/workbench.py, static/filtersets.js)
MODULE = "filtersets.js"
WEIGHT_STEP = 0.5
CELL_INPUT = 160  # the bias, row and column boxes' width (px)
PRESET_WIDTH = 300  # the preset dropdown's (px): its longest name in full
WORDS = {name: f"filtersets.{name}"  # the editor's words by the name the module uses: catalogue keys (words/filtersets.py)
         for name in ("bench", "channel_editor", "weights_of", "filter_of", "partial", "sum_title", "save_png")}


def channel_cells(c: int) -> Cells:
    """Channel c's k×k filter of the set: a manual edit makes the set "custom"."""

    def put(grid: np.ndarray) -> None:
        w = SETTING.get().w.copy()
        w[:, :, c] = grid
        SETTING.update(w=w, fset=CUSTOM)

    return Cells(lambda: SETTING.get().w[:, :, c], put)


def choose_preset() -> None:
    """The dropdown's callback: a preset applies at once; "custom" keeps the weights as they are."""
    record = SETTING.get()
    if record.fset in FILTER_SET_PRESETS:
        SETTING.update(w=filter_set_preset(record.fset, record.k, CHANNELS))


def resized(w: np.ndarray, size: int) -> np.ndarray:
    """A custom filter set at the other size: the 3×3 centre of a 5×5, or a 3×3 framed by zeros."""
    k = w.shape[0]
    if size < k:
        m = (k - size) // 2
        return w[m:m + size, m:m + size].copy()
    out = np.zeros((size, size, w.shape[2]))
    m = (size - k) // 2
    out[m:m + k, m:m + k] = w
    return out


def choose_size() -> None:
    """The size's callback: a preset is redrawn at the new size; a custom set keeps its centre."""
    record = SETTING.get()
    if record.fset in FILTER_SET_PRESETS:
        SETTING.update(w=filter_set_preset(record.fset, record.k, CHANNELS))
    else:
        w = resized(record.w, record.k)
        SETTING.update(w=w, fset=filter_set_of(w))


def cell(oh: int, ow: int) -> tuple[int, int]:
    """The explained output cell, kept inside the map (a 5×5 set makes a smaller map): 0-based (row, col).

    The record holds it 1-based, as the slides count (None: the map's centre); call this before its widgets."""
    record = SETTING.get()
    row = min(max(int(record.row or oh // 2 + 1), 1), oh)
    col = min(max(int(record.col or ow // 2 + 1), 1), ow)
    if (row, col) != (record.row, record.col):
        SETTING.update(row=row, col=col)
    return row - 1, col - 1


# ---- the editor in the browser: static/filtersets.js -------------------------------------------------------


def bench_kit(language: str, img: np.ndarray) -> dict:
    """The editor's kit: its words in one language, the channels' names, the colour scale and the picture (h×wd×3
    uint8, flat, row by row, channels last). Sent while the browser lacks it (ui/workbench.py): once per session,
    language and picture, not with every commit."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    return _kit(language, img.tobytes(), img.shape)


@functools.lru_cache(maxsize=8)
def _kit(language: str, picture: bytes, shape: tuple[int, ...]) -> dict:
    h, wd = shape[:2]
    kit = {"words": {name: CATALOGUE[key][language] for name, key in WORDS.items()}, "scale": DIVERGING,
           "channels": list(CHANNEL_NAMES), "x": compact(np.frombuffer(picture, dtype=np.uint8)), "h": h, "wd": wd}
    return {**kit, "id": bench.kit_id(kit)}  # the id once, not a hash of 3,072 numbers on every run


def bench_state(record: FilterSets, row: int, col: int) -> dict:
    """What the editor shows besides its kit: the filter set (k·k·3 flat, in cnnlib's order), the bias, the chosen
    channel, the explained cell (1-based) and the weights' range and step."""
    return {"k": int(record.k), "w": compact(record.w), "b": float(record.b), "channel": int(record.channel),
            "row": int(row), "col": int(col), "lo": WEIGHT_RANGE[0], "hi": WEIGHT_RANGE[1], "step": WEIGHT_STEP}


def apply_commit(record: FilterSets, state: Mapping) -> FilterSets:
    """The record after one commit of the editor ({w: k·k·3 numbers, channel}); a value that cannot be used keeps the
    record's. New weights name the preset they are exactly, else "custom"."""
    changes: dict = {}
    k = record.k
    try:
        w = np.asarray(state.get("w"), dtype=float)
    except (TypeError, ValueError):
        w = None
    if w is not None and w.ndim == 1 and w.size == k * k * CHANNELS and np.all(np.isfinite(w)):
        w = np.clip(w.reshape(k, k, CHANNELS), *WEIGHT_RANGE)
        if not np.array_equal(w, record.w):
            changes.update(w=w, fset=filter_set_of(w))
    channel = state.get("channel")
    if type(channel) is int and 0 <= channel < CHANNELS and channel != record.channel:
        changes["channel"] = channel
    return record.but(**changes) if changes else record


def committed() -> None:
    """The editor's on_commit_change: its commit into the page's record (before the script runs)."""
    commit = bench.last_commit(BENCH)
    if commit:
        SETTING.set(apply_commit(SETTING.get(), commit))


# ---- figures: plain Plotly specs (charts.ready), 1-based cells on hover as on the slides --------


def chart(where, fig, key: str, config: dict | None = None) -> None:
    where.plotly_chart(fig, key=key, config=config or NO_BAR)



TEXT = "rgb(49, 51, 63)"  # Streamlit's text colour (annotations default to a grey)
AXIS = {"showticklabels": False, "showgrid": False, "zeroline": False, "ticks": "", "constrain": "domain"}


def _trace(values: np.ndarray, *, zrange: tuple[float, float] | None = None, diverging: bool = True) -> dict:
    """charts' heatmap trace with cells numbered from 1 (hover says (1, 1) for the top-left cell)."""
    values = np.asarray(values, dtype=float)
    trace = heatmap_spec(values, annotate=False, diverging=diverging, zrange=zrange, colorbar=False)["data"][0]
    trace["x"], trace["y"] = list(range(1, values.shape[1] + 1)), list(range(1, values.shape[0] + 1))
    return trace


def _cell_box(n: int, r0: int, c0: int, rows: int, cols: int) -> dict:
    """charts.window_box around 0-based cells [r0, r0+rows) × [c0, c0+cols) on the n-th axes (1-based coordinates)."""
    box = window_box(r0 + 1, c0 + 1, rows, cols, width=3)
    return {**box, "xref": "x" if n == 1 else f"x{n}", "yref": "y" if n == 1 else f"y{n}"}


def _grid(traces: list[dict], boxes: list[tuple[tuple[float, float], tuple[float, float]]], titles: list[str],
          height: int, right: int = 4, shapes: list[dict] | None = None):
    """Traces on their own axes, each in its paper box ((x0, x1), (y0, y1)) with its title above it."""
    layout = {"height": height, "margin": {"l": 4, "r": right, "t": 26, "b": 4}, "plot_bgcolor": "rgba(0,0,0,0)",
              "annotations": [], "shapes": shapes or []}
    for n, (trace, (x, y), title) in enumerate(zip(traces, boxes, titles, strict=True), start=1):
        suffix = "" if n == 1 else str(n)
        trace.update(xaxis=f"x{suffix}", yaxis=f"y{suffix}")
        layout[f"xaxis{suffix}"] = {**AXIS, "domain": list(x)}
        layout[f"yaxis{suffix}"] = {**AXIS, "domain": list(y), "autorange": "reversed", "scaleanchor": f"x{suffix}",
                                    "constraintoward": "top"}  # a narrow figure shrinks the map below its title
        layout["annotations"].append({"text": f"<b>{html.escape(title)}</b>", "x": (x[0] + x[1]) / 2, "y": y[1],
                                      "xref": "paper", "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                                      "showarrow": False, "font": {"size": text_px(13), "color": TEXT}})
    return ready({"data": traces, "layout": layout})


def channel_pictures(x: np.ndarray, titles: list[str], window: tuple[int, int, int, int], height: int = 190):
    """The picture's channels as greys (black 0 → white 255), the filter's k×k window boxed on each."""
    channels = x.shape[2]
    gap = 0.06
    span = (1 - gap * (channels - 1)) / channels
    traces = []
    for c in range(channels):
        trace = _trace(x[..., c], diverging=False, zrange=(0.0, 255.0))
        trace.update(colorscale=GRAY, xgap=0, ygap=0, hovertemplate="(%{y}, %{x}) = %{z:.0f}<extra></extra>")
        traces.append(trace)
    boxes = [((c * (span + gap), c * (span + gap) + span), (0.0, 1.0)) for c in range(channels)]
    return _grid(traces, boxes, titles, height, shapes=[_cell_box(n, *window) for n in range(1, channels + 1)])


def stack_maps(maps: list[np.ndarray], titles: list[str], columns: int = 7, height: int = 150):
    """A layer's feature maps in a row of greys, each scaled on its own: its lowest value black, its highest white."""
    gap = 0.025
    span = (1 - gap * (columns - 1)) / columns
    traces = []
    for m in maps:
        m = np.asarray(m, dtype=float)
        lo, hi = float(m.min()), float(m.max())
        trace = _trace(m, diverging=False, zrange=(lo, hi if hi > lo else lo + 1.0))
        trace.update(colorscale=GRAY, xgap=0, ygap=0, hovertemplate="(%{y}, %{x}) = %{z:.3g}<extra></extra>")
        traces.append(trace)
    boxes = [((n * (span + gap), n * (span + gap) + span), (0.0, 1.0)) for n in range(len(maps))]
    return _grid(traces, boxes, titles, height)


@st.cache_data(max_entries=64, show_spinner=False)
def stack_on_digit(digit: int, seed: int) -> LectureStack:
    """The lecture's Conv2D(3, 5) → Conv2D(6, 5) on the digit's first example (the same for every edit above)."""
    return lecture_stack(examples_of(digit, 1)[0], seed=seed)


def enlarge_rgb(img: np.ndarray, scale: int = 6) -> Image.Image:
    pic = Image.fromarray(np.asarray(img, dtype=np.uint8), mode="RGB")
    return pic.resize((pic.width * scale, pic.height * scale), Image.Resampling.NEAREST)


def grey_legend(width: int = 240, height: int = 14) -> Image.Image:
    """A strip from black to white: the legend of the lecture maps' greys (stack_maps)."""
    ramp = np.tile(np.linspace(0, 255, width), (height, 1)).astype(np.uint8)
    return Image.fromarray(ramp, mode="L")


def products_table(windows: np.ndarray, weights: np.ndarray, products: np.ndarray) -> str:
    """One channel's window, weights and products x·w as a Markdown table, a row per weight w1 … wN."""
    rows = ["| | x | w | x·w |", "|---|---:|---:|---:|"]
    rows += [f"| w{i + 1} | {fmt(a)} | {fmt(b)} | {fmt(c)} |" for i, (a, b, c) in
             enumerate(zip(windows.ravel(), weights.ravel(), products.ravel(), strict=True))]
    return "\n".join(rows)


def fmt(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".") if not float(v).is_integer() else f"{int(v):,}"


def window(img: np.ndarray) -> tuple[int, int, int]:
    """The filter's window on the picture: (k, row, col), the explained cell 0-based and kept inside the map."""
    k = SETTING.get().k
    return (k, *cell(output_size(img.shape[0], k), output_size(img.shape[1], k)))


def pictures(img: np.ndarray) -> tuple[int, int, int]:
    """The picture and its three channels, the filter's k×k window boxed on each. Drawn outside the editor's fragment:
    a weight's commit leaves them as they are; a moved window (size, row, column) reruns the page (``workbench``).
    Returns the window drawn."""
    k, row, col = drawn = window(img)
    pic, channels = st.columns([1, 3])
    pic.image(enlarge_rgb(img, 5), caption=t("filtersets.picture", shape="(32, 32, 3)"))
    chart(
        channels,
        channel_pictures(img.astype(float), [t("filtersets.channel", name=n) for n in CHANNEL_NAMES], (row, col, k, k)),
        "filt_channels",
    )
    return drawn


@st.fragment
@guarded  # an error in a fragment's rerun: a message and a way back, never a traceback
def workbench(img: np.ndarray, drawn: tuple[int, int, int]) -> None:
    """All that a filter edit changes: the editor, the maps, one cell spelt out, the link.

    A commit of the browser's editor reruns only this (the pictures above and the lecture's stack below stay as they
    are); so does a teacher's edit for the students following. drawn: the window the pictures above show; when a
    change here moves it (the size, the explained cell), the whole page runs again so that they show it too."""
    class_session.refresh(covers=("k", "fset", "w", "b", "channel", "row", "col"))
    if window(img) != drawn:
        st.rerun(scope="app")
    x = img.astype(float)
    k, row, col = drawn
    oh, ow = output_size(img.shape[0], k), output_size(img.shape[1], k)

    # ---- one screen: the filter set's editor on the left, what it makes on the right ---------------
    st.subheader(t("filtersets.work_title"))
    c1 = c2 = c3 = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")  # one block, wraps if narrow
    c1.radio(
        t("filtersets.kernel_size"),
        KERNEL_SIZES,
        horizontal=True,
        format_func=lambda n: f"{n}×{n}",
        **SETTING.bind("filt_size", "k", then=choose_size),
    )
    c2.selectbox(
        t("filtersets.preset"),
        CHOICES,
        format_func=labels("filtersets.preset", CHOICES),
        width=PRESET_WIDTH,
        **SETTING.bind("filt_preset_choice", "fset", then=choose_preset),
    )
    c3.number_input(t("filtersets.bias"), min_value=-100.0, max_value=100.0, step=0.5, format="%g", width=CELL_INPUT,
                    **SETTING.bind("filt_bias", "b", kept=float))
    record = SETTING.get()  # the bias or the size may have changed it
    bench.mount(BENCH, bench_state(record, row + 1, col + 1), bench_kit(lang(), img), present=presenting(),
                on_commit=committed, module=MODULE)
    caption(" ".join((t("filtersets.bench_keys"), t("filtersets.block", shape=f"({k}, {k}, 3)", k=k, n=record.w.size),
                      t("filtersets.partials_caption"))))
    channel = record.channel
    weight_editor(f"filt_w_{channel}", channel_cells(channel), (k, k), *WEIGHT_RANGE, step=WEIGHT_STEP, sliders=False,
                  expander=t("filtersets.typed", name=CHANNEL_NAMES[channel]), lazy=True)  # boxes only while open
    record = SETTING.get()  # a typed number may have changed it
    w, bias = record.w, float(record.b)

    # ---- one output cell, spelt out (few elements: each is a message to the browser on every commit) -------------
    st.subheader(t("filtersets.cell_title"))
    where = st.container(horizontal=True, gap="small")
    where.number_input(t("filtersets.row"), 1, oh, width=CELL_INPUT, **SETTING.bind("filt_row", "row"))
    where.number_input(t("filtersets.col"), 1, ow, width=CELL_INPUT, **SETTING.bind("filt_col", "col"))
    spelt = cell_across_channels(x, w, row, col, bias)
    st.markdown("\n".join("- " + t("filtersets.channel_sum", name=name_c, k=k, value=fmt(spelt.channel_sums[c]))
                          for c, name_c in enumerate(CHANNEL_NAMES)))
    with st.expander(t("filtersets.products", n=k * k, channels=CHANNELS)):
        st.markdown("\n\n".join(f"**{name_c}**\n\n" + products_table(spelt.windows[c], spelt.weights[c], spelt.products[c])
                                for c, name_c in enumerate(CHANNEL_NAMES)))
    terms = " + ".join(
        [
            *(f"({fmt(s)})" if s < 0 else fmt(s) for s in spelt.channel_sums),
            f"({fmt(bias)})" if bias < 0 else fmt(bias),
        ]
    )
    st.success(t("filtersets.cell_total", r=row + 1, c=col + 1, terms=terms, total=fmt(spelt.total)))
    in_map = apply_filter_set(x[row:row + k, col:col + k], w, bias).feature_map[0, 0]  # the map's cell: its window only
    caption(t("filtersets.cell_check", r=row + 1, c=col + 1, value=fmt(float(in_map))))
    SETTING.sync()
    take_home.notebook_button("filter-sets", {**record.to_link(), "image": img}, where=st, png_hint=True)
