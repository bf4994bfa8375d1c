"""§1's first visit on a fresh server (issue 18: ≤ 0.2 s of server CPU, any digit), against the lecture map.

    python bench/why_first_visit.py

Each measurement runs in a fresh Python process (nothing cached: what a reboot on Community Cloud pays):
the router plus the page through AppTest, CPU seconds of the process around the page's first run (the
imports before it are left out), then the pattern finder switched to every digit in turn (each digit's
first look). The baseline is the lecture map's first run, measured the same way in the same command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from streamlit.testing.v1 import AppTest
import streamlit, numpy, plotly  # imported before the clock starts: a server has them already
import streamlit.emojis  # Streamlit compiles its emoji catalogue once per process, at the first alert in Korean
page = sys.argv[2]
at = AppTest.from_file(sys.argv[1] + "/streamlit_app.py", default_timeout=120)
at.session_state["lang"] = "ko"
at.run()
start = time.process_time()
if page:
    at.switch_page(page).run()
first = time.process_time() - start
digits = []
if page.endswith("1_why.py"):
    for d in range(10):
        start = time.process_time()
        at.selectbox(key="why_digit").set_value(d).run()
        digits.append(time.process_time() - start)
print(json.dumps({"first": first, "digits": digits, "errors": len(at.exception)}))
"""


def measure(page: str) -> dict:
    env = {**os.environ, "CNNLIB_WARM_TF": "0"}
    out = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), page], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    base = measure("lessons/0_home.py")
    why = measure("lessons/1_why.py")
    print(f"§1 first visit (router + page, fresh process): {why['first']:.3f} s CPU   (target ≤ 0.2 s)")
    print(f"  baseline, the lecture map's first visit:     {base['first']:.3f} s CPU   ratio {why['first'] / base['first']:.2f}×")
    print(f"  each digit's first look in the pattern finder: max {max(why['digits']):.3f} s, "
          f"median {sorted(why['digits'])[5]:.3f} s CPU")
    print(f"  errors on the page: {why['errors']}; machine load (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
