"""Models side by side (§2, §6): §2's model, §5's pooled one and LeNet-5 trained with the same settings,
and one run beside its twin with the other input scaling (raw 0–255 vs scaled 0–1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from cnnlib import architecture
from cnnlib.errors import LessonError
from services.runs import ACTIVE, RunConfig
from ui.charts import PLOT, Ready, axes_of, ready, side_by_side
from ui.guard import guarded
from ui.i18n import message, t
from ui.run_panel import REFRESH, curves_figure, request, run_panel, service
from ui.run_settings import config_for

COMPARED = ("two_conv", "two_conv_pool", "lenet5")


def compare_section(prefix: str, settings: dict) -> None:
    """§2's model, §5's pooled one and LeNet-5 trained with the same settings: accuracy, size, speed."""
    svc = service()
    configs = {name: config_for(name, settings) for name in COMPARED}
    missing = [name for name, c in configs.items() if (r := svc.lookup(c)) is None or r.state in ("failed", "cancelled")]
    # one model per click, asked as this session: a session waits for one run at a time (issue 9 #7)
    if missing and st.button(t("training.compare_train", model=t(f"training.model.{missing[0]}"), n=len(missing)),
                             key=f"{prefix}_cmp_train"):
        try:
            request(configs[missing[0]])
        except LessonError as err:
            st.error(message(err))
    active = any((r := svc.lookup(c)) is not None and r.state in ACTIVE for c in configs.values())

    @st.fragment(run_every=2 * REFRESH if active else None)
    @guarded  # an error in a fragment's rerun: a message and a way back, never a traceback
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
        st.plotly_chart(compare_figure(frame), key=f"{prefix}_cmp_fig", config=PLOT)
        if active and all(r[t("training.col.state")] not in (t("training.state.queued"), t("training.state.running"))
                          for r in records):
            st.rerun()

    table()


def compare_figure(frame: pd.DataFrame) -> Ready:
    """Accuracy, parameters (on a log scale, and its title says so) and seconds per epoch, one bar per model."""
    keys = ("training.col.accuracy", "training.col.params", "training.col.epoch_s")
    layout = side_by_side((t("training.col.accuracy"), t("conv2d.params_log"), t("training.col.epoch_s")), height=320,
                          margin={"l": 4, "r": 4, "t": 40, "b": 4})
    layout["yaxis2"].update(type="log", dtick=1)  # one label per power of ten
    colors = dict(zip(frame[t("training.col.model")], ("#d62728", "#ff7f0e", "#1f77b4"), strict=False))
    data = []
    for i, key in enumerate(keys):
        shown = frame.dropna(subset=[t(key)])
        models, values = shown[t("training.col.model")].tolist(), shown[t(key)].tolist()
        data.append({"type": "bar", "x": models, "y": values, "showlegend": False, "cliponaxis": False,
                     "marker": {"color": [colors[m] for m in models]}, "textposition": "outside",
                     "text": [f"{v:,}" if key == "training.col.params" else f"{v:g}" for v in values], **axes_of(i)})
    return ready({"data": data, "layout": layout})


def scaling_section(prefix: str, config: RunConfig) -> None:
    """The same run with the other input scaling beside it: raw 0–255 (slides) vs scaled 0–1."""
    other_scaling = "raw" if config.scaling == "scaled" else "scaled"
    pair = [config, config.with_settings(scaling=other_scaling)]
    cols = st.columns(2)
    for col, cfg in zip(cols, pair, strict=True):
        with col:
            st.markdown(f"**{t(f'training.scale.{cfg.scaling}')}**")
            run_id = f"{prefix}_{cfg.scaling}"
            snap = run_panel(run_id, cfg, button_label=t("training.train_other", scale=t(f"training.scale.{cfg.scaling}")))
            if snap is not None:
                r = snap.result
                st.metric(t("training.test_accuracy"), f"{r.test_accuracy:.2%}")
                st.plotly_chart(curves_figure(r.history, len(r.history["loss"]), height=240),
                                key=f"{run_id}_pair_curves", config=PLOT)
