"""§6 LeNet-5: its architecture, a shared background training run, what it learned, and the comparison."""

import streamlit as st

from cnnlib import architecture
from cnnlib.keras_code import training_code
from cnnlib.models import summary_text
from services.runs import default_config
from ui import class_questions, take_home
from ui.confusion import confusion_section
from ui.guard import end_page
from ui.i18n import message, t
from ui.learned_filters import filters_section
from ui.model_comparison import compare_section
from ui.model_summary import architecture_html, summary_table
from ui.presenter import caption
from ui.run_panel import finished, headline, service, trained_model, trained_result
from ui.run_settings import (
    config_for,
    dataset_name,
    dataset_notice,
    model_choice,
    peek_config,
    setting,
    settings_form,
    start_class,
    started_here,
)
from ui.try_it import try_it
from ui.warmup import Gate

P = "lenet"
st.title(t("lenet.title"))
caption(t("lenet.intro"))
dataset_notice()
first = st.empty()  # the settings' finished run first (its test accuracy), before the page's many other parts
early = peek_config(P)
accuracy_shown = class_questions.answer_may_show("lenet.accuracy")  # False while the class's question about it is open
headline(first, early, accuracy_shown=accuracy_shown, started=early is not None and started_here(P, early))

# Class start: one click trains the default configuration when nothing is cached yet; its progress
# then shows here, where the button was (top), not a screen further down.
top = st.container()
default = default_config(dataset_name())
if service().lookup(default) is None and f"{P}_pending" not in st.session_state:
    with top.container(border=True):
        st.markdown(t("lenet.class_start"))
        st.button(t("lenet.class_start_button"), key=f"{P}_class_start", type="primary",
                  on_click=start_class, args=(P, default))

stack, shape = model_choice(P)

st.subheader(t("lenet.architecture"))
try:
    total = architecture.count_params(stack, shape)
    st.metric(t("lenet.total_label"), f"{total:,}")  # a headline of its own row: never cut (150 % zoom)
    st.html(architecture_html(stack, shape))
    summary_table(stack, shape)
except architecture.StackError as err:
    st.error(message(err))
    end_page()

st.subheader(t("lenet.train"))
settings = settings_form(P)
config = config_for((stack, shape), settings)
with st.expander(t("lenet.code")):
    st.code(training_code(config, message), language="python", wrap_lines=True)  # no line cut at 150 %
choice = setting(P).get().model
take_home.notebook_button("lenet-5", {**settings, "model": choice, "stack": (stack, shape) if choice == "lab" else None})
done = finished(config)
class_questions.question("lenet.accuracy", None if done is None else done.test_accuracy * 100,  # 97.75 %, as the page
                         prompt=t("lenet.q_accuracy"), unit="%", lo=0, hi=100, step=0.25, digits=2)
shown = class_questions.answer_may_show("lenet.accuracy")  # the question may have been asked in this run
if config != early or shown != accuracy_shown:  # the form's settings name another run than the record did
    headline(first, config, accuracy_shown=shown, started=started_here(P, config))
if done is not None and started_here(P, config):
    top.success(t("lenet.class_start_done", accuracy=f"{done.test_accuracy:.2%}" if shown else "?"))
result = trained_result(P, config, where=top if started_here(P, config) else None, accuracy_shown=shown)
gate = Gate()  # the model needs TensorFlow: while it loads in the background, a note where the model's parts go
model = trained_model(result, gate)
with st.expander(t("lenet.keras_summary")):
    if model is None:
        gate.note()
    else:
        st.code(summary_text(model), language=None)

st.subheader(t("lenet.confusion"))
caption(t("lenet.confusion_intro"))
confusion_section(P, result)

st.subheader(t("lenet.filters"))
caption(t("lenet.filters_intro"))
if model is None:
    gate.note()
else:
    filters_section(model)

st.subheader(t("lenet.try"))
if model is None:
    gate.note()
else:
    try_it(P, model, config)

st.subheader(t("lenet.compare"))
caption(t("lenet.compare_intro"))
compare_section(P, settings)
