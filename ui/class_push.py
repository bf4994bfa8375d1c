"""Class mode's push (issues 11, 17): a teacher's change reruns the class's followers at once — only the
fragment that shows what changed, when that is enough.

Each follower registers here (``watch``) on its full runs and in its page's follow fragment (with the
fragment's id). ``nudge(code, scope)`` asks Streamlit to rerun those sessions: ``scope="fragment"`` reruns
just the registered fragment (a §4 edit: a few milliseconds and a few kilobytes per follower), ``"page"``
the whole page (another page, a question, the end of the class). Nothing polls: an idle follower costs the
server nothing. At most ``AT_ONCE`` followers rerun at a time; one busy with a run of its own waits for it to
end (never interrupted) and then shows the latest state, however many changes came meanwhile.

Streamlit has no public API to rerun another session. This uses its internals (``Runtime._session_mgr``,
``AppSession.request_rerun`` with a ``ClientState``, ``AppSession._state`` / ``_scriptrunner`` /
``_client_state``), the way Streamlit itself reruns sessions when a source file changes. ``available()``
checks them once; tests/test_class_push.py fails loudly when an upgrade moves them, and while they are
missing the followers fall back to a fragment that asks for the class's version every ``FALLBACK_S`` seconds
(ui/classroom.py): following degrades, it never silently stops.

Several replicas (issue 19, PostgreSQL): a change made on another replica reaches this one through the class
store's listener (``ClassStore.listen``), which calls ui/class_session.py's ``heard`` on its thread: it reads a
publication once for the process, and an edit the followers' workbenches draw by themselves goes to their sockets
as a local one does; everything else comes here (``heard``) and reruns this process's followers the way a local
change does. When the database goes away every follower reruns once to say so, and when it is back once more to
take the latest version (README, "Class mode past one server").
"""

from __future__ import annotations

import collections
import functools
import logging
import threading
from dataclasses import dataclass

from streamlit.runtime.scriptrunner import get_script_run_ctx

from services import class_live

log = logging.getLogger(__name__)
# One follower reruns at a time, and the queue looks every 5 ms whether it has finished: scripts share one core (the
# GIL), so runs side by side only contend. Measured (bench/classroom.py followers 40, the same idle machine): 4 at
# once, a look every 50 ms: commit → follower p50 405 / p90 639 ms, the teacher's own edit p90 1.17× slower than
# alone; one at a time every 5 ms (and the class store read once per change): 335 / 548 ms and 1.08×.
AT_ONCE = 1
RETRY_S = 0.005
FALLBACK_S = 2.0  # without the push: how often a follower asks for the class's version


@dataclass
class Watcher:
    following: bool  # False: exploring (only "everyone" nudges reach it)
    fragment: str | None = None  # the page's follow fragment in its last run, if any
    who: str | None = None  # the student (one for all of a student's tabs)
    live: str | None = None  # its token on the live channel (services/class_live.py), while its page can use it
    live_page: str | None = None  # the page whose workbench draws what the channel brings


_WATCHERS: dict[str, dict[str, Watcher]] = {}  # class code -> {Streamlit session id: Watcher}, this process
_WATCH_LOCK = threading.Lock()


