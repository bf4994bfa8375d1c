"""A layer stack at a glance (§2, §6): the summary table and the left-to-right architecture figure."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cnnlib import architecture
from ui.i18n import t
from ui.presenter import text_px


def summary_table(stack, shape) -> int:
    rows = architecture.summarize(list(stack), shape)
    st.dataframe(pd.DataFrame({
        t("training.col.layer"): [f"{r.name} ({r.type})" for r in rows],
        t("training.col.shape"): [r.shape_text() for r in rows],
        t("training.col.params"): [f"{r.params:,}" for r in rows],
        t("training.col.formula"): [r.formula for r in rows],
    }), hide_index=True, width="stretch")
    return sum(r.params for r in rows)


def architecture_figure(stack, shape) -> go.Figure:
    """The stack left to right: one block per layer, height ∝ the map's side, labelled with its shape.

    The blocks and labels go in as two lists at once: plotly's add_shape/add_annotation copy every
    earlier one each call, which made a 1,000-layer figure take minutes (quadratic).
    """
    rows = architecture.summarize(list(stack), shape)
    shapes, labels = [], []
    size = text_px(11)  # 20 px in presenter mode: the labels' three lines need more room under the blocks
    tallest = max((r.output_shape[1] if len(r.output_shape) == 4 else 8) for r in rows)
    for i, r in enumerate(rows):
        side = r.output_shape[1] if len(r.output_shape) == 4 else None
        h = (side / tallest) if side else 0.15 + 0.6 * min(1.0, r.output_shape[-1] / 200)
        color = {"InputLayer": "#9e9e9e", "Conv2D": "#1f77b4", "MaxPooling2D": "#ff7f0e", "Flatten": "#bcbd22",
                 "Dense": "#2ca02c"}.get(r.type, "#7f7f7f")
        shapes.append({"type": "rect", "x0": i - 0.38, "x1": i + 0.38, "y0": -h / 2, "y1": h / 2, "fillcolor": color,
                       "opacity": 0.75, "line": {"width": 0}})
        labels.append({"x": i, "y": -0.53, "yanchor": "top", "text": f"<b>{r.type}</b><br>{r.shape_text()}<br>{r.params:,}",
                       "showarrow": False, "font": {"size": size}})  # under the block, never over it
    fig = go.Figure(layout={"shapes": shapes, "annotations": labels})
    fig.update_xaxes(visible=False, range=[-0.6, len(rows) - 0.4])
    fig.update_yaxes(visible=False, range=[-0.85 if size <= 11 else -1.1, 0.55])
    fig.update_layout(height=260 + 3 * (text_px(11) - 11), margin={"l": 4, "r": 4, "t": 4, "b": 4}, plot_bgcolor="rgba(0,0,0,0)")
    return fig
