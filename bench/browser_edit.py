"""§4's filter in a real browser against a minimal Streamlit app run with the project's own config (issue 18).

    python bench/browser_edit.py [--steps 21] [--moves 60]

Both apps run the same way in this one command: `streamlit run` through a launcher that times every script run
on the server (fragment reruns included), with the project's `.streamlit/config.toml` (the minimal app gets a copy:
runner.postScriptGC = false and the rest, so Streamlit's default gc.collect() after every run does not slow only
the baseline), driven by Debian's Chromium at 1280×720, stepped alternately (one §4 edit, one minimal edit) so that
a busy machine slows both alike. It reports:

(a) the map redrawn while w5 is dragged: from each input event to the map's numbers changing in the page (p50, p90;
    target p90 ≤ 16 ms, one frame). The minimal app's slider sends nothing while dragged: its map does not move.
(b) a committed edit's round trip: a click on w5's track, from the pointer's release to the server's rerun done and
    the page updated (§4: the workbench's commit acknowledged — map, questions, link; minimal: its heatmap redrawn),
    p50 of each and the ratio (target ≤ 1.5×), and the bytes the server sent for one commit (WebSocket frames).
(c) the server's CPU per commit (the script thread, median; target ≤ 10 ms) and per full §4 rerun (router and page,
    AppTest in this process; target ≤ 10 ms), with the machine's load.
(d) §3's editor (static/filtersets.js) in the same server: one commit of channel R's w5 (a click on its track), the
    server's CPU for the fragment's rerun it causes (target ≤ 10 ms, "a §3 edit") and its round trip.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, _wait_healthy, free_port, wait_idle  # noqa: E402
from tests.isolation import isolated_server_env  # noqa: E402

MINIMAL_APP = '''
import numpy as np
import plotly.graph_objects as go
import streamlit as st

w = st.slider("w5", -10.0, 10.0, 2.0, 0.5, key="w5")
y = np.arange(36.0).reshape(6, 6) % 7 - 3 + w
st.plotly_chart(go.Figure(go.Heatmap(z=y, text=y, texttemplate="%{text}")), key="map")
'''

# Runs the app like `streamlit run`, appending each script run's milliseconds to a log file.
LAUNCHER = '''
import sys, time
from streamlit.runtime.scriptrunner import script_runner
from streamlit.web import cli

_run = script_runner.exec_func_with_error_handling
log = open(sys.argv[1], "a", buffering=1)


def timed(func, ctx):
    start, cpu = time.perf_counter(), time.thread_time()
    try:
        return _run(func, ctx)
    finally:  # wall and CPU milliseconds: on a busy machine the CPU time is the one that tells
        log.write(f"{(time.perf_counter() - start) * 1000:.3f} {(time.thread_time() - cpu) * 1000:.3f}\\n")


script_runner.exec_func_with_error_handling = timed
sys.argv = ["streamlit", "run", *sys.argv[2:]]
sys.exit(cli.main())
'''

# Finds an element through open shadow roots (the workbench lives in one).
FIND = """const find = (root, test) => { for (const e of root.querySelectorAll('*')) { if (test(e)) return e;
  const inner = e.shadowRoot && find(e.shadowRoot, test); if (inner) return inner; } return null; };"""

# (a) in the §4 page: from each input event on w5 to the map's numbers changing (the workbench redraws in a frame)
ARM_DRAG = "() => {" + FIND + """
  const slider = find(document, e => e.getAttribute && e.getAttribute('aria-label') === 'w5' && e.type === 'range');
  const map = find(document, e => e.dataset && e.dataset.testid === 'feature-map');
  window.__drag = [];
  let waiting = [];
  slider.addEventListener('input', () => waiting.push(performance.now()), {capture: true});
  new MutationObserver(() => {
    const now = performance.now();
    for (const t of waiting) window.__drag.push(now - t);
    waiting = [];
  }).observe(map, {attributes: true, attributeFilter: ['data-values']});
}"""

# (b) from the next pointer release to: the server's rerun done and the page updated
ARM_COMMIT = "([kind]) => {" + FIND + """
  const app = document.querySelector('[data-testid="stApp"]');
  const bench = kind === 'bench' && find(document, e => e.classList && e.classList.contains('wb'));
  const numbers = () => JSON.stringify(document.querySelector('.st-key-map .js-plotly-plot').data[0].z);
  const before = kind === 'bench' ? null : numbers();
  window.__step = new Promise(resolve => {
    let start = null, ran = false;
    document.addEventListener('pointerup', () => { start = performance.now(); }, {capture: true, once: true});
    setTimeout(() => { observers.forEach(o => o.disconnect()); resolve(-1); }, 60000);  // never: say so
    const check = (records) => {
      if (start === null) return;
      const states = (records || []).filter(r => r.target === app && r.attributeName === 'data-test-script-state');
      if (app.dataset.testScriptState === 'running' || states.some(r => r.oldValue === 'running')) ran = true;
      if (kind !== 'bench' && numbers() !== before) ran = true;  // the new numbers came from the rerun (a quick one can
      // start and end between two observer calls, with no record of it left to see)
      if (kind === 'bench' && bench.dataset.pending === '1') ran = true;  // the commit went (a fragment run may not
      // show in the app's script state); its rerun is done when the workbench has the server's acknowledgement
      const updated = kind === 'bench' ? bench.dataset.pending === '0' : numbers() !== before;
      if (ran && updated && app.dataset.testScriptState === 'notRunning') {
        observers.forEach(o => o.disconnect());
        resolve(performance.now() - start);
      }
    };
    const observers = [new MutationObserver(check)];
    observers[0].observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true,
                                         attributeOldValue: true});
    if (bench) {
      observers.push(new MutationObserver(check));
      observers[1].observe(bench, {attributes: true, attributeFilter: ['data-pending']});
    }
  });
}"""


@contextlib.contextmanager
def server(script: Path, log: Path, cwd: Path):
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-edit-") as folder:
        launcher = Path(folder) / "launch.py"
        launcher.write_text(LAUNCHER)
        proc = subprocess.Popen(
            [sys.executable, str(launcher), str(log), str(script), "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            env={**os.environ, **isolated_server_env(Path(folder) / "caches")},
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, proc, 90)
            yield url
        finally:
            proc.terminate()
            proc.wait(15)


class Stepper:
    """One app open in its own browser page, edited by clicks on a slider's track."""

    def __init__(self, browser, url: str, kind: str, log: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 720})
        self.kind, self.log, self.times, self.bytes, self.count, self.received = kind, log, [], [], 0, 0
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.page.goto(url, wait_until="domcontentloaded")
        wait_idle(self.page, 90_000)
        if kind == "bench":
            self.page.get_by_test_id("feature-map").wait_for()
            self.track = self.page.get_by_role("slider", name="w5", exact=True)
        else:
            self.track = self.page.locator('.st-key-w5 [role="group"] > div').first  # Streamlit's slider track
        self.runs_before = 0

    def _frame(self, payload) -> None:
        self.received += len(payload.encode() if isinstance(payload, str) else payload)

    def step(self, keep: bool) -> None:
        """Click the track at a quarter or three quarters of its width, alternately: one value, one release."""
        self.page.evaluate(ARM_COMMIT, [self.kind])
        self.track.scroll_into_view_if_needed()  # §3's sliders are below the first screen
        box = self.track.bounding_box()
        received = self.received
        self.page.mouse.click(box["x"] + box["width"] * (0.25 if self.count % 2 == 0 else 0.75), box["y"] + box["height"] / 2)
        elapsed = self.page.evaluate("() => window.__step")
        if elapsed < 0:
            state = self.page.evaluate("() => [document.querySelector('[data-testid=\"stApp\"]').dataset.testScriptState,"
                                       " location.search]")
            raise RuntimeError(f"{self.kind}: step {self.count}: the edit's rerun never finished ({state})")
        wait_idle(self.page)
        self.count += 1
        if keep:
            self.times.append(elapsed)
            self.bytes.append(self.received - received)
        else:  # a warm-up step: the script runs logged so far are not counted
            self.runs_before = len(self.log.read_text().splitlines())

    def runs(self) -> list[tuple[float, float]]:
        return [tuple(map(float, line.split())) for line in self.log.read_text().splitlines()[self.runs_before :]]

    def drag(self, moves: int) -> list[float]:
        """Drag w5's thumb across its track in small moves at a hand's pace: the page's input → redrawn times (ms)."""
        self.page.evaluate(ARM_DRAG)
        box = self.track.bounding_box()
        y = box["y"] + box["height"] / 2
        self.page.mouse.move(box["x"] + 4, y)
        self.page.mouse.down()
        for i in range(moves):
            self.page.mouse.move(box["x"] + 4 + (box["width"] - 8) * (i + 1) / moves, y)
            self.page.wait_for_timeout(16)
        self.page.mouse.up()
        wait_idle(self.page)
        return self.page.evaluate("() => window.__drag")


