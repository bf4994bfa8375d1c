"""Class mode's state machine (issue 17): who this session is in a class, what the teacher shows, the hooks.

The teacher's view is ONE versioned record (``View``): the page, its address parameters (the page's record as
its link writes it), the fields of the page's record a class follows beyond the address (``Setting.followed``:
the window step, §3's channel, §5's map), the map carried from §4 to §5 and the training run the teacher
watches. The teacher publishes it when it changed: after every run of the page (``after_run``, the router's
hook) and whenever the page writes its setting (``on_written``: a fragment's rerun, e.g. a §4 commit) or asks
for a run (``on_requested``). Each publication moves the class's version and nudges the followers
(ui/class_push.py).

A follower applies the latest view before its page runs (``before_page``) or, when nothing but the page's own
record changed, in the page's fragment (``refresh``: the push reruns only that fragment). A follower that edits
the page itself is exploring on its own from then on, and the sidebar says so; "back to the teacher" catches up.

Every call to the class store goes through ``_call``: a database error becomes a short notice (the lesson goes
on), and following resumes by itself with the next change. Nothing here draws: ui/classroom.py has the screens.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from links.pages import setting_links
from services import class_live
from services.class_store import ClassError, ClassState, ClassStoreDown, get_store, normal_code
from services.runs import get_service
from ui import class_push, page_setting
from ui.i18n import sync_query_param

log = logging.getLogger(__name__)
KEY = "class"  # the one session key of class mode: a Member
OWN = ("class", "teacher", "me", "lang", "present")  # address parameters that are the session's, never the page's
CARRIED = "carried_map"  # §4's "max-pool this map", kept in the session for §5
POOLING_PAGE = "max-pooling"
LIVE: dict[str, tuple[Callable[[Any], dict], tuple[str, ...] | None]] = {}  # page -> (state of a record, covers)


@dataclass(frozen=True)
class View:
    """What the teacher shows: the page, its address parameters and what the page shows beyond them."""

    page: str
    params: dict
    shown: dict = field(default_factory=dict)  # the page record's followed fields
    carried: list | None = None  # the map carried from §4, when the teacher pools it on §5
    run: str | None = None  # the training run the teacher waits for

    def extra(self) -> dict:
        return {"shown": self.shown, "carried": self.carried, "run": self.run}

    @classmethod
    def of(cls, state: ClassState) -> View:
        extra = state.extra or {}
        return cls(state.page, dict(state.params), dict(extra.get("shown") or {}), extra.get("carried"), extra.get("run"))


@dataclass
class Member:
    """This browser session in a class."""

    code: str | None = None
    role: str | None = None  # "teacher" or "follower"
    key: str | None = None  # the teacher's key
    me: str | None = None  # a student's id: kept in the address (?me=), shared by the student's tabs
    following: bool = True  # a follower: takes the teacher's view (False: exploring on its own)
    applied: int | None = None  # the class version this session has applied (a follower) or published (a teacher)
    view: View | None = None  # what it applied (a follower) or published (a teacher) last
    error: ClassError | None = None  # why the session is not (or no longer) in a class, shown once
    failed: bool = False  # the class store failed in this run: a notice, the lesson goes on
    down: ClassStoreDown | None = None  # the class database could not be reached in this run: its notice
    shown_away: bool = False  # the sidebar's last full run said the class database is away
    diverged: bool = False  # a follower's own edit made it explore: the sidebar says so once
    to_top: bool = False  # a follower was switched to the teacher's page: the next run scrolls to its top
    read: bool = False  # ?class= read (once per session)
    catch_once: bool = False  # a follower who starts exploring takes the latest view once (what its screen shows)
    live: str | None = None  # a follower's token on the live channel (services/class_live.py), once its page used it
    live_page: str | None = None  # the page whose follow fragment registered the channel in its last run


def member() -> Member:
    if KEY not in st.session_state:
        st.session_state[KEY] = Member()
    return st.session_state[KEY]


def role() -> str | None:
    """'teacher', 'follower' or None (no class)."""
    m = member()
    return m.role if m.code else None


def store():
    """The process's class store; on PostgreSQL its listener nudges this process's followers (``heard``)."""
    found = get_store()
    found.listen(heard)
    return found


def heard(code: str, version: int | None, what: str) -> int:
    """The class store's listener (its one thread) heard what another replica did. A publication is read once for
    the whole process; when the followers' workbenches can draw the change from the state this process read last
    (what its followers were given: ``ClassStore.last_read``), it goes to their open sockets as the very message a
    local publication sends (``live_message``), and the rest rerun their follow fragments (ui/class_push.py).
    A publication of a class this process never read (none of its followers here) is not read: the follow fragments
    rerun, if any. Anything else (a question, a reveal, the end, the database gone or back) reruns every page."""
    found = get_store()
    before = found.last_read(code) if what == "publish" else None
    if before is None:
        return class_push.heard(code, version, what)
    try:
        state = found.check(code)
    except Exception:  # noqa: BLE001 - ended, unreachable, failing: the followers' own reruns say what it is
        return class_push.heard(code, version, what)
    live = live_message(View.of(state), state.version, View.of(before))
    return class_push.nudge(code, scope="fragment", live=live)


def call(method: str, *args, default=None):
    """One call to the class store, the only way in: a ClassError is the caller's; a failing database is a notice, never the
    page's error (a locked file during a slider step, a full disk; a PostgreSQL that cannot be reached says so)."""
    try:
        return getattr(store(), method)(*args)
    except ClassError:
        raise
    except ClassStoreDown as err:
        log.warning("class store: %s: the database cannot be reached", method)
        member().down = err
        return default
    except Exception as err:
        if not isinstance(err, (sqlite3.Error, OSError, *_database_errors())):
            raise
        log.exception("class store: %s failed", method)
        member().failed = True
        return default


