"""Streamlit side of training runs (§2, §6): the settings form and its link, live progress read from
the shared service, curves, confusion matrix, filters, try-it and the comparison of models.

The runs themselves live in cnnlib.training (a worker thread per server process): nothing here
trains, so a widget touch, a page switch or a closed tab never stops a run.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from cnnlib import architecture, inference, training
from cnnlib.datasets import get_dataset, load_mnist
from cnnlib.errors import LessonError
from ui.charts import heatmap, image
from ui.i18n import labels, message, sync_query_param, t
from ui.state import keep, put

BATCHES = (16, 32, 64, 128, 256, 512)
RATES = (0.0003, 0.001, 0.002, 0.003, 0.005, 0.01, 0.03, 0.1, 1.0, 10.0)
SIZES = (300, 1000, 2000, 4000, 8000, 15000, 30000, 60000)
MODELS = ("lenet5", "two_conv", "two_conv_pool", "lab")
COMPARED = ("two_conv", "two_conv_pool", "lenet5")
PLOT = {"displayModeBar": False}
REFRESH = 1.0  # seconds between progress redraws: each is a script run on the server, per watching student
# widget suffix → (RunConfig field, link parameter)
FIELDS = {"epochs": ("epochs", "epochs"), "batch": ("batch_size", "batch"), "opt": ("optimizer", "opt"),
          "lr": ("learning_rate", "lr"), "sched": ("schedule", "sched"), "scale": ("scaling", "scale"),
          "n": ("train_size", "n"), "seed": ("seed", "seed")}


def service() -> training.TrainingService:
    """The process-wide service (one worker thread, shared by every session) for $CNNLIB_CACHE_DIR."""
    return training.get_service()


def dataset_name() -> str:
    """MNIST as the lecture loads it (Keras' download), or the shipped sample when offline."""
    return load_mnist().name


def dataset_notice() -> None:
    data = load_mnist()
    if data.source == "keras":
        st.caption(t("training.data_keras", n=f"{len(data.x_train):,}", m=f"{len(data.x_test):,}"))
    else:
        st.caption(t("training.data_sample", n=f"{len(data.x_train):,}", m=f"{len(data.x_test):,}"))


def lab_input_shape() -> tuple:
    """The input shape chosen in the layer-stack lab (its widgets' values in this session)."""
    from ui.stack_lab import INPUT_CHOICES

    choice = st.session_state.get("_kept_lab_input_choice", st.session_state.get("lab_input_choice", "28x28x1"))
    if choice in INPUT_CHOICES:
        return INPUT_CHOICES[choice]
    get = lambda k, d: st.session_state.get(f"_kept_{k}", st.session_state.get(k, d))  # noqa: E731
    c = int(get("lab_c", 1))
    return (int(get("lab_h", 28)), int(get("lab_w", 28)), c) if c else (int(get("lab_h", 28)), int(get("lab_w", 28)))


# ---- settings and link ----------------------------------------------------------------------


def _defaults(slides: bool = False) -> dict:
    base = training.SLIDE_SETTINGS if slides else training.FAST_SETTINGS
    config = training.default_config()
    values = {f: getattr(config, field) for f, (field, _) in FIELDS.items()}
    values.update({f: base[field] for f, (field, _) in FIELDS.items() if field in base})
    return values


def _parse(name: str, text: str):
    value = {"epochs": int, "batch": int, "n": int, "seed": int, "lr": float}.get(name, str)(text)
    allowed = {"batch": BATCHES, "lr": RATES, "n": SIZES, "opt": training.OPTIMIZERS,
               "sched": training.SCHEDULES, "scale": training.SCALINGS}.get(name)
    if (allowed and value not in allowed) or (name == "epochs" and not 1 <= value <= 50) or (
            name == "seed" and not 0 <= value <= 9999):
        raise ValueError(text)
    return value


def init_settings(prefix: str) -> None:
    """First visit of a session: the settings from the link, else the measured fast defaults."""
    if st.session_state.get(f"{prefix}_init"):
        return
    st.session_state[f"{prefix}_init"] = True
    values, bad = _defaults(), []
    for suffix, (_, param) in FIELDS.items():
        if param in st.query_params:
            try:
                values[suffix] = _parse(suffix, st.query_params[param])
            except ValueError:
                bad.append(param)
    for suffix, value in values.items():
        put(f"{prefix}_{suffix}", value)
    if bad:
        st.session_state[f"{prefix}_bad_link"] = ", ".join(bad)


def _apply(prefix: str, slides: bool) -> None:
    for suffix, value in _defaults(slides).items():
        if suffix not in ("n", "seed"):
            put(f"{prefix}_{suffix}", value)


def settings_form(prefix: str) -> dict:
    """The training settings (epochs, batch, optimizer, …) as RunConfig fields; synced to the link."""
    bad = st.session_state.pop(f"{prefix}_bad_link", None)
    if bad:
        st.warning(t("common.bad_link", what=bad))
    sizes = [n for n in SIZES if n <= len(load_mnist().x_train)]
    for suffix, value in _defaults().items():
        keep(f"{prefix}_{suffix}", value)
    if st.session_state[f"{prefix}_n"] not in sizes:
        put(f"{prefix}_n", sizes[-1])
    with st.container(border=True):
        b1, b2 = st.columns(2)
        b1.button(t("training.use_fast"), key=f"{prefix}_fast", on_click=_apply, args=(prefix, False),
                  help=t("training.use_fast_help"), width="stretch")
        b2.button(t("training.use_slides"), key=f"{prefix}_slides", on_click=_apply, args=(prefix, True),
                  help=t("training.use_slides_help"), width="stretch")
        c = st.columns(4)
        c[0].number_input(t("training.epochs"), 1, 50, key=f"{prefix}_epochs")
        c[1].selectbox(t("training.batch"), BATCHES, key=f"{prefix}_batch")
        c[2].selectbox(t("training.optimizer"), training.OPTIMIZERS, key=f"{prefix}_opt",
                       format_func={"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD (momentum 0.9)"}.__getitem__)
        c[3].selectbox(t("training.lr"), RATES, key=f"{prefix}_lr", format_func=lambda v: f"{v:g}")
        d = st.columns(4)
        d[0].radio(t("training.scale"), training.SCALINGS, key=f"{prefix}_scale",
                   format_func=labels("training.scale", training.SCALINGS))
        d[1].radio(t("training.sched"), training.SCHEDULES, key=f"{prefix}_sched",
                   format_func=labels("training.sched", training.SCHEDULES))
        d[2].selectbox(t("training.n"), sizes, key=f"{prefix}_n", format_func=lambda v: f"{v:,}")
        d[3].number_input(t("training.seed"), 0, 9999, key=f"{prefix}_seed")
    defaults = _defaults()
    for suffix, (_, param) in FIELDS.items():
        value = st.session_state[f"{prefix}_{suffix}"]
        sync_query_param(param, None if value == defaults[suffix] else f"{value:g}" if suffix == "lr" else str(value))
    return {field: st.session_state[f"{prefix}_{suffix}"] for suffix, (field, _) in FIELDS.items()}


def config_for(preset_or_stack, settings: dict) -> training.RunConfig:
    """The run for a preset name or a (stack, input_shape) pair with these settings on this MNIST."""
    if isinstance(preset_or_stack, str):
        stack, shape = architecture.preset(preset_or_stack)
    else:
        stack, shape = preset_or_stack
    return training.RunConfig(stack=tuple(stack), input_shape=shape, dataset=dataset_name(), **settings)


# ---- progress ---------------------------------------------------------------------------------


def curves_figure(history: dict, epochs: int, height: int = 300) -> go.Figure:
    """Loss and accuracy per epoch, training vs test: grows by one point per epoch."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t("training.loss"), t("training.accuracy")))
    x = list(range(1, len(history["loss"]) + 1))
    for col, (train_key, test_key) in enumerate((("loss", "val_loss"), ("accuracy", "val_accuracy")), start=1):
        for name, key, dash in ((t("training.train_set"), train_key, None), (t("training.test_set"), test_key, "dot")):
            fig.add_trace(go.Scatter(x=x, y=history[key], name=name, mode="lines+markers", showlegend=col == 1,
                                     line={"dash": dash, "color": "#1f77b4" if dash is None else "#ff7f0e"}),
                          row=1, col=col)
    fig.update_xaxes(range=[0.5, max(epochs, 1) + 0.5], dtick=1 if epochs <= 20 else 5, title_text=t("training.epoch"))
    fig.update_layout(height=height, margin={"l": 8, "r": 8, "t": 36, "b": 8}, legend={"orientation": "h", "y": -0.3})
    return fig


def status_line(snap: training.Snapshot) -> str:
    if snap.state == "queued":
        return t("training.queued", position=snap.position or "?")
    if snap.phase in ("loading", "building"):
        return t("training.preparing")
    return t("training.progress", epoch=min(snap.epoch + 1, snap.epochs), epochs=snap.epochs,
             step=snap.step, steps=snap.steps, rate=f"{snap.samples_per_second or 0:,.0f}",
             left=training.seconds_text(snap.seconds_left))


def live_run(prefix: str, key: str) -> training.Snapshot | None:
    """Progress bar, queue position, cancel and the growing curves; refreshes itself while active.

    Runs as a fragment every REFRESH seconds while the run is queued or training (only this
    part of the page reruns); when it finishes the whole page reruns once to show the results.
    """
    first = service().snapshot(key)
    if first is None:
        return None
    active = not first.finished

    @st.fragment(run_every=REFRESH if active else None)
    def panel():
        snap = service().snapshot(key)
        if snap is None:
            return
        if active and snap.finished:
            st.rerun()  # the results below need the whole page
        if not snap.finished:
            st.progress(snap.fraction, text=status_line(snap))
            c1, c2 = st.columns([1, 3])
            if c1.button(t("training.cancel"), key=f"{prefix}_cancel"):
                service().cancel(key)
            c2.caption(t("training.shared", n=snap.requests))
        if not snap.finished:  # once done, the results below draw the final curves
            st.plotly_chart(curves_figure(snap.history, snap.epochs), key=f"{prefix}_curves", config=PLOT)

    panel()
    return first


def run_panel(prefix: str, config: training.RunConfig, button_label: str | None = None) -> training.Snapshot | None:
    """Train button, or the run's progress, or its failure. Returns the snapshot when done."""
    svc = service()
    run = svc.lookup(config)
    snap = svc.snapshot(run.key) if run is not None else None
    if snap is not None and snap.state == "failed":
        st.error(message(snap.error) if snap.error else t("training.failed"))
    elif snap is not None and snap.state == "cancelled":
        st.warning(t("training.cancelled"))
    if snap is None or snap.state in ("failed", "cancelled"):
        if st.button(button_label or t("training.train"), key=f"{prefix}_train", type="primary"):
            try:
                svc.submit(config)
            except LessonError as err:
                st.error(message(err))
                return None
            st.rerun()
        return None
    live_run(prefix, snap.key)
    return snap if snap.state == "done" else None


def trained_model(prefix: str, config: training.RunConfig):
    """The run's panel; once it is done, its metrics, final curves and the trained model.

    Until then (or when the model file is gone) the page stops here: what follows needs the model.
    """
    snap = run_panel(prefix, config)
    if snap is None:
        st.stop()
    result = snap.result
    result_metrics(result)
    st.plotly_chart(curves_figure(result.history, len(result.history["loss"])), key=f"{prefix}_final_curves", config=PLOT)
    model = service().load_model(result.key)
    if model is None:
        st.warning(t("lenet.model_gone"))
        st.stop()
    return result, model


def result_metrics(result: training.RunResult) -> None:
    c = st.columns(4)
    c[0].metric(t("training.test_accuracy"), f"{result.test_accuracy:.2%}")
    c[1].metric(t("training.seconds"), f"{result.fit_seconds:.1f} s",
                help=t("training.seconds_help", total=f"{result.seconds:.1f}"))
    c[2].metric(t("training.rate"), f"{result.samples_per_second:,.0f}")
    c[3].metric(t("training.params"), f"{result.params:,}")
    st.caption(t("training.from_cache") if result.cached else t("training.trained_here"))


# ---- confusion matrix -------------------------------------------------------------------------


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


def confusion_section(prefix: str, result: training.RunResult) -> None:
    """The confusion matrix; choosing a cell (click, or the two boxes) shows those test images."""
    data = get_dataset(result.config["dataset"])
    names = list(result.class_names)
    conf = result.confusion.copy()
    off = conf.copy()
    np.fill_diagonal(off, -1)
    worst = tuple(int(v) for v in np.unravel_index(off.argmax(), off.shape))
    keep(f"{prefix}_cm_true", worst[0])
    keep(f"{prefix}_cm_pred", worst[1])
    event = st.session_state.get(f"{prefix}_cm_fig")
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else []
    if points and points[0].get("customdata") and st.session_state.get(f"{prefix}_cm_last") != points[0]["customdata"]:
        st.session_state[f"{prefix}_cm_last"] = points[0]["customdata"]
        put(f"{prefix}_cm_true", int(points[0]["customdata"][0]))
        put(f"{prefix}_cm_pred", int(points[0]["customdata"][1]))
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
            cols = st.columns(6)
            for col, i in zip(cols, shown[row: row + 6]):
                col.image(data.x_test[i], width=56, caption=f"#{i}", clamp=True)
    left.plotly_chart(confusion_figure(conf, names, (true, pred)), key=f"{prefix}_cm_fig", config=PLOT,
                      on_select="rerun", selection_mode="points")
    left.caption(t("training.cm_help"))


# ---- filters ------------------------------------------------------------------------------------


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


# ---- try it ---------------------------------------------------------------------------------------


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


def try_it(prefix: str, model, config: training.RunConfig) -> None:
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
        st.plotly_chart(feature_grid(maps, title), key=f"{prefix}_maps_{name}", config=PLOT)


# ---- architecture and comparison --------------------------------------------------------------


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
    """The stack left to right: one block per layer, height ∝ the map's side, labelled with its shape."""
    rows = architecture.summarize(list(stack), shape)
    fig = go.Figure()
    tallest = max((r.output_shape[1] if len(r.output_shape) == 4 else 8) for r in rows)
    for i, r in enumerate(rows):
        side = r.output_shape[1] if len(r.output_shape) == 4 else None
        h = (side / tallest) if side else 0.15 + 0.6 * min(1.0, r.output_shape[-1] / 200)
        color = {"InputLayer": "#9e9e9e", "Conv2D": "#1f77b4", "MaxPooling2D": "#ff7f0e", "Flatten": "#bcbd22",
                 "Dense": "#2ca02c"}.get(r.type, "#7f7f7f")
        fig.add_shape(type="rect", x0=i - 0.38, x1=i + 0.38, y0=-h / 2, y1=h / 2, fillcolor=color, opacity=0.75,
                      line={"width": 0})
        fig.add_annotation(x=i, y=-0.62, text=f"<b>{r.type}</b><br>{r.shape_text()}<br>{r.params:,}",
                           showarrow=False, font={"size": 11})
    fig.update_xaxes(visible=False, range=[-0.6, len(rows) - 0.4])
    fig.update_yaxes(visible=False, range=[-0.85, 0.55])
    fig.update_layout(height=260, margin={"l": 4, "r": 4, "t": 4, "b": 4}, plot_bgcolor="rgba(0,0,0,0)")
    return fig


def compare_section(prefix: str, settings: dict) -> None:
    """§2's model, §5's pooled one and LeNet-5 trained with the same settings: accuracy, size, speed."""
    svc = service()
    configs = {name: config_for(name, settings) for name in COMPARED}
    missing = [c for c in configs.values() if (r := svc.lookup(c)) is None or r.state in ("failed", "cancelled")]
    if missing and st.button(t("training.compare_train", n=len(missing)), key=f"{prefix}_cmp_train"):
        for config in missing:
            try:
                svc.submit(config)
            except LessonError as err:
                st.error(message(err))
    active = any((r := svc.lookup(c)) is not None and r.state in training.ACTIVE for c in configs.values())

    @st.fragment(run_every=2 * REFRESH if active else None)
    def table():
        records = []
        for name, config in configs.items():
            run = svc.lookup(config)
            snap = svc.snapshot(run.key) if run else None
            result = snap.result if snap and snap.state == "done" else None
            records.append({
                t("training.col.model"): t(f"training.model.{name}"),
                t("training.col.params"): architecture.count_params(list(config.stack), config.input_shape),
                t("training.col.accuracy"): np.nan if result is None else round(result.test_accuracy * 100, 2),
                t("training.col.epoch_s"): np.nan if result is None else round(result.seconds_per_epoch, 2),
                t("training.col.state"): t(f"training.state.{snap.state}") if snap else t("training.state.none"),
            })
        frame = pd.DataFrame(records)
        shown = frame.copy()  # an untrained model shows "—", not "None"
        for key in ("training.col.accuracy", "training.col.epoch_s"):
            shown[t(key)] = [("—" if np.isnan(v) else f"{v:.2f}") for v in frame[t(key)]]
        st.dataframe(shown, hide_index=True, width="stretch",
                     column_config={t("training.col.params"): st.column_config.NumberColumn(format="localized")})
        fig = make_subplots(rows=1, cols=3, subplot_titles=(t("training.col.accuracy"), t("training.col.params"),
                                                            t("training.col.epoch_s")))
        colors = dict(zip(frame[t("training.col.model")], ("#d62728", "#ff7f0e", "#1f77b4")))
        for col, key in enumerate(("training.col.accuracy", "training.col.params", "training.col.epoch_s"), 1):
            shown = frame.dropna(subset=[t(key)])
            fig.add_trace(go.Bar(x=shown[t("training.col.model")], y=shown[t(key)], showlegend=False,
                                 marker_color=[colors[m] for m in shown[t("training.col.model")]],
                                 text=[f"{v:,}" if key == "training.col.params" else f"{v:g}" for v in shown[t(key)]],
                                 textposition="outside", cliponaxis=False), row=1, col=col)
        fig.update_yaxes(type="log", dtick=1, row=1, col=2)  # one label per power of ten
        fig.update_layout(height=320, margin={"l": 4, "r": 4, "t": 40, "b": 4})
        st.plotly_chart(fig, key=f"{prefix}_cmp_fig", config=PLOT)
        if active and all(r[t("training.col.state")] not in (t("training.state.queued"), t("training.state.running"))
                          for r in records):
            st.rerun()

    table()


def scaling_section(prefix: str, config: training.RunConfig) -> None:
    """The same run with the other input scaling beside it: raw 0–255 (slides) vs scaled 0–1."""
    other_scaling = "raw" if config.scaling == "scaled" else "scaled"
    pair = [config, config.with_settings(scaling=other_scaling)]
    cols = st.columns(2)
    for col, cfg in zip(cols, pair):
        with col:
            st.markdown(f"**{t(f'training.scale.{cfg.scaling}')}**")
            run_id = f"{prefix}_{cfg.scaling}"
            snap = run_panel(run_id, cfg, button_label=t("training.train_other", scale=t(f"training.scale.{cfg.scaling}")))
            if snap is not None:
                r = snap.result
                st.metric(t("training.test_accuracy"), f"{r.test_accuracy:.2%}")
                st.plotly_chart(curves_figure(r.history, len(r.history["loss"]), height=240),
                                key=f"{run_id}_pair_curves", config=PLOT)
