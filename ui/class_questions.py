"""The slides' questions (issue 11): predict, then reveal — alone, or with the whole class.

``question(...)`` (pages call it where the slide asks): without a class one student predicts and
reveals the computed answer. In a class the teacher asks, students answer on their laptops (one answer
each; a new one replaces the old), the teacher watches a live, anonymous chart and reveals; then
everyone sees the computed answer next to the class's answers. Asking and revealing rerun every
student's session at once (``classroom.nudge``).
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from services.class_store import ClassError
from ui import classroom
from ui.classroom import S, role, session_id, store
from ui.guard import guarded
from ui.i18n import message, t


def answers_figure(counts: list[tuple[float, int]], answer: float | None, unit: str, digits: int) -> go.Figure:
    """The class's answers as bars, one per value given (anonymous counts); once revealed, the computed
    answer's bar (there even if nobody gave it) is coloured and marked."""
    values = dict(counts)
    if answer is not None:
        values.setdefault(round(answer, digits), 0)
    order = sorted(values)
    labels = [f"{value:,.{digits}f}" for value in order]
    right = None if answer is None else round(answer, digits)
    fig = go.Figure(go.Bar(x=labels, y=[values[v] for v in order], text=[str(values[v]) for v in order],
                           textposition="outside", cliponaxis=False,
                           marker_color=["#E45756" if v == right else "#4C78A8" for v in order]))
    if right is not None:
        fig.add_annotation(x=order.index(right), y=values[right], yshift=22, showarrow=False,  # x: the category's index
                           text=t("classroom.answer_mark", value=labels[order.index(right)], unit=unit).strip(),
                           font={"color": "#E45756"})
    fig.update_layout(height=220, margin={"l": 10, "r": 10, "t": 34, "b": 30}, bargap=0.35, showlegend=False,
                      yaxis={"title": t("classroom.count"), "dtick": 1, "rangemode": "tozero"},
                      xaxis={"title": unit or None, "type": "category"})
    return fig


def _show(value: float, unit: str, digits: int) -> str:
    return f"{value:,.{digits}f}{(' ' + unit) if unit else ''}"


def question(qid: str, answer: float | None, *, prompt: str, unit: str = "", lo: float = 0.0,
             hi: float = 1e9, step: float = 1.0, digits: int = 0) -> bool:
    """Predict, then reveal: the slide's question `prompt`, whose computed `answer` (None: not known
    yet, e.g. before training) is shown after the reveal, next to the class's answers.

    qid names the question on its page ("arith.size", "arith.y20", "pool.params", ...).
    """
    fmt = f"%.{digits}f"
    lo, hi, step = float(lo), float(hi), float(step)  # one numeric type for the number inputs, whatever a page passes
    with st.container(border=True, key=f"class_q_{qid.replace('.', '_')}"):
        st.markdown(f"**{t('classroom.question')}** {prompt}")
        code = S.get("class_code")
        if not code:
            alone(qid, answer, unit=unit, lo=lo, hi=hi, step=step, digits=digits, fmt=fmt)
        elif role() == "teacher":
            teacher_question(code, qid, answer, unit=unit, digits=digits)
        else:
            with st.container():  # one block whatever the state: no stale element after a change
                student_question(code, qid, unit=unit, lo=lo, hi=hi, step=step, digits=digits, fmt=fmt)
    return answer_may_show(qid)


def answer_may_show(qid: str) -> bool:
    """False while the class's teacher has asked `qid` and not revealed it: the page hides the number
    that answers it (a student alone sees the page as always)."""
    code = S.get("class_code")
    if not code:
        return True
    try:
        asked = store().question(code, qid)
    except Exception:  # a failing class database never hides the lesson's numbers
        return True
    return not (asked.opened and not asked.revealed)


