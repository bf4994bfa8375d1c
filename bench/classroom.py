"""Three class benchmarks, each on one fresh server.

    python bench/classroom.py [N] [--cold]                 # N tabs press Train at once (below)
    python bench/classroom.py followers [N] [--window S] [--half-core]   # issue 17: N followers (default 40)
    python bench/classroom.py follow [STEPS] [--half-core]               # two students' screens in Chromium
    python bench/classroom.py replicas [N] [--window S]                  # issue 19: 2 replicas × N vs 1 × N

replicas (issue 19): the followers benchmark's teacher and WebSocket followers, on PostgreSQL (a throwaway
cluster, or $CNNLIB_CLASS_DB; bench/replicas.py), twice: one replica with N followers, then two replicas on one
database with N followers each (the teacher on replica 1; replica 2's followers hear each commit through
LISTEN/NOTIFY). Each time a window with the teacher editing alone, then one with the followers. Printed: the
server CPU of each replica, the CPU per follower update (CPU with followers − CPU alone, per follower run
received) on the whole and per replica, the follower latency from the teacher's commit (p50/p90) per replica,
the edits that reached the followers and when the last state was on all of them; then the ratios 2 × N / 1 × N.
On a 2-core machine the two replicas, Chromium, PostgreSQL and the followers' client share the cores: compare
the ratios, and run it on a machine with a core per replica for absolute figures.

followers (issue 17): what a class costs while the teacher edits §4 (the workbench), and how soon the class
sees it. The teacher is a real Chromium tab on §4 that presses → (or ←, at the slider's end) on the workbench's
"w5" slider once a second; the workbench commits ~300 ms after the key, the commit reruns the teacher's fragment,
which publishes the class view: each follower whose workbench holds the live channel's socket
(services/class_live.py) gets the state as one message, with no script run; ui/class_push.py reruns the follow
fragment of any other (no client asks). The N followers are WebSocket clients speaking the browser's protocol
(BackMsg rerun_script with `class=CODE&lang=en`, ForwardMsg): each lands on the teacher's page by one full run,
opens the live channel its workbench's data names (as static/workbench.js does), then only receives; every run it
receives is recorded (new_session … script_finished: its status, the bytes of every message, the time it
finished) and the workbench's state it drew is decoded from its delta (the cnn_workbench element's JSON data: x,
w, pad, stride, act, cell); so is every live message (status LIVE: its bytes, the time it arrived, its state).
No browsers for the followers: 40 renderers on this 2-core machine would measure Chromium.

The teacher's page records, with the wall clock the followers also use, each WebSocket message it sends (the
commit is the first rerun_script whose component state carries a commit with a new seq: its send time is the
moment the commit reaches the server, on loopback) and every change of the workbench's `data-pending` and the
app's script state. One command runs every baseline: windows of WINDOW_S seconds (default 30; --window or
CLASSROOM_WINDOW_S) with the teacher alone, with 1 follower and with N, each first idle, then editing.
Printed (stdout; per window on stderr):

- server CPU (from /proc, CPU-seconds per second) of every window; the ratio N followers / (1 follower +
  teacher) while the teacher edits (target ≤ 3×);
- per follower and update: server CPU — (CPU editing with N − CPU editing alone) / follower runs in the
  window — and the bytes of one pushed run (sum of its WebSocket messages; mean, p50, p90, and by message kind)
  (targets ≤ 5 ms, ≤ 5 KB); the runs by kind (fragment runs expected; whole-page runs and runs cut short
  are counted apart), and the bytes the followers got while the teacher was idle (expected 0: nothing polls);
- follower latency p50 / p90 (target p90 ≤ 1 s at N = 40): from the teacher's commit sent to the follower's
  script_finished of the first run that drew the committed state; also from the teacher's key press;
- edits that reached each follower (min–max of the window's edits; the others were skipped because a newer
  state came first, which the push allows) and the last state: every follower's decoded state equals the
  teacher's last commit within SETTLE_S after the window, and after the last window each follower asks for a
  fresh full run, whose state must be the same;
- the teacher's own edit: key press → the commit's rerun applied (`data-pending` back to "0") and the page
  idle, p50 / p90 alone, with 1 and with N followers, the ratio N / alone (target ≤ 1.2×), and its parts
  (key → commit sent: the 300 ms pause; commit sent → applied).

--half-core: the server process is moved, once it answers, into a new cgroup limited to half a core
(cgroup v2 cpu.max "50000 100000", else v1 cpu.cfs_quota_us 50000 per 100000); if neither can be made it
says why and goes on without. (systemd-run --scope -p CPUQuota=50% can only start a new command, and
tests/browser.py starts the server itself.) The browser and the followers are never limited.

follow: the teacher and two students (one Korean, one English) are real Chromium tabs; the teacher moves §4's
w5 slider STEPS times (default 10) with the keyboard. Each page records when its feature map's numbers
(tests.browser.FEATURE_MAP's data-values) change. Printed per step and summed up: the teacher's own map (computed
in the browser), the teacher's commit applied (key → data-pending "0" and idle), and when both students' maps
equal the teacher's, from the key press and from the commit sent (issue 11's target: within 2 s).
tests/test_browser_classroom.py checks that the students follow; how fast they do is measured here.

Training mode: a class presses "Train" at once: N browser tabs on the LeNet-5 page, same settings.

One fresh server (its own empty cache). Baseline: one tab trains a run alone (seed 1); the class
trains another run of the same cost (seed 2). Then N tabs open the page and press Train within a second of each other. Printed:
how many runs the server trained (must be 1: everyone attaches to the same run), how many requests
the run panel counted (must be N: issue 9 finding 12 saw 1 after five tabs), the seconds
from the first click to the result on every tab, and the ratio to the one-tab baseline. The
tabs' own rendering runs on this same 2-core machine (on students' laptops in class), so the
wall-clock ratio is an upper bound; the server's own CPU time (from /proc) is the fair measure
of what the watchers cost it.

--cold: the class's run is the server's first, TensorFlow not imported yet (CNNLIB_WARM_TF=0), each on a fresh
server: one tab alone, then N tabs. The import then runs beside every tab's once-a-second progress rerun
(ui/keras_guard.py: Streamlit's Keras reset after each of those runs starved it).
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from tests.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    FEATURE_MAP,
    POLL_MS,
    open_page,
    streamlit_server,
    wait_committed,
    wait_idle,
)

URL = "/lenet-5?lang=en&n=4000&seed={seed}"  # another seed = another run of the same cost


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (from /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(base: str) -> list[int]:
    port = base.rsplit(":", 1)[1]
    found = subprocess.run(["pgrep", "-f", f"server.port {port}( |$)"], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


def requests_counted(page, expected: int, timeout: float = 10.0) -> int | None:
    """The highest "Requests waiting for this run: n" the page shows within timeout (None: the run ended first)."""
    seen, end = None, time.perf_counter() + timeout
    while time.perf_counter() < end and (seen or 0) < expected:
        caption = page.get_by_text(re.compile(r"Requests waiting for this run: \d+"))
        if caption.count():
            found = re.search(r": (\d+)", caption.first.text_content() or "")
            seen = max(seen or 0, int(found.group(1))) if found else seen
        page.wait_for_timeout(200)
    return seen


def class_presses_train(base: str, browser, tabs: int, seed: int) -> tuple[float, list[float], float, int | None]:
    pages = [browser.new_page(viewport={"width": 1280, "height": 900}) for _ in range(tabs)]
    for page in pages:
        open_page(page, base + URL.format(seed=seed))
    pids = server_pids(base)
    cpu0, start = cpu_seconds(pids), time.perf_counter()
    for page in pages:
        page.get_by_role("button", name="Train", exact=True).click()
    counted = requests_counted(pages[-1], tabs)
    done = []
    for i, page in enumerate(pages):
        try:
            page.get_by_test_id("stMetric").filter(has_text="Test accuracy").first.wait_for(timeout=120_000)
        except Exception:
            page.screenshot(path=f"/tmp/classroom-tab{i}.png", full_page=True)
            raise
        done.append(time.perf_counter() - start)
        print(f"tab {i + 1}/{tabs}: result after {done[-1]:.1f} s", file=sys.stderr)
    cpu = cpu_seconds(pids) - cpu0
    for page in pages:
        page.close()
    return max(done), done, cpu, counted


# ---- followers (issue 17) ---------------------------------------------------------------------------

WINDOW_S = float(os.environ.get("CLASSROOM_WINDOW_S", "30"))  # seconds of wall time per measured window
EDIT_EVERY_S = 1.0  # the teacher's pace
SETTLE_S = 15.0  # after an editing window: how long the followers may take to show the teacher's last state
SERVER_ENV = {"CNNLIB_WARM_TF": "0"}  # §4 needs no TensorFlow: no background import (~525 MB, a minute of CPU)


def now_ms() -> float:
    """The wall clock in ms: the browser's Date.now() reads the same clock, so its marks compare with ours."""
    return time.time() * 1000


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of values; nan when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def load() -> str:
    return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def state_key(state: dict | None) -> tuple | None:
    """What a workbench shows, comparable between a commit (the browser's numbers) and the server's data."""
    if not isinstance(state, dict) or "w" not in state:
        return None
    return (tuple(float(v) for v in state.get("x") or ()), tuple(float(v) for v in state["w"]),
            state.get("pad"), state.get("stride"), state.get("act"), state.get("cell"))


