"""§6 LeNet-5: its architecture, a shared background training run, what it learned, and the comparison."""

import streamlit as st

from cnnlib import architecture
from cnnlib.models import summary_text
from cnnlib.runs import default_config
from cnnlib.errors import LessonError
from ui.charts import PLOT
from ui.confusion import confusion_section
from ui.i18n import message, t
from ui.learned_filters import filters_section
from ui.model_comparison import compare_section
from ui.model_summary import architecture_figure, summary_table
from ui.run_panel import request, service, trained_model
from ui.run_settings import config_for, dataset_name, dataset_notice, init_settings, model_choice, settings_form, use_settings
from ui.state import put
from ui.try_it import try_it
from ui import take_home

P = "lenet"
st.title(t("lenet.title"))
st.caption(t("lenet.intro"))
dataset_notice()

# Class start: one click trains the default configuration when nothing is cached yet.
default = default_config(dataset_name())
if service().lookup(default) is None:
    with st.container(border=True):
        st.markdown(t("lenet.class_start"))
        if st.button(t("lenet.class_start_button"), key=f"{P}_class_start", type="primary"):
            use_settings(P, all_of_them=True)
            put(f"{P}_model", "lenet5")
            try:
                request(default)  # as this session: it counts, and only this session's request can be withdrawn
                st.rerun()
            except LessonError as err:  # e.g. this session already waits for another run
                st.error(message(err))

init_settings(P)
stack, shape = model_choice(P)

st.subheader(t("lenet.architecture"))
try:
    st.plotly_chart(architecture_figure(stack, shape), key=f"{P}_arch", config=PLOT)
    total = summary_table(stack, shape)
    st.caption(t("lenet.total", total=f"{total:,}"))
except architecture.StackError as err:
    st.error(message(err))
    st.stop()

st.subheader(t("lenet.train"))
settings = settings_form(P)
config = config_for((stack, shape), settings)
choice = st.session_state[f"{P}_model"]
take_home.notebook_button("lenet-5", {**settings, "model": choice, "stack": (stack, shape) if choice == "lab" else None})
result, model = trained_model(P, config)
with st.expander(t("lenet.keras_summary")):
    st.code(summary_text(model), language=None)

st.subheader(t("lenet.confusion"))
st.caption(t("lenet.confusion_intro"))
confusion_section(P, result)

st.subheader(t("lenet.filters"))
st.caption(t("lenet.filters_intro"))
filters_section(model)

st.subheader(t("lenet.try"))
try_it(P, model, config)

st.subheader(t("lenet.compare"))
st.caption(t("lenet.compare_intro"))
compare_section(P, settings)
