"""Class mode (issue 11): the teacher leads, students follow, and the class answers questions.

The router calls ``start()`` (read ?class= / ?teacher= once per session), ``sidebar()`` and
``after_page(navigation)``; pages call ``question(...)`` where the slide asks one; the lecture map
calls ``start_class()`` and ``join_class(code)``. The class itself lives in cnnlib.classroom (SQLite).

- Teacher (``?class=CODE&teacher=KEY``): after each full run the page and its address parameters
  (minus class/teacher/lang/present) are published when they changed: every page already keeps its
  whole setting in its address (ui/links.sync), so the state IS the address.
- Follower (``?class=CODE``): a sidebar fragment polls ``store.version(code)`` every second (a dict
  lookup); when it moved, the teacher's parameters become this session's address on the next run
  (``start`` puts them in before the page reads its link), every page forgets that it read its link
  (``links.forget_all``) and the session switches to the teacher's page. "Explore on my own" stops that.
"""

from __future__ import annotations

import html
import sys
import time
import urllib.parse
import uuid

import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from cnnlib.classroom import ClassError, get_store, normal_code
from ui import links
from ui.guard import guarded
from ui.i18n import message, sync_query_param, t

POLL = 0.5  # seconds between a follower's checks: the "within 2 s" holds with a full page rerun and the teacher's own run
COUNT_EVERY = 3.0  # the teacher's "students joined" and nothing else
SEEN_EVERY = 20.0  # a follower marks itself alive this often (one small write), well inside store.joined's 90 s
OWN = ("class", "teacher", "lang", "present")  # address parameters that are the session's, never the page's
S = st.session_state  # proxied: always the current session's state


def store():
    return get_store()


def session_id() -> str:
    """This browser session's id: the training queue's requester id, so "the class's runs" can be found."""
    if "run_requester" not in S:
        S["run_requester"] = uuid.uuid4().hex
    return S["run_requester"]


def role() -> str | None:
    """'teacher', 'follower' or None (no class)."""
    return S.get("class_role") if S.get("class_code") else None


# ---- joining and leaving ------------------------------------------------------------------------


def start() -> None:
    """Every run, before the page: take ?class= once per session; put a pending teacher state in the address."""
    S["class_questions_here"] = False
    if not S.get("class_started"):
        S["class_started"] = True
        code = st.query_params.get("class")
        if code:
            join_class(code, st.query_params.get("teacher"))
    pending = S.pop("class_pending", None)
    if pending is not None and role() == "follower":
        for name in [name for name in st.query_params if name not in OWN]:
            del st.query_params[name]
        for name, value in pending.items():
            st.query_params[name] = value


def join_class(code: str, key: str | None = None) -> bool:
    """Join as the teacher (the right key) or a follower; a wrong code leaves a message and no class."""
    code = normal_code(code)
    try:
        store().check(code)
        teacher = bool(key) and store().is_teacher(code, key)
        store().join(code, session_id(), "teacher" if teacher else "student")
    except ClassError as err:
        leave(err)
        return False
    if key and not teacher:
        S["class_error"] = ClassError("not_teacher")
        sync_query_param("teacher", None)
    S.update(class_code=code, class_role="teacher" if teacher else "follower", class_following=True,
             class_applied=None, class_followed=None, class_seen=time.monotonic())
    S["class_key"] = key if teacher else None
    sync_query_param("class", code)
    return True


def start_class() -> None:
    """The lecture map's "Start a class" (a button callback): a new class, this session its teacher."""
    code, key = store().create()
    join_class(code, key)
    S["class_published"] = None
    st.query_params["teacher"] = key


def leave(err: ClassError | None = None) -> None:
    """No class any more (ended, expired, unknown): the page works alone, with the reason shown once."""
    if err is not None:
        S["class_error"] = err
    for name in ("class_code", "class_role", "class_key", "class_pending"):
        S.pop(name, None)
    for name in ("class", "teacher"):
        sync_query_param(name, None)


