"""ui/class_push.py: the rerun queue (coalescing, at most N at once, a busy follower, a session that is gone, a
fragment or the whole page), and Streamlit's internals the push relies on — this fails loudly when an upgrade
moves them (the app then falls back to followers asking every few seconds)."""

from __future__ import annotations

import inspect

import pytest

from ui import class_push
from ui.class_push import RerunQueue


class FakeSession:
    def __init__(self, fragments=("frag",)):
        self.reruns = []  # the fragment id of each rerun asked for ("" = the whole page)
        self.busy = False
        self.fragments = set(fragments)
        from streamlit.proto.ClientState_pb2 import ClientState

        self._client_state = ClientState()
        self._client_state.query_string = "lang=ko"
        self._scriptrunner = None

    @property
    def _state(self):
        from streamlit.runtime.app_session import AppSessionState

        return AppSessionState.APP_IS_RUNNING if self.busy else AppSessionState.APP_NOT_RUNNING

    def has_fragment(self, fragment_id):
        return fragment_id in self.fragments

    def request_rerun(self, state):
        assert state.query_string == "lang=ko" and not state.is_auto_rerun  # its own last client state
        self.reruns.append(state.fragment_id)
        self.busy = True  # the run starts


class Info:
    def __init__(self, session):
        self.session = session


class FakeSessions:
    def __init__(self, n):
        self.by_id = {f"s{i}": FakeSession() for i in range(n)}

    def get_active_session_info(self, sid):
        session = self.by_id.get(sid)
        return Info(session) if session is not None else None


@pytest.fixture
def timer():
    """The event loop's call_later, run by hand: the test decides when time passes."""
    calls = []
    return calls


def make_queue(at_once, timer):
    return RerunQueue(at_once=at_once, later=lambda seconds, fn, *args: timer.append((fn, args)))


def tick(timer):
    due, timer[:] = list(timer), []
    for fn, args in due:
        fn(*args)


def test_at_most_n_at_once_and_the_rest_when_runs_end(timer):
    sessions = FakeSessions(6)
    queue = make_queue(2, timer)
    for sid in sessions.by_id:
        queue.add(sessions, sid)
    started = [sid for sid, s in sessions.by_id.items() if s.reruns]
    assert started == ["s0", "s1"]  # two at once, oldest first
    tick(timer)
    assert [sid for sid, s in sessions.by_id.items() if s.reruns] == ["s0", "s1"]  # still running: nobody else
    for sid in started:
        sessions.by_id[sid].busy = False  # their runs end
    tick(timer)
    assert [sid for sid, s in sessions.by_id.items() if s.reruns] == ["s0", "s1", "s2", "s3"]


def test_changes_that_come_while_a_session_waits_rerun_it_once(timer):
    sessions = FakeSessions(1)
    queue = make_queue(4, timer)
    sessions.by_id["s0"].busy = True  # busy with a run of its own (a click): never interrupted
    for _ in range(5):
        queue.add(sessions, "s0", "frag")
    assert sessions.by_id["s0"].reruns == []
    sessions.by_id["s0"].busy = False
    tick(timer)
    assert sessions.by_id["s0"].reruns == ["frag"]  # once, after its run: it shows the latest state
    tick(timer)
    assert sessions.by_id["s0"].reruns == ["frag"]


def test_the_whole_page_wins_over_a_fragment_and_a_gone_fragment_reruns_the_page(timer):
    sessions = FakeSessions(2)
    queue = make_queue(4, timer)
    sessions.by_id["s0"].busy = sessions.by_id["s1"].busy = True
    queue.add(sessions, "s0", "frag")
    queue.add(sessions, "s0", "")  # then a question was asked: the whole page
    queue.add(sessions, "s0", "frag")
    queue.add(sessions, "s1", "old-fragment")  # a fragment its last full run no longer drew
    sessions.by_id["s0"].busy = sessions.by_id["s1"].busy = False
    tick(timer)
    assert sessions.by_id["s0"].reruns == [""] and sessions.by_id["s1"].reruns == [""]


def test_a_session_that_is_gone_is_dropped(timer):
    sessions = FakeSessions(2)
    queue = make_queue(1, timer)
    queue.add(sessions, "s0")
    queue.add(sessions, "s1")
    del sessions.by_id["s1"]  # the tab closed while it waited
    sessions.by_id["s0"].busy = False
    tick(timer)
    assert not queue.waiting and not queue.scope and not timer  # nothing left to do, nothing scheduled


def nudges_to(monkeypatch, watchers: dict) -> list:
    """The class's watchers here, and the (session, fragment) reruns that nudges hand the event loop."""
    added = []

    class Loop:
        def call_soon_threadsafe(self, fn, *args):
            added.append(args[1:])

    monkeypatch.setattr(class_push, "_server", lambda: (object(), Loop()))
    monkeypatch.setattr(class_push, "_WATCHERS", {"CODE": watchers})
    return added


def test_nudge_picks_the_followers_and_their_fragments(monkeypatch):
    added = nudges_to(monkeypatch, {
        "a": class_push.Watcher(True, "frag-a", "student-1"),
        "b": class_push.Watcher(True, None, "student-2"),
        "c": class_push.Watcher(False, "frag-c", "student-3"),  # exploring
    })
    assert class_push.nudge("CODE", scope="fragment") == 2
    assert added == [("a", "frag-a"), ("b", "")]  # no fragment registered: the whole page
    added.clear()
    assert class_push.nudge("CODE", everyone=True) == 3 and {fragment for _, fragment in added} == {""}


