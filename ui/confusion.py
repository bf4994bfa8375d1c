"""The ONE confusion matrix of a finished run (§6 digits, §7 your own classes): click a cell, or choose it,
to see those test images. Rows = true class, columns = prediction, row 1 on top."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import streamlit as st

from cnnlib.dataset import Dataset
from cnnlib.inference import most_confused
from links.codec import Link, Setting
from services.runs import RunResult
from services.training_data import get_dataset
from ui.charts import Ready, heatmap_spec, png, ready
from ui.i18n import t
from ui.page_setting import PageSetting
from ui.presenter import caption, text_px

SHOWN = 24  # test images shown for the chosen cell


def label(text) -> str:
    """A class name for a Plotly label: Plotly reads a few HTML tags (<a href>, <b>), so < > & are entities."""
    return html.escape(str(text), quote=False)


def confusion_figure(confusion: np.ndarray, names, chosen: tuple[int, int] | None = None) -> Ready:
    """The matrix with the class names on both axes ("True label" / "Predicted"), the chosen cell boxed."""
    z = np.asarray(confusion)
    n = len(names)
    names = [label(name) for name in names]
    spec = heatmap_spec(z, annotate=n <= 20, diverging=False, height=max(420, min(640, 160 + 32 * n)),
                        highlight=(chosen[0], chosen[1], 1, 1) if chosen else None)
    spec["data"][0].update(colorscale="Blues", customdata=[[[names[r], names[c]] for c in range(n)] for r in range(n)],
                           textfont={"size": text_px(12 if n <= 10 else 9)},
                           hovertemplate=t("training.cm_hover") + "<extra></extra>")
    rows, cols = np.divmod(np.arange(n * n), n)
    # transparent markers on every cell: plotly heatmaps do not report clicks (streamlit#8760)
    spec["data"].append({"type": "scatter", "x": cols.tolist(), "y": rows.tolist(), "mode": "markers",
                         "marker": {"size": 26, "opacity": 0.01}, "customdata": np.stack([rows, cols], axis=1).tolist(),
                         "hoverinfo": "skip", "showlegend": False})
    ticks = {"showticklabels": True, "tickvals": list(range(n)), "ticktext": names, "tickfont": {"size": text_px(13)}}
    layout = spec["layout"]
    layout["xaxis"].update(**ticks, title={"text": t("training.predicted")}, side="top")
    layout["yaxis"].update(**ticks, title={"text": t("training.true")})
    layout["margin"] = {"l": 8, "r": 8, "t": 8, "b": 8}
    return ready(spec)


def first_cell(confusion) -> tuple[int, int]:
    """The cell shown first: the most common mistake, or (0, 0) when the model made none."""
    worst = most_confused(confusion)
    return (worst[0], worst[1]) if worst else (0, 0)


@dataclass(frozen=True)
class Cell(Setting):
    """The confusion matrix cell whose test images are shown (None: the most common mistake)."""

    true: int | None = None
    pred: int | None = None
    clicked: tuple | None = None  # the figure's last clicked cell: a click counts once


def cell_setting(prefix: str) -> PageSetting:
    return PageSetting(f"{prefix}_cm", Link(record=Cell))


def _clicked(prefix: str) -> None:
    """A click on the figure (a transparent marker) chooses that cell in the two boxes, once per click."""
    event = st.session_state.get(f"{prefix}_cm_fig")
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else []
    chosen = cell_setting(prefix)
    if points and points[0].get("customdata") and chosen.get().clicked != tuple(points[0]["customdata"]):
        data = tuple(points[0]["customdata"])
        chosen.update(clicked=data, true=int(data[0]), pred=int(data[1]))


def confusion_section(prefix: str, result: RunResult, data: Dataset | None = None, plain=str) -> None:
    """The confusion matrix; choosing a cell (click, or the two boxes) shows those test images.

    data: the run's data set (default: the one its configuration names); plain: how a class name is
    written in Markdown (§7 escapes names from an upload).
    """
    data = data if data is not None else get_dataset(result.config["dataset"])
    names = list(result.class_names)
    k = len(names)
    chosen = cell_setting(prefix)
    cell = chosen.get()
    if cell.true is None or cell.pred is None or cell.true >= k or cell.pred >= k:  # the first look, or another run's
        true, pred = first_cell(result.confusion)
        chosen.update(true=true, pred=pred)
    _clicked(prefix)
    left, right = st.columns([3, 2])
    with right:
        true = st.selectbox(t("training.true"), range(k), format_func=names.__getitem__,
                            **chosen.bind(f"{prefix}_cm_true", "true"))
        pred = st.selectbox(t("training.predicted"), range(k), format_func=names.__getitem__,
                            **chosen.bind(f"{prefix}_cm_pred", "pred"))
        idx = result.misclassified(true, pred, data.y_test)
        kind = "training.cm_right" if true == pred else "training.cm_wrong"
        st.markdown(t(kind, n=f"{len(idx):,}", true=plain(names[true]), pred=plain(names[pred])))
        shown = idx[:SHOWN]
        if len(shown):  # one list: the browser wraps it to the column's width (fixed columns overflowed at 150 %)
            st.image([np.squeeze(data.x_test[i]) for i in shown], width=48, clamp=True,
                     caption=[f"#{i + 1:,}" for i in shown])  # test image numbers from 1, as on the slides
        if len(idx) > SHOWN:
            caption(t("training.cm_more", shown=SHOWN, n=f"{len(idx):,}"))
    left.plotly_chart(confusion_figure(result.confusion, names, (true, pred)), key=f"{prefix}_cm_fig",
                      config=png("confusion-matrix"), on_select="rerun", selection_mode="points")
    with left:
        caption(t("training.cm_help"))
