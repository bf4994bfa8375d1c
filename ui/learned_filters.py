"""What the first Conv2D layer learned (§2, §6): its filters beside the classic hand-made ones,
and how alike their feature maps are on test digits."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from cnnlib import inference
from services.training_data import get_dataset
from ui.charts import DIVERGING, PLOT
from ui.i18n import t
from ui.presenter import caption, text_px
from ui.run_settings import dataset_name

CLASSIC_PER_ROW = 4  # two rows of four: each classic filter wide enough for its numbers at 150 % zoom


def _number(v: float) -> str:
    """A classic filter's weight as the slides write it: -1, 2, 0.11."""
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}"


def _header(text: str) -> str:
    """A long column header on two lines (split at the first space), never rotated or cut; Hangul counts double."""
    width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text.replace(" ", "<br>", 1) if width > 8 else text


def _square_cells(fig: go.Figure, count: int, cols: int) -> None:
    """Each subplot's y axis scaled to its own x axis (square cells), no ticks or grid."""
    for i in range(count):
        row, col = i // cols + 1, i % cols + 1
        fig.update_yaxes(scaleanchor=f"x{i + 1 if i else ''}", row=row, col=col)
    fig.update_yaxes(autorange="reversed", showticklabels=False, showgrid=False, zeroline=False, ticks="")
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, ticks="")


def similarity_figure(r: np.ndarray, rows: list[str], columns: list[str]) -> go.Figure:
    """The learned × classic correlation table: one cell per pair with its r (+0.92), headers on top.

    Cells are as wide as the page allows (no square cells) and the margins grow to fit the labels
    (automargin), so numbers fit their cells and headers are whole at 1280×720 and at 150 % zoom.
    """
    size = text_px(13)
    fig = go.Figure(go.Heatmap(
        z=r, x=[_header(c) for c in columns], y=rows, zmin=-1, zmax=1, zmid=0, colorscale=DIVERGING, xgap=2, ygap=2,
        text=[[f"{v:+.2f}" for v in row] for row in r], texttemplate="%{text}", textfont={"size": size},
        hovertemplate="%{y} · %{x}: r = %{z:.2f}<extra></extra>",
        colorbar={"thickness": 8, "len": 0.9, "outlinewidth": 0, "xpad": 4, "tickfont": {"size": text_px(10)},
                  "tickvals": [-1, 0, 1]},
    ))
    fig.update_xaxes(side="top", tickangle=0, automargin=True, tickfont={"size": text_px(12)}, showgrid=False, ticks="")
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": text_px(12)}, showgrid=False, ticks="")
    fig.update_layout(height=70 + (size + 20) * len(rows), margin={"l": 4, "r": 4, "t": 4, "b": 4},
                      plot_bgcolor="rgba(0,0,0,0)")
    return fig


def classic_figure(names: tuple[str, ...]) -> go.Figure:
    """The hand-made filters with their weights, in rows of CLASSIC_PER_ROW."""
    rows = -(-len(names) // CLASSIC_PER_ROW)
    fig = make_subplots(rows=rows, cols=CLASSIC_PER_ROW, subplot_titles=[t(f"training.classic.{c}") for c in names],
                        horizontal_spacing=0.04, vertical_spacing=0.14)
    for j, name in enumerate(names):
        k = inference.FILTER_PRESETS[name]
        kb = float(np.abs(k).max()) or 1.0
        fig.add_trace(go.Heatmap(z=k, zmin=-kb, zmax=kb, zmid=0, colorscale=DIVERGING, showscale=False, xgap=1, ygap=1,
                                 text=[[_number(v) for v in row] for row in k], texttemplate="%{text}",
                                 textfont={"size": text_px(12)}, hoverinfo="skip"),
                      row=j // CLASSIC_PER_ROW + 1, col=j % CLASSIC_PER_ROW + 1)
    fig.update_layout(height=60 + 150 * rows)
    return fig


def filters_section(model) -> None:
    """The learned first-layer filters, the classic hand-made ones, and how alike their feature maps are."""
    filters = inference.first_filters(model)
    if filters is None:
        st.info(t("training.no_conv"))
        return
    digits = get_dataset(dataset_name()).x_test[:20]
    r = inference.classic_similarity(filters, digits)
    n, names = len(filters), inference.CLASSIC
    fig = make_subplots(rows=1, cols=n, subplot_titles=[t("conv2d.filter_short", n=i + 1) for i in range(n)])
    for i, f in enumerate(filters):
        bound = float(np.abs(f).max()) or 1.0
        fig.add_trace(go.Heatmap(z=f, zmin=-bound, zmax=bound, zmid=0, colorscale=DIVERGING, showscale=False,
                                 hovertemplate="%{z:.2f}<extra></extra>"), row=1, col=i + 1)
    fig.update_layout(height=190)
    classic = classic_figure(names)
    _square_cells(fig, n, n)
    _square_cells(classic, len(names), CLASSIC_PER_ROW)
    for figure in (fig, classic):
        figure.update_annotations(font_size=text_px(12))
        figure.update_layout(margin={"l": 4, "r": 4, "t": 30, "b": 4}, plot_bgcolor="rgba(0,0,0,0)")
    st.plotly_chart(fig, key="filters_learned", config=PLOT)
    st.plotly_chart(classic, key="filters_classic", config=PLOT)
    table = similarity_figure(r, [t("conv2d.filter_short", n=i + 1) for i in range(n)],
                              [t(f"training.classic.{c}") for c in names])
    st.plotly_chart(table, key="filters_r", config=PLOT)
    best = [(i + 1, names[int(np.abs(row).argmax())], row[int(np.abs(row).argmax())]) for i, row in enumerate(r)]
    caption(t("training.filters_help", k=filters.shape[1]))
    st.markdown(" · ".join(
        t("training.filter_best", n=i, name=t(f"training.classic.{c}"), r=f"{v:+.2f}") for i, c, v in best))