def full_rerun_cpu(repeat: int) -> tuple[float, float]:
    """A full §4 rerun (router and page) and one commit's rerun, the script thread's CPU ms (AppTest, medians).

    tests.apphelp makes AppTest compile each script once, as a server does (AppTest alone compiles the router and
    the page again on every run: 3 of its 11 ms)."""
    from streamlit.runtime.scriptrunner import script_runner

    from tests.apphelp import commit_bench, open_page

    run, cpu = script_runner.exec_func_with_error_handling, []

    def timed_exec(func, ctx):
        start = time.thread_time()
        try:
            return run(func, ctx)
        finally:
            cpu.append((time.thread_time() - start) * 1000)

    script_runner.exec_func_with_error_handling = timed_exec
    try:
        at = open_page("lessons/4_arithmetic.py", "ko", timeout=60)
        for _ in range(3):
            at.run()
        cpu.clear()
        for _ in range(repeat):
            at.run()
        full = statistics.median(cpu)
        cpu.clear()
        for i in range(repeat):
            commit_bench(at, w=[-1, -1, -1, 2, (i % 5) / 2, 2, -1, -1, -1])
        commit = statistics.median(cpu)
        assert not at.exception
    finally:
        script_runner.exec_func_with_error_handling = run
    return full, commit


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=21)
    parser.add_argument("--moves", type=int, default=60)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    full_cpu, commit_cpu = full_rerun_cpu(30)  # first: this process is then as fresh as a server's script thread
    with tempfile.TemporaryDirectory(prefix="bench-edit-") as tmp, sync_playwright() as p:
        tmp = Path(tmp)
        minimal = tmp / "minimal_app.py"
        minimal.write_text(MINIMAL_APP)
        (tmp / ".streamlit").mkdir()
        shutil.copy(ROOT / ".streamlit" / "config.toml", tmp / ".streamlit" / "config.toml")  # the same settings
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with (
                server(ROOT / "streamlit_app.py", tmp / "page.log", ROOT) as page_url,
                server(minimal, tmp / "minimal.log", tmp) as minimal_url,
            ):
                ours = Stepper(browser, f"{page_url}/convolution-arithmetic?lang=ko", "bench", tmp / "page.log")
                base = Stepper(browser, minimal_url, "minimal", tmp / "minimal.log")
                for i in range(args.steps + 1):  # alternately, so that a busy moment slows both alike
                    ours.step(keep=i > 0)
                    base.step(keep=i > 0)
                our_runs, base_runs = ours.runs(), base.runs()
                drag = ours.drag(args.moves)
                filters = Stepper(browser, f"{page_url}/filter-sets?lang=ko", "bench", tmp / "page.log")
                for i in range(args.steps + 1):  # §3's editor: channel R's w5, each click one commit
                    filters.step(keep=i > 0)
                filter_runs = filters.runs()
        finally:
            browser.close()
    load_after = os.getloadavg()

    page_ms, base_ms = statistics.median(ours.times), statistics.median(base.times)
    print(f"machine load (1, 5, 15 min) before: {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f}, "
          f"after: {load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f} on {os.cpu_count()} cores")
    print(f"(a) w5 dragged, input event → map redrawn in the page ({len(drag)} inputs): p50 {statistics.median(drag):.1f} ms, "
          f"p90 {p90(drag):.1f} ms = {p90(drag) / 16:.2f}× one 16 ms frame (target ≤ 1×); the minimal app's map does not "
          "move until the slider is released")
    print(f"(b) committed edit, release → rerun done and page updated (Chromium, p50 of {args.steps}): §4 {page_ms:.0f} ms, "
          f"minimal app (one slider, one plotly heatmap, same config) {base_ms:.0f} ms   ratio {page_ms / base_ms:.2f}× "
          "(target ≤ 1.5×)")
    print(f"    WebSocket bytes the server sent per commit (median): §4 {statistics.median(ours.bytes):,.0f}, "
          f"minimal app {statistics.median(base.bytes):,.0f}")
    print(f"(c) server CPU per commit (script thread, median of {len(our_runs)} runs): §4 "
          f"{statistics.median(r[1] for r in our_runs):.1f} ms (wall {statistics.median(r[0] for r in our_runs):.1f}) "
          f"(target ≤ 10 ms); minimal app {statistics.median(r[1] for r in base_runs):.1f} ms "
          f"(wall {statistics.median(r[0] for r in base_runs):.1f})   ratio "
          f"{statistics.median(r[1] for r in our_runs) / statistics.median(r[1] for r in base_runs):.2f}×")
    print(f"    full §4 rerun (router + page, AppTest in this process): {full_cpu:.1f} ms CPU (target ≤ 10 ms); "
          f"a commit's rerun there: {commit_cpu:.1f} ms")
    print(f"(d) §3's editor, one commit (channel R's w5 clicked, {len(filter_runs)} runs): server CPU "
          f"{statistics.median(r[1] for r in filter_runs):.1f} ms (wall {statistics.median(r[0] for r in filter_runs):.1f}) "
          f"(target ≤ 10 ms), {statistics.median(r[1] for r in filter_runs) / statistics.median(r[1] for r in base_runs):.2f}× "
          f"the minimal app's; round trip p50 {statistics.median(filters.times):.0f} ms = "
          f"{statistics.median(filters.times) / base_ms:.2f}× the minimal app's; bytes {statistics.median(filters.bytes):,.0f}")


if __name__ == "__main__":
    main()
