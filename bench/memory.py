"""The server's memory (RSS) through a class, in a real `streamlit run` and Chromium (issue 18, part 3).

Two fresh servers on one temporary cache folder (CNNLIB_MNIST_SOURCE=sample, every other cache
temporary, CNNLIB_WARM_TF as in the environment: unset = the default):

1. idle after start; after each numpy page (the lecture map, §1, §3, §4, §5, the lab), each opened from
   the sidebar and waited for until drawn; the same after --settle seconds on them (a background import
   would show here); §6 with nothing cached; after one run (§6's class-start button: the default LeNet-5);
   after three runs (§6 with batch 128, then §2's model, each trained from its page).
2. (a restart: the class-start run is on disk) idle; numpy pages clicked from the sidebar (their median
   time is the baseline); after --settle seconds, the first TensorFlow page (§6 showing the cached run):
   the time to its first useful paint (the run's test accuracy on screen, measured in the page from the click)
   as a ratio to a numpy page drawn (its first run drawn and idle), the same against the numpy page's title
   painted, §6's own time to settle (its first run drawn and idle, charts included), and the time until the
   parts that need the trained model are there.

RSS is VmRSS from /proc/<pid>/status, the server process and its children together; "peak" is the
highest value sampled (every 0.1 s) since the row before. The machine's load average is printed with
the table: timings on a busy machine are slower, not comparable across loads.

    python bench/memory.py [--settle 20] [--root DIR] [--env NAME=VALUE ...] [--only 1|2]

--root runs another checkout's app (e.g. `git archive perf | tar -x -C /tmp/before`) with this bench.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import ROOT, _wait_healthy, chromium, free_port, h1, wait_idle  # noqa: E402
from tests.isolation import isolated_env, isolated_server_env  # noqa: E402

NUMPY_PAGES = ("why-convolution", "filter-sets", "convolution-arithmetic", "max-pooling", "layer-stack-lab")
BASELINE_PAGES = ("convolution-arithmetic", "why-convolution", "max-pooling")
MB = 1e6
MIB = 1024 * 1024
# the value under a metric's label, or null while there is none (tests/test_browser_training.py)
METRIC = """labels => {
  for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
    const [name, ...rest] = m.innerText.split('\\n');
    if (labels.includes(name.trim()) && rest.join('').trim()) return true;
  }
  return false;
}"""
ACCURACY = ["테스트 정확도", "Test accuracy"]
# the parts of §2/§6 that need the trained model: the try-it source radio is drawn only with the model
FILLED = ".st-key-{prefix}_try_source"


def family(pid: int) -> list[int]:
    """pid and every process below it."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(proc.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def rss_bytes(pid: int) -> int:
    total = 0
    for p in family(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


class Sampler:
    """RSS now, and the peak since the last row (a thread samples every 0.1 s)."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, rss_bytes(self.pid))

    def row(self) -> tuple[int, int]:
        now = rss_bytes(self.pid)
        peak, self.peak = max(self.peak, now), now
        return now, peak

    def stop(self):
        self._stop.set()


@contextlib.contextmanager
def server(root: Path, caches: Path, env: dict):
    """A fresh `streamlit run streamlit_app.py` in root; yields (url, pid)."""
    port = free_port()
    log_path = caches.parent / f"server-{port}.log"
    full_env = {k: v for k, v in os.environ.items() if k != "CNNLIB_WARM_TF"}
    full_env.update(isolated_server_env(caches), CNNLIB_MNIST_SOURCE="sample", **env)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=root, stdout=log, stderr=subprocess.STDOUT, env=full_env)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc, 60)
            yield url, proc.pid
        except BaseException:
            print(log_path.read_text()[-4000:], file=sys.stderr)
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def click_to(page, path: str, ready: str | None = None) -> float:
    """Click the sidebar link to path; seconds until the page's first run is drawn (and `ready`, a JS
    condition, holds)."""
    before = h1(page)
    started = time.perf_counter()
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').click()
    page.wait_for_url(f"**/{path}**")
    page.wait_for_function("b => { const h = document.querySelector('h1'); return h && h.innerText.trim() !== b; }",
                           arg=before, timeout=180_000)
    wait_idle(page, 180_000)
    if ready:
        page.wait_for_function(ready, timeout=180_000)
        wait_idle(page, 180_000)
    return time.perf_counter() - started


# Installed before a click: when the new page's title is on screen, and its useful content (§6: the run's test
# accuracy; a numpy page: its title) — a frame after the element appears (requestAnimationFrame, then a task: that
# frame has been drawn), in ms from the click's pointerdown.
WATCH_PAINT = """([before, labels]) => {
  const out = window.__paint = {title: null, useful: null};
  let t0 = null;
  document.addEventListener('pointerdown', () => { t0 = performance.now(); }, {capture: true, once: true});
  const painted = (name) => { if (out[name] !== null || t0 === null) return; out[name] = -1;
    requestAnimationFrame(() => setTimeout(() => { out[name] = performance.now() - t0; })); };
  const metric = """ + METRIC + """;
  const observer = new MutationObserver(() => {
    const h = document.querySelector('h1');
    if (!h || h.innerText.trim() === before) return;
    painted('title');
    if (!labels || metric(labels)) painted('useful');
    if (out.useful !== null) observer.disconnect();
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def paint_times(page, path: str, ready: str | None = None, labels: list[str] | None = None) -> dict:
    """click_to(page, path, ready) with what the student sees on the way, in seconds: the new title painted, the
    useful content painted (``labels``: a metric's label, e.g. the run's test accuracy; else the title), settled
    (the page's first run drawn and idle, click_to's figure)."""
    page.evaluate(WATCH_PAINT, [h1(page), labels])
    settled = click_to(page, path, ready)
    page.wait_for_function("() => window.__paint.useful > 0 && window.__paint.title > 0", timeout=60_000)
    shown = page.evaluate("() => window.__paint")
    return {"title": shown["title"] / 1000, "useful": shown["useful"] / 1000, "settled": settled}


def accuracy_shown() -> str:
    return f"() => ({METRIC})({ACCURACY!r})"


def wait_filled(page, prefix: str, timeout: float = 240) -> None:
    page.locator(FILLED.format(prefix=prefix)).first.wait_for(state="visible", timeout=timeout * 1000)
    wait_idle(page, timeout * 1000)


def train_here(page, url: str, button: str, prefix: str) -> float:
    """Open url, press the button, wait for the result and the model's parts; seconds from the click."""
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page, 60_000)
    started = time.perf_counter()
    page.locator(f".st-key-{button} button").click()
    page.wait_for_function(accuracy_shown(), timeout=300_000)
    wait_filled(page, prefix, 300)
    return time.perf_counter() - started


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} (1/5 min) on {os.cpu_count()} CPUs"


def first_server(root, caches, env, settle, rows):
    with server(root, caches, env) as (url, pid), chromium(1280, 720) as page:
        rss = Sampler(pid)
        try:
            time.sleep(1)  # the server answered /health: let its start-up finish
            rows.append(("1", "idle after start", *rss.row(), None))
            started = time.perf_counter()
            page.goto(f"{url}/", wait_until="domcontentloaded")
            wait_idle(page, 60_000)
            rows.append(("1", "lecture map", *rss.row(), time.perf_counter() - started))
            for path in NUMPY_PAGES:
                seconds = click_to(page, path)
                rows.append(("1", f"/{path}", *rss.row(), seconds))
            time.sleep(settle)
            rows.append(("1", f"numpy pages, {settle:.0f} s later", *rss.row(), None))
            seconds = click_to(page, "lenet-5")
            rows.append(("1", "/lenet-5, nothing cached", *rss.row(), seconds))
            started = time.perf_counter()
            page.locator(".st-key-lenet_class_start button").click()
            page.wait_for_function(accuracy_shown(), timeout=300_000)
            wait_filled(page, "lenet", 300)
            rows.append(("1", "after one run (class start)", *rss.row(), time.perf_counter() - started))
            seconds = train_here(page, f"{url}/lenet-5?batch=128", "lenet_train", "lenet")
            rows.append(("1", "after two runs (+ §6 batch 128)", *rss.row(), seconds))
            seconds = train_here(page, f"{url}/conv2d-in-keras", "conv2d_train", "conv2d")
            rows.append(("1", "after three runs (+ §2's model)", *rss.row(), seconds))
            time.sleep(settle)
            rows.append(("1", f"three runs, {settle:.0f} s later", *rss.row(), None))
        finally:
            rss.stop()


def second_server(root, caches, env, settle, rows) -> dict:
    with server(root, caches, env) as (url, pid), chromium(1280, 720) as page:
        rss = Sampler(pid)
        try:
            time.sleep(1)
            rows.append(("2", "idle after a restart (run on disk)", *rss.row(), None))
            page.goto(f"{url}/max-pooling", wait_until="domcontentloaded")
            wait_idle(page, 60_000)
            numpy_clicks = [paint_times(page, path) for _ in range(2) for path in BASELINE_PAGES]
            numpy = {what: statistics.median(c[what] for c in numpy_clicks) for what in ("title", "useful", "settled")}
            rows.append(("2", "numpy pages (median click)", *rss.row(), numpy["settled"]))
            time.sleep(settle)
            rows.append(("2", f"numpy pages, {settle:.0f} s later", *rss.row(), None))
            started = time.perf_counter()
            first = paint_times(page, "lenet-5", accuracy_shown(), ACCURACY)
            rows.append(("2", "first TF page /lenet-5: settled", *rss.row(), first["settled"]))
            wait_filled(page, "lenet")
            filled = time.perf_counter() - started
            rows.append(("2", "/lenet-5: model parts filled in", *rss.row(), filled))
        finally:
            rss.stop()
    return {"numpy": numpy, "first": first, "filled": filled}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=20.0, help="seconds to wait where the table says 'later'")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app runs (default: this one)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the servers (repeatable)")
    parser.add_argument("--only", choices=("1", "2"), help="run only the first or the second server")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    rows: list = []
    timing = None
    print(f"{args.root} {' '.join(args.env) or '(default settings)'}; at start: {load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as folder:
        caches = Path(folder) / "caches"
        if args.only != "2":
            first_server(args.root.resolve(), caches, env, args.settle, rows)
        if args.only == "2":  # the second server needs the class-start run on disk
            subprocess.run([sys.executable, "-m", "cnnlib", "train"], cwd=args.root, capture_output=True, check=True,
                           env={**os.environ, **isolated_env(caches), "CNNLIB_MNIST_SOURCE": "sample"})
        if args.only != "1":
            timing = second_server(args.root.resolve(), caches, env, args.settle, rows)
    print(f"{'srv':>3}  {'point':<38} {'RSS MiB':>8} {'RSS MB':>7} {'peak MiB':>9} {'seconds':>8}")
    for srv, point, now, peak, seconds in rows:
        shown = "" if seconds is None else f"{seconds:.2f}"
        print(f"{srv:>3}  {point:<38} {now / MIB:8.0f} {now / MB:7.0f} {peak / MIB:9.0f} {shown:>8}")
    if timing:
        numpy, first = timing["numpy"], timing["first"]
        print(f"a numpy page (median of {2 * len(BASELINE_PAGES)} clicks): title painted {numpy['title']:.2f} s, "
              f"settled {numpy['settled']:.2f} s")
        print(f"first TF page /lenet-5: title painted {first['title']:.2f} s, its test accuracy painted "
              f"{first['useful']:.2f} s, settled {first['settled']:.2f} s, the model's parts {timing['filled']:.2f} s")
        print(f"first useful paint vs a numpy page drawn: {first['useful']:.2f} / {numpy['settled']:.2f} s = "
              f"{first['useful'] / numpy['settled']:.2f}x (target ≤ 1.5x); vs its title painted "
              f"{first['useful'] / numpy['title']:.2f}x; settled vs settled {first['settled'] / numpy['settled']:.2f}x")
    print(f"at the end: {load()}")


if __name__ == "__main__":
    main()