# ---- the teacher publishes ----------------------------------------------------------------------


def page_params() -> dict[str, str | list[str]]:
    """The address's parameters that belong to the page (one value as text, repeated ones as a list)."""
    out = {}
    for name in st.query_params:
        if name not in OWN:
            values = st.query_params.get_all(name)
            out[name] = values[0] if len(values) == 1 else values
    return out


def after_page(navigation) -> None:
    """The page has run: keep ?class= (and the teacher's key) in the address; a teacher publishes."""
    S["class_page"] = navigation.url_path
    if sys.exc_info()[0] is None:  # a run that reached its end has shown the message
        S.pop("class_error", None)
    code = S.get("class_code")
    if not code:
        return
    sync_query_param("class", code)
    if role() != "teacher":
        return
    sync_query_param("teacher", S["class_key"])
    if sys.exc_info()[0] is None:  # else the page is switching or rerunning: publish what the next run shows
        publish(navigation.url_path)


def publish_from_fragment() -> None:
    """ui.links.sync's hook: a fragment's rerun (a §4 slider step) wrote the address, and no after_page follows."""
    if role() != "teacher":
        return
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.fragment_ids_this_run and S.get("class_page") is not None:
        publish(S["class_page"])


def publish(url_path: str) -> None:
    """The teacher's page and its parameters, written to the class when they changed."""
    shown = (url_path, page_params())
    if shown == S.get("class_published"):
        return
    try:
        store().publish(S["class_code"], S["class_key"], *shown)
    except ClassError as err:
        leave(err)
        return
    S["class_published"] = shown


# ---- the sidebar --------------------------------------------------------------------------------


def sidebar() -> None:
    """The class's sidebar: the teacher's code, QR and count; a follower's follow/explore switch."""
    err = S.get("class_error")  # forgotten by after_page once a run has shown it to the end
    if err is not None:
        st.warning(message(err), icon=":material/groups:")
    if role() == "teacher":
        with st.sidebar:
            teacher_panel()
    elif role() == "follower":
        with st.sidebar:
            follower_panel()


def students_link(code: str) -> str:
    """The address students open: this server's lecture map with ?class=CODE."""
    url = getattr(st.context, "url", None) or ""
    parts = urllib.parse.urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return f"{base}/?class={code}"


