"""Server CPU of one edit on §3 and of the lab's "add layer" (issue 18's targets), the script thread's own CPU.

    python bench/edit_cpu.py [--repeat 20]

Each edit is made through AppTest in this process, as a browser would make it, and the script thread's CPU time of
the run it causes is timed (``time.thread_time`` around Streamlit's ``exec_func_with_error_handling``: the page's
code and Streamlit's element building, not AppTest's waiting); medians of --repeat edits, after three warm-up ones.
AppTest alone runs the whole page for a widget change; here the commits of §3's editor and of the lab's run as a
server runs them, the page's fragment alone (tests/apphelp.fragment_reruns: the browser names the fragment the
editor is drawn in). bench/browser_edit.py (d) times §3's commit in a real server too.

- §3: one commit of the browser's editor (static/filtersets.js) after a drag of channel R's centre weight (w5 at 3×3;
  the editor's fragment rerun; target ≤ 10 ms), 3×3 and 5×5.
- the lab: *add layer* on a stack of 8, 16 and 31 layers (the 32nd is added): the layer editor (static/stacklab.js)
  commits the stack it shows with a Dropout at its end, as its "add layer" does, and the commit reruns the page's
  fragment (lessons/2_stack_lab.py workbench); target ≤ 15 ms at 32 and O(1) in the rows, so the three figures
  should be alike.
- baseline, in the same process: a one-slider script's rerun (what any Streamlit run costs here).
The machine's load is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.runtime.scriptrunner import script_runner  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.apphelp import commit_component, component_data, fragment_reruns, open_page, page_record  # noqa: E402

BASELINE = """
import streamlit as st
st.slider("w5", -10.0, 10.0, 0.0, 0.5, key="w5")
"""
CPU_MS: list[float] = []


def timed(run):
    def exec_timed(func, ctx):
        start = time.thread_time()
        try:
            return run(func, ctx)
        finally:
            CPU_MS.append((time.thread_time() - start) * 1000)

    return exec_timed


def median_of(edit, repeat: int) -> float:
    """The median CPU (ms) of the first run each `edit` causes."""
    for i in range(3):
        edit(i)
    per_edit = []
    for i in range(repeat):
        CPU_MS.clear()
        edit(i + 3)
        per_edit.append(CPU_MS[0])  # the edit's own run (an edit's clean-up runs after it are not counted)
    return statistics.median(per_edit)


def filters_edit(size: int, repeat: int) -> float:
    at = open_page("lessons/3_filters.py", "ko", timeout=60, query={"k": str(size)})
    centre = (size * size) // 2 * 3  # channel R's centre weight (w5 at 3×3) in the editor's flat k·k·3 weights

    def edit(i: int) -> None:
        w = list(component_data(at, "filt_bench")["state"]["w"])
        w[centre] = float(i % 7) - 3.0
        commit_component(at, "filt_bench", {"w": w, "channel": 0})
        assert not at.exception, [e.value for e in at.exception]

    with fragment_reruns(at):  # the commit reruns the editor's fragment (ui/filtersets.workbench), as in a server
        return median_of(edit, repeat)


def lab_add(layers: int, repeat: int) -> float:
    from cnnlib.stack_text import encode_stack
    from ui.stack_lab import NEW_LAYER

    stack = [{"type": "Conv2D", "filters": 2, "kernel_size": 1, "activation": "relu"}] * (layers - 1)
    stack = [*stack, {"type": "Flatten"}]
    at = open_page("lessons/2_stack_lab.py", "ko", timeout=60, query={"stack": encode_stack(stack, (28, 28, 1))})

    def edit(i: int) -> None:
        shown = component_data(at, "lab_bench")["state"]["layers"]  # the layers as the editor shows them
        commit_component(at, "lab_bench", {"stack": [*shown, dict(NEW_LAYER["Dropout"])]})  # a Dropout goes last
        assert not at.exception, [e.value for e in at.exception]
        assert len(page_record(at, "layer-stack-lab").stack) == layers + 1
        commit_component(at, "lab_bench", {"stack": shown})  # ✕ on it, not timed: the next add starts from the same size
        assert len(page_record(at, "layer-stack-lab").stack) == layers

    with fragment_reruns(at):  # the editor's commit reruns the page's fragment (lessons/2_stack_lab.py workbench)
        return median_of(edit, repeat)


def baseline(repeat: int) -> float:
    at = AppTest.from_string(BASELINE, default_timeout=30)
    at.run()

    def edit(i: int) -> None:
        at.slider(key="w5").set_value(float(i % 7) - 3.0).run()

    return median_of(edit, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
    load = os.getloadavg()
    run = script_runner.exec_func_with_error_handling
    script_runner.exec_func_with_error_handling = timed(run)
    try:
        base = baseline(repeat)
        figures = {f"§3 edit, {k}×{k}": filters_edit(k, repeat) for k in (3, 5)}
        figures.update({f"lab add layer at {n} rows": lab_add(n, repeat) for n in (8, 16, 31)})
    finally:
        script_runner.exec_func_with_error_handling = run
    print(f"machine load (1, 5, 15 min) at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    print(f"baseline, a one-slider script's rerun: {base:.1f} ms CPU")
    for name, ms in figures.items():
        print(f"{name}: {ms:.1f} ms CPU ({ms / base:.1f}× the baseline)")


if __name__ == "__main__":
    main()
