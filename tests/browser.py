"""Real-browser helpers: start `streamlit run` on a free local port, drive Debian's Chromium.

Used by tests/conftest.py (the session's server and Chromium), tests/test_browser_*.py and bench/. In CI a
missing browser is a failure, never a skip (CHROMIUM must exist).

Waiting: never a fixed sleep. After an action, wait for something the action changes
(Playwright's expect(...), a URL, a count), then `wait_idle` for the rest of that script run.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.isolation import isolated_server_env

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
# Settled: a script run has finished ("initial" until the first one has) and every element it sent is
# drawn. Streamlit loads a widget's or chart's code on its first use and shows a skeleton until then,
# which can be after the run finished: on a fresh browser the sidebar's language radio arrives last.
SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.dataset.testScriptState === 'notRunning' && app.dataset.testConnectionState === 'CONNECTED'
    && !document.querySelector('[data-testid="stSkeleton"]');
}"""
# Drawn for a screenshot: settled, pictures decoded and fonts loaded.
DRAWN = "() => (" + SETTLED + ")() && document.fonts.status === 'loaded' && Array.from(document.images).every(i => i.complete)"

# §4's feature map as the workbench computed it (its data-values, JSON), found through shadow roots; "" before it is drawn
FEATURE_MAP = """() => {
  const find = (root) => { for (const e of root.querySelectorAll('*')) {
    if (e.dataset && e.dataset.testid === 'feature-map') return e;
    const inner = e.shadowRoot && find(e.shadowRoot); if (inner) return inner; } return null; };
  const map = find(document);
  return map ? map.dataset.values : '';
}"""


# The tests' pages draw no CSS transition or animation (what Playwright's screenshots do, animations="disabled"):
# Streamlit's fades, spinners and skeleton shimmer keep Chromium drawing frames that no test looks at. Measured on the
# 2-core machine, tests/test_browser_stack_lab.py alone: all processes 165 and 153 CPU-s with them, 143 and 123
# without (the GPU process 18/14 → 6/4). bench/ keeps them: it measures what a student's browser draws.
STILL = """document.addEventListener('DOMContentLoaded', () => {
  const style = document.createElement('style');
  style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
  document.head.appendChild(style);
});"""


def still(context):
    """A browser context whose pages draw no CSS transition or animation (STILL); returns it."""
    context.add_init_script(STILL)
    return context


POLL_MS = 50  # how often a wait looks: by default Playwright looks every animation frame, which keeps Chromium
# drawing frames at 60 Hz all the time a test waits (most of a browser test's CPU on a 2-core machine)


def settles(measure, timeout_s: float = 30.0):
    """measure() again (every POLL_MS) until it gives [] or the time is up, and its last result: a layout can still
    move after a page is drawn (a chart above laid out late, words arriving in a component), and a test that scrolls
    and measures once then fails on a busy machine. For checks like "what lies outside the viewport"."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = measure()
        if not result or time.monotonic() > deadline:
            return result
        time.sleep(POLL_MS / 1000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float) -> None:
    """Poll /_stcore/health until the server answers (it has no other way to say it is up)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("streamlit did not start")
        time.sleep(0.3)  # between polls of a server that has no readiness signal to wait on


