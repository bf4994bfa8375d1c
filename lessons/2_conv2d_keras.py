"""§2 Conv2D layers in Keras: the slide's model, trained in the background, and what its filters see."""

import streamlit as st

from cnnlib import architecture
from ui import training as tr
from ui.i18n import lang, t

P = "conv2d"
st.title(t("conv2d.title"))
st.caption(t("conv2d.intro"))
stack, shape = architecture.preset("two_conv")

st.subheader(t("conv2d.code"))
st.code(architecture.keras_code(stack, shape, lang()), language="python")
st.caption(t("conv2d.code_note"))

st.subheader(t("conv2d.summary"))
st.plotly_chart(tr.architecture_figure(stack, shape), key=f"{P}_arch", config=tr.PLOT)
total = tr.summary_table(stack, shape)
rows = architecture.summarize(stack, shape)
dense = next(r for r in rows if r.type == "Dense")
st.info(t("conv2d.params_note", total=f"{total:,}", dense=f"{dense.params:,}", share=f"{dense.params / total:.1%}",
          formula=dense.formula))

st.subheader(t("conv2d.train"))
tr.dataset_notice()
tr.init_settings(P)
settings = tr.settings_form(P)
config = tr.config_for("two_conv", settings)
_, model = tr.trained_model(P, config)

st.subheader(t("conv2d.maps"))
st.caption(t("conv2d.maps_intro"))
tr.try_it(P, model, config)

st.subheader(t("conv2d.filters"))
tr.filters_section(model)

st.subheader(t("conv2d.scaling"))
st.caption(t("conv2d.scaling_intro"))
tr.scaling_section(P, config)
