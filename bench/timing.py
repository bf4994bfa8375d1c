"""What every benchmark here needs: a median timer and the plain Streamlit rerun baseline."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path


def timed(fn, repeat: int) -> float:
    """Median wall time of fn() in milliseconds (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def plain_rerun_ms(repeat: int) -> float:
    """Baseline for a page rerun: a one-widget script edited and rerun with AppTest, in ms."""
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "plain.py"
        script.write_text("import streamlit as st\nx = st.number_input('w', key='w')\nst.write(x)\n")
        plain = AppTest.from_file(str(script)).run()
        numbers = iter(range(repeat + 2))
        return timed(lambda: plain.number_input(key="w").set_value(float(next(numbers))).run(), repeat)
