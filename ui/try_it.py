"""Try the trained model (§2, §6): draw a digit or pick a test image → the 28×28 input, the class
probabilities, and the feature maps after every convolution and pooling layer."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from cnnlib import inference
from links.codec import Link, Setting
from services.runs import RunConfig
from services.training_data import get_dataset
from ui.charts import PLOT, image, png
from ui.i18n import labels, t
from ui.page_setting import PageSetting
from ui.presenter import caption, text_px

CANVAS_PX = 280
TOOLBAR_PX = 40  # streamlit-drawable-canvas 0.13 draws its toolbar 34 px above the canvas (measured in Chromium)


def _canvas(prefix: str):
    """A black 280×280 canvas with a white pen (None when the component is unavailable)."""
    try:
        from streamlit_drawable_canvas import st_canvas

        return st_canvas(stroke_width=18, stroke_color="#FFFFFF", background_color="#000000", height=CANVAS_PX, width=CANVAS_PX,
                         drawing_mode="freedraw", return_image_data=True, key=f"{prefix}_canvas")
    except Exception:  # noqa: BLE001 - no canvas (e.g. in a test runner): the test images remain
        return None


def feature_grid(maps: np.ndarray, title: str, per_row: int = 8) -> go.Figure:
    channels = maps.shape[-1]
    rows = math.ceil(channels / per_row)
    cols = min(channels, per_row)
    fig = make_subplots(rows=rows, cols=cols, horizontal_spacing=0.01, vertical_spacing=0.02)
    xs, ys = list(range(1, maps.shape[1] + 1)), list(range(1, maps.shape[0] + 1))  # columns, rows: 1-based as on the slides
    for ch in range(channels):
        fig.add_trace(go.Heatmap(z=maps[:, :, ch], x=xs, y=ys, colorscale="Viridis", showscale=False,
                                 hovertemplate="(%{y}, %{x}) = %{z:.2f}<extra></extra>"),
                      row=ch // per_row + 1, col=ch % per_row + 1)
    for ch in range(channels):  # each map square on its own axes (anchoring every y to the first x squeezed the rest)
        fig.update_yaxes(scaleanchor=f"x{ch + 1 if ch else ''}", row=ch // per_row + 1, col=ch % per_row + 1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, showgrid=False, zeroline=False, ticks="")
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, ticks="")
    fig.update_layout(height=60 + 95 * rows, margin={"l": 4, "r": 4, "t": 30, "b": 4},
                      title={"text": title, "font": {"size": text_px(13)}})
    return fig


@dataclass(frozen=True)
class TryIt(Setting):
    """What the student tries the model on: a drawing, or the k-th test image (1-based) of a class."""

    source: str = "draw"
    digit: int = 7
    k: int = 1  # 1-based, as the slides count: the 1st of 220 sevens


def try_it(prefix: str, model, config: RunConfig) -> None:
    """Draw a digit or pick a test image → the 28×28 input, the probabilities, the feature maps."""
    data = get_dataset(config.dataset)
    sources = ["draw", "test"]
    chosen = PageSetting(f"{prefix}_try", Link(record=TryIt))
    source = st.radio(t("training.try_source"), sources, horizontal=True, format_func=labels("training.try_source", sources),
                      **chosen.bind(f"{prefix}_try_source", "source"))
    picture = None
    # fixed widths in a wrapping row: the 280 px canvas is never clipped by a narrow column (150 % zoom);
    # where the page is too narrow for all three, the probabilities move under the others
    row = st.container(horizontal=True, gap="small")
    left, mid, right = row.container(width=CANVAS_PX + 8), row.container(width=210), row.container(width="stretch")
    if source == "draw":
        with left:
            # the canvas shows its toolbar on hover in a band above its top right: keep that band empty,
            # else the toolbar covers the source radio's "test images" (issue 10)
            st.space(TOOLBAR_PX)
            drawn = _canvas(prefix)
            caption(t("training.draw_hint"))
        if drawn is None:
            left.info(t("training.no_canvas"))
        elif drawn.image_data is not None:
            picture = inference.to_mnist(drawn.image_data)
    else:
        names = list(data.class_names)
        if chosen.get().digit >= len(names):  # another run's classes
            chosen.update(digit=0)
        digit = left.selectbox(t("training.try_digit"), range(len(names)), format_func=names.__getitem__,
                               **chosen.bind(f"{prefix}_try_digit", "digit"))
        choices = np.flatnonzero(data.y_test == digit)
        if chosen.get().k > max(len(choices), 1):
            chosen.update(k=1)
        k = left.number_input(t("training.try_which", n=len(choices)), 1, max(len(choices), 1),
                              **chosen.bind(f"{prefix}_try_k", "k"))
        if len(choices):
            index = int(choices[min(int(k), len(choices)) - 1])
            picture = data.x_test[index]
            left.caption(t("training.try_index", i=index))
    if picture is None:
        mid.info(t("training.nothing_drawn"))
        return
    mid.plotly_chart(image(picture, height=220, title=t("training.input_28")), key=f"{prefix}_try_input", config=PLOT)
    probs = inference.probabilities(model, picture, config.input_shape, config.scaling)
    best = int(probs.argmax())
    mid.metric(t("training.prediction"), data.class_names[best], f"{probs[best]:.1%}", delta_color="off")
    bars = go.Figure(go.Bar(x=list(data.class_names), y=probs, marker_color=["#d62728" if i == best else "#1f77b4"
                                                                          for i in range(len(probs))],
                            text=[f"{p:.0%}" for p in probs], textposition="outside"))
    bars.update_layout(height=260, margin={"l": 4, "r": 4, "t": 30, "b": 4}, yaxis={"range": [0, 1.15]},
                       xaxis={"type": "category"},  # every class named under its bar, not 0, 5
                       title={"text": t("training.probabilities"), "font": {"size": 13}})
    right.plotly_chart(bars, key=f"{prefix}_try_probs", config=PLOT)
    for name, kind, maps in inference.feature_maps(model, picture, config.input_shape, config.scaling):
        title = t("training.maps_title", name=name, kind=kind, h=maps.shape[0], w=maps.shape[1], c=maps.shape[2])
        st.plotly_chart(feature_grid(maps, title), key=f"{prefix}_maps_{name}", config=png(f"feature-maps-{name}"))