def alone(qid, answer, *, unit, lo, hi, step, digits, fmt) -> None:
    row = st.container(horizontal=True, vertical_alignment="bottom")  # not st.columns: a third of the cost, wraps when narrow
    left = right = row
    guess = left.number_input(t("classroom.your_guess"), min_value=lo, max_value=hi, value=None, step=step,
                              format=fmt, key=f"class_q_{qid}_guess")
    shown = S.get(f"class_q_{qid}_shown", False)
    if right.button(t("classroom.reveal"), key=f"class_q_{qid}_reveal", disabled=answer is None or shown):
        S[f"class_q_{qid}_shown"] = shown = True
    if answer is None:
        st.caption(t("classroom.not_known"))
    elif shown:
        st.success(t("classroom.computed", value=_show(answer, unit, digits))
                   + ("" if guess is None else " " + t("classroom.you_said", value=_show(guess, unit, digits))))


def teacher_question(code, qid, answer, *, unit, digits) -> None:
    """The same elements in every state (a status block, then the two buttons), so a fragment rerun
    never leaves a stale button behind."""
    key = S["class_key"]
    asked = store().question(code, qid)
    with st.container():
        if asked.revealed:
            st.success(t("classroom.computed", value=_show(asked.answer, unit, digits)))
            st.plotly_chart(answers_figure(store().histogram(code, qid, digits), asked.answer, unit, digits),
                            key=f"class_q_{qid}_fig", config={"displayModeBar": False})
        elif asked.opened:
            live_answers(code, qid, unit, digits)
        else:
            st.caption(t("classroom.not_asked"))
        if answer is None:
            st.caption(t("classroom.not_known"))
    left, right = st.columns(2)
    left.button(t("classroom.ask_again") if asked.opened else t("classroom.ask"), key=f"class_q_{qid}_ask",
                icon=":material/campaign:", type="secondary" if asked.opened else "primary",
                on_click=ask, args=(code, key, qid), width="stretch")
    right.button(t("classroom.reveal"), key=f"class_q_{qid}_reveal", icon=":material/visibility:",
                 type="primary" if asked.opened and not asked.revealed else "secondary", width="stretch",
                 disabled=answer is None or not asked.opened or asked.revealed,
                 on_click=reveal, args=(code, key, qid, 0.0 if answer is None else answer))


def ask(code: str, key: str, qid: str) -> None:
    store().open_question(code, key, qid)
    classroom.nudge(code, everyone=True)  # every student's page shows the question's answer box now


def reveal(code: str, key: str, qid: str, answer: float) -> None:
    store().reveal(code, key, qid, answer)
    classroom.nudge(code, everyone=True)


@st.fragment(run_every=1.0)
@guarded
def live_answers(code: str, qid: str, unit: str, digits: int) -> None:
    """The teacher's live chart of the class's answers (refreshed every second; students never see it live)."""
    counts = store().histogram(code, qid, digits)
    st.caption(t("classroom.answers_in", n=sum(n for _, n in counts)))
    st.plotly_chart(answers_figure(counts, None, unit, digits), key=f"class_q_{qid}_live",
                    config={"displayModeBar": False})


def student_question(code, qid, *, unit, lo, hi, step, digits, fmt) -> None:
    asked = store().question(code, qid)
    mine = store().my_answer(code, qid, session_id()) if asked.opened else None
    if not asked.opened:
        st.caption(t("classroom.wait_question"))
    elif asked.revealed:
        st.success(t("classroom.computed", value=_show(asked.answer, unit, digits))
                   + ("" if mine is None else " " + t("classroom.you_said", value=_show(mine, unit, digits))))
        st.plotly_chart(answers_figure(store().histogram(code, qid, digits), asked.answer, unit, digits),
                        key=f"class_q_{qid}_fig", config={"displayModeBar": False})
    else:
        with st.form(key=f"class_q_{qid}_form", border=False):
            left, right = st.columns([3, 2], vertical_alignment="bottom")
            value = left.number_input(t("classroom.your_answer"), min_value=lo, max_value=hi, value=mine, step=step,
                                      format=fmt, key=f"class_q_{qid}_value")
            sent = right.form_submit_button(t("classroom.send"), icon=":material/send:")
        if sent and value is not None:
            try:
                store().answer(code, qid, session_id(), value)
                mine = value
            except ClassError as err:
                st.warning(message(err))
        if mine is not None:
            st.caption(t("classroom.sent", value=_show(mine, unit, digits)))
