"""Class mode's push (issue 11): a teacher's change reruns the class's followers' sessions at once.

Each follower's session registers here on its full runs (``watch``); ``nudge(code)`` asks Streamlit to
rerun those sessions (``AppSession.request_rerun`` with the session's own last client state, on the
server's event loop: what Streamlit itself does when a source file changes). An idle follower
therefore costs the server nothing (no polling), and a change reaches it one page run later. Without
a server runtime (AppTest) nothing is pushed: each test run checks the class's version itself.

One server process: the sessions of another replica are not reachable from here (README, "Class mode
past one server").
"""

from __future__ import annotations

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


_DUE: set[str] = set()  # sessions whose rerun waits for their current run to end (event loop only)
RETRY_S = 0.1  # how often a due rerun looks whether the session's run has ended


def _rerun(sessions, sid: str, due: bool = False) -> None:
    """On the server's event loop: a full rerun of the session as its browser last asked for it.

    A session in the middle of a run is not interrupted (with 40 followers, each new change would stop
    every follower's run before it drew anything): its rerun waits until the run ends, once however
    many changes came meanwhile, and then shows the latest state.
    """
    import asyncio

    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime.app_session import AppSessionState

    if sid in _DUE and not due:
        return  # already due when the run ends
    info = sessions.get_active_session_info(sid)
    if info is None:
        _DUE.discard(sid)
        return
    session = info.session  # busy: a run under way, or asked for and not started yet (its runner exists)
    if session._state == AppSessionState.APP_IS_RUNNING or getattr(session, "_scriptrunner", None) is not None:
        _DUE.add(sid)
        asyncio.get_running_loop().call_later(RETRY_S, _rerun, sessions, sid, True)
        return
    _DUE.discard(sid)
    state = ClientState()
    state.CopyFrom(session._client_state)
    state.fragment_id, state.is_auto_rerun = "", False
    session.request_rerun(state)
