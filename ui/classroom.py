"""Class mode (issue 11): the teacher leads, students follow, and the class answers questions.

The router calls ``start()`` (read ?class= / ?teacher= once per session), ``sidebar()`` and
``after_page(navigation)``; pages call ``question(...)`` where the slide asks one; the lecture map
calls ``start_class()`` and ``join_class(code)``. The class itself lives in services.class_store (SQLite).

- Teacher (``?class=CODE&teacher=KEY``): after each full run the page and its address parameters
  (minus class/teacher/lang/present) are published when they changed: every page already keeps its
  whole setting in its address (ui/page_setting.py), so the state IS the address.
- Follower (``?class=CODE``): nothing polls. A teacher's change asks the server to rerun the class's
  following sessions at once (``nudge``, below). On a follower's full run, ``sidebar`` compares
  ``store.version(code)`` (a dict lookup) with the version it applied; when it moved, the teacher's
  parameters become this session's address before the page reads its link, every page forgets that it
  read its link (``page_setting.forget_all``), and on another page the session switches to the teacher's page.
  "Explore on my own" stops that. Questions: ui/class_questions.py.
"""

from __future__ import annotations

import functools
import html
import logging
import sys
import urllib.parse
import uuid

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from services.class_store import ClassError, get_store, normal_code
from ui import page_setting
from ui.class_push import live_followers, nudge, unwatch, watch
from ui.guard import guarded
from ui.i18n import message, sync_query_param, t

COUNT_EVERY = 3.0  # the teacher's "students joined" and nothing else
log = logging.getLogger(__name__)
OWN = ("class", "teacher", "lang", "present")  # address parameters that are the session's, never the page's
S = st.session_state  # proxied: always the current session's state


def store():
    return get_store()


def safe(hook):
    """For the router's hooks: class mode failing (a locked or broken database) never breaks the page;
    the error goes to the log, a notice to the page. Streamlit's control flow (BaseException) passes."""

    @functools.wraps(hook)
    def run(*args, **kwargs):
        try:
            return hook(*args, **kwargs)
        except Exception:  # noqa: BLE001 - anything: the lesson goes on without the class
            log.exception("class mode: %s failed", hook.__name__)
            S["class_failed"] = True

    return run


def session_id() -> str:
    """This browser session's id: the training queue's requester id, so "the class's runs" can be found."""
    if "run_requester" not in S:
        S["run_requester"] = uuid.uuid4().hex
    return S["run_requester"]


def role() -> str | None:
    """'teacher', 'follower' or None (no class)."""
    return S.get("class_role") if S.get("class_code") else None


# ---- joining and leaving ------------------------------------------------------------------------


@safe
def start() -> None:
    """Every run, before the page: take ?class= once per session; put a pending teacher state in the address."""
    if not S.get("class_started"):
        S["class_started"] = True
        code = st.query_params.get("class")
        if code:
            join_class(code, st.query_params.get("teacher"))
    pending = S.pop("class_pending", None)
    if pending is not None and role() == "follower":
        put_params(pending)


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
             class_applied=None, class_followed=None)
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


@safe
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


def publish_from_sync() -> None:
    """The hook ui.page_setting's sync calls (the router registers it): the page wrote its setting into the address.

    A fragment's rerun (a §4 slider step) has no after_page to follow it: the teacher publishes here
    too (after_page publishes the run's final state; pages end early with ui.guard.end_page, never
    st.stop, so the router's after_page still runs).
    """
    if role() == "teacher":
        page = current_page()
        if page is not None:
            publish(page)


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
    nudge(S["class_code"])


# ---- the sidebar --------------------------------------------------------------------------------


@safe
def sidebar() -> None:
    """The class's sidebar: the teacher's code, QR and count; a follower's follow/explore switch."""
    if role() == "follower":
        sync_follower()  # may leave the class (a message) or switch to the teacher's page
    if role() is not None:  # before the page: the class stays in the address whatever the page does
        sync_query_param("class", S["class_code"])
        if role() == "teacher":
            sync_query_param("teacher", S["class_key"])
    err = S.get("class_error")  # forgotten by after_page once a run has shown it to the end
    if err is not None:
        st.warning(message(err), icon=":material/groups:")
    if S.pop("class_failed", False):
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


