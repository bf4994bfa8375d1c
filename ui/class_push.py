"""Class mode's push (issue 11): a teacher's change reruns the class's followers' sessions at once.

Each follower's session registers here on its full runs (``watch``); ``nudge(code)`` asks Streamlit to
rerun those sessions (``AppSession.request_rerun`` with the session's own last client state, on the
server's event loop: what Streamlit itself does when a source file changes). An idle follower
therefore costs the server nothing (no polling), and a change reaches it one page run later; at most
AT_ONCE followers rerun at a time, and one busy with a run waits for it to end (never interrupted). Without
a server runtime (AppTest) nothing is pushed: each test run checks the class's version itself.

One server process: the sessions of another replica are not reachable from here (README, "Class mode
past one server").
"""

from __future__ import annotations

import collections
import threading

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

S = st.session_state

_WATCHERS: dict[str, dict[str, bool]] = {}  # class code -> {Streamlit session id: following?}, this process
_WATCH_LOCK = threading.Lock()


def watch(code: str) -> None:
    ctx = get_script_run_ctx()
    if ctx is not None:
        with _WATCH_LOCK:
            _WATCHERS.setdefault(code, {})[ctx.session_id] = bool(S.get("class_following"))


def unwatch(code: str) -> None:
    ctx = get_script_run_ctx()
    if ctx is not None:
        with _WATCH_LOCK:
            _WATCHERS.get(code, {}).pop(ctx.session_id, None)


def _server():
    """Streamlit's session manager and event loop; None without a running server (AppTest)."""
    try:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return None
        runtime = Runtime.instance()
        return runtime._session_mgr, runtime._get_async_objs().eventloop
    except Exception:  # noqa: BLE001 - no server: nothing to push to
        return None


def live_followers(code: str) -> int | None:
    """How many sessions follow (or explore in) the class now; None without a server runtime."""
    server = _server()
    if server is None:
        return None
    with _WATCH_LOCK:
        watchers = _WATCHERS.get(code, {})
        for gone in [sid for sid in watchers if server[0].get_active_session_info(sid) is None]:
            del watchers[gone]
        return len(watchers)


def nudge(code: str, everyone: bool = False) -> int:
    """Rerun the class's following sessions now (everyone: the explorers too, for a question or the end)."""
    server = _server()
    if server is None:
        return 0
    with _WATCH_LOCK:
        targets = [sid for sid, following in _WATCHERS.get(code, {}).items() if following or everyone]
    for sid in targets:
        server[1].call_soon_threadsafe(_rerun, server[0], sid)
    return len(targets)


# The reruns themselves, on the server's event loop only (no locks needed there).
AT_ONCE = 4  # followers rerunning at the same time: 40 GIL-bound page runs at once only thrash a 2-core server
RETRY_S = 0.05  # how often the queue looks whether a rerun has finished
_WAITING: collections.deque[str] = collections.deque()  # sessions due for a rerun, oldest first
_QUEUED: set[str] = set()  # the same, as a set
_RUNNING: set[str] = set()  # sessions rerunning now because of a nudge
_PUMP = {"sessions": None, "scheduled": False}


def _rerun(sessions, sid: str) -> None:
    """Queue a session's rerun: once, however many changes come before it starts (it shows the latest)."""
    _PUMP["sessions"] = sessions
    if sid not in _QUEUED:
        _QUEUED.add(sid)
        _WAITING.append(sid)
    _pump()


def _busy(session) -> bool:
    """A run under way, or asked for and not started yet (its script runner exists)."""
    from streamlit.runtime.app_session import AppSessionState

    return session._state == AppSessionState.APP_IS_RUNNING or getattr(session, "_scriptrunner", None) is not None


def _pump(timer: bool = False) -> None:
    """Start queued reruns while fewer than AT_ONCE run; a session busy with a run of its own (a click,
    the last rerun) waits for it to end instead of being interrupted; look again in RETRY_S."""
    import asyncio

    from streamlit.proto.ClientState_pb2 import ClientState

    sessions = _PUMP["sessions"]
    if timer:  # this is the one pending look; a direct call leaves it pending
        _PUMP["scheduled"] = False
    for sid in list(_RUNNING):
        info = sessions.get_active_session_info(sid)
        if info is None or not _busy(info.session):
            _RUNNING.discard(sid)
    for _ in range(len(_WAITING)):
        if len(_RUNNING) >= AT_ONCE:
            break
        sid = _WAITING.popleft()
        info = sessions.get_active_session_info(sid)
        if info is None:  # the tab closed
            _QUEUED.discard(sid)
            continue
        if _busy(info.session) or sid in _RUNNING:
            _WAITING.append(sid)  # still due: after its current run
            continue
        _QUEUED.discard(sid)
        _RUNNING.add(sid)
        state = ClientState()
        state.CopyFrom(info.session._client_state)
        state.fragment_id, state.is_auto_rerun = "", False
        info.session.request_rerun(state)
    if (_WAITING or _RUNNING) and not _PUMP["scheduled"]:
        _PUMP["scheduled"] = True
        asyncio.get_running_loop().call_later(RETRY_S, _pump, True)