def away() -> bool:
    """The class database is away: a call could not reach it in this run, or (PostgreSQL) the process's listener
    lost it and has not reached it again."""
    if member().down is not None:
        return True
    try:
        return get_store().away.is_set()
    except ClassStoreDown:
        return True
    except Exception:  # noqa: BLE001 - a store that cannot even be made: the call that needs it says so
        return False


def _database_errors() -> tuple[type[BaseException], ...]:
    """The errors of the database the store uses (psycopg's on PostgreSQL), without importing it on SQLite."""
    import sys

    psycopg = sys.modules.get("psycopg")
    return (psycopg.Error,) if psycopg is not None else ()


def session_id() -> str:
    """This browser session's id: the training queue's requester id (ui/run_panel.py uses the same key)."""
    if "run_requester" not in st.session_state:
        st.session_state["run_requester"] = secrets.token_hex(16)
    return st.session_state["run_requester"]


def who() -> str:
    """Who answers and counts in the class: a student's id (all of one student's tabs), else the session."""
    m = member()
    return m.me or session_id()


# ---- joining and leaving ------------------------------------------------------------------------


def join(code: str, key: str | None = None, me: str | None = None) -> bool:
    """Join as the teacher (the right key) or a follower; a wrong code leaves a message and no class."""
    m = member()
    code = normal_code(code)
    try:
        state = call("find", code, session_id())
        if state is None:  # the store failed: no class for now, the notice says so
            return False
        teacher = bool(key) and call("is_teacher", code, key, default=False)
        if key and not teacher:
            m.error = ClassError("not_teacher")
            sync_query_param("teacher", None)
        me = None if teacher else (me if _student_id(me) else secrets.token_urlsafe(9))
        call("join", code, session_id(), "teacher" if teacher else "student", me)
    except ClassError as err:
        leave(err)
        return False
    m.code, m.role, m.key, m.me = code, "teacher" if teacher else "follower", key if teacher else None, me
    m.following, m.applied, m.view = True, None, None
    sync_query_param("class", code)
    sync_query_param("me", me)
    return True


def _student_id(text: str | None) -> bool:
    return bool(text) and 8 <= len(text) <= 32 and all(ch.isalnum() or ch in "-_" for ch in text)


def start_class() -> None:
    """The lecture map's "Start a class" (a button callback): a new class, this session its teacher."""
    created = call("create")
    if created is None:
        return
    code, key = created
    join(code, key)
    st.query_params["teacher"] = key


