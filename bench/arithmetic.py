"""Speed of the §4 arithmetic page (issue 2: filter edit ≤ 20 ms, page rerun ≤ 150 ms; issue 18: ≤ 10 ms CPU a commit).

    python bench/arithmetic.py

1. One filter edit, server side: the workbench's commit into the record, the feature map and the questions'
   answers, and the workbench's data as Streamlit sends it (JSON). The browser draws the map and the window
   itself (static/workbench.js), so no figure is built on the server. Baseline: a bare go.Figure heatmap of
   the same map through the path st.plotly_chart takes.
2. The whole page's rerun after a w5 commit, with AppTest (which adds its own overhead: an upper bound), and the
   script's own time in that rerun (the script runner's exec, timed). In a browser a commit reruns only the
   page's fragment: bench/browser_edit.py times that. Baseline: a rerun of a one-widget Streamlit script.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import plotly.io as pio  # noqa: E402
from plotly.tools import return_figure_from_figure_or_data as as_sent  # noqa: E402  (what st.plotly_chart calls)

from bench.timing import plain_rerun_ms, timed  # noqa: E402
from cnnlib.convolution import activate, conv2d  # noqa: E402
from cnnlib.lecture import HORIZONTAL_LINE_FILTER  # noqa: E402
from links.pages import ARITHMETIC  # noqa: E402
from ui.arithmetic import apply_commit, bench_state, y20  # noqa: E402

RECORD = ARITHMETIC.default()


def filter_edit(w: np.ndarray) -> None:
    record = apply_commit(RECORD, {**bench_state(RECORD), "w": w.ravel().tolist()})
    y = activate(conv2d(record.x, record.w, record.stride, record.pad), record.act)
    y20(y)
    json.dumps({"state": bench_state(record), "ack": 1, "present": False})


def bare_figure(w: np.ndarray) -> None:
    pio.to_json(as_sent(go.Figure(go.Heatmap(z=np.zeros((6, 6)) + w.sum())), validate_figure=True), validate=False)


def page_rerun_ms(repeat: int) -> tuple[float, float, float]:
    """AppTest rerun after a w5 slider step, the script's own part of it, and the plain baseline (ms, medians)."""
    from streamlit.runtime.scriptrunner import script_runner

    from tests.apphelp import commit_bench, open_page

    run, scripts = script_runner.exec_func_with_error_handling, []

    def timed_exec(func, ctx):
        start = time.perf_counter()
        try:
            return run(func, ctx)
        finally:
            scripts.append((time.perf_counter() - start) * 1000)

    script_runner.exec_func_with_error_handling = timed_exec
    try:
        at = open_page("lessons/4_arithmetic.py", timeout=60)
        values = iter([2.0 + (i % 5) / 2 for i in range(repeat + 2)])
        scripts.clear()
        page = timed(lambda: commit_bench(at, w=[-1, -1, -1, 2, next(values), 2, -1, -1, -1]), repeat)
        assert not at.exception
        script = statistics.median(scripts[1:])
    finally:
        script_runner.exec_func_with_error_handling = run
    return page, script, plain_rerun_ms(repeat)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    weights = [HORIZONTAL_LINE_FILTER + rng.normal(size=(3, 3)) for _ in range(5)]
    k = iter(range(10**6))
    ours = timed(lambda: filter_edit(weights[next(k) % 5]), 200)
    base = timed(lambda: bare_figure(weights[next(k) % 5]), 200)
    print(f"filter edit (commit → record, map, answers, the workbench's data as JSON): {ours:.2f} ms   (target ≤ 20 ms)")
    print(f"  baseline, one bare go.Figure heatmap as sent: {base:.2f} ms   ratio {ours / base:.2f}×")
    page, script, plain = page_rerun_ms(30)
    print(
        f"whole page rerun after a w5 commit (AppTest): {page:.1f} ms   (target ≤ 150 ms); the script itself {script:.1f} ms"
    )
    print(f"  baseline, one-widget script rerun (AppTest):     {plain:.1f} ms   ratio {page / plain:.2f}×")
    print("  (in a browser a commit reruns only the page's fragment: python bench/browser_edit.py)")
