"""What one hostile student costs the server: issue 9's hostile links and uploads against a normal request.

    python bench/abuse.py [--only NAME ...] [--limit SECONDS]

One fresh `streamlit run` on 127.0.0.1 (its own temporary cache, the shipped MNIST sample), one
headless Chromium tab per request. For each case the SERVER process's CPU seconds (utime+stime
from /proc/<pid>/stat) and its peak RSS above the level before the request (VmRSS sampled every
20 ms from /proc/<pid>/status; VmHWM never resets), both counted until the server is quiet again,
are printed next to a normal request of the same page, with the ratios. Issue 9's bound: about 2 s
of CPU and 300 MB per request.

Bounded: each request waits at most --limit seconds (default 60) for its page to settle; then the
tab is closed and the server is given up to 3 × --limit to go quiet (a case that never let go is
marked "still busy"). The hostile files are generated into a temporary
folder and removed at the end; nothing leaves the loopback interface.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, SETTLED, streamlit_server  # noqa: E402

LAYERS_1000 = "i28x28x1_f" + "_r0" * 1000 + "_d10-softmax"  # finding 1
NORMAL_STACK = "i28x28x1_c3-k5-swish_m2_c6-k5-swish_m2_f_d84-swish_d10-softmax"
UPLOADED = '[data-testid="stMetric"], [data-testid="stAlertContentError"], [data-testid="stException"]'
MB = 2**20
KERAS = "Show the real Keras model.summary()"  # the lab's toggle (words/lab.py, lab.keras)
KERAS_DONE = '[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentError"]'
RSS_FLOOR_MB = 1.0  # memory ratios: a baseline under 1 MB counts as 1 MB (sampling noise)
BAD_LINK = "could not be read"  # the bad-link notice (words/common.py, common.bad_link)


@dataclass(frozen=True)
class Case:
    name: str  # what the hostile student does
    finding: str
    address: str  # path and query (lang=en is added)
    baseline: str  # the same page's normal request: a case name
    upload: str | None = None  # a generated file to put into the §7 uploader
    toggle: str | None = None  # a toggle to switch on once the page settled (the lab's Keras summary)


LINKS = [
    Case("lab: normal stack", "-", f"/layer-stack-lab?stack={NORMAL_STACK}", ""),
    Case("lab: 1,000 dropout layers", "1", f"/layer-stack-lab?stack={LAYERS_1000}", "lab: normal stack"),
    Case("lenet: normal stack", "-", f"/lenet-5?stack={NORMAL_STACK}", ""),
    Case("lenet: 1,000 dropout layers", "1", f"/lenet-5?stack={LAYERS_1000}", "lenet: normal stack"),
    *[Case(f"lab: {token}", "2", f"/layer-stack-lab?stack={stack}", "lab: normal stack") for token, stack in [
        ("c1000", "i28x28x1_c1000-k3_f_d10-softmax"), ("d100000", "i28x28x1_f_d100000_d10-softmax"),
        ("k40", "i28x28x1_c4-k40_f_d10-softmax"), ("s9", "i28x28x1_c4-k3-s9_f_d10-softmax"),
        ("m20", "i28x28x1_m20_f_d10-softmax"), ("i600x600x1", "i600x600x1_f_d10-softmax"),
        ("i28x28x100", "i28x28x100_f_d10-softmax")]],
    Case("lenet: c1000", "2", "/lenet-5?stack=i28x28x1_c1000-k3_f_d10-softmax", "lenet: normal stack"),
    Case("arithmetic: normal", "-", "/convolution-arithmetic?x=random:3", ""),
    Case("arithmetic: x=random:²", "3", "/convolution-arithmetic?x=random:²", "arithmetic: normal"),
    Case("arithmetic: x=digit:¹", "3", "/convolution-arithmetic?x=digit:¹", "arithmetic: normal"),
    Case("filters: normal", "-", "/filter-sets?seed=3", ""),
    Case("filters: seed=³", "3", "/filter-sets?seed=³", "filters: normal"),
    Case("own images: normal", "-", "/own-images?n=300", ""),
    Case("own images: n=²", "3", "/own-images?n=²", "own images: normal"),
    Case("lab: Keras summary, normal", "-", f"/layer-stack-lab?stack={NORMAL_STACK}", "", toggle=KERAS),
    Case("lab: Keras summary, 256x256 -> Dense(4096)", "6", "/layer-stack-lab?stack=i256x256x1_f_d4096_d10-softmax",
         "lab: Keras summary, normal", toggle=KERAS),
    Case("lab: Keras summary, 512x512x64", "6", "/layer-stack-lab?stack=i512x512x64_c64-k3_f_d10-softmax",
         "lab: Keras summary, normal", toggle=KERAS),
]
UPLOADS = [
    Case("upload: normal zip (10 classes x 20 PNGs)", "-", "/own-images?src=upload", "", upload="normal.zip"),
    Case("upload: 200 x 5000x5000 1-bit PNG in a zip", "4", "/own-images?src=upload",
         "upload: normal zip (10 classes x 20 PNGs)", upload="pixel_bombs.zip"),
    Case("upload: one 5000x5000 RGBA TIFF", "4", "/own-images?src=upload",
         "upload: normal zip (10 classes x 20 PNGs)", upload="rgba_tiff.zip"),
    Case("upload: 1,200 members with 150 KB names (tar.gz)", "5", "/own-images?src=upload",
         "upload: normal zip (10 classes x 20 PNGs)", upload="long_names.tar.gz"),
    Case("upload: zip bomb (200 MB of zeros)", "-", "/own-images?src=upload",
         "upload: normal zip (10 classes x 20 PNGs)", upload="zip_bomb.zip"),
    Case("upload: tar with 100,001 empty entries", "12", "/own-images?src=upload",
         "upload: normal zip (10 classes x 20 PNGs)", upload="many_entries.tar.gz"),
]


# ---- the hostile files ----------------------------------------------------------------------------


def _png(size: tuple[int, int], mode: str = "L", fmt: str = "PNG") -> bytes:
    """A blank picture: tiny as a file, large once decoded (PNG optimised, TIFF deflated)."""
    from PIL import Image

    buffer = io.BytesIO()
    options = {"optimize": True} if fmt == "PNG" else {"compression": "tiff_adobe_deflate"}
    Image.new(mode, size).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def make_files(folder: Path) -> None:
    """Every upload of UPLOADS, generated (a few seconds of this process's CPU, not the server's)."""
    small = _png((28, 28))
    with zipfile.ZipFile(folder / "normal.zip", "w") as z:
        for c in "ABCDEFGHIJ":
            for i in range(20):
                z.writestr(f"{c}/{i}.png", small)
    bomb_png = _png((5000, 5000), "1")  # about 3 KB
    with zipfile.ZipFile(folder / "pixel_bombs.zip", "w") as z:
        for i in range(200):
            z.writestr(f"{'AB'[i % 2]}/{i}.png", bomb_png)
    with zipfile.ZipFile(folder / "rgba_tiff.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("A/big.tif", _png((5000, 5000), "RGBA", "TIFF"))
        for c in "AB":
            for i in range(5):
                z.writestr(f"{c}/{i}.png", small)
    # Names that compress about 50:1 (a 6,000-character random block, repeated), as issue 9 #5's 2.8 MB
    # file: a plain "xxx…" name would compress so well that the archive reader calls it a bomb.
    rng = random.Random(9)
    with tarfile.open(folder / "long_names.tar.gz", "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for i in range(1200):
            info = tarfile.TarInfo(f"A/{i:04d}" + (rng.randbytes(3000).hex() * 25)[:150_000] + ".png")
            info.size = len(small)
            tar.addfile(info, io.BytesIO(small))
    with zipfile.ZipFile(folder / "zip_bomb.zip", "w", zipfile.ZIP_DEFLATED) as z, z.open("A/zeros.png", "w") as member:
        zeros = bytes(MB)
        for _ in range(200):
            member.write(zeros)
    with tarfile.open(folder / "many_entries.tar.gz", "w:gz") as tar:
        for i in range(100_001):
            tar.addfile(tarfile.TarInfo(f"A/{i}.png"))


# ---- measuring the server -------------------------------------------------------------------------


def server_pid(base: str) -> int:
    """The `streamlit run` process serving base (started by streamlit_server above)."""
    port = base.rsplit(":", 1)[1]
    found = subprocess.run(["pgrep", "-f", f"server.port {port} "], capture_output=True, text=True).stdout.split()
    if len(found) != 1:
        raise RuntimeError(f"expected one server process on port {port}, found {found}")
    return int(found[0])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakRSS:
    """VmRSS sampled every 20 ms in a thread while the request runs; .peak in MB."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, rss_mb(pid), threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb(self.pid))

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def wait_quiet(pid: int, limit: float) -> bool:
    """True once the server used under 0.05 s of CPU in a second (the last request let go), False after limit."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(1.0)  # measuring a rate over one second: there is no event to wait on
        if cpu_seconds(pid) - before < 0.05:
            return True
    return False


def request(browser, base: str, case: Case, files: Path, limit: float) -> str:
    """Open the case's address in a fresh tab (upload its file, switch its toggle) and wait until settled."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sep = "&" if "?" in case.address else "?"
    try:
        page.goto(base + case.address + sep + "lang=en", wait_until="domcontentloaded")
        page.wait_for_function(SETTLED, timeout=limit * 1000)
        if case.toggle:
            page.get_by_text(case.toggle, exact=True).click()
            page.locator(KERAS_DONE).first.wait_for(timeout=limit * 1000)
            page.wait_for_function(SETTLED, timeout=limit * 1000)
        if case.upload:
            page.locator('input[type="file"]').set_input_files(str(files / case.upload))
            page.locator(UPLOADED).first.wait_for(timeout=limit * 1000)
            page.wait_for_function(SETTLED, timeout=limit * 1000)
        if page.locator('[data-testid="stException"]').count():
            return "exception box"
        said = [page.locator('[data-testid="stAlertContentError"]').all_inner_texts(),
                [w for w in page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts() if BAD_LINK in w]]
        words = "; ".join(" ".join(text.split()).removeprefix("error ")[:70] for texts in said for text in texts)
        return "ok" + (f": {words}" if words else "")
    except Exception as err:  # a Playwright timeout: the page did not settle within the limit
        return f"not settled in {limit:.0f} s ({type(err).__name__})"
    finally:
        page.close()


