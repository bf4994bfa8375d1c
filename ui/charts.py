"""Plotly figures for feature maps and images: pictures instead of number dumps."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

DIVERGING = "RdBu_r"  # blue < 0 < red, white at 0
PLOT = {"displayModeBar": False}  # st.plotly_chart(config=PLOT): no toolbar over the small teaching figures


def png(name: str) -> dict:
    """st.plotly_chart(config=png("feature-map")): only Plotly's camera, on hover — a PNG drawn in the browser, offline."""
    return {"displaylogo": False, "modeBarButtons": [["toImage"]],
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}}


def _fmt(value: float) -> str:
    if np.isnan(value):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def heatmap(
    values: np.ndarray,
    *,
    annotate: bool = True,
    diverging: bool = True,
    highlight: tuple[int, int, int, int] | None = None,
    marks: list[tuple[int, int]] | None = None,
    height: int = 320,
    title: str | None = None,
    zrange: tuple[float, float] | None = None,
    labels: np.ndarray | None = None,
) -> go.Figure:
    """A 2-D array as an annotated heatmap, row 0 on top.

    diverging: a red/blue scale centred on 0 (feature maps); else greys (images).
    highlight: (row0, col0, rows, cols) drawn as a yellow box (the sliding window).
    marks: cells to circle (the max-pooling winners).
    """
    z = np.asarray(values, dtype=float)
    if diverging:
        bound = float(np.nanmax(np.abs(z))) if z.size and np.isfinite(z).any() else 1.0
        bound = bound or 1.0
        zmin, zmax, scale = -bound, bound, DIVERGING
    else:
        zmin, zmax = (float(np.nanmin(z)), float(np.nanmax(z))) if z.size else (0.0, 1.0)
        if zmax == zmin:
            zmax = zmin + 1.0
        scale = "Greys"
    if zrange is not None:
        zmin, zmax = zrange
    text = labels if labels is not None else np.vectorize(_fmt, otypes=[str])(z) if annotate else None
    fig = go.Figure(
        go.Heatmap(
            z=z,
            zmin=zmin,
            zmax=zmax,
            colorscale=scale,
            text=text,
            texttemplate="%{text}" if annotate else None,
            textfont={"size": 13 if z.shape[1] <= 10 else 9},
            hovertemplate="(%{y}, %{x}) = %{z}<extra></extra>",
            showscale=False,
            xgap=1,
            ygap=1,
        )
    )
    if highlight is not None:
        r0, c0, nr, nc = highlight
        fig.add_shape(
            type="rect", x0=c0 - 0.5, x1=c0 + nc - 0.5, y0=r0 - 0.5, y1=r0 + nr - 0.5,
            line={"color": "#f5b800", "width": 4},
        )
    for r, c in marks or []:
        fig.add_shape(
            type="circle", x0=c - 0.45, x1=c + 0.45, y0=r - 0.45, y1=r + 0.45,
            line={"color": "#f5b800", "width": 3},
        )
    fig.update_yaxes(autorange="reversed", showticklabels=False, scaleanchor="x", constrain="domain")
    fig.update_xaxes(showticklabels=False, constrain="domain")
    fig.update_layout(
        height=height,
        margin={"l": 4, "r": 4, "t": 32 if title else 4, "b": 4},
        title={"text": title, "font": {"size": 14}} if title else None,
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig


def image(values: np.ndarray, *, height: int = 260, title: str | None = None) -> go.Figure:
    """A grayscale image (a digit): white ink on black, as MNIST stores it."""
    z = np.asarray(values, dtype=float)
    fig = heatmap(z, annotate=False, diverging=False, height=height, title=title)
    fig.update_traces(colorscale="gray", hovertemplate="(%{y}, %{x}) = %{z:.0f}<extra></extra>", xgap=0, ygap=0)
    return fig
