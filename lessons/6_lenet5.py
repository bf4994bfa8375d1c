"""§6 LeNet-5: its architecture, a shared background training run, what it learned, and the comparison."""

import streamlit as st

from cnnlib import architecture, training
from cnnlib.models import summary_text
from ui import training as tr
from ui.i18n import labels, message, sync_query_param, t
from ui.state import keep, put

P = "lenet"
st.title(t("lenet.title"))
st.caption(t("lenet.intro"))
tr.dataset_notice()
svc = tr.service()

# Class start: one click trains the default configuration when nothing is cached yet.
default = training.default_config(tr.dataset_name())
if svc.lookup(default) is None:
    with st.container(border=True):
        st.markdown(t("lenet.class_start"))
        if st.button(t("lenet.class_start_button"), key=f"{P}_class_start", type="primary"):
            for suffix, value in tr._defaults().items():
                put(f"{P}_{suffix}", value)
            put(f"{P}_model", "lenet5")
            svc.submit(default)
            st.rerun()

# Which model: LeNet-5 (default), the §2 and §5 models, or a stack sent from the layer-stack lab.
tr.init_settings(P)
lab_stack = None
if "stack" in st.query_params:
    try:
        lab_stack = architecture.decode_stack(st.query_params["stack"])
    except architecture.StackError:
        st.warning(t("common.bad_link", what="stack"))
elif st.session_state.get("lab_stack"):
    lab_stack = (st.session_state.lab_stack, tr.lab_input_shape())
models = list(tr.MODELS if lab_stack else tr.MODELS[:-1])
keep(f"{P}_model", "lab" if "stack" in st.query_params and lab_stack else "lenet5")
if st.session_state[f"{P}_model"] not in models:
    put(f"{P}_model", "lenet5")
choice = st.radio(t("lenet.model"), models, key=f"{P}_model", horizontal=True,
                  format_func=labels("training.model", models))
stack, shape = lab_stack if choice == "lab" else architecture.preset(choice)
if choice != "lab":
    sync_query_param("stack", None)

st.subheader(t("lenet.architecture"))
try:
    st.plotly_chart(tr.architecture_figure(stack, shape), key=f"{P}_arch", config=tr.PLOT)
    total = tr.summary_table(stack, shape)
    st.caption(t("lenet.total", total=f"{total:,}"))
except architecture.StackError as err:
    st.error(message(err))
    st.stop()

st.subheader(t("lenet.train"))
settings = tr.settings_form(P)
config = tr.config_for((stack, shape), settings)
result, model = tr.trained_model(P, config)
with st.expander(t("lenet.keras_summary")):
    st.code(summary_text(model), language=None)

st.subheader(t("lenet.confusion"))
st.caption(t("lenet.confusion_intro"))
tr.confusion_section(P, result)

st.subheader(t("lenet.filters"))
st.caption(t("lenet.filters_intro"))
tr.filters_section(model)

st.subheader(t("lenet.try"))
tr.try_it(P, model, config)

st.subheader(t("lenet.compare"))
st.caption(t("lenet.compare_intro"))
tr.compare_section(P, settings)
