"""Speed of the §4 arithmetic page (issue 2 targets: filter edit ≤ 20 ms, page rerun ≤ 150 ms).

    python bench/arithmetic.py

1. One filter edit, server side: the feature map, the step-through cell, both figures, and
   their JSON (what Streamlit sends). Baseline: a bare plotly heatmap of the same map + JSON.
2. The page's rerun after a filter edit, measured with AppTest (which adds its own overhead, so
   it is an upper bound). Baseline: a rerun of a one-line Streamlit script in the same process.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import plain_rerun_ms, timed  # noqa: E402

import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import plotly.io as pio  # noqa: E402

from cnnlib.convolution import activate, conv2d, explain_cell, formula  # noqa: E402
from cnnlib.lecture import FOUR_8X8, HORIZONTAL_LINE_FILTER  # noqa: E402
from ui.charts import heatmap  # noqa: E402



def filter_edit(w: np.ndarray) -> None:
    y = activate(conv2d(FOUR_8X8, w, 1, "valid"), "none")
    step = explain_cell(FOUR_8X8, w, 3, 2)
    formula(step), formula(step, numbers=True)
    for fig in (heatmap(FOUR_8X8, highlight=(step.top, step.left, 3, 3)), heatmap(y, marks=[(3, 2)])):
        pio.to_json(fig, validate=False)


def bare_figure(w: np.ndarray) -> None:
    pio.to_json(go.Figure(go.Heatmap(z=np.zeros((6, 6)) + w.sum())), validate=False)


def page_rerun_ms(repeat: int) -> tuple[float, float]:
    from tests.apphelp import open_page

    at = open_page("lessons/4_arithmetic.py", timeout=60)
    values = [2.0 + i % 5 for i in range(repeat + 1)]

    def edit(i=iter(values)):
        at.number_input(key="arith_w_4").set_value(next(i)).run()

    page = timed(edit, repeat)
    assert not at.exception
    return page, plain_rerun_ms(repeat)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    weights = [HORIZONTAL_LINE_FILTER + rng.normal(size=(3, 3)) for _ in range(5)]
    k = iter(range(10**6))
    ours = timed(lambda: filter_edit(weights[next(k) % 5]), 200)
    base = timed(lambda: bare_figure(weights[next(k) % 5]), 200)
    print(f"filter edit (conv + step + 2 figures + JSON): {ours:.2f} ms   (target ≤ 20 ms)")
    print(f"  baseline, one bare plotly heatmap + JSON:   {base:.2f} ms   ratio {ours / base:.2f}×")
    page, plain = page_rerun_ms(30)
    print(f"arithmetic page rerun after a filter edit (AppTest): {page:.1f} ms   (target ≤ 150 ms)")
    print(f"  baseline, one-widget script rerun (AppTest):       {plain:.1f} ms   ratio {page / plain:.2f}×")
