"""§2 and §5 The layer-stack lab: build a stack, see model.summary() computed without TensorFlow."""

import pandas as pd
import streamlit as st

from cnnlib.architecture import PRESETS, StackError, count_params, preset, summarize
from cnnlib.keras_code import keras_code
from ui import class_questions, class_session, take_home
from ui import stack_lab as lab
from ui.guard import guarded
from ui.i18n import lang, message, t
from ui.presenter import caption, presenting
from ui.warmup import Gate

lab.record()  # read from the address on the first visit of a session
st.title(t("lab.title"))
caption(t("lab.intro"))
lab.SETTING.notice()

st.subheader(t("lab.presets"))
presets = st.container(horizontal=True, gap="small")  # wraps where the page is narrow: no name cut short
for name in PRESETS:
    presets.button(t(f"lab.preset.{name}"), key=f"lab_preset_{name}", on_click=lab.load_preset, args=(name,))
lab.input_shape_widget()


@st.fragment
@guarded  # an error in a fragment's rerun: a message and a way back, never a traceback
def workbench() -> None:
    """The layer editor and all that an edit changes: an editor commit reruns only this (the comparison below stays
    as it is); so does a teacher's edit of the stack for the students following."""
    class_session.refresh(covers=("stack",))
    shape = lab.record().shape
    st.subheader(t("lab.layers"))
    shown = class_questions.answer_may_show("lab.params")  # False while the class's question about the total is open
    stack, rows, error, total = lab.editor(shape, presenting(), lang(), shown=shown)  # one summarize for all below
    caption(t("lab.editor_keys"))
    if not stack:
        st.info(t("lab.empty"))
    # the slide's question under the last layer: the stuck bar above it shows the total that answers it
    class_questions.question("lab.params", total, prompt=t("lab.question"), lo=0, hi=10**9, step=1)

    link = lab.sync_link()

    st.subheader(t("lab.table"))
    if rows:
        table = pd.DataFrame({
            t("lab.col.layer"): [f"{r.name} ({r.type})" for r in rows],
            t("lab.col.shape"): [r.shape_text() for r in rows],
            t("lab.col.params"): [f"{r.params:,}" for r in rows],
            t("lab.col.formula"): [r.formula for r in rows],
            t("lab.col.size"): [r.shape_formula for r in rows],
        })
        st.dataframe(table, hide_index=True, width="stretch", key="lab_table")
    if error is not None:
        st.error(lab.error_text(error))
    else:
        m1, m2 = st.columns([1.3, 3])
        biggest = max(rows, key=lambda r: r.params)
        if total and shown:
            m1.markdown(t("lab.biggest", name=biggest.name, share=f"{biggest.params / total:.1%}"))
        m2.plotly_chart(lab.param_bars(rows, t("lab.chart_title")), key="lab_bars", config={"displayModeBar": False})
        st.page_link(
            "lessons/6_lenet5.py", label=t("lab.train_this"), icon=":material/model_training:", query_params={"stack": link}
        )  # full width: never cut (150 % zoom)
        for r in rows:
            if r.note == "dense_last_axis":
                n, units = rows[rows.index(r) - 1].output_shape[-1], r.output_shape[-1]
                st.info(t("lab.dense_last_axis", name=r.name, shape=rows[rows.index(r) - 1].shape_text(), n=n, units=units))

        gate = Gate() if st.toggle(t("lab.keras"), key="lab_keras") else None  # TensorFlow only once asked for
        if gate is not None and not gate.ready:
            gate.note()  # imported in the background: the summary fills in when it is there (ui/warmup.py)
        elif gate is not None:
            try:
                with st.spinner(t("lab.building") if lab.tensorflow_loaded() else t("lab.loading_tf")):
                    text, keras_rows, keras_total, ms = lab.keras_summary(stack, shape)
            except StackError as err:  # too big to build, or Keras failed: a message, never a traceback
                st.error(lab.error_text(err))
            else:
                agree = keras_rows == [(r.name, r.type, r.output_shape, r.params) for r in rows] and keras_total == total
                (st.success if agree else st.error)(
                    t("lab.keras_agrees" if agree else "lab.keras_differs", keras=f"{keras_total:,}", ours=f"{total:,}")
                )
                st.code(text, language=None)
                caption(t("lab.keras_timing", ms=f"{ms:.0f}"))

        st.subheader(t("lab.code"))
        st.code(keras_code(stack, shape, message, checked=True), language="python", wrap_lines=True)  # never cut (150 %)
        take_home.notebook_button("layer-stack-lab", {"stack": (stack, shape)}, checked=True)  # summarized above

    with st.expander(t("lab.link")):
        caption(t("lab.link_help"))
        st.code(f"?stack={link}", language=None)


workbench()
# Below the fragment: nothing here changes with an editor commit (one commit's rerun sends less).
st.subheader(t("lab.compare"))
b1 = b2 = b3 = st.container(horizontal=True, gap="small")  # buttons wrap, never cut (150 % zoom)
compared = lab.SETTING.get().cmp
full = len(compared) >= lab.MAX_COMPARE
b1.button(
    t("lab.compare_add"),
    key="lab_cmp_add",
    on_click=lab.compare_add,  # reads the stack's link at the click: the editor's fragment may have changed it
    disabled=full,
    help=t("lab.compare_full") if full else None,
)
b2.button(
    t("lab.compare_story", before=f"{count_params(*preset('two_conv')):,}", after=f"{count_params(*preset('two_conv_pool')):,}"),
    key="lab_cmp_story",
    on_click=lab.compare_story,
    type="primary",
)
b3.button(t("lab.compare_clear"), key="lab_cmp_clear", on_click=lab.compare_clear)
entries = []
for n, text in enumerate(compared, start=1):
    stack_n, shape_n = lab.decode_stack(text)
    try:
        entries.append((n, text, summarize(stack_n, shape_n), None))
    except StackError as err:
        entries.append((n, text, [], err))
if not entries:
    st.info(t("lab.compare_empty"))
ymax = max([r.params for _, _, rows_n, _ in entries for r in rows_n] or [1])
for col, (n, text, rows_n, err) in zip(st.columns(max(len(entries), 1)), entries, strict=False):
    label = lab.stack_label(text, n)
    col.markdown(f"**{label}**")
    if err is not None:
        col.error(t("lab.invalid_in_compare", msg=lab.error_text(err)))
    else:
        col.metric(t("lab.total"), f"{sum(r.params for r in rows_n):,}", label_visibility="visible")
        col.plotly_chart(
            lab.param_bars(rows_n, ymax=ymax, height=260, numbered=True),
            key=f"lab_cmp_bars_{n}",
            config={"displayModeBar": False},
        )
    c1 = c2 = col.container(horizontal=True, gap="small")
    c1.button(t("lab.compare_load"), key=f"lab_cmp_load_{n}", on_click=lab.compare_load, args=(text,))
    c2.button(t("lab.compare_remove"), key=f"lab_cmp_remove_{n}", on_click=lab.compare_remove, args=(n - 1,))
totals = [(lab.stack_label(text, n), sum(r.params for r in rows_n)) for n, text, rows_n, err in entries if err is None]
if len(totals) >= 2:
    (a, na), (b, nb) = max(totals, key=lambda x: x[1]), min(totals, key=lambda x: x[1])
    if nb:
        st.info(t("lab.compare_ratio", a=a, b=b, ratio=f"{na / nb:,.1f}", na=f"{na:,}", nb=f"{nb:,}"))
