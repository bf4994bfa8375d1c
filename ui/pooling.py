"""§5 max-pooling's widgets and figures: the link, the lecture's parameter story, the window step-through (in the browser:
static/pooling.js, mounted by ui/workbench.py; a step comes back as one commit of the window, ``apply_commit``)."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st

from cnnlib.architecture import count_params, preset, summarize
from cnnlib.keras_code import keras_code
from cnnlib.pooling import pool_out_shape, pool_step
from cnnlib.stack_text import encode_stack
from links.pages import POOLING, Pooling
from ui import class_questions, class_session, workbench
from ui.charts import DIVERGING
from ui.grids import Cells
from ui.guard import guarded
from ui.i18n import CATALOGUE, lang, message, t
from ui.page_setting import PageSetting
from ui.presenter import caption, presenting
from ui.workbench import compact

STORY = ("dense_only", "two_conv", "two_conv_pool")  # the slides' order: 66,790 → 203,068 → 9,532
LAB_PAGE = "lessons/2_stack_lab.py"
SETTING = PageSetting("max-pooling", POOLING)  # size, stride, src, digit, filter (the link), the window, the slide's map
SLIDE_MAP = Cells(lambda: SETTING.get().slide_map, lambda grid: SETTING.update(slide_map=grid))


# ---- why pooling: the slides' three models ---------------------------------------------------------


def totals() -> dict[str, int]:
    """Each story model's parameter total, counted as Keras counts (cnnlib.architecture)."""
    return {name: count_params(*preset(name)) for name in STORY}


def about(name: str) -> str:
    """A story model in words, its layers computed from the preset: Conv2D(3, 5) → … → Dense(10)."""
    stack, shape = preset(name)
    return t(f"pooling.about.{name}", arrows=" → ".join(_short(layer) for layer in stack), shape="×".join(map(str, shape[:2])))


def _short(layer: dict) -> str:
    kind = layer["type"]
    if kind == "Conv2D":
        return f"Conv2D({layer['filters']}, {layer['kernel_size']})"
    if kind == "Dense":
        return f"Dense({layer['units']})"
    return kind


def dense_formula(name: str) -> str:
    """The slide's formula for the Dense(84) after Flatten, e.g. 84 · (2400 + 1) = 201,684."""
    rows = summarize(*preset(name))
    return next(r.formula for r in rows if r.type == "Dense")


ASKED = "two_conv_pool"  # the model whose total the slide asks for


def story() -> dict[str, int]:
    st.subheader(t("pooling.why_title"))
    caption(t("pooling.why_intro"))
    counts = totals()
    shown = class_questions.question("pool.params", counts[ASKED], prompt=t("pooling.q_params"), lo=0, hi=10**7, step=1)
    before = None
    for col, name in zip(st.columns(len(STORY)), STORY, strict=True):
        hidden = name == ASKED and not shown  # the class's question is open: its answer waits for the reveal
        delta = None if before is None or hidden else f"{counts[name] - before:+,}"
        col.metric(t(f"pooling.model.{name}"), "?" if hidden else f"{counts[name]:,}", delta=delta, delta_color="inverse",
                   help=None if hidden else t("pooling.dense_line", about=about(name), formula=dense_formula(name)))
        before = counts[name]
    for tab, name in zip(st.tabs([t(f"pooling.model.{name}") for name in STORY]), STORY, strict=True):
        with tab:
            stack, shape = preset(name)
            caption(about(name))
            if name == ASKED and not shown:
                st.info(t("pooling.after_reveal"))
            else:
                st.table(summary_frame(stack, shape), hide_index=True)  # a static table: wraps at 150 %, never scrolls
            st.code(model_code(stack, shape), language="python", wrap_lines=True)
            st.page_link(LAB_PAGE, label=t("pooling.to_lab"), icon=":material/stacks:",
                         query_params={"stack": encode_stack(stack, shape)})
    return counts


def summary_frame(stack, shape) -> pd.DataFrame:
    """model.summary()'s rows as ui.model_summary.summary_table shows them (layer, shape, params, how counted)."""
    rows = summarize(list(stack), shape)
    return pd.DataFrame({
        t("training.col.layer"): [f"{r.name} ({r.type})" for r in rows],
        t("training.col.shape"): [r.shape_text() for r in rows],
        t("training.col.params"): [f"{r.params:,}" for r in rows],
        t("training.col.formula"): [r.formula for r in rows],
    })


def model_code(stack, shape) -> str:
    """The model's lines of the lecture-style code, as the slides show them (Input … model.summary())."""
    lines = keras_code(stack, shape, message).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("X = "))
    end = next(i for i, line in enumerate(lines) if line.startswith("model.summary()"))
    return "\n".join(["import tensorflow as tf", "", *lines[start:end + 1]])


