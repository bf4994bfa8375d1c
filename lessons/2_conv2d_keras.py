"""§2 Conv2D layers in Keras: the slide's model, trained in the background, and what its filters see."""

import streamlit as st

from cnnlib import architecture
from cnnlib.keras_code import keras_code
from ui import class_questions, take_home
from ui.i18n import message, t
from ui.learned_filters import filters_section
from ui.model_comparison import scaling_section
from ui.model_summary import architecture_html, summary_table
from ui.presenter import caption
from ui.run_panel import trained_model, trained_result
from ui.run_settings import config_for, dataset_notice, settings_form
from ui.try_it import try_it
from ui.warmup import Gate

P = "conv2d"
st.title(t("conv2d.title"))
caption(t("conv2d.intro"))
stack, shape = architecture.preset("two_conv")

st.subheader(t("conv2d.code"))
st.code(keras_code(stack, shape, message), language="python", wrap_lines=True)  # never cut at 150 % zoom
caption(t("conv2d.code_note"))

st.subheader(t("conv2d.summary"))
st.html(architecture_html(stack, shape))
total = summary_table(stack, shape)
rows = architecture.summarize(stack, shape)
dense = next(r for r in rows if r.type == "Dense")
headline, note = st.columns([1, 3], vertical_alignment="center")
shown = class_questions.answer_may_show("conv2d.params")  # asked in class and not revealed yet: the rows, not the total
headline.metric(t("conv2d.total"), f"{total:,}" if shown else "?")  # the headline the slide's question asks for
if shown:
    note.info(t("conv2d.params_note", total=f"{total:,}", dense=f"{dense.params:,}", share=f"{dense.params / total:.1%}",
                formula=dense.formula))
class_questions.question("conv2d.params", total, prompt=t("conv2d.question"), lo=0, hi=10**9, step=1)

st.subheader(t("conv2d.train"))
dataset_notice()
settings = settings_form(P)
config = config_for("two_conv", settings)
take_home.notebook_button("conv2d-in-keras", settings)
result = trained_result(P, config)
gate = Gate()  # the model needs TensorFlow: while it loads in the background, a note where the model's parts go
model = trained_model(result, gate)

st.subheader(t("conv2d.maps"))
caption(t("conv2d.maps_intro"))
if model is None:
    gate.note()
else:
    try_it(P, model, config)

st.subheader(t("conv2d.filters"))
if model is None:
    gate.note()
else:
    filters_section(model)

st.subheader(t("conv2d.scaling"))
caption(t("conv2d.scaling_intro"))
scaling_section(P, config)
