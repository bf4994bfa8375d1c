"""The first TensorFlow page on a server a class is already using, against a numpy page (issue 10).

In a real browser (Debian's Chromium): open a numpy page (§5), wait while the class is "under way"
(--settle seconds), then click through the sidebar to a numpy page (§4, §1: the baseline) and to the
first TensorFlow page (§6 LeNet-5) and time each click until the page is drawn. Done twice in one
command, on fresh servers: with the background warm-up (ui/warmup.py, CNNLIB_WARM_TF=1) and without
it (CNNLIB_WARM_TF=0, the cold import the issue measured). Prints each time, the ratio TF page /
numpy page, and the server's memory (RSS) before and after the warm-up.

    python bench/first_page.py [--settle 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import chromium, h1, open_page, streamlit_server, wait_idle  # noqa: E402

NUMPY_PAGES = ("convolution-arithmetic", "why-convolution")
TF_PAGE = "lenet-5"
START = "max-pooling"


def server_rss_mb(port: str) -> float:
    """Resident memory of the `streamlit run` process serving port, in MB (Linux /proc)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            if b"streamlit" in b" ".join(cmdline) and port.encode() in cmdline:
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            continue
    return float("nan")


def click_to(page, path: str) -> float:
    """Click the sidebar link to path; seconds until its first run is over and everything is drawn."""
    before = h1(page)
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]')
    started = time.perf_counter()
    link.click()
    page.wait_for_url(f"**/{path}**")
    page.wait_for_function("(before) => { const h = document.querySelector('h1'); return h && h.innerText.trim() !== before; }",
                           arg=before, timeout=120_000)
    wait_idle(page, 120_000)
    return time.perf_counter() - started


def measure(warm: bool, settle: float, repeat: int) -> dict:
    env = {"CNNLIB_WARM_TF": "1" if warm else "0"}
    with streamlit_server(env=env) as url, chromium(1280, 720) as page:
        port = url.rsplit(":", 1)[-1]
        open_page(page, f"{url}/{START}")
        rss_start = server_rss_mb(port)
        during = click_to(page, NUMPY_PAGES[-1])  # at once: while the warm-up (if on) is importing
        time.sleep(settle)  # the class is under way: students on numpy pages (a bench may wait; tests may not)
        rss_settled = server_rss_mb(port)
        numpy_times = []
        for _ in range(repeat):
            for path in NUMPY_PAGES:
                numpy_times.append(click_to(page, path))
        tf_first = click_to(page, TF_PAGE)
        rss_end = server_rss_mb(port)
    return {"numpy_s": statistics.median(numpy_times), "tf_first_s": tf_first, "during_s": during,
            "rss_start": rss_start, "rss_settled": rss_settled, "rss_end": rss_end}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=20.0, help="seconds on the first numpy page before the clicks")
    parser.add_argument("--repeat", type=int, default=3, help="clicks per numpy page (the median is the baseline)")
    args = parser.parse_args()
    for warm in (True, False):
        r = measure(warm, args.settle, args.repeat)
        label = "warm-up on (CNNLIB_WARM_TF=1)" if warm else "warm-up off (CNNLIB_WARM_TF=0)"
        print(f"{label}: numpy page {r['numpy_s']:.2f} s (median of {args.repeat * len(NUMPY_PAGES)}), "
              f"first TF page /{TF_PAGE} {r['tf_first_s']:.2f} s, ratio {r['tf_first_s'] / r['numpy_s']:.2f}x; "
              f"a numpy page clicked right after the first page {r['during_s']:.2f} s; "
              f"server RSS {r['rss_start']:.0f} MB after the first page, {r['rss_settled']:.0f} MB after "
              f"{args.settle:.0f} s, {r['rss_end']:.0f} MB after the TF page")


if __name__ == "__main__":
    main()
