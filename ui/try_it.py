"""Try the trained model (§2, §6): draw a digit or pick a test image → the 28×28 input, the class
probabilities, and the feature maps after every convolution and pooling layer."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from cnnlib import inference
from cnnlib.datasets import get_dataset
from cnnlib.runs import RunConfig
from ui.charts import PLOT, image, png
from ui.i18n import labels, t
from ui.state import keep


def _canvas(prefix: str):
    """A black 280×280 canvas with a white pen (None when the component is unavailable)."""
    try:
        from streamlit_drawable_canvas import st_canvas

        return st_canvas(stroke_width=18, stroke_color="#FFFFFF", background_color="#000000", height=280, width=280,
                         drawing_mode="freedraw", return_image_data=True, key=f"{prefix}_canvas")
    except Exception:  # noqa: BLE001 - no canvas (e.g. in a test runner): the test images remain
        return None


def feature_grid(maps: np.ndarray, title: str, per_row: int = 8) -> go.Figure:
    channels = maps.shape[-1]
    rows = math.ceil(channels / per_row)
    cols = min(channels, per_row)
    fig = make_subplots(rows=rows, cols=cols, horizontal_spacing=0.01, vertical_spacing=0.02)
    for ch in range(channels):
        fig.add_trace(go.Heatmap(z=maps[:, :, ch], colorscale="Viridis", showscale=False,
                                 hovertemplate="(%{y}, %{x}) = %{z:.2f}<extra></extra>"),
                      row=ch // per_row + 1, col=ch % per_row + 1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, scaleanchor="x")
    fig.update_xaxes(showticklabels=False)
    fig.update_layout(height=60 + 95 * rows, margin={"l": 4, "r": 4, "t": 30, "b": 4},
                      title={"text": title, "font": {"size": 13}})
    return fig


def try_it(prefix: str, model, config: RunConfig) -> None:
    """Draw a digit or pick a test image → the 28×28 input, the probabilities, the feature maps."""
    data = get_dataset(config.dataset)
    sources = ["draw", "test"]
    keep(f"{prefix}_try_source", "draw")
    source = st.radio(t("training.try_source"), sources, key=f"{prefix}_try_source", horizontal=True,
                      format_func=labels("training.try_source", sources))
    picture = None
    left, mid, right = st.columns([3, 2, 3])
    if source == "draw":
        with left:
            drawn = _canvas(prefix)
            st.caption(t("training.draw_hint"))
        if drawn is None:
            left.info(t("training.no_canvas"))
        elif drawn.image_data is not None:
            picture = inference.to_mnist(drawn.image_data)
    else:
        names = list(data.class_names)
        keep(f"{prefix}_try_digit", 7)
        digit = left.selectbox(t("training.try_digit"), range(len(names)), key=f"{prefix}_try_digit",
                               format_func=names.__getitem__)
        choices = np.flatnonzero(data.y_test == digit)
        keep(f"{prefix}_try_k", 0)
        k = left.number_input(t("training.try_which", n=len(choices)), 0, max(len(choices) - 1, 0),
                              key=f"{prefix}_try_k")
        if len(choices):
            picture = data.x_test[choices[int(k)]]
            left.caption(t("training.try_index", i=int(choices[int(k)])))
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
                       title={"text": t("training.probabilities"), "font": {"size": 13}})
    right.plotly_chart(bars, key=f"{prefix}_try_probs", config=PLOT)
    for name, kind, maps in inference.feature_maps(model, picture, config.input_shape, config.scaling):
        title = t("training.maps_title", name=name, kind=kind, h=maps.shape[0], w=maps.shape[1], c=maps.shape[2])
        st.plotly_chart(feature_grid(maps, title), key=f"{prefix}_maps_{name}", config=png(f"feature-maps-{name}"))
