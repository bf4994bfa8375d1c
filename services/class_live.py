"""Class mode's live channel (issue 17): a following tab's workbench takes each teacher's edit straight from the
server, with no script run per student.

A Streamlit script run costs a follower 4–5 ms of the server's CPU however small the fragment (a runner thread,
the ``new_session`` message, one event-loop wake-up per element: docs/streamlit.md), so forty students cannot
each rerun for every slider step the teacher makes. The router serves this module's WebSocket route beside
Streamlit's own (``st.App``, streamlit_app.py); a following student's workbench (static/workbench.js) opens
it with a token its session was given (``issue``) and from then on receives the teacher's compact state (§4's
x, w, padding, stride, activation, window) as one JSON text, the same text for every student: the teacher's
run encodes it once (``send``), and each socket costs one WebSocket send on the event loop.

What the workbench cannot draw by itself (another page, a question, a run, the end of the class) still reruns
the follower's page (ui/class_push.py); so does every follower whose socket is not open (another server
entry, a proxy that drops WebSockets, AppTest): the channel only ever saves work, it never carries anything
alone. On connecting, a socket gets the class's last message at once, so a tab that (re)connects late is never
left behind.

Plain Python and Starlette, no Streamlit: the event loop is the server's, learnt from the first socket.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import secrets
import threading

log = logging.getLogger(__name__)
PATH = "/class-live"  # beside Streamlit's reserved /_stcore/, /media/, /component/, /static/
TOKENS_MAX = 5000  # tokens issued and not yet connected or forgotten, per process (oldest dropped first)
SOCKETS_MAX = 2000  # open sockets per process: more are refused (their students rerun as without the channel)
CLOSE_UNKNOWN = 4404  # a token this process never issued (or forgot): the workbench stops trying

_LOCK = threading.Lock()
_ISSUED: collections.OrderedDict[str, str] = collections.OrderedDict()  # token -> class code
_OPEN: dict[str, tuple[str, object]] = {}  # token -> (class code, its socket)
_LAST: collections.OrderedDict[str, str] = collections.OrderedDict()  # class code -> its last message (for late sockets)
LAST_MAX = 1000  # classes whose last message is kept (an expired class never says it ended: the oldest go first)
_LOOP: dict[str, asyncio.AbstractEventLoop] = {}  # "loop": the server's event loop (the first socket's)


def issue(code: str, token: str | None = None) -> str:
    """A token for one tab of a follower in class `code` (kept by its session; the same token again is fine)."""
    token = token or secrets.token_urlsafe(16)
    with _LOCK:
        _ISSUED[token] = code
        _ISSUED.move_to_end(token)
        while len(_ISSUED) > TOKENS_MAX:
            _ISSUED.popitem(last=False)
    return token


def forget(token: str | None) -> None:
    """The tab left the class (or the class ended): its token opens nothing any more; an open socket is closed."""
    if not token:
        return
    with _LOCK:
        _ISSUED.pop(token, None)
        held = _OPEN.pop(token, None)
    loop = _LOOP.get("loop")
    if held is not None and loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(_close, held[1])


def connected(token: str | None) -> bool:
    """Whether the tab holding this token has its socket open now (then it takes the teacher's edits by it)."""
    return bool(token) and token in _OPEN


def send(code: str, tokens: list[str], text: str) -> int:
    """Send `text` (one JSON message, encoded once) to the open sockets of `tokens`, from any thread; the class's
    last message is kept for sockets that open later. Returns how many sockets it goes to."""
    with _LOCK:
        _LAST[code] = text
        _LAST.move_to_end(code)
        while len(_LAST) > LAST_MAX:
            _LAST.popitem(last=False)
        sockets = [_OPEN[token][1] for token in tokens if token in _OPEN and _OPEN[token][0] == code]
    loop = _LOOP.get("loop")
    if not sockets or loop is None or loop.is_closed():
        return 0
    loop.call_soon_threadsafe(_deliver, sockets, text)
    return len(sockets)


def last(code: str) -> str | None:
    return _LAST.get(code)


def drop_class(code: str) -> None:
    """The class ended: its last message goes, and its sockets close."""
    with _LOCK:
        _LAST.pop(code, None)
        tokens = [token for token, (held, _) in _OPEN.items() if held == code]
    for token in tokens:
        forget(token)


def _deliver(sockets: list, text: str) -> None:
    """On the event loop: one send task per socket (a slow student's socket never holds up the others)."""
    for socket in sockets:
        asyncio.ensure_future(_send_one(socket, text))


async def _send_one(socket, text: str) -> None:
    try:
        await socket.send_text(text)
    except Exception:  # noqa: BLE001 - a socket that went away: its endpoint forgets it when the receive ends
        log.debug("class live: a send failed", exc_info=True)


def _close(socket) -> None:
    asyncio.ensure_future(_close_one(socket))


async def _close_one(socket) -> None:
    try:
        await socket.close()
    except Exception:  # noqa: BLE001 - already closed
        pass


async def endpoint(socket) -> None:
    """The route: ``<base>/class-live?token=…``. An unknown token, or one socket too many, is closed at once;
    otherwise the class's last message is sent, and the socket stays open until the tab goes. Whatever the
    browser sends is ignored (the workbench sends nothing)."""
    _LOOP.setdefault("loop", asyncio.get_running_loop())
    token = socket.query_params.get("token", "")
    with _LOCK:
        code = _ISSUED.get(token)
        full = len(_OPEN) >= SOCKETS_MAX and token not in _OPEN
    await socket.accept()
    if code is None or full:
        await socket.close(code=CLOSE_UNKNOWN if code is None else 1013)
        return
    with _LOCK:
        before = _OPEN.get(token)
        _OPEN[token] = (code, socket)
        first = _LAST.get(code)
    if before is not None:  # the same tab reconnected: the old socket goes
        _close(before[1])
    try:
        if first is not None:
            await socket.send_text(first)
        while True:
            message = await socket.receive()
            if message.get("type") == "websocket.disconnect":
                break
    except Exception:  # noqa: BLE001 - the connection broke: forget it
        log.debug("class live: a socket ended", exc_info=True)
    finally:
        with _LOCK:
            if _OPEN.get(token, (None, None))[1] is socket:
                del _OPEN[token]


def routes() -> list:
    """The router's extra route (st.App(routes=…))."""
    from starlette.routing import WebSocketRoute

    return [WebSocketRoute(PATH, endpoint)]