# ---- the windows, one at a time: in the browser -------------------------------------------------------------

BENCH = "pool_bench"  # the step-through component's key (ui/workbench.py, static/pooling.js)
MODULE = "pooling.js"
MAX_WINDOW = 10_000  # a window number from the browser beyond any map's windows is refused
WORDS = {name: f"pooling.{name}"  # the step-through's words by the name the module uses: catalogue keys (words/pooling.py)
         for name in ("step_title", "window", "prev", "next", "play", "pause", "step_sentence", "step_winner", "fig_window",
                      "fig_out", "save_png")}


@functools.lru_cache(maxsize=4)
def step_kit(language: str) -> dict:
    """The step-through's words in one language and the colour scale (sent while the browser lacks them)."""
    return {"words": {name: CATALOGUE[key][language] for name, key in WORDS.items()}, "scale": DIVERGING}


def step_state(fmap: np.ndarray, size: int, stride: int, record: Pooling) -> dict:
    """What the step-through shows: the map (flat, compact), its shape, the pooling and the window (1-based)."""
    h, w = np.asarray(fmap).shape[:2]
    return {"map": compact(fmap), "h": int(h), "w": int(w), "size": int(size), "stride": int(stride), "win": record.win,
            "playing": record.playing}


STEPPED = ("win", "playing")  # what a step or play changes: all a following student's step-through needs to draw it
class_session.draws_live(SETTING.page, lambda record: {"win": record.win, "playing": record.playing}, STEPPED)


def apply_commit(record: Pooling, state: Mapping) -> Pooling:
    """The record after one commit of the step-through ({win, playing}); a value that cannot be used keeps the
    record's (a window past the map's last is put back to 1 where the map is known: step_through)."""
    changes: dict = {}
    win = state.get("win")
    if type(win) is int and 1 <= win <= MAX_WINDOW:
        changes["win"] = win
    if type(state.get("playing")) is bool:
        changes["playing"] = state["playing"]
    new = record.but(**changes)
    return record if (new.win, new.playing) == (record.win, record.playing) else new


def committed() -> None:
    """The step-through's on_commit_change: its commit into the page's record (before the script runs)."""
    commit = workbench.last_commit(BENCH)
    if commit:
        SETTING.set(apply_commit(SETTING.get(), commit))


def step_through(fmap: np.ndarray, size: int, stride: int) -> None:
    """The windows one at a time, in the browser: ← / → / play and a slider for the window; the window on the map,
    its max, the output cell, max(…) = v and the slide's sentence. A step is committed once the steps pause."""

    @st.fragment
    @guarded  # an error in a fragment's rerun: a message and a way back, never a traceback
    def windows() -> None:
        # a teacher's window step reruns only this for the class, or reaches a following student's step-through by the
        # live channel with no rerun at all
        class_session.refresh(covers=STEPPED, live=SETTING.page)
        n = int(np.prod(pool_out_shape(np.asarray(fmap).shape, size, stride)))
        if SETTING.get().win > n:
            SETTING.update(win=1)
        live = class_session.live_link(SETTING.page)
        workbench.mount(BENCH, step_state(fmap, size, stride, SETTING.get()), step_kit(lang()), present=presenting(),
                        on_commit=committed, module=MODULE, extra={"live": live} if live else None)
        SETTING.sync()  # a window step in this fragment's rerun: a teacher's class gets it (the write hook publishes)

    with st.container(key="pool_step"):  # .st-key-pool_step: the browser test's one-screen check
        windows()
        caption(t("pooling.keys"))


def sentences(fmap: np.ndarray, size: int, stride: int, win: int, language: str) -> tuple[str, str]:
    """Window `win` (1-based) as the step-through writes it in `language`: max(…) = v, and the slide's sentence (the
    browser writes them itself from the kit's words; tests/test_browser_pooling.py compares the two)."""
    words = step_kit(language)["words"]
    step = pool_step(fmap, size, stride, win - 1)
    line = f"max({', '.join(_num(v) for v in step.values)}) = {_num(step.value)}"
    where = words["step_sentence"].format(k=win, rows=_span(step.top, size), cols=_span(step.left, size), r=step.row + 1,
                                          c=step.col + 1)
    return line, where + " " + words["step_winner"].format(ir=step.winner[0] + 1, ic=step.winner[1] + 1)


def _num(v: float) -> str:
    return f"{round(float(v), 3):g}"


def _span(start: int, size: int) -> str:
    """1-based rows or columns of a window, as on the slides: '3–4'."""
    return f"{start + 1}–{start + size}"