def leave(err: ClassError | None = None) -> None:
    """No class any more (ended, expired, unknown): the page works alone, with the reason shown once."""
    m = member()
    if m.code:
        class_push.unwatch(m.code)
    class_live.forget(m.live)
    st.session_state[KEY] = Member(error=err, read=True)
    for name in ("class", "teacher", "me"):
        sync_query_param(name, None)


def end_class() -> None:
    m = member()
    try:
        call("end", m.code, m.key)
    except ClassError as err:
        leave(err)
        return
    class_push.nudge(m.code, everyone=True)
    class_live.drop_class(m.code)
    leave()


def set_following(on: bool) -> None:
    """"Explore on my own" / "back to the teacher" (callbacks): back catches up in this very run."""
    m = member()
    m.following, m.diverged = on, False
    if on:
        m.applied = m.view = None
    else:  # the workbench may show edits the live channel brought since the page ran: explore from those
        m.applied, m.catch_once = None, True


# ---- the router's hooks -------------------------------------------------------------------------


def before_page(switch: bool = True) -> None:
    """Every full run, before the page: ?class= once per session; a follower takes the teacher's view
    (switch=False: not by switching pages in this run)."""
    m = member()
    m.failed, m.down = False, None
    if not m.read:
        m.read = True
        code = st.query_params.get("class")
        if code:
            join(code, st.query_params.get("teacher"), st.query_params.get("me"))
    if role() == "follower":
        class_push.watch(m.code, following=m.following, who=who())
        if switch:
            catch_up(full=True)
    if role() is not None:  # the class stays in the address whatever the page does
        sync_query_param("class", m.code)
        sync_query_param("teacher", m.key)
        sync_query_param("me", m.me)


def after_run(page: str, finished: bool) -> None:
    """The page has run (to its end, or not: switching, rerunning): the class stays in the address; a
    teacher publishes what the page shows."""
    m = member()
    if finished:  # a run that reached its end has shown the message
        m.error = None
    if role() is None:
        return
    sync_query_param("class", m.code)
    if role() == "teacher":
        sync_query_param("teacher", m.key)
        if finished:
            publish(page)
    else:
        sync_query_param("me", m.me)
        if finished:
            _diverged(page)


def on_written() -> None:
    """A page wrote its setting into the address (ui/page_setting's hook; also in a fragment's rerun)."""
    page = current_page()
    if page is None:
        return
    if role() == "teacher":
        publish(page)
    elif role() == "follower":
        _diverged(page)


def on_requested() -> None:
    """This session asked for a training run (ui/run_panel's hook): a teacher's students watch it too."""
    page = current_page()
    if role() == "teacher" and page is not None:
        publish(page)


# ---- the teacher publishes ----------------------------------------------------------------------


def page_params(page: str | None = None) -> dict[str, str | list[str]]:
    """The address's parameters that belong to the page's link (one value as text, repeated ones as a list);
    without a page, every parameter that is not the session's own."""
    link = setting_links().get(page) if page is not None else None
    names = {param.name for param in link.params} if link is not None else None
    out = {}
    for name in st.query_params:
        if name not in OWN and (names is None or name in names) and (page is None or link is not None):
            values = st.query_params.get_all(name)
            out[name] = values[0] if len(values) == 1 else values
    return out


def _record(page: str):
    """The page's setting in this session (None: a page without one, or one this session never opened)."""
    link = setting_links().get(page)
    setting = page_setting.PageSetting(page, link) if link is not None else None
    return setting if setting is not None and setting.known() else None


def view_of(page: str) -> View:
    """What this session's page shows now: the teacher's view of it."""
    setting = _record(page)
    shown = setting.get().shown() if setting is not None else {}
    carried = None
    if page == POOLING_PAGE and setting is not None and setting.get().src == "carried" and CARRIED in st.session_state:
        carried = np.round(np.asarray(st.session_state[CARRIED], dtype=float), 6).tolist()
    held = get_service().held(session_id())
    return View(page, page_params(page), shown, carried, held.key if held is not None else None)


