"""A class presses "Train" at once: N browser tabs on the LeNet-5 page, same settings.

    python bench/classroom.py [N]

One fresh server (its own empty cache). Baseline: one tab trains a run alone (seed 1); the class
trains another run of the same cost (seed 2). Then N tabs open the page and press Train within a second of each other. Printed:
how many runs the server trained (must be 1: everyone attaches to the same run), how many requests
the run panel counted (must be N: issue 9 finding 12 saw 1 after five tabs), the seconds
from the first click to the result on every tab, and the ratio to the one-tab baseline. The
tabs' own rendering runs on this same 2-core machine (on students' laptops in class), so the
wall-clock ratio is an upper bound; the server's own CPU time (from /proc) is the fair measure
of what the watchers cost it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, open_page, streamlit_server  # noqa: E402

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


if __name__ == "__main__":
    from playwright.sync_api import sync_playwright

    tabs = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    cache = Path(tempfile.mkdtemp(prefix="classroom-"))
    env = {"CNNLIB_CACHE_DIR": str(cache), "CNNLIB_MNIST_SOURCE": "sample"}
    with streamlit_server(env=env) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        alone, _, cpu_alone, _ = class_presses_train(base, browser, 1, seed=1)
        runs_before = len(list((cache / "runs").glob("*")))
        together, each, cpu_class, counted = class_presses_train(base, browser, tabs, seed=2)
        runs_after = len(list((cache / "runs").glob("*"))) - runs_before
        browser.close()
    print(f"one tab alone: click → result {alone:.1f} s, server CPU {cpu_alone:.1f} s  (runs trained: {runs_before})")
    print(f"{tabs} tabs pressing Train together: runs trained {runs_after}, requests counted {counted} "
          f"(expected {tabs}), click → result on every tab "
          f"{min(each):.1f}–{max(each):.1f} s ({together / alone:.2f}× the baseline, browsers on the same 2 cores); "
          f"server CPU {cpu_class:.1f} s ({cpu_class / cpu_alone:.2f}× the baseline)")
    shutil.rmtree(cache, ignore_errors=True)
