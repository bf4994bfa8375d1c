"""Class mode's screens (issues 11, 17): the teacher's panel and join card, a follower's follow/explore switch,
the lecture map's start and join box. Who is who and what is followed: ui/class_session.py; the questions:
ui/class_questions.py; the push: ui/class_push.py.
"""

from __future__ import annotations

import html
import urllib.parse

import streamlit as st

from services.class_store import ClassStoreDown, spoken
from services.runs import get_service
from ui import class_push, class_session
from ui.class_session import member, role
from ui.guard import guarded
from ui.i18n import message, t
from ui.presenter import presenting

COUNT_EVERY = 3.0  # the teacher's "students joined" and nothing else
QR_PX = 240  # the QR code's side on the projector (the lecture map's card); its box is the code's own size
TO_TOP = """<script>
(() => {
  const top = () => { window.scrollTo(0, 0);
    for (const e of document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"], section.main'))
      e.scrollTo(0, 0); };
  top(); setTimeout(top, 300);
})();
</script>"""


def sidebar() -> None:
    """The class's sidebar, first under the pages: the teacher's code, QR and count; a follower's switch."""
    m = member()
    if m.to_top:  # a follower switched to the teacher's page lands at its top, not where the last page was scrolled
        m.to_top = False
        st.html(TO_TOP, unsafe_allow_javascript=True)
    if m.error is not None:  # forgotten by after_run once a run has shown it to the end
        st.warning(message(m.error), icon=":material/groups:")
    m.shown_away = m.down is not None or (role() is not None and class_session.away())
    if m.shown_away:  # the class database cannot be reached: following resumes by itself when it is back
        away = t("classroom.away_teacher") if role() == "teacher" else message(ClassStoreDown("unreachable"))
        st.warning(away, icon=":material/cloud_off:")
    elif m.failed:
        st.warning(t("classroom.failed"), icon=":material/groups:")
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
    """The QR code of text as an inline SVG data URI (segno: drawn here, no network; no quiet zone of its own:
    the code fills the box it is drawn in; a viewBox and no size of its own, so it scales to the img)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=1, border=0, dark="#111", omitsize=True)


def _qr(link: str, px: int) -> str:
    return (f'<div style="width:{px}px;padding:8px;background:#fff;display:inline-block">'
            f'<img src="{qr_svg(link)}" alt="QR" width="{px}" height="{px}" '
            f'style="width:{px}px;height:{px}px;max-width:none;image-rendering:pixelated;display:block">'
            f"</div>")


def _code(code: str, rem: float) -> str:
    return (f'<div class="class-code" style="font-size:{rem}rem;font-weight:700;letter-spacing:.18em;'
            f'font-family:monospace;line-height:1.1;white-space:nowrap">{html.escape(spoken(code))}</div>')


def teacher_panel() -> None:
    code = member().code
    link = students_link(code)
    st.subheader(t("classroom.teacher_title"), divider="gray")
    st.markdown(_code(code, 1.7), unsafe_allow_html=True)
    st.caption(t("classroom.code_help"))
    st.markdown(_qr(link, 168), unsafe_allow_html=True)
    st.code(link, language=None, wrap_lines=True)
    joined_count(code)
    if st.button(t("classroom.stop_run"), key="class_stop_run", icon=":material/stop_circle:", width="stretch"):
        stopped = stop_class_runs(code)
        st.toast(t("classroom.stopped", n=stopped) if stopped else t("classroom.no_run"))
    st.button(t("classroom.end"), key="class_end", icon=":material/logout:", on_click=class_session.end_class,
              width="stretch")


def join_card() -> None:
    """The teacher's lecture map: the code and the QR code large, for the projector (the sidebar also has them)."""
    code = member().code
    link = students_link(code)
    with st.container(border=True, key="home_class_join"):
        words, picture = st.columns([3, 2], vertical_alignment="center")
        words.markdown(f"**{t('classroom.teacher_title')}** — {t('classroom.code_help')}")
        words.markdown(_code(code, 3.2), unsafe_allow_html=True)
        words.code(link, language=None, wrap_lines=True)
        picture.markdown(_qr(link, QR_PX + (60 if presenting() else 0)), unsafe_allow_html=True)


def join_box() -> None:
    """The lecture map's "teach together": a teacher starts a class, a student types the code."""
    with st.container(border=True, key="home_class"):
        st.markdown(f"**{t('classroom.box_title')}**")
        teach, join = st.columns(2, gap="large")
        teach.caption(t("classroom.start_help"))
        teach.button(t("classroom.start"), key="home_start_class", icon=":material/co_present:",
                     on_click=class_session.start_class)
        join.caption(t("classroom.join_help"))
        join.text_input(t("classroom.join_code"), key="home_class_code", max_chars=12, placeholder="ACDE FHJK")
        join.button(t("classroom.join"), key="home_join_class", icon=":material/login:",  # below: never cut at 150 %
                    on_click=lambda: class_session.join(st.session_state.get("home_class_code") or ""))


@st.fragment(run_every=COUNT_EVERY)
@guarded
def joined_count(code: str) -> None:
    """The students joined, every COUNT_EVERY s; and the teacher's page says at once when the class database went
    away or came back (the listener's state: no query)."""
    member().down = None  # what the last full run could not reach: only whether the database is away now counts
    if class_session.away() != member().shown_away:
        st.rerun(scope="app")
    live = class_push.live_followers(code)  # the students whose pages are open now; without a server, those seen lately
    count = class_session.call("joined", code, default=0) if live is None else live
    st.metric(t("classroom.joined"), count)


def stop_class_runs(code: str) -> int:
    """Withdraw every request a member of this class has on a queued or training run (teacher key holders only):
    a run stops only when nobody, inside or outside the class, still waits for it. Returns requests withdrawn."""
    m = member()
    if not class_session.call("is_teacher", code, m.key, default=False):
        return 0
    members = class_session.call("members", code, default=[]) or []
    svc = get_service()
    return sum(svc.withdraw_all(who) for who in members)


def follower_panel() -> None:
    m = member()
    st.subheader(t("classroom.follower_title", code=spoken(m.code)), divider="gray")
    if m.following:
        st.caption(t("classroom.following"))
        st.button(t("classroom.explore"), key="class_explore", icon=":material/explore:",
                  on_click=class_session.set_following, args=(False,), width="stretch")
        if not class_push.available():  # the push cannot reach this session: ask now and then
            fallback_follow()
    else:
        if m.diverged:
            st.info(t("classroom.diverged"), icon=":material/explore:")
        else:
            st.caption(t("classroom.exploring"))
        st.button(t("classroom.back"), key="class_back", icon=":material/school:", on_click=class_session.set_following,
                  args=(True,), width="stretch", type="primary")


@st.fragment(run_every=class_push.FALLBACK_S)
def fallback_follow() -> None:
    """Without the push: the class's version, asked every FALLBACK_S seconds (a dict lookup); a change reruns the page."""
    m = member()
    if m.code and m.following and class_session.call("version", m.code) != m.applied:
        st.rerun(scope="app")