def test_a_workbench_with_its_socket_open_gets_the_message_instead_of_a_rerun(monkeypatch):
    """Issue 17: a §4 edit goes as one live message to each follower whose §4 workbench holds an open socket;
    every other follower reruns as before (no socket, a closed one, another page's workbench); a change the
    workbench cannot draw (scope "page") reruns everyone; explorers get neither."""
    added = nudges_to(monkeypatch, {
        "open": class_push.Watcher(True, "frag-1", "s1", "tok-open", "convolution-arithmetic"),
        "closed": class_push.Watcher(True, "frag-2", "s2", "tok-closed", "convolution-arithmetic"),
        "none": class_push.Watcher(True, "frag-3", "s3"),
        "elsewhere": class_push.Watcher(True, "frag-4", "s4", "tok-else", "max-pooling"),
        "exploring": class_push.Watcher(False, "frag-5", "s5", "tok-explore", "convolution-arithmetic"),
    })
    sent = []
    monkeypatch.setattr(class_push.class_live, "connected", lambda token: token in ("tok-open", "tok-else", "tok-explore"))
    monkeypatch.setattr(class_push.class_live, "send", lambda code, tokens, text: sent.append((code, tokens, text)))
    live = ("convolution-arithmetic", '{"v": 5}')
    assert class_push.nudge("CODE", scope="fragment", live=live) == 4
    assert sent == [("CODE", ["tok-open"], '{"v": 5}')]
    assert sorted(added) == [("closed", "frag-2"), ("elsewhere", "frag-4"), ("none", "frag-3")]
    sent.clear()
    added.clear()
    assert class_push.nudge("CODE", scope="page", live=live) == 4 and not sent  # another page, a question, a run
    assert sorted(added) == [("closed", ""), ("elsewhere", ""), ("none", ""), ("open", "")]


def test_what_another_replica_did_nudges_this_replicas_followers(monkeypatch):
    """Issue 19: the class store's listener calls heard(); a publication reruns follow fragments (the followers),
    a question, a reveal, the end, a database gone or back rerun every page (the explorers too)."""
    added = nudges_to(monkeypatch, {
        "a": class_push.Watcher(True, "frag-a", "student-1"),
        "c": class_push.Watcher(False, "frag-c", "student-3"),  # exploring
    })
    assert class_push.heard("CODE", 3, "publish") == 1 and added == [("a", "frag-a")]
    for what in ("ask", "reveal", "end", "down", "catch_up"):
        added.clear()
        assert class_push.heard("CODE", None if what == "down" else 4, what) == 2
        assert sorted(added) == [("a", ""), ("c", "")]
    assert class_push.heard("OTHER", 1, "publish") == 0  # a class nobody here follows


def test_two_tabs_of_one_student_count_once(monkeypatch):
    class Sessions:
        def get_active_session_info(self, sid):
            return object()

    monkeypatch.setattr(class_push, "_server", lambda: (Sessions(), None))
    monkeypatch.setattr(class_push, "_WATCHERS", {"CODE": {
        "tab-1": class_push.Watcher(True, None, "student-1"), "tab-2": class_push.Watcher(True, None, "student-1"),
        "tab-3": class_push.Watcher(False, None, "student-2")}})
    assert class_push.live_followers("CODE") == 2


def test_streamlits_internals_the_push_needs_are_there():
    """If this fails after a Streamlit upgrade, the push no longer reaches followers: fix ui/class_push.py
    (followers meanwhile ask every FALLBACK_S seconds, and the server's log says why)."""
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime import Runtime
    from streamlit.runtime.app_session import AppSession, AppSessionState
    from streamlit.runtime.session_manager import SessionManager

    assert class_push.available()
    assert "_session_mgr" in inspect.getsource(Runtime.__init__) and hasattr(Runtime, "_get_async_objs")
    assert list(inspect.signature(AppSession.request_rerun).parameters) == ["self", "client_state"]
    assert "fragment_id" in inspect.getsource(AppSession.request_rerun)  # a fragment-scoped rerun of another session
    assert hasattr(AppSession, "has_fragment") and hasattr(AppSessionState, "APP_IS_RUNNING")
    source = inspect.getsource(AppSession)
    assert "self._client_state" in source and "self._scriptrunner" in source and "self._state" in source
    assert hasattr(SessionManager, "get_active_session_info")
    assert {"fragment_id", "is_auto_rerun", "query_string"} <= set(ClientState.DESCRIPTOR.fields_by_name)


def _fragment_script():
    import streamlit as st

    from ui import class_push

    st.session_state["outside"] = class_push.current_fragment()

    @st.fragment
    def follow():
        st.session_state["inside"] = class_push.current_fragment()

    follow()


def test_a_fragment_knows_its_own_id():
    """A follower registers the fragment it is drawn in: without its id, every teacher's change would rerun each
    follower's whole page (a few times the CPU and the bytes), and nothing else would say so."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_fragment_script).run()
    assert not at.exception
    assert at.session_state["outside"] is None
    assert isinstance(at.session_state["inside"], str) and at.session_state["inside"]


def test_without_the_internals_the_push_says_so_and_stands_back(monkeypatch, caplog):
    monkeypatch.setattr(class_push, "_BROKEN", {"why": "RuntimeError: moved"})
    assert not class_push.available()
    assert class_push.nudge("CODE") == 0 and class_push.live_followers("CODE") is None
    assert "moved" in caplog.text
