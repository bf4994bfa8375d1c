"""A slider step in a real browser: §4's w5 against a minimal Streamlit app (issue 10: ratio ≤ 1.15×).

    python bench/browser_edit.py [--steps 21]

Both apps run the same way in this one command: `streamlit run` through a launcher that times every
script run on the server (fragment reruns included), driven by Debian's Chromium at 1280×720, stepped
alternately (one §4 step, one minimal step) so that a busy machine slows both alike. A step:
focus the slider, press ArrowRight (or ArrowLeft, alternately), and wait until the redrawn heatmap's
numbers differ — timed in the page from the keydown to the DOM change of the chart. Prints p50 of
each, the ratio, and the server's script time per edit (median over the steps).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, _wait_healthy, free_port, wait_idle  # noqa: E402
from tests.isolation import isolated_env  # noqa: E402

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

# In the page: time from the next keydown to the first DOM change after which the chart's numbers differ.
ARM = """([selector]) => {
  const chart = () => document.querySelector(selector);
  const numbers = () => JSON.stringify(chart().querySelector('.js-plotly-plot').data[0].z);
  const before = numbers();
  window.__step = new Promise(resolve => {
    let start = null;
    document.addEventListener('keydown', () => { start = performance.now(); }, {capture: true, once: true});
    const observer = new MutationObserver(() => {
      if (start !== null && numbers() !== before) { observer.disconnect(); resolve(performance.now() - start); }
    });
    observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
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
            env={**os.environ, **isolated_env(Path(folder) / "caches")},
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, proc, 90)
            yield url
        finally:
            proc.terminate()
            proc.wait(15)


class Stepper:
    """One app open in its own browser page, stepped one slider key at a time."""

    def __init__(self, browser, url: str, slider: str, chart: str, log: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 720})
        self.page.goto(url, wait_until="domcontentloaded")
        wait_idle(self.page, 90_000)
        self.slider, self.chart, self.log, self.times, self.count = (
            self.page.locator(f"{slider} input[type=range]"),
            chart,
            log,
            [],
            0,
        )

    def step(self, keep: bool) -> None:
        self.page.evaluate(ARM, [self.chart])
        self.slider.focus()
        self.page.keyboard.press("ArrowRight" if self.count % 2 == 0 else "ArrowLeft")
        elapsed = self.page.evaluate("() => window.__step")
        wait_idle(self.page)
        self.count += 1
        if keep:
            self.times.append(elapsed)
        else:  # a warm-up step: the script runs logged so far are not counted
            self.runs_before = len(self.log.read_text().splitlines())

    def result(self) -> tuple[float, float, float]:
        """p50 of a step to the redrawn chart, and the median server script wall and CPU time of those steps (ms)."""
        runs = [tuple(map(float, line.split())) for line in self.log.read_text().splitlines()[self.runs_before :]]
        return statistics.median(self.times), statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=21)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-edit-") as tmp, sync_playwright() as p:
        tmp = Path(tmp)
        minimal = tmp / "minimal_app.py"
        minimal.write_text(MINIMAL_APP)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with (
                server(ROOT / "streamlit_app.py", tmp / "page.log", ROOT) as page_url,
                server(minimal, tmp / "minimal.log", tmp) as minimal_url,
            ):
                ours = Stepper(
                    browser,
                    f"{page_url}/convolution-arithmetic?lang=ko",
                    ".st-key-arith_w_s4",
                    ".st-key-arith_y_fig",
                    tmp / "page.log",
                )
                base = Stepper(browser, minimal_url, ".st-key-w5", ".st-key-map", tmp / "minimal.log")
                for i in range(args.steps + 1):  # alternately, so that a busy moment slows both alike
                    ours.step(keep=i > 0)
                    base.step(keep=i > 0)
                (page_ms, page_wall, page_cpu), (base_ms, base_wall, base_cpu) = ours.result(), base.result()
        finally:
            browser.close()
    print(f"§4 w5 slider step → redrawn map (Chromium, p50 of {args.steps}): {page_ms:.0f} ms")
    print(
        f"  minimal app (one slider, one plotly heatmap), same way:     {base_ms:.0f} ms"
        f"   ratio {page_ms / base_ms:.2f}×  (target ≤ 1.15×)"
    )
    print(
        f"server script time per edit (median wall / CPU of the script thread): §4 {page_wall:.1f} / {page_cpu:.1f} ms"
        f" (target ≤ 15 ms), minimal app {base_wall:.1f} / {base_cpu:.1f} ms"
    )
    print(f"machine load (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
