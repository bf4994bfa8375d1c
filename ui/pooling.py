"""§5 max-pooling's widgets and figures: the link, the lecture's parameter story, the window step-through."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from cnnlib.architecture import count_params, preset, summarize
from cnnlib.keras_code import keras_code
from cnnlib.pooling import max_pool2d, pool_out_shape, pool_step
from cnnlib.stack_text import encode_stack
from links.pages import POOLING
from ui import class_questions, class_session
from ui.charts import heatmap_spec, png, ready
from ui.grids import Cells
from ui.guard import guarded
from ui.i18n import message, t
from ui.page_setting import PageSetting
from ui.presenter import caption, presenting

STORY = ("dense_only", "two_conv", "two_conv_pool")  # the slides' order: 66,790 → 203,068 → 9,532
LAB_PAGE = "lessons/2_stack_lab.py"
PLAY_EVERY_S = 0.9
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


# ---- the windows, one at a time -------------------------------------------------------------------


def _num(v: float) -> str:
    return f"{round(float(v), 3):g}"


def window_figure(fmap: np.ndarray, size: int, stride: int, step):
    """The map with every window's outline (when they do not overlap), this window boxed and its max circled."""
    spec = heatmap_spec(
        fmap,
        highlight=(step.top, step.left, size, size),
        marks=[step.winner],
        height=400 if presenting() else 330,
        title=t("pooling.fig_window", h=fmap.shape[0], w=fmap.shape[1]),
    )
    if stride >= size:
        out_h, out_w = pool_out_shape(fmap.shape, size, stride)
        grid = [
            {
                "type": "rect",
                "x0": c * stride - 0.5,
                "x1": c * stride + size - 0.5,
                "y0": r * stride - 0.5,
                "y1": r * stride + size - 0.5,
                "line": {"color": "#555", "width": 1.5, "dash": "dot"},
            }
            for r in range(out_h)
            for c in range(out_w)
        ]
        spec["layout"]["shapes"] = grid + spec["layout"]["shapes"]  # this window's box drawn last, on top
    return ready(spec)


def _move(delta: int, n: int) -> None:
    SETTING.update(win=(SETTING.get().win - 1 + delta) % n + 1)


def _toggle_play() -> None:
    st.session_state.pool_playing = not st.session_state.get("pool_playing", False)
    st.session_state.pool_play_pressed = True  # the runs the button starts show the window it was pressed on


def step_through(fmap: np.ndarray, size: int, stride: int) -> None:
    """← / → / play and a slider for the window; the window on the map, its max, the output cell and max(…) = v."""
    playing = st.session_state.get("pool_playing", False)

    @st.fragment(run_every=PLAY_EVERY_S if playing else None)
    @guarded  # an error in a fragment's rerun: a message and a way back, never a traceback
    def windows() -> None:
        class_session.refresh(covers=("win",))  # a teacher's window step reruns only this for the class
        pooled = max_pool2d(fmap, size, stride)
        n = pooled.size
        if SETTING.get().win > n:
            SETTING.update(win=1)
        if st.session_state.get("pool_playing") and n > 1 and not st.session_state.get("pool_play_pressed"):
            SETTING.update(win=SETTING.get().win % n + 1)
        s1, s2 = st.columns([3, 2], vertical_alignment="bottom")
        k = s1.slider(t("pooling.window"), 1, n, **SETTING.bind("pool_win", "win")) if n > 1 else 1
        row = s2.container(horizontal=True)  # buttons wrap on a narrow screen instead of cutting their labels
        row.button(t("pooling.prev"), key="pool_prev", shortcut="Left", on_click=_move, args=(-1, n))
        row.button(t("pooling.next"), key="pool_next", shortcut="Right", on_click=_move, args=(1, n))
        now = st.session_state.get("pool_playing", False)
        if row.button(
            t("pooling.pause") if now else t("pooling.play"),
            key="pool_play",
            shortcut="Space",
            icon=":material/pause:" if now else ":material/play_arrow:",
            on_click=_toggle_play,
        ):
            st.rerun()  # the fragment's timer is set by the whole page
        st.session_state.pop("pool_play_pressed", None)  # the whole page's run after the press: play steps again
        SETTING.sync()  # a window step in this fragment's rerun: a teacher's class gets it (the write hook publishes)
        step = pool_step(fmap, size, stride, k - 1)
        m1, m2 = st.columns([3, 2])
        m1.plotly_chart(window_figure(fmap, size, stride, step), key="pool_in_fig", config={"displayModeBar": False})
        with m2:
            st.plotly_chart(
                ready(
                    heatmap_spec(
                        pooled,
                        highlight=(step.row, step.col, 1, 1),
                        height=280 if presenting() else 230,
                        title=t("pooling.fig_out", h=pooled.shape[0], w=pooled.shape[1]),
                    )
                ),
                key="pool_out_fig",
                config=png("pooled"),
            )
            st.markdown(f"#### `max({', '.join(_num(v) for v in step.values)}) = {_num(step.value)}`")
            st.markdown(
                t(
                    "pooling.step_sentence",
                    k=k,
                    rows=_span(step.top, size),
                    cols=_span(step.left, size),
                    r=step.row + 1,
                    c=step.col + 1,
                )
                + " "
                + t("pooling.step_winner", ir=step.winner[0] + 1, ic=step.winner[1] + 1)
            )
        caption(t("pooling.keys"))

    with st.container(key="pool_step"):  # .st-key-pool_step: the browser test's one-screen check
        windows()


def _span(start: int, size: int) -> str:
    """1-based rows or columns of a window, as on the slides: '3–4'."""
    return f"{start + 1}–{start + size}"
