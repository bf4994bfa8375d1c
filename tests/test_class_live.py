"""services/class_live.py: the live channel's sockets — who may open one, what each gets, when it closes.

The endpoint runs here on its own event loop with a stand-in for Starlette's WebSocket (accept, close, send_text,
receive, query_params); tests/test_browser_classroom.py drives the real route through the real server.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json

import pytest

from services import class_live


class FakeSocket:
    """Starlette's WebSocket as the endpoint uses it."""

    def __init__(self, token: str):
        self.query_params = {"token": token}
        self.accepted = False
        self.closed: int | None = None
        self.sent: list[str] = []
        self.inbox: asyncio.Queue = asyncio.Queue()

    async def accept(self):
        self.accepted = True

    async def close(self, code: int = 1000):
        if self.closed is None:
            self.closed = code
            await self.inbox.put({"type": "websocket.disconnect"})

    async def send_text(self, text: str):
        if self.closed is not None:
            raise RuntimeError("closed")
        self.sent.append(text)

    async def receive(self):
        return await self.inbox.get()


@pytest.fixture(autouse=True)
def empty_channel():
    """Each test starts with no token, socket, message or loop (the module keeps them per process)."""
    for held in (class_live._ISSUED, class_live._OPEN, class_live._LAST, class_live._LOOP):
        held.clear()
    yield
    for held in (class_live._ISSUED, class_live._OPEN, class_live._LAST, class_live._LOOP):
        held.clear()


def run(scenario) -> None:
    """Run the async `scenario` on a new event loop in a thread of its own (a worker's main thread may hold a
    running loop already: Playwright's, from a browser test before)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(scenario())).result()


async def until(condition, what: str) -> None:
    """Let the loop run until `condition()` holds (a bound only against a hang)."""
    for _ in range(10_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError(f"never: {what}")


def opened(token: str) -> tuple[FakeSocket, asyncio.Task]:
    socket = FakeSocket(token)
    return socket, asyncio.ensure_future(class_live.endpoint(socket))


def test_a_token_it_never_issued_opens_nothing():
    async def scenario():
        socket, task = opened("made-up")
        await task
        assert socket.accepted and socket.closed == class_live.CLOSE_UNKNOWN
        assert not class_live.connected("made-up")

    run(scenario)


def test_each_open_socket_of_the_class_gets_the_message_once_encoded():
    async def scenario():
        a, b, other = class_live.issue("CLASS1"), class_live.issue("CLASS1"), class_live.issue("CLASS2")
        sockets = {token: opened(token) for token in (a, b, other)}
        await until(lambda: all(class_live.connected(t) for t in (a, b, other)), "three sockets open")
        text = json.dumps({"v": 3, "page": "convolution-arithmetic", "state": {"cell": 4}})
        assert await asyncio.to_thread(class_live.send, "CLASS1", [a, b, other], text) == 2  # from a script's thread
        await until(lambda: sockets[a][0].sent and sockets[b][0].sent, "both sockets got it")
        assert sockets[a][0].sent == sockets[b][0].sent == [text]
        assert sockets[other][0].sent == []  # another class's socket, even when named
        assert class_live.send("CLASS1", [a], "second") == 1 and class_live.last("CLASS1") == "second"
        await until(lambda: len(sockets[a][0].sent) == 2, "the second message")
        assert sockets[b][0].sent == [text]  # only the tokens named
        for socket, task in sockets.values():
            await socket.close()
            await task
        assert not any(class_live.connected(t) for t in (a, b, other))

    run(scenario)


def test_a_socket_that_opens_late_gets_the_last_message_at_once():
    async def scenario():
        early = class_live.issue("CLASS1")
        socket, task = opened(early)
        await until(lambda: class_live.connected(early), "the first socket")
        class_live.send("CLASS1", [early], "v7")
        late = class_live.issue("CLASS1")
        second, second_task = opened(late)
        await until(lambda: second.sent, "the late socket's first message")
        assert second.sent == ["v7"]
        for s, t in ((socket, task), (second, second_task)):
            await s.close()
            await t

    run(scenario)


def test_the_same_tab_reconnecting_replaces_its_old_socket():
    async def scenario():
        token = class_live.issue("CLASS1")
        old, old_task = opened(token)
        await until(lambda: class_live.connected(token), "open")
        new, new_task = opened(token)
        await old_task  # closed by the server
        assert old.closed is not None and class_live.connected(token)
        class_live.send("CLASS1", [token], "to the new one")
        await until(lambda: new.sent, "the new socket's message")
        assert "to the new one" not in old.sent
        await new.close()
        await new_task

    run(scenario)


def test_a_forgotten_token_closes_its_socket_and_opens_nothing_again():
    async def scenario():
        token = class_live.issue("CLASS1")
        socket, task = opened(token)
        await until(lambda: class_live.connected(token), "open")
        await asyncio.to_thread(class_live.forget, token)  # the tab left the class (a script's thread)
        await task
        assert socket.closed is not None and not class_live.connected(token)
        again, again_task = opened(token)
        await again_task
        assert again.closed == class_live.CLOSE_UNKNOWN

    run(scenario)


def test_the_end_of_a_class_closes_its_sockets_and_drops_its_last_message():
    async def scenario():
        mine, theirs = class_live.issue("CLASS1"), class_live.issue("CLASS2")
        sockets = [opened(mine), opened(theirs)]
        await until(lambda: class_live.connected(mine) and class_live.connected(theirs), "open")
        class_live.send("CLASS1", [mine], "x")
        class_live.drop_class("CLASS1")
        await sockets[0][1]
        assert class_live.last("CLASS1") is None and not class_live.connected(mine) and class_live.connected(theirs)
        await sockets[1][0].close()
        await sockets[1][1]

    run(scenario)


def test_sockets_tokens_and_kept_messages_are_bounded(monkeypatch):
    monkeypatch.setattr(class_live, "SOCKETS_MAX", 2)
    monkeypatch.setattr(class_live, "TOKENS_MAX", 3)
    monkeypatch.setattr(class_live, "LAST_MAX", 2)
    for code in ("A", "B", "C"):  # three classes' last messages: the oldest goes
        class_live.send(code, [], code)
    assert (class_live.last("A"), class_live.last("B"), class_live.last("C")) == (None, "B", "C")

    async def scenario():
        tokens = [class_live.issue("CLASS1") for _ in range(3)]
        sockets = [opened(t) for t in tokens]
        await sockets[2][1]  # the third socket is one too many: refused, its student reruns instead
        assert sockets[2][0].closed == 1013 and not class_live.connected(tokens[2])
        assert class_live.connected(tokens[0]) and class_live.connected(tokens[1])
        class_live.issue("CLASS1")  # a fourth token: the oldest issued is forgotten
        assert tokens[0] not in class_live._ISSUED and len(class_live._ISSUED) == 3
        for socket, task in sockets[:2]:
            await socket.close()
            await task

    run(scenario)


def test_nothing_is_sent_before_any_socket_opened():
    assert class_live.send("CLASS1", ["nobody"], "x") == 0
    assert class_live.last("CLASS1") == "x"  # kept for the first socket that opens


def test_the_route_is_a_websocket_outside_streamlits_own_paths():
    from starlette.routing import WebSocketRoute

    (route,) = class_live.routes()
    assert isinstance(route, WebSocketRoute) and route.path == class_live.PATH
    assert not class_live.PATH.startswith(("/_stcore/", "/media/", "/component/", "/static/", "/app/"))