def publish(page: str) -> None:
    """The teacher's view, written to the class when it changed; the followers are nudged."""
    m = member()
    view = view_of(page)
    if view == m.view:
        return
    try:
        version = call("publish", m.code, m.key, view.page, view.params, view.extra())
    except ClassError as err:
        leave(err)
        return
    if version is None:
        return
    changed = m.view
    m.view, m.applied = view, version
    scope = _scope(changed, view)
    live = live_message(view, version, changed) if scope == "fragment" else None
    class_push.nudge(m.code, scope=scope, live=live)


def draws_live(page: str, state_of: Callable[[Any], dict], covers: tuple[str, ...] | None = None) -> None:
    """`page`'s workbench draws a teacher's edit of the parameters and followed fields `covers` (None: all of the
    page's record) from ``state_of(record)`` alone (the part of what the page's own run would send it that such an
    edit changes). Its followers then take such edits by the live channel, with no rerun."""
    LIVE[page] = (state_of, covers)


def live_message(view: View, version: int, before: View | None) -> tuple[str, str] | None:
    """(page, the message) for the live channel when the workbench can draw the change from `before` by itself:
    its state of the view exactly as a follower's own catch-up would make it (its link read from the view's
    parameters, then its followed fields), encoded once. None: the change needs a rerun."""
    state_of, covers = LIVE.get(view.page, (None, None))
    link = setting_links().get(view.page)
    if state_of is None or link is None or not _covered(before, view, view.page, covers):
        return None
    record = link.read(view.params)[0].showing(view.shown)
    return view.page, json.dumps({"v": version, "page": view.page, "state": state_of(record)}, separators=(",", ":"))


def _scope(before: View | None, after: View) -> str:
    """What a follower must rerun for a change: "fragment" when only the page's own record moved (its follow
    fragment shows all of it), else "page"."""
    if before is None or before.page != after.page or before.run != after.run or before.carried != after.carried:
        return "page"
    return "fragment"


# ---- a follower takes the view ------------------------------------------------------------------


def catch_up(full: bool, covers: tuple[str, ...] | None = None) -> bool:
    """Take the teacher's latest view if it moved. `full`: before the page (may switch pages); else in the page's
    follow fragment, which shows the parameters and followed fields `covers` (None: all of the page's record):
    another page, or a change of anything else, makes the whole run start again. Returns whether it applied one."""
    m = member()
    if role() != "follower":
        return False
    version = call("version", m.code)
    if version is not None and version == m.applied:
        return False
    try:
        state = call("check", m.code)
    except ClassError as err:  # ended or expired: the page works alone, with the reason
        leave(err)
        return False
    if state is None:
        return False
    view = View.of(state)
    here = current_page()
    if m.following and view != m.view and not full and not _covered(m.view, view, here, covers):
        st.rerun(scope="app")  # the fragment does not show all that changed: the whole run takes the view
    m.applied = state.version
    once, m.catch_once = m.catch_once, False
    if not (m.following or once) or view == m.view:
        return False  # exploring, or a question changed: this run redraws it
    m.view = view
    page_setting.forget_all()  # every page reads its setting (now the teacher's) from the address again
    _put_params(view.params)
    if view.carried is not None:
        st.session_state[CARRIED] = np.asarray(view.carried, dtype=float)
    link = setting_links().get(view.page)
    if link is not None and view.shown:
        setting = page_setting.PageSetting(view.page, link)
        setting.set(setting.get().showing(view.shown))
    if view.page != here:
        script = page_script(view.page)
        if script:
            m.to_top = True
            st.switch_page(script)
    return True


def _covered(before: View | None, after: View, here: str | None, covers: tuple[str, ...] | None) -> bool:
    """Whether a follow fragment that shows `covers` can show the change from `before` to `after` by itself."""
    if before is None or after.page != here or before.page != here or (before.run, before.carried) != (after.run, after.carried):
        return False
    if covers is None:
        return True
    changed = {k for k in before.params.keys() | after.params.keys() if before.params.get(k) != after.params.get(k)}
    changed |= {k for k in before.shown.keys() | after.shown.keys() if before.shown.get(k) != after.shown.get(k)}
    return changed <= set(covers)