@contextlib.contextmanager
def streamlit_server(env: dict | None = None, timeout: float = 60.0):
    """A fresh `streamlit run streamlit_app.py` on 127.0.0.1; yields its base URL.

    The server's caches (training runs, Keras' home) live in a temporary folder of its own unless
    env names others; its log is printed if the server fails to start or the test fails.
    """
    port = free_port()
    with tempfile.TemporaryDirectory(prefix=f"streamlit-{port}-") as folder:
        log_path = Path(folder) / "server.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
                 "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
                 "--server.fileWatcherType", "none"],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, **isolated_server_env(Path(folder) / "caches"), **(env or {})},
            )
            url = f"http://127.0.0.1:{port}"
            try:
                _wait_healthy(url, proc, timeout)
                yield url
            except GeneratorExit:
                raise
            except BaseException:
                print(f"--- streamlit server log ({url}) ---\n{log_path.read_text()[-6000:]}", file=sys.stderr)
                raise
            finally:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def launch_chromium(playwright):
    """Debian's Chromium through a started Playwright (Playwright cannot download its own here)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextlib.contextmanager
def chromium(width: int = 1400, height: int = 1000):
    """A Playwright browser page on its own Chromium (bench/; tests use conftest's ``browser`` and ``new_page``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, locale="ko-KR")
            yield page
        finally:
            browser.close()


class Tabs:
    """Pages (tabs) in a few long-lived browser contexts, one per (locale, pixel ratio): conftest's ``tabs``.

    Each page is its own Streamlit session (its own WebSocket), as a person's tab is; pages of one context share
    the HTTP cache, so Streamlit's code is fetched and compiled once per context, not once per page (measured on
    the 2-core machine: a page loaded in a fresh context about 4.5 s of CPU, in a shared one about 2 s, and a new
    address in an open page about 1.3 s). What else a context shares: cookies (the app sets none) and
    localStorage (Streamlit's sidebar memory): cleared when a page is given back, so no test inherits it.
    A test that needs nothing cached (a first visit) makes a context of its own.
    """

    def __init__(self, browser):
        self.browser = browser
        self.contexts: dict[tuple[str, float], object] = {}

    def open(self, width: int = 1400, height: int = 1000, locale: str = "ko-KR", scale: float = 1):
        key = (locale, scale)
        if key not in self.contexts:
            self.contexts[key] = still(self.browser.new_context(locale=locale, device_scale_factor=scale))
        page = self.contexts[key].new_page()
        page.set_viewport_size({"width": width, "height": height})
        return page

    @staticmethod
    def give_back(page) -> None:
        """Forget what the page's origin stored (Streamlit's sidebar memory), then close it."""
        if not page.is_closed():
            with contextlib.suppress(Exception):  # a page on about:blank or an error page has no storage to clear
                page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
            page.close()

    @contextlib.contextmanager
    def page(self, width: int = 1400, height: int = 1000, locale: str = "ko-KR", scale: float = 1):
        """A page for a block (a module's page): given back at its end."""
        page = self.open(width, height, locale, scale)
        try:
            yield page
        finally:
            self.give_back(page)

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()
        self.contexts.clear()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the script run under way (or the page's first) has finished and everything it sent is drawn.

    After a click, the rerun it asks for starts a network round trip later: wait first for something
    the click changes, else this may see the previous run's idle state.
    """
    page.wait_for_function(SETTLED, timeout=timeout, polling=POLL_MS)


def wait_drawn(page, timeout: float = 30_000) -> None:
    """wait_idle, and every picture decoded and every font loaded (for screenshots)."""
    page.wait_for_function(DRAWN, timeout=timeout, polling=POLL_MS)


# §4's workbench has no edit waiting to be committed and the server has applied its last commit
COMMITTED = """() => {
  const find = (root) => { for (const e of root.querySelectorAll('*')) {
    if (e.classList && e.classList.contains('wb')) return e;
    const inner = e.shadowRoot && find(e.shadowRoot); if (inner) return inner; } return null; };
  const bench = find(document);
  return !!bench && bench.dataset.pending === '0';
}"""


def wait_committed(page, timeout: float = 30_000) -> None:
    """§4's workbench: every edit committed and applied (its last commit's rerun arrived), then idle."""
    page.wait_for_function(COMMITTED, timeout=timeout, polling=POLL_MS)
    wait_idle(page, timeout)


def script_runs(page) -> dict[str, int]:
    """{"finished": N}, kept up to date: the script runs (whole or fragment) whose end the server told `page`,
    counted from its Streamlit socket's messages (ForwardMsg script_finished). The page's own script-state
    attribute cannot count them: a run that starts and ends within one of the browser's tasks never shows
    "running" there. Call before the page opens its socket."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    counts = {"finished": 0}

    def frame(payload) -> None:
        if isinstance(payload, bytes):
            msg = ForwardMsg()
            msg.ParseFromString(payload)
            counts["finished"] += msg.WhichOneof("type") == "script_finished"

    page.on("websocket", lambda socket: socket.on("framereceived", frame) if "/_stcore/stream" in socket.url else None)
    return counts


def frames_received(page) -> dict[str, int]:
    """Counts, kept up to date, of the WebSocket messages `page` receives: on Streamlit's own socket ("stream": a
    script run's deltas) and on class mode's live channel ("live": services/class_live.py). Call before the page
    opens its sockets."""
    counts = {"stream": 0, "live": 0}

    def opened(socket) -> None:
        kind = "live" if "/class-live" in socket.url else "stream" if "/_stcore/stream" in socket.url else None
        if kind is not None:
            socket.on("framereceived", lambda _frame: counts.__setitem__(kind, counts[kind] + 1))

    page.on("websocket", opened)
    return counts


def open_page(page, url: str, timeout: float = 60_000) -> None:
    """Load url as a new document and wait for its first script run to finish and be drawn."""
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page, timeout)


def h1(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def app_errors(page) -> list[str]:
    """Texts of exception boxes on the page (there must be none)."""
    return [e.inner_text() for e in page.query_selector_all('[data-testid="stException"]')]