def measure(browser, base: str, pid: int, case: Case, files: Path, limit: float) -> dict:
    """The request's cost: CPU and peak RSS from its start until the server is quiet again (work that
    goes on after the page settled or was given up, e.g. a closed tab's script, counts too)."""
    quiet = wait_quiet(pid, 3 * limit)
    rss0, cpu0 = rss_mb(pid), cpu_seconds(pid)
    with PeakRSS(pid) as peak:
        outcome = request(browser, base, case, files, limit)
        settled = wait_quiet(pid, 3 * limit)
    cpu = cpu_seconds(pid) - cpu0
    notes = ("" if quiet else ", server was busy before") + ("" if settled else f", still busy {3 * limit:.0f} s later")
    return {"case": case, "cpu": cpu, "rss": max(peak.peak - rss0, 0.0), "outcome": outcome + notes}


def guard_reports(base: str) -> list[str]:
    """What ui/guard.py logged (a page or fragment that raised): its first line and the exception, from
    the server's log (tests.browser.streamlit_server keeps it in its temporary folder)."""
    port = base.rsplit(":", 1)[1]
    reports = []
    for log in Path(tempfile.gettempdir()).glob(f"streamlit-{port}-*/server.log"):
        lines = log.read_text(errors="replace").splitlines()
        for i, line in enumerate(lines):
            if line.startswith(("page /", "fragment ")) and " failed" in line:
                tail = next((x for x in lines[i + 1:] if x and not x.startswith((" ", "Traceback"))), "")
                reports.append(f"{line}: {tail[:200]}")
    return reports


