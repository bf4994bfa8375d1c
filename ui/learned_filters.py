"""What the first Conv2D layer learned (§2, §6): its filters beside the classic hand-made ones,
and how alike their feature maps are on test digits."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from cnnlib import inference
from cnnlib.datasets import get_dataset
from ui.charts import PLOT, heatmap
from ui.i18n import t
from ui.run_settings import dataset_name


def filters_section(model) -> None:
    """The learned first-layer filters, the classic hand-made ones, and how alike their feature maps are."""
    filters = inference.first_filters(model)
    if filters is None:
        st.info(t("training.no_conv"))
        return
    digits = get_dataset(dataset_name()).x_test[:20]
    r = inference.classic_similarity(filters, digits)
    n, names = len(filters), inference.CLASSIC
    fig = make_subplots(rows=1, cols=n, subplot_titles=[t("training.filter_n", n=i + 1) for i in range(n)])
    for i, f in enumerate(filters):
        bound = float(np.abs(f).max()) or 1.0
        fig.add_trace(go.Heatmap(z=f, zmin=-bound, zmax=bound, colorscale="RdBu_r", showscale=False,
                                 hovertemplate="%{z:.2f}<extra></extra>"), row=1, col=i + 1)
    classic = make_subplots(rows=1, cols=len(names), subplot_titles=[t(f"training.classic.{c}") for c in names])
    for j, name in enumerate(names):
        k = inference.FILTER_PRESETS[name]
        kb = float(np.abs(k).max()) or 1.0
        classic.add_trace(go.Heatmap(z=k, zmin=-kb, zmax=kb, colorscale="RdBu_r", showscale=False, text=k,
                                     texttemplate="%{z:.2g}", hoverinfo="skip"), row=1, col=j + 1)
    for figure, height in ((fig, 190), (classic, 170)):
        figure.update_yaxes(autorange="reversed", showticklabels=False, scaleanchor="x")
        figure.update_xaxes(showticklabels=False)
        figure.update_annotations(font_size=11)
        figure.update_layout(height=height, margin={"l": 4, "r": 4, "t": 30, "b": 4})
    st.plotly_chart(fig, key="filters_learned", config=PLOT)
    st.plotly_chart(classic, key="filters_classic", config=PLOT)
    table = heatmap(r, annotate=True, diverging=True, height=60 + 34 * n)
    table.update_traces(text=np.vectorize(lambda v: f"{v:+.2f}")(r), texttemplate="%{text}",
                        hovertemplate="%{y} · %{x}: r = %{z:.2f}<extra></extra>",
                        x=[t(f"training.classic.{c}") for c in names], y=[t("training.filter_n", n=i + 1) for i in range(n)])
    table.update_xaxes(showticklabels=True, side="top")
    table.update_yaxes(showticklabels=True)
    st.plotly_chart(table, key="filters_r", config=PLOT)
    best = [(i + 1, names[int(np.abs(row).argmax())], row[int(np.abs(row).argmax())]) for i, row in enumerate(r)]
    st.caption(t("training.filters_help", k=filters.shape[1]) + " " + " · ".join(
        t("training.filter_best", n=i, name=t(f"training.classic.{c}"), r=f"{v:+.2f}") for i, c, v in best))
