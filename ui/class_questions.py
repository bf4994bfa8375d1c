"""The slides' questions (issues 11, 17): predict, then reveal — alone, or with the whole class.

``question(...)`` (pages call it where the slide asks): without a class one student predicts and reveals the
computed answer. In a class the teacher asks, students answer on their laptops (one answer per student, however
many tabs: a new one replaces the old), the teacher watches a live, anonymous chart ("answers N of M students")
and reveals; then everyone sees the computed answer, written as the page writes it, next to the class's answers.
A reveal is for the setting it answered: when the teacher changes the setting, the question is closed again.
While a question is open, ``answer_may_show`` is False and the page hides the number that answers it. Asking and
revealing rerun every student's page at once (ui/class_push.py).
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import streamlit as st

from services.class_store import ClassError, Question
from ui import class_push, class_session
from ui.class_session import call, member, role, who
from ui.guard import guarded
from ui.i18n import message, t
from ui.presenter import presenting, text_px

S = st.session_state
RIGHT = "#2E8540"  # the right answer's bar: green, a colour that does not mean "wrong"
BAR = "#4C78A8"


def answers_figure(counts: list[tuple[float, int]], answer: float | None, unit: str, digits: int) -> go.Figure:
    """The class's answers as bars, one per value given (anonymous counts, written above each bar); once revealed,
    the computed answer's bar (there even if nobody gave it) is green and its label says "answer" on a line of its
    own under the value, so nothing overlaps. Labels and counts are ≥ 20 px in presenter mode."""
    values = dict(counts)
    if answer is not None:
        values.setdefault(round(answer, digits), 0)
    order = sorted(values)
    right = None if answer is None else round(answer, digits)
    labels = [f"{value:,.{digits}f}" + (f"<br>✓ {t('classroom.answer_word')}" if value == right else "") for value in order]
    size = text_px(12)
    fig = go.Figure(go.Bar(x=labels, y=[values[v] for v in order], text=[str(values[v]) for v in order],
                           textposition="outside", cliponaxis=False, textfont={"size": size},
                           marker_color=[RIGHT if v == right else BAR for v in order]))
    top = max(values.values() or [1])
    fig.update_layout(height=300 if presenting() else 220, margin={"l": 10, "r": 10, "t": 24, "b": 30}, bargap=0.35,
                      showlegend=False, font={"size": size},
                      yaxis={"title": t("classroom.count"), "dtick": 1 if top <= 10 else None, "range": [0, top * 1.3 + 0.5]},
                      xaxis={"title": unit or None, "type": "category", "tickfont": {"size": size}})
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
        code = member().code
        if not code:
            alone(qid, answer, unit=unit, lo=lo, hi=hi, step=step, digits=digits, fmt=fmt)
        elif role() == "teacher":
            teacher_question(code, qid, answer, unit=unit, digits=digits)
        else:
            with st.container():  # one block whatever the state: no stale element after a change
                student_question(code, qid, unit=unit, lo=lo, hi=hi, step=step, digits=digits, fmt=fmt)
    return answer_may_show(qid)


def about() -> str:
    """The setting a reveal answers: the page and its address parameters (as this session's page has them)."""
    page = class_session.current_page()
    return json.dumps([page, class_session.page_params(page)], sort_keys=True)


def not_asked(qid: str) -> Question:
    """The question as a page sees it when nobody asked it (no class, a failing class database, another setting)."""
    return Question(qid, False, False, None)


def asked(code: str, qid: str) -> Question:
    """The class's question, as it stands for the setting on screen: a reveal for another setting is closed."""
    try:
        q = call("question", code, qid, default=not_asked(qid))
    except ClassError:
        return not_asked(qid)
    if q.revealed and q.about and q.about != about():
        return not_asked(qid)  # the setting changed since the reveal: ask again
    return q


def standing(*qids: str) -> dict[str, Question]:
    """The class's questions `qids` as they stand for the setting on screen, each read once (no class, or a failing
    class database: none asked, so the page never hides the lesson's numbers)."""
    code = member().code
    return {qid: asked(code, qid) if code else not_asked(qid) for qid in qids}


def may_show(q: Question) -> bool:
    """False while the teacher has asked `q` and not revealed it: the page hides the number that answers it."""
    return not (q.opened and not q.revealed)


def answer_may_show(qid: str) -> bool:
    """False while the class's teacher has asked `qid` and not revealed it: the page hides the number
    that answers it (a student alone sees the page as always)."""
    return may_show(standing(qid)[qid])


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
    key = member().key
    q = asked(code, qid)
    with st.container():
        if q.revealed:
            st.success(t("classroom.computed", value=_show(q.answer, unit, digits)))
            st.plotly_chart(answers_figure(call("histogram", code, qid, digits, default=[]), q.answer, unit, digits),
                            key=f"class_q_{qid}_fig", config={"displayModeBar": False})
        elif q.opened:
            live_answers(code, qid, unit, digits)
        else:
            st.caption(t("classroom.not_asked"))
        if answer is None:
            st.caption(t("classroom.not_known"))
    left, right = st.columns(2)
    left.button(t("classroom.ask_again") if q.opened else t("classroom.ask"), key=f"class_q_{qid}_ask",
                icon=":material/campaign:", type="secondary" if q.opened else "primary",
                on_click=ask, args=(code, key, qid), width="stretch")
    right.button(t("classroom.reveal"), key=f"class_q_{qid}_reveal", icon=":material/visibility:",
                 type="primary" if q.opened and not q.revealed else "secondary", width="stretch",
                 disabled=answer is None or not q.opened or q.revealed,
                 on_click=reveal, args=(code, key, qid, 0.0 if answer is None else answer, about()))


def ask(code: str, key: str, qid: str) -> None:
    try:
        call("open_question", code, key, qid)
    except ClassError as err:
        class_session.leave(err)
        return
    class_push.nudge(code, everyone=True)  # every student's page shows the question's answer box now


def reveal(code: str, key: str, qid: str, answer: float, setting: str) -> None:
    try:
        call("reveal", code, key, qid, answer, setting)
    except ClassError as err:
        class_session.leave(err)
        return
    class_push.nudge(code, everyone=True)


@st.fragment(run_every=1.0)
@guarded
def live_answers(code: str, qid: str, unit: str, digits: int) -> None:
    """The teacher's live chart of the class's answers (refreshed every second; students never see it live):
    "answers N of M students", in view in presenter mode too (text, not a caption)."""
    counts = call("histogram", code, qid, digits, default=[])
    students = class_push.live_followers(code)
    students = call("joined", code, default=0) if students is None else students
    st.markdown(t("classroom.answers_of", n=sum(n for _, n in counts), m=students))
    st.plotly_chart(answers_figure(counts, None, unit, digits), key=f"class_q_{qid}_live",
                    config={"displayModeBar": False})


def student_question(code, qid, *, unit, lo, hi, step, digits, fmt) -> None:
    q = asked(code, qid)
    mine = call("my_answer", code, qid, who()) if q.opened else None
    if not q.opened:
        st.caption(t("classroom.wait_question"))
    elif q.revealed:
        st.success(t("classroom.computed", value=_show(q.answer, unit, digits))
                   + ("" if mine is None else " " + t("classroom.you_said", value=_show(mine, unit, digits))))
        st.plotly_chart(answers_figure(call("histogram", code, qid, digits, default=[]), q.answer, unit, digits),
                        key=f"class_q_{qid}_fig", config={"displayModeBar": False})
    else:
        with st.form(key=f"class_q_{qid}_form", border=False):
            left, right = st.columns([3, 2], vertical_alignment="bottom")
            value = left.number_input(t("classroom.your_answer"), min_value=lo, max_value=hi, value=mine, step=step,
                                      format=fmt, key=f"class_q_{qid}_value")
            sent = right.form_submit_button(t("classroom.send"), icon=":material/send:")
        if sent and value is not None:
            try:
                call("answer", code, qid, who(), value)
                mine = value
            except ClassError as err:
                st.warning(message(err))
        if mine is not None:
            st.caption(t("classroom.sent", value=_show(mine, unit, digits)))
