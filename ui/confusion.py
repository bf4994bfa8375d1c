"""The confusion matrix of a finished run (§6): click a cell, or choose it, to see those test images."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnnlib.datasets import get_dataset
from cnnlib.inference import most_confused
from cnnlib.runs import RunResult
from ui.charts import heatmap, png
from ui.i18n import t
from ui.state import keep, put


def confusion_figure(confusion: np.ndarray, names: list[str], chosen: tuple[int, int] | None) -> go.Figure:
    fig = heatmap(confusion, annotate=True, diverging=False, height=420,
                  highlight=(chosen[0], chosen[1], 1, 1) if chosen else None)
    fig.update_traces(colorscale="Blues", hovertemplate=t("training.cm_hover") + "<extra></extra>")
    n = len(names)
    rows, cols = np.divmod(np.arange(n * n), n)
    # transparent markers on every cell: plotly heatmaps do not report clicks (streamlit#8760)
    fig.add_trace(go.Scatter(x=cols, y=rows, mode="markers", marker={"size": 26, "opacity": 0.01},
                             customdata=np.stack([rows, cols], axis=1), hoverinfo="skip", showlegend=False))
    fig.update_xaxes(showticklabels=True, tickvals=list(range(n)), ticktext=names, title_text=t("training.predicted"),
                     side="top")
    fig.update_yaxes(showticklabels=True, tickvals=list(range(n)), ticktext=names, title_text=t("training.true"))
    return fig


def first_cell(confusion) -> tuple[int, int]:
    """The cell shown first: the most common mistake, or (0, 0) when the model made none."""
    worst = most_confused(confusion)
    return (worst[0], worst[1]) if worst else (0, 0)


def _clicked(prefix: str) -> None:
    """A click on the figure (a transparent marker) chooses that cell in the two boxes, once per click."""
    event = st.session_state.get(f"{prefix}_cm_fig")
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else []
    if points and points[0].get("customdata") and st.session_state.get(f"{prefix}_cm_last") != points[0]["customdata"]:
        st.session_state[f"{prefix}_cm_last"] = points[0]["customdata"]
        put(f"{prefix}_cm_true", int(points[0]["customdata"][0]))
        put(f"{prefix}_cm_pred", int(points[0]["customdata"][1]))


def confusion_section(prefix: str, result: RunResult) -> None:
    """The confusion matrix; choosing a cell (click, or the two boxes) shows those test images."""
    data = get_dataset(result.config["dataset"])
    names = list(result.class_names)
    true, pred = first_cell(result.confusion)
    keep(f"{prefix}_cm_true", true)
    keep(f"{prefix}_cm_pred", pred)
    _clicked(prefix)
    left, right = st.columns([3, 2])
    with right:
        true = st.selectbox(t("training.true"), range(len(names)), key=f"{prefix}_cm_true", format_func=names.__getitem__)
        pred = st.selectbox(t("training.predicted"), range(len(names)), key=f"{prefix}_cm_pred",
                            format_func=names.__getitem__)
        idx = result.misclassified(true, pred, data.y_test)
        kind = "training.cm_right" if true == pred else "training.cm_wrong"
        st.markdown(t(kind, n=len(idx), true=names[true], pred=names[pred]))
        shown = idx[:24]
        for row in range(0, len(shown), 6):
            for col, i in zip(st.columns(6), shown[row: row + 6]):
                col.image(data.x_test[i], width=56, caption=f"#{i}", clamp=True)
    left.plotly_chart(confusion_figure(result.confusion, names, (true, pred)), key=f"{prefix}_cm_fig", config=png("confusion-matrix"),
                      on_select="rerun", selection_mode="points")
    left.caption(t("training.cm_help"))