def workbench_data(component) -> dict | None:
    """A cnn_workbench element's data (ui/workbench.py mount's data=: state, ack, kit…); None for other components."""
    if "cnn_workbench" not in component.component_name:
        return None
    text = component.json or (component.mixed.json if component.HasField("mixed") else "")
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("state"), dict) else None


@dataclass
class Run:
    """One script run a follower received: from its first message to its script_finished."""

    started: float  # ms (wall clock): its first message
    finished: float = 0.0  # ms: its script_finished arrived
    status: int = -1  # ForwardMsg.ScriptFinishedStatus (-1: not finished)
    bytes: int = 0  # the WebSocket messages' sizes, summed
    kinds: collections.Counter = field(default_factory=collections.Counter)  # bytes by message kind
    messages: collections.Counter = field(default_factory=collections.Counter)  # messages by kind
    kit: int = 0  # bytes of the workbench's data.kit (words, colours, presets) in its JSON
    state: dict | None = None  # the workbench's state this run drew (None: it drew none)


class Follower:
    """One student's tab as the server sees it: a WebSocket session that asks for the page once, then takes what
    the server pushes (fragment runs, whole-page runs), reruns any run_every fragment the server announces
    (auto_rerun, as the browser does) and keeps its query string as the server sets it (page_info_changed)."""

    def __init__(self, ws_url: str, code: str):
        self.ws_url, self.query, self.page_hash = ws_url, f"class={code}&lang=en", ""
        self.error: str | None = None  # why the connection ended early, if it did
        self.runs: list[Run] = []  # every run received to its script_finished, in order
        self.current: Run | None = None  # the run being received
        self.state: dict | None = None  # the workbench's state on this follower's screen (the last one drawn)
        self.received = 0  # bytes received in all
        self.ticks: dict[str, asyncio.Task] = {}
        self.ws = None
        self.live_token: str | None = None  # the live channel's token its workbench data named (None: not opened)
        self.live_v = 0  # the newest class version drawn (as static/workbench.js keeps it)
        self.live_task: asyncio.Task | None = None

    def rerun(self, fragment_id: str = "") -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = self.page_hash
        if fragment_id:
            msg.rerun_script.fragment_id = fragment_id
            msg.rerun_script.is_auto_rerun = True
        return msg.SerializeToString()

    def follow_live(self, live: dict | None) -> None:
        """The workbench's live channel (services/class_live.py), opened as static/workbench.js opens it: one socket
        per token; each message is recorded as an update received (status LIVE), drawn when its version is newer."""
        if not isinstance(live, dict) or live.get("token") == self.live_token:
            return
        self.live_token, self.live_v = live["token"], max(self.live_v, live.get("v") or 0)
        url = self.ws_url.replace("/_stcore/stream", live["path"]) + f"?token={live['token']}"
        self.live_task = asyncio.ensure_future(self._live(url, live["page"]))

    async def _live(self, url: str, page: str) -> None:
        import websockets

        try:
            async with websockets.connect(url, max_size=None) as ws:
                async for text in ws:
                    at = now_ms()
                    message = json.loads(text)
                    size = len(text.encode())
                    self.received += size
                    if message.get("page") != page or message.get("v", 0) <= self.live_v:
                        continue
                    self.live_v = message["v"]
                    self.state = message["state"]
                    run = Run(started=at, finished=at, status=LIVE, bytes=size, state=message["state"])
                    run.kinds["live message"] += size
                    run.messages["live message"] += 1
                    self.runs.append(run)
        except Exception as err:  # noqa: BLE001 - reported with the follower's other errors
            self.error = self.error or f"live channel: {err!r}"

    def landed(self) -> bool:
        """A whole-page run has drawn the workbench (the follower is on the teacher's §4)."""
        return self.state is not None and any(r.status == FINISHED and r.state is not None for r in self.runs)

    async def run(self, stop: asyncio.Event) -> None:
        import websockets

        async with websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None) as ws:
            self.ws = ws

            async def tick(fragment_id: str, every: float) -> None:
                while not stop.is_set():
                    await asyncio.sleep(every)
                    await ws.send(self.rerun(fragment_id))

            await ws.send(self.rerun())
            reading = asyncio.ensure_future(self._read(ws, tick))
            await asyncio.wait([reading, asyncio.ensure_future(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
            if reading.done() and not reading.cancelled():
                self.error = repr(reading.exception() or "the server closed the connection")
            reading.cancel()
            for task in self.ticks.values():
                task.cancel()

    async def _read(self, ws, tick) -> None:
        announced: set[str] = set()  # the fragments with run_every that the run under way drew
        async for data in ws:
            at = now_ms()
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta":
                delta = msg.delta.WhichOneof("type")
                element = msg.delta.new_element.WhichOneof("type") if delta == "new_element" else None
                label = f"delta {element or delta}"
            else:
                label = kind
            run = self.current = self.current or Run(started=at)
            run.bytes += len(data)
            run.kinds[label] += len(data)
            run.messages[label] += 1
            self.received += len(data)
            if kind == "new_session":  # a run starts (full or fragment): its page
                self.page_hash = msg.new_session.page_script_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif label == "delta bidi_component":
                drawn = workbench_data(msg.delta.new_element.bidi_component)
                if drawn is not None:
                    run.state = self.state = drawn["state"]  # drawn as it arrives (as the browser does)
                    run.kit += len(json.dumps(drawn["kit"], ensure_ascii=False).encode()) if "kit" in drawn else 0
                    self.follow_live(drawn.get("live"))
            elif kind == "auto_rerun":
                announced.add(msg.auto_rerun.fragment_id)
                if msg.auto_rerun.fragment_id not in self.ticks:
                    self.ticks[msg.auto_rerun.fragment_id] = asyncio.ensure_future(
                        tick(msg.auto_rerun.fragment_id, msg.auto_rerun.interval))
            elif kind == "script_finished":
                run.finished, run.status = at, msg.script_finished
                self.runs.append(run)
                self.current = None
                if msg.script_finished == FINISHED:  # a full run: its fragments live on
                    for gone in set(self.ticks) - announced:
                        self.ticks.pop(gone).cancel()
                announced = set()


FINISHED, FRAGMENT_FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
LIVE = -100  # not a Streamlit status: an update that came by the live channel (services/class_live.py), no script run


class Class:
    """The followers' event loop in a thread of its own (Playwright's sync API owns the main one)."""

    def __init__(self, base: str, code: str):
        self.ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
        self.code, self.followers = code, []
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.stop = asyncio.run_coroutine_threadsafe(self._event(), self.loop).result()

    @staticmethod
    async def _event() -> asyncio.Event:
        return asyncio.Event()

    def add(self, n: int) -> None:
        new = [Follower(self.ws_url, self.code) for _ in range(n)]
        self.followers += new
        for follower in new:
            asyncio.run_coroutine_threadsafe(follower.run(self.stop), self.loop)
        deadline = time.perf_counter() + 120
        while not all(f.landed() for f in new):  # landed: a full run drew the teacher's §4
            failed = [f.error for f in new if f.error]
            if failed or time.perf_counter() > deadline:
                raise RuntimeError(f"followers did not land on the teacher's §4: {failed[:3]}")
            time.sleep(0.2)

    def full_reruns(self, timeout: float = 120.0) -> list[dict | None]:
        """Each follower asks for a fresh whole-page run (as a reload would); the states those runs drew."""
        counts = [len(f.runs) for f in self.followers]
        for follower in self.followers:
            asyncio.run_coroutine_threadsafe(follower.ws.send(follower.rerun()), self.loop)
        deadline = time.perf_counter() + timeout
        fresh: list = [None] * len(self.followers)
        while time.perf_counter() < deadline:
            for i, (f, count) in enumerate(zip(self.followers, counts, strict=True)):
                done = [r for r in f.runs[count:] if r.status == FINISHED]
                fresh[i] = done[0] if done else None
            if all(fresh):
                break
            time.sleep(0.2)
        return [run.state if run is not None else None for run in fresh]

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)


# ---- the teacher's tab ------------------------------------------------------------------------------

# Before the page's own scripts: every WebSocket message the page sends, with the time (the last 60).
RECORD_SENDS = """(() => {
  window.__sends = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    try {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
        : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (bytes) {
        let text = "";
        for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
        window.__sends.push({ t: Date.now(), b: btoa(text) });
        if (window.__sends.length > 60) window.__sends.shift();
      }
    } catch (e) { /* never in the page's way */ }
    return send.call(this, data);
  };
})();"""
SENT_SINCE = "(t0) => (window.__sends || []).filter(s => s.t >= t0)"

# Every change of the workbench's data-pending and of the app's script state, with the time (re-attached when
# a whole-page run replaced the workbench); true once attached.
RECORD_MARKS = """() => {
  const find = (root) => { for (const e of root.querySelectorAll('*')) {
    if (e.classList && e.classList.contains('wb')) return e;
    const inner = e.shadowRoot && find(e.shadowRoot); if (inner) return inner; } return null; };
  const was = window.__wb;
  if (was && was.bench.isConnected) return true;
  const bench = find(document), app = document.querySelector('[data-testid="stApp"]');
  if (!bench || !app) return false;
  window.__marks = window.__marks || [];
  const mark = () => {
    window.__marks.push({ t: Date.now(), p: bench.dataset.pending, s: app.dataset.testScriptState });
    if (window.__marks.length > 400) window.__marks.shift();
  };
  const watch = new MutationObserver(mark);
  watch.observe(bench, { attributes: true, attributeFilter: ['data-pending'] });
  watch.observe(app, { attributes: true, attributeFilter: ['data-test-script-state'] });
  if (was) was.watch.disconnect();
  window.__wb = { bench, watch };
  mark();
  return true;
}"""
# After the key press at t0: [applied, idle] — the workbench's pending back to "0" after an edit, and the first
# moment after that with the app's script not running — or null while that has not happened.
EDIT_DONE = """(t0) => {
  (""" + RECORD_MARKS + """)();  // again if a whole-page run replaced the workbench
  const m = (window.__marks || []).filter(e => e.t >= t0);
  const edited = m.findIndex(e => e.p === '1');
  if (edited < 0) return null;
  let applied = -1;
  for (let k = edited + 1; k < m.length; k++) if (m[k].p === '0') { applied = k; break; }
  if (applied < 0) return null;
  for (let k = applied; k < m.length; k++) if (m[k].p === '0' && m[k].s === 'notRunning') return [m[applied].t, m[k].t];
  return null;
}"""


def commit_in(encoded: str) -> dict | None:
    """The workbench's commit a BackMsg carries (rerun_script's component state {"commit": {...}}), if any."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    try:
        msg.ParseFromString(base64.b64decode(encoded))
    except Exception:  # noqa: BLE001 - not a BackMsg: not a commit
        return None
    if msg.WhichOneof("type") != "rerun_script":
        return None
    for widget in msg.rerun_script.widget_states.widgets:
        kind = widget.WhichOneof("value")
        if kind not in ("json_value", "json_trigger_value"):
            continue
        try:
            value = json.loads(getattr(widget, kind))
        except ValueError:
            continue
        commit = value.get("commit") if isinstance(value, dict) else None
        if isinstance(commit, dict) and "seq" in commit and "w" in commit:
            return commit
    return None


@dataclass
class Edit:
    """One step of the teacher's w5 slider, times in ms (wall clock)."""

    pressed: float  # the key pressed
    sent: float | None = None  # the commit left the teacher's page (on loopback: reached the server)
    applied: float | None = None  # the commit's rerun drew the teacher's workbench (data-pending "0")
    idle: float | None = None  # ... and that run finished (the teacher's page idle)
    state: dict | None = None  # the commit: what every follower must show next


class Teacher:
    """The teacher's Chromium tab on §4: steps w5 with the keyboard, right until the slider's end, then left."""

    def __init__(self, page):
        self.page = page
        self.slider = page.get_by_role("slider", name="w5", exact=True)
        self.slider.wait_for(timeout=30_000)
        self.lo, self.hi, self.step = self.slider.evaluate("e => [Number(e.min), Number(e.max), Number(e.step) || 1]")
        self.value = float(self.slider.input_value())
        self.direction, self.seq = 1, 0

    def edit(self, timeout_ms: float = 60_000) -> Edit:
        if not self.lo <= self.value + self.direction * self.step <= self.hi:
            self.direction = -self.direction
        if not self.page.evaluate(RECORD_MARKS):
            raise RuntimeError("the teacher's workbench is not on the page")
        self.slider.focus()
        edit = Edit(pressed=now_ms())
        self.page.keyboard.press("ArrowRight" if self.direction > 0 else "ArrowLeft")
        self.value += self.direction * self.step
        done = self.page.wait_for_function(EDIT_DONE, arg=edit.pressed, polling=POLL_MS, timeout=timeout_ms)
        edit.applied, edit.idle = done.json_value()
        for sent in self.page.evaluate(SENT_SINCE, edit.pressed):
            commit = commit_in(sent["b"])
            if commit is not None and isinstance(commit.get("seq"), int) and commit["seq"] > self.seq:
                self.seq, edit.sent, edit.state = commit["seq"], sent["t"], commit
                break
        return edit


def teacher_tab(browser, base: str):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.add_init_script(RECORD_SENDS)
    open_page(page, base + "/?lang=en")
    page.get_by_role("button", name="Start a class").click()
    page.wait_for_url(re.compile("teacher="))
    wait_idle(page, 120_000)
    code = re.search(r"class=([A-Z0-9]+)", page.url).group(1)
    page.get_by_test_id("stSidebarNav").get_by_text("Convolution arithmetic").click()
    page.wait_for_url(re.compile("convolution-arithmetic"))
    wait_committed(page, 120_000)
    return page, code


# ---- the server's CPU --------------------------------------------------------------------------------


class CpuLimit:
    """--half-core: the server's processes in a new cgroup of half a core (v2 cpu.max, else v1 CFS quota)."""

    def __init__(self):
        self.group: Path | None = None

    def apply(self, pids: list[int]) -> str:
        name = f"bench-classroom-{os.getpid()}"
        v2 = Path("/sys/fs/cgroup/cgroup.controllers")
        try:
            if v2.exists():
                if "cpu" not in v2.read_text().split():
                    return "not limited: cgroup v2 without the cpu controller"
                control = Path("/sys/fs/cgroup/cgroup.subtree_control")
                if "cpu" not in control.read_text().split():
                    control.write_text("+cpu")
                self.group = Path("/sys/fs/cgroup") / name
                self.group.mkdir()
                (self.group / "cpu.max").write_text("50000 100000")
                how = f"cgroup v2 {self.group} cpu.max 50000 100000"
            elif Path("/sys/fs/cgroup/cpu/cgroup.procs").exists():
                self.group = Path("/sys/fs/cgroup/cpu") / name
                self.group.mkdir()
                (self.group / "cpu.cfs_period_us").write_text("100000")
                (self.group / "cpu.cfs_quota_us").write_text("50000")
                how = f"cgroup v1 {self.group} cpu.cfs_quota_us 50000 per 100000"
            else:
                return "not limited: no cgroup cpu controller under /sys/fs/cgroup"
            for pid in pids:
                (self.group / "cgroup.procs").write_text(str(pid))
            return f"half a core ({how})"
        except OSError as err:
            self.remove()
            return f"not limited: {type(err).__name__}: {err}"

    def throttled(self) -> str:
        stat = self.group / "cpu.stat" if self.group is not None else None
        if stat is None or not stat.exists():
            return ""
        values = dict(line.split() for line in stat.read_text().splitlines() if len(line.split()) == 2)
        if "throttled_usec" in values:
            return f"throttled {int(values['throttled_usec']) / 1e6:.1f} s"
        return f"throttled {int(values.get('throttled_time', 0)) / 1e9:.1f} s" if "throttled_time" in values else ""

    def remove(self) -> None:
        if self.group is None:
            return
        for _ in range(50):  # the server has exited (or is exiting): its group empties
            try:
                self.group.rmdir()
                break
            except OSError:
                time.sleep(0.1)
        else:
            print(f"cgroup {self.group} left behind (not empty)", file=sys.stderr)
        self.group = None


def wait_quiet(pids: list[int], below: float = 0.03, timeout: float = 90.0) -> None:
    """Wait until the server idles (below CPU-seconds per second over 3 s): the joins' own runs must not count
    as the followers' cost."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        cpu0 = cpu_seconds(pids)
        time.sleep(3)
        if (cpu_seconds(pids) - cpu0) / 3 < below:
            return
    print("the server never went quiet: figures include its background work", file=sys.stderr)


@dataclass
class Window:
    """One measured window: the teacher idle or editing once a second, with `count` followers."""

    count: int
    editing: bool
    start: float  # ms
    end: float  # ms
    cpu: float  # server CPU-seconds per second
    edits: list[Edit]
    received: list[int]  # bytes each follower received in the window
    settled: float | None = None  # s after the window until every follower showed the last commit (None: never)
    behind: int = 0  # followers not showing the last commit at the end of SETTLE_S

    def runs(self, follower: Follower) -> list[Run]:
        return [r for r in follower.runs if self.start <= r.finished <= self.end]


def measure(pids: list[int], teacher: Teacher, editing: bool, followers: list[Follower], window_s: float) -> Window:
    received = [f.received for f in followers]
    cpu0, clock, start = cpu_seconds(pids), time.perf_counter(), now_ms()
    edits, k = [], 0
    while k * EDIT_EVERY_S < window_s:
        time.sleep(max(0.0, clock + k * EDIT_EVERY_S - time.perf_counter()))
        if editing:
            edits.append(teacher.edit())
        k += 1
    last = edits[-1].pressed / 1000 - time.time() + time.perf_counter() if edits else clock
    time.sleep(max(0.0, max(clock + window_s, last + EDIT_EVERY_S) - time.perf_counter()))
    wall = time.perf_counter() - clock
    return Window(len(followers), editing, start, now_ms(), (cpu_seconds(pids) - cpu0) / wall, edits,
                  [f.received - r for f, r in zip(followers, received, strict=True)])


def settle(window: Window, followers: list[Follower]) -> None:
    """Wait (up to SETTLE_S) until every follower shows the teacher's last commit."""
    last = next((e.state for e in reversed(window.edits) if e.state is not None), None)
    if last is None or not followers:
        return
    target, clock = state_key(last), time.perf_counter()
    while time.perf_counter() - clock < SETTLE_S:
        behind = sum(state_key(f.state) != target for f in followers)
        if not behind:
            window.settled = time.perf_counter() - clock
            return
        time.sleep(0.05)
    window.behind = behind


def latencies(window: Window, followers: list[Follower]) -> tuple[list[float], list[float], list[int]]:
    """Per (follower, edit): ms from the commit sent, and from the key press, to the follower's script_finished of
    the first run that drew the committed state; and how many of the window's edits reached each follower."""
    from_sent, from_key, reached = [], [], []
    edits = [e for e in window.edits if e.sent is not None and e.state is not None]
    keys = [state_key(e.state) for e in edits]
    for follower in followers:
        drawn = [(r.finished, state_key(r.state)) for r in follower.runs if r.state is not None and r.finished >= window.start]
        got = 0
        for i, edit in enumerate(edits):
            again = next((e.sent for e, key in zip(edits[i + 1:], keys[i + 1:], strict=True) if key == keys[i]), math.inf)
            hit = next((t for t, key in drawn if edit.sent <= t < again and key == keys[i]), None)
            if hit is not None:
                got += 1
                from_sent.append(hit - edit.sent)
                from_key.append(hit - edit.pressed)
        reached.append(got)
    return from_sent, from_key, reached


def teacher_times(window: Window) -> dict[str, list[float]]:
    done = [e for e in window.edits if e.idle is not None]
    sent = [e for e in done if e.sent is not None]
    return {"own": [e.idle - e.pressed for e in done], "to_send": [e.sent - e.pressed for e in sent],
            "to_apply": [e.applied - e.sent for e in sent]}


def ms(values: list[float]) -> str:
    return f"p50 {pct(values, 0.5):.0f} ms, p90 {pct(values, 0.9):.0f} ms" if values else "none measured"


def window_line(w: Window, followers: list[Follower]) -> str:
    text = f"{w.count:3d} follower(s), teacher {'edits 1/s' if w.editing else 'idle     '}: server CPU {w.cpu:.3f} s/s"
    if w.editing:
        text += f"; {len(w.edits)} edits, teacher's own {ms(teacher_times(w)['own'])}"
    if w.count:
        runs = [w.runs(f) for f in followers]
        fragment = [sum(r.status == FRAGMENT_FINISHED for r in rs) for rs in runs]
        live = [sum(r.status == LIVE for r in rs) for rs in runs]
        full = sum(r.status == FINISHED for rs in runs for r in rs)
        text += (f"; per follower {min(live)}–{max(live)} live messages, {min(fragment)}–{max(fragment)} fragment runs, "
                 f"{full} whole-page runs in all; "
                 f"{sum(w.received) / max(len(followers), 1) / 1024:.1f} KB per follower")
        if w.editing:
            from_sent, _, reached = latencies(w, followers)
            text += (f"; latency from commit {ms(from_sent)}; edits reached {min(reached)}–{max(reached)}; last state "
                     + (f"on all after {w.settled:.2f} s" if w.settled is not None else f"MISSING on {w.behind}"))
    return text


def main_followers(n: int, window_s: float, half_core: bool) -> None:
    from playwright.sync_api import sync_playwright

    if n < 2:
        raise SystemExit("followers: N must be at least 2 (1 follower is a baseline)")
    print(f"{load()} before; windows of {window_s:.0f} s; teacher's w5 step every {EDIT_EVERY_S:.0f} s", file=sys.stderr)
    limit = CpuLimit()
    windows: dict[tuple[int, bool], Window] = {}
    with contextlib.ExitStack() as stack:
        stack.callback(limit.remove)  # after the server has gone
        base = stack.enter_context(streamlit_server(env=SERVER_ENV))
        pids = server_pids(base)
        limited = limit.apply(pids) if half_core else "none"
        print(f"server CPU limit: {limited}", file=sys.stderr)
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        page, code = teacher_tab(browser, base)
        teacher, group = Teacher(page), Class(base, code)
        stack.callback(group.close)
        for count in (0, 1, n):
            group.add(count - len(group.followers))
            wait_quiet(pids)
            for editing in (False, True):
                window = measure(pids, teacher, editing, group.followers, window_s)
                if editing:
                    settle(window, group.followers)
                windows[count, editing] = window
                print(window_line(window, group.followers), file=sys.stderr)
        last = state_key(windows[n, True].edits[-1].state) if windows[n, True].edits else None
        fresh = group.full_reruns()
        followers = group.followers
        errors = [f.error for f in followers if f.error]
        throttled = limit.throttled()
    report(n, windows, followers, fresh, last, limited + (f", {throttled}" if throttled else ""), errors)


def report(n: int, windows: dict, followers: list[Follower], fresh: list, last: tuple | None, limited: str,
           errors: list[str]) -> None:
    idle = {c: windows[c, False].cpu for c in (0, 1, n)}
    busy = {c: windows[c, True].cpu for c in (0, 1, n)}
    one, many = followers[:1], followers
    print(f"server CPU limit: {limited}; {load()} after")
    print(f"server CPU (CPU-seconds per second): teacher alone idle {idle[0]:.3f}, editing {busy[0]:.3f}; "
          f"1 follower + teacher idle {idle[1]:.3f}, editing {busy[1]:.3f}; "
          f"{n} followers + teacher idle {idle[n]:.3f}, editing {busy[n]:.3f}")
    print(f"  ratio {n} followers / (1 follower + teacher), teacher editing: {busy[n] / busy[1]:.2f}× (target ≤ 3×); "
          f"idle: {idle[n] / idle[1]:.2f}×")
    updates = {c: sum(len(windows[c, True].runs(f)) for f in followers[:c]) for c in (1, n)}
    wall = (windows[n, True].end - windows[n, True].start) / 1000
    print(f"  marginal server CPU per follower update, from 1 to {n} followers: "
          f"{(busy[n] - busy[1]) * wall / max(updates[n] - updates[1], 1) * 1000:.2f} ms "
          f"({updates[n] - updates[1]} more updates; steadier than the per-window figures below, which subtract "
          "the teacher alone)")
    for count, group in ((1, one), (n, many)):
        w = windows[count, True]
        runs = [r for f in group for r in w.runs(f)]
        pushed = [r for r in runs if r.status == FRAGMENT_FINISHED]
        live = [r for r in runs if r.status == LIVE]
        full = [r for r in runs if r.status == FINISHED]
        other = collections.Counter(r.status for r in runs if r.status not in (FINISHED, FRAGMENT_FINISHED, LIVE))
        wall = (w.end - w.start) / 1000
        cpu_ms = (busy[count] - busy[0]) * wall / max(len(runs), 1) * 1000
        sizes = [r.bytes / 1024 for r in runs]  # every run in the window was pushed (the followers ask for none)
        kinds, messages = collections.Counter(), collections.Counter()
        for r in runs:
            kinds.update(r.kinds)
            messages.update(r.messages)
        each = max(len(runs), 1)
        parts = ", ".join(f"{k} {v / each / 1024:.2f}" + (f" ({messages[k] / each:.0f} msgs)" if messages[k] > each else "")
                          for k, v in kinds.most_common(8))
        kit = sum(r.kit for r in runs) / each / 1024
        from_sent, from_key, reached = latencies(w, group)
        print(f"{count} follower(s), teacher editing ({len(w.edits)} edits in {wall:.0f} s):")
        print(f"  per follower and update: server CPU {cpu_ms:.2f} ms (target ≤ 5 ms); bytes of one update "
              f"mean {statistics.fmean(sizes) if sizes else math.nan:.2f} KB, p50 {pct(sizes, 0.5):.2f}, "
              f"p90 {pct(sizes, 0.9):.2f} (target ≤ 5 KB)")
        print(f"    KB per run by message kind: {parts}; of the workbench's element, its data.kit (words, colours, "
              f"presets) {kit:.2f} KB")
        print(f"  updates received: {len(live)} live messages (no script run), {len(pushed)} fragment runs, "
              f"{len(full)} whole-page runs "
              f"({'expected 0: a §4 edit should rerun only the follow fragment' if full else 'none, as expected'}), "
              + (f"others by status {dict(other)}, " if other else "")
              + f"idle window: {sum(windows[count, False].received) / 1024:.1f} KB to all followers (expected 0)")
        print(f"  follower latency, teacher's commit sent → the follower's run with it finished: {ms(from_sent)}"
              f"{' (target p90 ≤ 1 s)' if count == n else ''}; from the teacher's key press: {ms(from_key)}")
        print(f"  edits that reached each follower: {min(reached)}–{max(reached)} of {len(w.edits)} "
              f"(the rest skipped: a newer state came first); the last edit's state on every follower "
              + (f"{w.settled:.2f} s after the window" if w.settled is not None
                 else f"MISSING on {w.behind} of {count} after {SETTLE_S:.0f} s"))
    agree = sum(state_key(s) == last for s in fresh if s is not None)
    print(f"last state: a fresh whole-page run of each of the {n} followers drew the teacher's last commit on "
          f"{agree} of {n}" + (f" ({sum(s is None for s in fresh)} did not finish)" if None in fresh else ""))
    own = {c: teacher_times(windows[c, True]) for c in (0, 1, n)}
    print(f"teacher's own edit (key → commit applied, page idle): alone {ms(own[0]['own'])}; with 1 follower "
          f"{ms(own[1]['own'])}; with {n} {ms(own[n]['own'])}; ratio {n} / alone: p50 "
          f"{pct(own[n]['own'], 0.5) / pct(own[0]['own'], 0.5):.2f}×, p90 "
          f"{pct(own[n]['own'], 0.9) / pct(own[0]['own'], 0.9):.2f}× (target ≤ 1.2×)")
    print(f"  its parts with {n} followers: key → commit sent {ms(own[n]['to_send'])} (the workbench's 300 ms pause); "
          f"commit sent → applied {ms(own[n]['to_apply'])}")
    if errors:
        print(f"{len(errors)} follower connection(s) ended early: {errors[:3]}")


# ---- replicas: 2 replicas × N followers against 1 × N (issue 19) ----------------------------------------


@dataclass
class Split:
    """An editing window measured on each replica: the window (all replicas' CPU) and each replica's CPU-s/s."""

    window: Window
    cpu: list[float]


def measure_split(pids: list[list[int]], teacher: Teacher, followers: list[Follower], window_s: float) -> Split:
    before = [cpu_seconds(p) for p in pids]
    window = measure([pid for p in pids for pid in p], teacher, True, followers, window_s)
    wall = (window.end - window.start) / 1000
    return Split(window, [(cpu_seconds(p) - b) / wall for p, b in zip(pids, before, strict=True)])


def main_replicas(n: int, window_s: float) -> None:
    from playwright.sync_api import sync_playwright

    from bench.replicas import replicas

    print(f"{load()} before; windows of {window_s:.0f} s; teacher's w5 step every {EDIT_EVERY_S:.0f} s", file=sys.stderr)
    results = {}
    for count in (1, 2):
        with contextlib.ExitStack() as stack:
            _, bases = stack.enter_context(replicas(count, env=SERVER_ENV))
            pids = [server_pids(base) for base in bases]
            p = stack.enter_context(sync_playwright())
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            stack.callback(browser.close)
            page, code = teacher_tab(browser, bases[0])
            teacher, groups = Teacher(page), [Class(base, code) for base in bases]
            for group in groups:
                stack.callback(group.close)
            everyone = [pid for p in pids for pid in p]
            wait_quiet(everyone)
            alone = measure_split(pids, teacher, [], window_s)
            for group in groups:
                group.add(n)
            followers = [f for group in groups for f in group.followers]
            wait_quiet(everyone)
            busy = measure_split(pids, teacher, followers, window_s)
            settle(busy.window, followers)
            results[count] = (alone, busy, [group.followers for group in groups])
            print(window_line(busy.window, followers), file=sys.stderr)
    report_replicas(n, results)


def report_replicas(n: int, results: dict) -> None:
    summary = {}
    for count, (alone, busy, groups) in results.items():
        w = busy.window
        wall = (w.end - w.start) / 1000
        runs = [len(w.runs(f)) for group in groups for f in group]
        per_update = (sum(busy.cpu) - sum(alone.cpu)) * wall / max(sum(runs), 1) * 1000
        from_sent, _, reached = latencies(w, [f for group in groups for f in group])
        summary[count] = (per_update, pct(from_sent, 0.5), pct(from_sent, 0.9))
        print(f"{count} replica(s) × {n} followers ({count * n} in all), teacher on replica 1 editing "
              f"({len(w.edits)} edits in {wall:.0f} s):")
        print(f"  server CPU (CPU-s/s) per replica, teacher alone: {', '.join(f'{c:.3f}' for c in alone.cpu)}; "
              f"with the followers: {', '.join(f'{c:.3f}' for c in busy.cpu)}")
        print(f"  CPU per follower update: {per_update:.1f} ms on the whole; follower latency from the commit: "
              f"{ms(from_sent)}; edits reached {min(reached)}–{max(reached)} of {len(w.edits)}; the last state "
              + (f"on all {w.settled:.2f} s after the window" if w.settled is not None else f"MISSING on {w.behind}"))
        for i, group in enumerate(groups, 1):
            mine = sum(len(w.runs(f)) for f in group)
            cpu = (busy.cpu[i - 1] - alone.cpu[i - 1]) * wall / max(mine, 1) * 1000
            local, _, _ = latencies(w, group)
            print(f"    replica {i}{' (the teacher’s)' if i == 1 else ' (through LISTEN/NOTIFY)'}: {mine} follower runs, "
                  f"{cpu:.1f} ms CPU per update, latency {ms(local)}")
    if 1 in summary and 2 in summary:
        one, two = summary[1], summary[2]
        print(f"2 replicas × {n} / 1 replica × {n}: CPU per follower update {two[0] / one[0]:.2f}×; latency p50 "
              f"{two[1] / one[1]:.2f}×, p90 {two[2] / one[2]:.2f}×")


# ---- follow: two students in Chromium ---------------------------------------------------------------

# Every change of the page's feature-map numbers (FEATURE_MAP's data-values) with the time; re-attached when the
# workbench was replaced. Returns whether it is attached.
RECORD_MAP = """() => {
  const find = (root) => { for (const e of root.querySelectorAll('*')) {
    if (e.dataset && e.dataset.testid === 'feature-map') return e;
    const inner = e.shadowRoot && find(e.shadowRoot); if (inner) return inner; } return null; };
  const was = window.__map;
  if (was && was.map.isConnected) return true;
  const map = find(document);
  if (!map) return false;
  window.__maps = window.__maps || [];
  const mark = () => window.__maps.push({ t: Date.now(), v: map.dataset.values });
  const watch = new MutationObserver(mark);
  watch.observe(map, { attributes: true, attributeFilter: ['data-values'] });
  if (was) was.watch.disconnect();
  window.__map = { map, watch };
  mark();
  return true;
}"""
# The first time at or after t0 that the map showed `values` (null: not yet).
MAP_SHOWN = """([t0, values]) => { (""" + RECORD_MAP + """)();  // again if a whole-page run replaced the map
  const hit = (window.__maps || []).find(e => e.t >= t0 && e.v === values);
  return hit ? hit.t : null; }"""


def map_shown(page, since: float, values: str, timeout_ms: float = 60_000) -> float:
    """When (ms) the page's map first showed `values` since `since`, waiting for it."""
    page.evaluate(RECORD_MAP)
    try:
        return page.wait_for_function(MAP_SHOWN, arg=[since, values], polling=POLL_MS, timeout=timeout_ms).json_value()
    except Exception:
        print(f"{page.url}: its map {page.evaluate(FEATURE_MAP)!r}, not the teacher's {values!r}", file=sys.stderr)
        raise


def main_follow(steps: int, half_core: bool) -> None:
    from playwright.sync_api import sync_playwright

    limit = CpuLimit()
    own_map, own, students, after_commit = [], [], [], []
    with contextlib.ExitStack() as stack:
        stack.callback(limit.remove)
        base = stack.enter_context(streamlit_server(env=SERVER_ENV))
        limited = limit.apply(server_pids(base)) if half_core else "none"
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        page, code = teacher_tab(browser, base)
        teacher = Teacher(page)
        pupils = []
        for lang in ("ko", "en"):
            pupil = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ko-KR").new_page()
            open_page(pupil, f"{base}/?class={code}&lang={lang}")
            pupil.wait_for_url(re.compile("/convolution-arithmetic"), timeout=60_000)
            wait_committed(pupil, 120_000)
            pupils.append(pupil)
        for step in range(steps):
            for p_ in (page, *pupils):
                p_.evaluate(RECORD_MAP)
            edit = teacher.edit()
            values = page.evaluate(FEATURE_MAP)
            own_map.append(map_shown(page, edit.pressed, values) - edit.pressed)
            own.append(edit.idle - edit.pressed)
            shown = max(map_shown(pupil, edit.pressed, values) for pupil in pupils)
            students.append(shown - edit.pressed)
            after_commit.append(shown - edit.sent if edit.sent is not None else math.nan)
            for p_ in (page, *pupils):
                wait_idle(p_)
            print(f"step {step + 1}: teacher's map {own_map[-1]:.0f} ms, commit applied {own[-1]:.0f} ms; both "
                  f"students' maps equal the teacher's {students[-1]:.0f} ms after the key "
                  f"({after_commit[-1]:.0f} ms after the commit was sent)", file=sys.stderr)
    print(f"server CPU limit: {limited}; {load()}")
    print(f"teacher (key →): own map redrawn in the browser {ms(own_map)}; commit applied and idle {ms(own)}")
    print(f"both students' maps equal the teacher's: from the key {ms(students)}, max {max(students):.0f} ms; from the "
          f"commit sent {ms(after_commit)} (issue 11: within 2 s of the key; {sum(s <= 2000 for s in students)} of "
          f"{steps} steps made it); ratio of p50s students / teacher's commit "
          f"{pct(students, 0.5) / pct(own, 0.5):.2f}×")


@contextlib.contextmanager
def fresh_server(env: dict | None = None):
    """A fresh server with an empty cache folder of its own (the shipped MNIST sample) and one Chromium:
    (the server's address, the browser, the cache folder)."""
    from playwright.sync_api import sync_playwright

    cache = Path(tempfile.mkdtemp(prefix="classroom-"))
    try:
        env = {"CNNLIB_CACHE_DIR": str(cache), "CNNLIB_MNIST_SOURCE": "sample", **(env or {})}
        with streamlit_server(env=env) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield base, browser, cache
            finally:
                browser.close()
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def main_training(cold: bool) -> None:
    tabs = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    if cold:
        main_training_cold(tabs)
        return
    with fresh_server() as (base, browser, cache):
        alone, _, cpu_alone, _ = class_presses_train(base, browser, 1, seed=1)
        runs_before = len(list((cache / "runs").glob("*")))
        together, each, cpu_class, counted = class_presses_train(base, browser, tabs, seed=2)
        runs_after = len(list((cache / "runs").glob("*"))) - runs_before
    print(f"one tab alone: click → result {alone:.1f} s, server CPU {cpu_alone:.1f} s  (runs trained: {runs_before})")
    print(f"{tabs} tabs pressing Train together: runs trained {runs_after}, requests counted {counted} "
          f"(expected {tabs}), click → result on every tab "
          f"{min(each):.1f}–{max(each):.1f} s ({together / alone:.2f}× the baseline, browsers on the same 2 cores); "
          f"server CPU {cpu_class:.1f} s ({cpu_class / cpu_alone:.2f}× the baseline)")


def main_training_cold(tabs: int) -> None:
    """--cold: the server's first run, with TensorFlow not yet imported (CNNLIB_WARM_TF=0: the training thread
    imports it after the click, while the tabs' progress fragments rerun every second), on a fresh server for one
    tab (the baseline) and on another for `tabs` tabs."""
    figures = {}
    for n, seed in ((1, 1), (tabs, 2)):
        with fresh_server({"CNNLIB_WARM_TF": "0"}) as (base, browser, _cache):
            figures[n] = class_presses_train(base, browser, n, seed=seed)
    (alone, _, cpu_alone, _), (together, each, cpu_class, counted) = figures[1], figures[tabs]
    print(f"cold, one tab alone: click → result {alone:.1f} s, server CPU {cpu_alone:.1f} s  [{load()}]")
    print(f"cold, {tabs} tabs pressing Train together: requests counted {counted} (expected {tabs}), click → result "
          f"{min(each):.1f}–{max(each):.1f} s ({together / alone:.2f}× the baseline); server CPU {cpu_class:.1f} s "
          f"({cpu_class / cpu_alone:.2f}× the baseline)  [{load()}]")


def option(name: str, default=None, flag: bool = False):
    """--name VALUE (or --name for a flag) from argv, removed from it."""
    if name not in sys.argv:
        return False if flag else default
    i = sys.argv.index(name)
    del sys.argv[i]
    return True if flag else sys.argv.pop(i)


if __name__ == "__main__":
    half = option("--half-core", flag=True)
    window = float(option("--window", WINDOW_S))
    if len(sys.argv) > 1 and sys.argv[1] == "followers":
        main_followers(int(sys.argv[2]) if len(sys.argv) > 2 else 40, window, half)
    elif len(sys.argv) > 1 and sys.argv[1] == "replicas":
        main_replicas(int(sys.argv[2]) if len(sys.argv) > 2 else 40, window)
    elif len(sys.argv) > 1 and sys.argv[1] == "follow":
        main_follow(int(sys.argv[2]) if len(sys.argv) > 2 else 10, half)
    else:
        main_training(option("--cold", flag=True))