def qr_svg(text: str) -> str:
    """The QR code of text as an inline SVG data URI (segno: drawn here, no network)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=4, border=2, dark="#111")


def teacher_panel() -> None:
    code = S["class_code"]
    link = students_link(code)
    st.subheader(t("classroom.teacher_title"), divider="gray")
    st.markdown(f'<div class="class-code" style="font-size:2.4rem;font-weight:700;letter-spacing:.25em;'
                f'font-family:monospace;line-height:1.1">{html.escape(code)}</div>', unsafe_allow_html=True)
    st.caption(t("classroom.code_help"))
    st.markdown(f'<img src="{qr_svg(link)}" alt="QR" width="168" style="image-rendering:pixelated">',
                unsafe_allow_html=True)
    st.code(link, language=None, wrap_lines=True)
    joined_count(code)
    if st.button(t("classroom.stop_run"), key="class_stop_run", icon=":material/stop_circle:", width="stretch"):
        stopped = stop_class_runs(code)
        st.toast(t("classroom.stopped", n=stopped) if stopped else t("classroom.no_run"))
    st.button(t("classroom.end"), key="class_end", icon=":material/logout:", on_click=end_class, width="stretch")


@st.fragment(run_every=COUNT_EVERY)
@guarded
def joined_count(code: str) -> None:
    st.metric(t("classroom.joined"), store().joined(code))


def stop_class_runs(code: str) -> int:
    """Stop every queued or training run that someone in this class waits for (teacher key holders only)."""
    if not store().is_teacher(code, S.get("class_key")):
        return 0
    from ui.run_panel import service

    svc, members = service(), store().members(code)
    keys = {snap.key for snap in svc.queue() if any(svc.is_requester(snap.key, who) for who in members)}
    return sum(svc.cancel(key) for key in keys)


def end_class() -> None:
    try:
        store().end(S["class_code"], S["class_key"])
    except ClassError as err:
        leave(err)
        return
    leave()


def follower_panel() -> None:
    st.subheader(t("classroom.follower_title", code=S["class_code"]), divider="gray")
    follow()


def set_following(on: bool) -> None:
    S["class_following"] = on
    if on:  # back to the teacher: apply the teacher's state at once, whatever the version
        S["class_applied"] = S["class_followed"] = None


@st.fragment(run_every=POLL)
@guarded
def follow() -> None:
    """Cheap unless the teacher changed something: one dict lookup per second."""
    code = S.get("class_code")
    if not code:
        return
    version = store().version(code)
    if time.monotonic() - S.get("class_seen", 0) > SEEN_EVERY:
        S["class_seen"] = time.monotonic()
        try:
            store().join(code, session_id())
        except ClassError as err:
            leave(err)
            st.rerun(scope="app")
    if version != S.get("class_applied"):
        S["class_applied"] = version
        if S.get("class_following"):
            apply_teacher(code)
        elif S.get("class_questions_here"):
            st.rerun(scope="app")  # a question opened or revealed on this page
    if S.get("class_following"):
        st.caption(t("classroom.following"))
        st.button(t("classroom.explore"), key="class_explore", icon=":material/explore:", on_click=set_following,
                  args=(False,), width="stretch")
    else:
        st.caption(t("classroom.exploring"))
        st.button(t("classroom.back"), key="class_back", icon=":material/school:", on_click=set_following,
                  args=(True,), width="stretch", type="primary")


def apply_teacher(code: str) -> None:
    """Make this session show what the teacher's shows: the teacher's page with the teacher's parameters."""
    try:
        state = store().check(code)
    except ClassError as err:
        leave(err)
        st.rerun(scope="app")
    shown = (state.page, state.params)
    if shown == S.get("class_followed"):
        if S.get("class_questions_here"):
            st.rerun(scope="app")
        return
    S["class_followed"] = shown
    S["class_pending"] = state.params
    links.forget_all()
    if state.page != S.get("class_page"):
        script = page_script(state.page)
        if script:
            st.switch_page(script)
    st.rerun(scope="app")


def page_script(url_path: str) -> str | None:
    """The script of the router's page at url_path ("" = the lecture map)."""
    ctx = get_script_run_ctx()
    pages = ctx.pages_manager.get_pages().values() if ctx else []
    for info in pages:
        if info.get("url_pathname", None) == url_path and info.get("script_path"):
            return info["script_path"]
    return None


# ---- questions ----------------------------------------------------------------------------------


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
             hi: float = 1e9, step: float = 1.0, digits: int = 0) -> None:
    """Predict, then reveal: the slide's question `prompt`, whose computed `answer` (None: not known
    yet, e.g. before training) is shown after the reveal, next to the class's answers.

    qid names the question on its page ("arith.size", "arith.y20", "pool.params", ...).
    """
    S["class_questions_here"] = True
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


def alone(qid, answer, *, unit, lo, hi, step, digits, fmt) -> None:
    left, right = st.columns([3, 2], vertical_alignment="bottom")
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
                on_click=store().open_question, args=(code, key, qid), width="stretch")
    right.button(t("classroom.reveal"), key=f"class_q_{qid}_reveal", icon=":material/visibility:",
                 type="primary" if asked.opened and not asked.revealed else "secondary", width="stretch",
                 disabled=answer is None or not asked.opened or asked.revealed,
                 on_click=store().reveal, args=(code, key, qid, 0.0 if answer is None else answer))


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