def refresh(covers: tuple[str, ...] | None = None, live: str | None = None) -> None:
    """At the top of a page's follow fragment: register it for the push, and take the teacher's latest view.
    covers: the link parameters and followed fields the fragment shows (None: everything the page's record holds).
    live: this page, when everything else the fragment shows stays true whatever the workbench's state (its
    followers then take the teacher's edits by the live channel; ``live_link`` goes into the workbench's data)."""
    m = member()
    if role() != "follower":
        return
    token = None
    if live is not None and m.following and live in LIVE:
        token = m.live = class_live.issue(m.code, m.live)
    m.live_page = live if token else None
    class_push.watch(m.code, following=m.following, fragment=current_fragment(), who=who(),
                     live=(token, live) if token else None)
    catch_up(full=False, covers=covers)


def live_link(page: str) -> dict | None:
    """What a following student's workbench on `page` needs to open the live channel: its token, the class
    version its data shows, the route; None when the session does not follow (or the page draws no live edit)."""
    m = member()
    if role() != "follower" or not m.following or not m.live or m.live_page != page:
        return None
    return {"token": m.live, "v": m.applied or 0, "page": page, "path": class_live.PATH}


def latest_setting(page: str) -> Callable[[], dict | None] | None:
    """For a following student: reads the teacher's latest setting of `page` when called (a notebook built at the
    click holds what the workbench shows, even when the live channel moved it since the page last ran); None
    otherwise. Called outside any script run: it reads the class store alone."""
    m = member()
    if role() != "follower" or not m.following or setting_links().get(page) is None:
        return None
    return latest_reader(m.code, page)


def latest_reader(code: str, page: str) -> Callable[[], dict | None]:
    """The reader ``latest_setting`` gives: the class's latest setting of `page` as its link's values (None: the
    class shows another page, or cannot be read)."""
    link = setting_links()[page]

    def read() -> dict | None:
        try:
            state = get_store().check(code)
        except Exception:  # noqa: BLE001 - ended, expired or away: the notebook of the page's own last run
            return None
        if state is None or state.page != page:
            return None
        view = View.of(state)
        return link.read(view.params)[0].showing(view.shown).to_link()

    return read


def _diverged(page: str) -> None:
    """A follower whose page no longer shows the teacher's view edited it: exploring from now on."""
    m = member()
    if not m.following or m.view is None or m.view.page != page:
        return
    setting = _record(page)
    shown = setting.get().shown() if setting is not None else {}
    if page_params(page) != m.view.params or any(shown.get(k) != v for k, v in m.view.shown.items()):
        m.following, m.diverged = False, True
        class_push.watch(m.code, following=False, who=who())
        st.rerun(scope="app")  # once: the sidebar says so at once (it was drawn before the page)


def _put_params(params: dict) -> None:
    """The teacher's page parameters in place of this session's (its own class/lang/present/me stay)."""
    def lists(pairs) -> dict[str, list[str]]:
        return {name: list(value) if isinstance(value, list | tuple) else [str(value)] for name, value in pairs}

    now = lists((name, st.query_params.get_all(name)) for name in st.query_params if name not in OWN)
    if now == lists(params.items()):
        return  # nothing to change: no message to the browser
    own = {name: st.query_params.get_all(name) for name in st.query_params if name in OWN}
    st.query_params.from_dict({**{name: v[0] if len(v) == 1 else v for name, v in own.items()}, **params})  # one message


def following_run() -> str | None:
    """The run a following student watches with the teacher (None: not following, or no run)."""
    m = member()
    return m.view.run if role() == "follower" and m.following and m.view is not None else None


# ---- Streamlit's page of this run ---------------------------------------------------------------


def current_page() -> str | None:
    """The url path of the page this run shows."""
    ctx = get_script_run_ctx()
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash) if ctx else None
    return info.get("url_pathname") if info else None


def current_fragment() -> str | None:
    return class_push.current_fragment()


def page_script(url_path: str) -> str | None:
    """The script of the router's page at url_path ("" = the lecture map)."""
    ctx = get_script_run_ctx()
    pages = ctx.pages_manager.get_pages().values() if ctx else []
    for info in pages:
        if info.get("url_pathname", None) == url_path and info.get("script_path"):
            return info["script_path"]
    return None