def join_card() -> None:
    """The teacher's lecture map: the code and the QR code large, for the projector (the sidebar also has them)."""
    code = S["class_code"]
    link = students_link(code)
    with st.container(border=True, key="home_class_join"):
        words, picture = st.columns([3, 2], vertical_alignment="center")
        words.markdown(f"**{t('classroom.teacher_title')}** — {t('classroom.code_help')}")
        words.markdown(f'<div class="class-code" style="font-size:4rem;font-weight:700;letter-spacing:.25em;'
                       f'font-family:monospace;line-height:1.1">{html.escape(code)}</div>', unsafe_allow_html=True)
        words.code(link, language=None, wrap_lines=True)
        picture.markdown(f'<img src="{qr_svg(link)}" alt="QR" width="240" style="image-rendering:pixelated">',
                         unsafe_allow_html=True)


@st.fragment(run_every=COUNT_EVERY)
@guarded
def joined_count(code: str) -> None:
    live = live_followers(code)  # the sessions open now; without a server, those seen lately
    st.metric(t("classroom.joined"), store().joined(code) if live is None else live)


def stop_class_runs(code: str) -> int:
    """Stop every queued or training run that someone in this class waits for (teacher key holders only)."""
    if not store().is_teacher(code, S.get("class_key")):
        return 0
    from ui.run_panel import service

    svc, members = service(), store().members(code)
    keys = {snap.key for snap in svc.queue() if any(svc.is_requester(snap.key, who) for who in members)}
    return sum(svc.cancel(key) for key in keys)


def end_class() -> None:
    code = S["class_code"]
    try:
        store().end(code, S["class_key"])
    except ClassError as err:
        leave(err)
        return
    nudge(code, everyone=True)
    leave()


def sync_follower() -> None:
    """A follower's full run, before the page: a moved version means the teacher changed something."""
    code = S["class_code"]
    watch(code)
    version = store().version(code)
    if version is not None and version == S.get("class_applied"):
        return
    try:
        state = store().check(code)
    except ClassError as err:  # ended or expired: the page works alone, with the reason
        unwatch(code)
        leave(err)
        return
    S["class_applied"] = state.version
    shown = (state.page, state.params)
    if not S.get("class_following") or shown == S.get("class_followed"):
        return  # exploring, or a question changed: this run redraws it
    S["class_followed"] = shown
    page_setting.forget_all()  # every page reads its setting (now the teacher's) from the address again
    if state.page == current_page():
        put_params(state.params)  # the page has not run yet: it reads them in this run
    else:
        S["class_pending"] = state.params  # start() puts them in on the switched page's run
        script = page_script(state.page)
        if script:
            st.switch_page(script)


def put_params(params: dict) -> None:
    """The teacher's page parameters in place of this session's (its own class/lang/present stay)."""
    for name in [name for name in st.query_params if name not in OWN]:
        del st.query_params[name]
    for name, value in params.items():
        st.query_params[name] = value


def follower_panel() -> None:
    st.subheader(t("classroom.follower_title", code=S["class_code"]), divider="gray")
    if S.get("class_following"):
        st.caption(t("classroom.following"))
        st.button(t("classroom.explore"), key="class_explore", icon=":material/explore:", on_click=set_following,
                  args=(False,), width="stretch")
    else:
        st.caption(t("classroom.exploring"))
        st.button(t("classroom.back"), key="class_back", icon=":material/school:", on_click=set_following,
                  args=(True,), width="stretch", type="primary")


def set_following(on: bool) -> None:
    S["class_following"] = on
    if on:  # back to the teacher: this very run takes the teacher's state, whatever the version
        S["class_applied"] = S["class_followed"] = None


def current_page() -> str | None:
    """The url path of the page this run shows."""
    ctx = get_script_run_ctx()
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash) if ctx else None
    return info.get("url_pathname") if info else None


def page_script(url_path: str) -> str | None:
    """The script of the router's page at url_path ("" = the lecture map)."""
    ctx = get_script_run_ctx()
    pages = ctx.pages_manager.get_pages().values() if ctx else []
    for info in pages:
        if info.get("url_pathname", None) == url_path and info.get("script_path"):
            return info["script_path"]
    return None