def watch(code: str, following: bool, fragment: str | None = None, who: str | None = None,
          live: tuple[str, str] | None = None) -> None:
    """This session follows (or explores in) the class; `fragment`: its page's follow fragment, when drawn;
    `live`: (token, page) while that page's workbench takes the teacher's edits by the live channel (a full
    run of another page, or the fragment without it, registers None)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    token, page = live or (None, None)
    with _WATCH_LOCK:
        old = _WATCHERS.setdefault(code, {}).get(ctx.session_id)
        _WATCHERS[code][ctx.session_id] = Watcher(following, fragment if fragment else (old.fragment if old else None),
                                                  who or (old.who if old else None), token, page)


def unwatch(code: str) -> None:
    ctx = get_script_run_ctx()
    if ctx is not None:
        with _WATCH_LOCK:
            _WATCHERS.get(code, {}).pop(ctx.session_id, None)


_BROKEN = {"why": None}  # set when a call into Streamlit's internals failed at run time


@functools.cache
def _internals_present() -> bool:
    try:
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.runtime import Runtime
        from streamlit.runtime.app_session import AppSession, AppSessionState
        from streamlit.runtime.scriptrunner_utils.script_run_context import FragmentThreadState, ThreadState
        from streamlit.runtime.session_manager import SessionManager

        return (hasattr(ThreadState, "get") and "fragment_id" in FragmentThreadState.__dataclass_fields__
                and all(hasattr(AppSession, name) for name in ("request_rerun", "has_fragment"))
                and hasattr(AppSessionState, "APP_IS_RUNNING") and hasattr(SessionManager, "get_active_session_info")
                and hasattr(Runtime, "_get_async_objs") and "fragment_id" in ClientState.DESCRIPTOR.fields_by_name)
    except Exception:  # noqa: BLE001 - anything missing means: no push
        return False


def available() -> bool:
    """Whether the push can reach other sessions (Streamlit's internals are where they were)."""
    ok = _internals_present() and _BROKEN["why"] is None
    if not ok and not _BROKEN.get("logged"):
        _BROKEN["logged"] = True
        log.error("class mode: Streamlit's internals for the push have moved (%s); followers ask every %s s instead",
                  _BROKEN["why"] or "a class or method is missing", FALLBACK_S)
    return ok


def current_fragment() -> str | None:
    """The id of the fragment this code runs in (None outside one): what a follower registers, so a teacher's
    change reruns just that fragment. Streamlit keeps it in its per-thread fragment state (no public API)."""
    if not available():
        return None
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

        return ThreadState.get().fragment_id
    except Exception as err:  # noqa: BLE001 - an upgrade moved it: say so once; followers rerun whole pages
        _BROKEN["why"] = f"{type(err).__name__}: {err}"
        available()
        return None


def _server():
    """Streamlit's session manager and event loop; None without a running server (AppTest) or a push."""
    if not available():
        return None
    from streamlit.runtime import Runtime

    if not Runtime.exists() or type(Runtime.instance()) is not Runtime:  # no server, or AppTest's stand-in
        return None
    try:
        runtime = Runtime.instance()
        return runtime._session_mgr, runtime._get_async_objs().eventloop
    except Exception as err:  # noqa: BLE001 - an upgrade moved them: say so once, fall back
        _BROKEN["why"] = f"{type(err).__name__}: {err}"
        available()
        return None


def live_followers(code: str) -> int | None:
    """How many students follow (or explore in) the class now, each counted once however many tabs it has;
    None without a server runtime."""
    server = _server()
    if server is None:
        return None
    with _WATCH_LOCK:
        watchers = _WATCHERS.get(code, {})
        for gone in [sid for sid in watchers if server[0].get_active_session_info(sid) is None]:
            del watchers[gone]
        return len({w.who or sid for sid, w in watchers.items()})


def nudge(code: str, everyone: bool = False, scope: str = "page", live: tuple[str, str] | None = None) -> int:
    """Rerun the class's following sessions now (everyone: the explorers too, for a question or the end).
    scope "fragment": only the page's follow fragment where a session registered one. live: (page, message)
    when the change is one a workbench draws by itself: a follower whose workbench on that page holds an open
    socket gets the message instead of a rerun (services/class_live.py). Returns the sessions reached."""
    server = _server()
    if server is None:
        return 0
    with _WATCH_LOCK:
        chosen = [(sid, w) for sid, w in _WATCHERS.get(code, {}).items() if w.following or everyone]
    sockets, targets = split(chosen, scope, live)
    if live is not None and scope == "fragment":  # kept as the class's last message even when no socket takes it now
        class_live.send(code, sockets, live[1])
    for sid, fragment in targets:
        server[1].call_soon_threadsafe(_QUEUE.add, server[0], sid, fragment)
    return len(targets) + len(sockets)


def split(chosen: list[tuple[str, Watcher]], scope: str, live: tuple[str, str] | None,
          connected=None) -> tuple[list[str], list[tuple[str, str]]]:
    """(the live tokens that take the change as a message, the (session, fragment) pairs that rerun)."""
    connected = connected or class_live.connected
    sockets, targets = [], []
    for sid, w in chosen:
        if live is not None and scope == "fragment" and w.live_page == live[0] and connected(w.live):
            sockets.append(w.live)
        else:
            targets.append((sid, w.fragment if scope == "fragment" and w.fragment else ""))
    return sockets, targets


def heard(code: str, version: int | None, what: str) -> int:
    """The class store's listener heard a change another replica made (publish, ask, reveal, end), or the
    database went ("down") or came back ("catch_up"), and it is not a live message (ui/class_session.heard): this
    process's followers rerun as for a local change.
    A publication reruns only the follow fragments: a fragment that cannot show all of it reruns the page."""
    if what == "publish":
        return nudge(code, scope="fragment")
    return nudge(code, everyone=True)


class RerunQueue:
    """The reruns themselves, on the server's event loop only (so no locks): each due session once, the widest
    scope asked for (the whole page beats a fragment), at most `at_once` running, a busy session after its run."""

    def __init__(self, at_once: int = AT_ONCE, later=None):
        self.at_once = at_once
        self.waiting: collections.deque[str] = collections.deque()  # sessions due, oldest first
        self.scope: dict[str, str] = {}  # session -> fragment id to rerun ("" = the whole page)
        self.running: set[str] = set()
        self.sessions = None
        self.scheduled = False
        self._later = later  # call_later(seconds, fn) of the event loop; tests pass their own

    def add(self, sessions, sid: str, fragment: str = "") -> None:
        self.sessions = sessions
        if sid in self.scope:
            self.scope[sid] = "" if "" in (fragment, self.scope[sid]) else fragment
        else:
            self.scope[sid] = fragment
            self.waiting.append(sid)
        self.pump()

    def pump(self, timer: bool = False) -> None:
        """Start due reruns while fewer than at_once run; look again in RETRY_S while any is due or running."""
        from streamlit.proto.ClientState_pb2 import ClientState

        if timer:
            self.scheduled = False
        for sid in list(self.running):
            info = self.sessions.get_active_session_info(sid)
            if info is None or not _busy(info.session):
                self.running.discard(sid)
        for _ in range(len(self.waiting)):
            if len(self.running) >= self.at_once:
                break
            sid = self.waiting.popleft()
            info = self.sessions.get_active_session_info(sid)
            if info is None:  # the tab closed
                self.scope.pop(sid, None)
                continue
            if _busy(info.session) or sid in self.running:
                self.waiting.append(sid)  # still due: after its current run
                continue
            fragment = self.scope.pop(sid)
            if fragment and not info.session.has_fragment(fragment):
                fragment = ""  # the fragment went with a full run: the whole page shows the change
            self.running.add(sid)
            state = ClientState()
            state.CopyFrom(info.session._client_state)
            state.fragment_id, state.is_auto_rerun = fragment, False
            info.session.request_rerun(state)
        if (self.waiting or self.running) and not self.scheduled:
            self.scheduled = True
            later = self._later
            if later is None:
                import asyncio

                later = asyncio.get_running_loop().call_later
            later(RETRY_S, self.pump, True)


def _busy(session) -> bool:
    """A run under way, or asked for and not started yet (its script runner exists)."""
    from streamlit.runtime.app_session import AppSessionState

    return session._state == AppSessionState.APP_IS_RUNNING or getattr(session, "_scriptrunner", None) is not None


_QUEUE = RerunQueue()
