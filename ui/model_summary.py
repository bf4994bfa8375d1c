"""A layer stack at a glance (§2, §6): the summary table and the left-to-right architecture strip."""

from __future__ import annotations

import html

import pandas as pd
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


COLOURS = {"InputLayer": "#9e9e9e", "Conv2D": "#1f77b4", "MaxPooling2D": "#ff7f0e", "Flatten": "#bcbd22", "Dense": "#2ca02c"}
BLOCK_PX = 120  # the tallest block's height
COLUMN_PX = 84  # a layer's least width: a long stack scrolls sideways instead of crowding its labels


def architecture_html(stack, shape) -> str:
    """The stack left to right: one block per layer, its height ∝ the map's side (a Dense layer's by its units),
    under it the layer's type, output shape and parameter count — for st.html.

    Plain HTML and CSS, not a Plotly figure: the browser lays it out at once (the first TensorFlow page drew four
    Plotly figures before its first paint), the labels keep their pixel size (20 px while presenting) and a long
    stack scrolls sideways instead of crowding them. Nothing here comes from a user but numbers and Keras names."""
    rows = architecture.summarize(list(stack), shape)
    size = text_px(11)
    tallest = max((r.output_shape[1] if len(r.output_shape) == 4 else 8) for r in rows)
    columns = []
    for r in rows:
        side = r.output_shape[1] if len(r.output_shape) == 4 else None
        h = (side / tallest) if side else 0.15 + 0.6 * min(1.0, r.output_shape[-1] / 200)
        colour = COLOURS.get(r.type, "#7f7f7f")
        label = "<br>".join((f"<b>{html.escape(r.type)}</b>", html.escape(r.shape_text()), f"{r.params:,}"))
        columns.append(
            f'<div class="arch-layer" style="flex:1 1 0;min-width:{COLUMN_PX}px;display:flex;flex-direction:column;'
            f'align-items:center"><div style="height:{BLOCK_PX}px;width:76%;display:flex;align-items:center">'
            f'<div style="height:{max(4, round(h * BLOCK_PX))}px;width:100%;background:{colour};opacity:.75"></div></div>'
            f'<div style="font-size:{size}px;line-height:1.3;text-align:center;margin-top:6px">{label}</div></div>'
        )
    return (f'<div class="arch-strip" role="img" aria-label="{html.escape(t("lenet.architecture"))}" '
            f'style="display:flex;gap:4px;overflow-x:auto;padding-bottom:4px">{"".join(columns)}</div>')