def ratio(a: float, b: float, floor: float = 0.0) -> str:
    """a / b; b is taken as at least floor (the RSS of a cheap request grows by less than sampling noise)."""
    b = max(b, floor)
    return f"{a / b:7.1f}x" if b > 0.005 else "      -"


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="case names containing any of these words")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds one request may take to settle")
    args = parser.parse_args()
    chosen = [c for c in LINKS + UPLOADS if not args.only or any(w in c.name for w in args.only)]
    needed = {c.baseline for c in chosen}
    cases = [c for c in LINKS + UPLOADS if c in chosen or c.name in needed]
    with tempfile.TemporaryDirectory(prefix="abuse-") as folder:
        files = Path(folder) / "files"
        files.mkdir()
        print("generating the hostile files …", file=sys.stderr)
        make_files(files)
        for f in sorted(files.iterdir()):
            print(f"  {f.name}: {f.stat().st_size / MB:.2f} MB", file=sys.stderr)
        env = {"CNNLIB_CACHE_DIR": str(Path(folder) / "cache"), "CNNLIB_MNIST_SOURCE": "sample"}
        with streamlit_server(env=env) as base, sync_playwright() as p:
            pid = server_pid(base)
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for case in cases:  # warm-up: each page's first run imports its modules (TensorFlow for the Keras summary)
                    if not case.baseline:
                        request(browser, base, case, files, 120)
                results: dict[str, dict] = {}
                for case in cases:
                    results[case.name] = measure(browser, base, pid, case, files, args.limit)
                    r = results[case.name]
                    print(f"  measured {case.name}: {r['cpu']:.2f} s CPU, +{r['rss']:.0f} MB, {r['outcome']}", file=sys.stderr)
                alive = wait_quiet(pid, 3 * args.limit)
                reports = guard_reports(base)
            finally:
                browser.close()
    print(f"\nserver CPU seconds and peak RSS above the start of the request (bound: ~2 s, ~300 MB); limit {args.limit:.0f} s"
          f" per request; memory ratios take a baseline under {RSS_FLOOR_MB:.0f} MB as {RSS_FLOOR_MB:.0f} MB")
    print(f"{'finding':>7}  {'case':<48} {'CPU s':>7} {'ratio':>8} {'+MB':>7} {'ratio':>8}  outcome")
    for case in cases:
        r = results[case.name]
        base_r = results.get(case.baseline)
        cpu_ratio = ratio(r["cpu"], base_r["cpu"]) if base_r else "   (base)"
        rss_ratio = ratio(r["rss"], base_r["rss"], floor=RSS_FLOOR_MB) if base_r else "   (base)"
        flag = "  OVER" if r["cpu"] > 2.0 or r["rss"] > 300 else ""
        print(f"{case.finding:>7}  {case.name[:48]:<48} {r['cpu']:7.2f} {cpu_ratio:>8} {r['rss']:7.0f} {rss_ratio:>8}  "
              f"{r['outcome']}{flag}")
    for report in reports:
        print(f"the guard caught: {report}")
    if not alive:
        print("the server was still busy after the last case (a request it could not let go of)")


if __name__ == "__main__":
    main()
