"""Speed of the layer-stack lab (issue 3 targets: table update ≤ 50 ms without TensorFlow;
Keras summary ≤ 300 ms once TensorFlow is loaded).

    python bench/stack_lab.py

1. Table update after an edit, server side, TensorFlow NOT imported (checked): summarize, the
   link text, the table frame, the bar figure + JSON, the generated code. Baseline: the same
   frame and a bare bar figure + JSON from rows computed beforehand (what any table costs).
2. The lab page's rerun after an edit, measured with AppTest (an upper bound: AppTest adds its
   own overhead). Baseline: a one-widget script rerun in the same process.
3. The Keras summary (build_model + summary_text) once TensorFlow is loaded. Baseline: the same
   model written by hand with keras layers, then model.summary() into a string.
4. The limits (issue 9 #1, #6), in process CPU time: the lab's logic for a MAX_LAYERS-layer stack
   and the refusal of the issue's 1,000-layer link, against LeNet-5's; the refusal of the
   268 M-parameter Keras summary, against building LeNet-5.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import plotly.io as pio  # noqa: E402

from bench.timing import plain_rerun_ms, timed  # noqa: E402
from cnnlib.architecture import preset, summarize  # noqa: E402
from cnnlib.keras_code import keras_code  # noqa: E402
from cnnlib.stack_text import encode_stack  # noqa: E402
from ui.stack_lab import param_bars  # noqa: E402
from words import load_catalogue  # noqa: E402

CATALOGUE = load_catalogue()


def words(coded) -> str:
    """The code's comments in Korean, as ui.i18n.message gives them on the page."""
    return CATALOGUE[coded.key]["ko"].format(**coded.params)


def edited(i: int) -> tuple[list[dict], tuple]:
    """LeNet-5 with its first Conv2D's filter count changed: a fresh edit each call."""
    stack, shape = preset("lenet5")
    stack[0] = {**stack[0], "filters": 2 + i % 30}
    return stack, shape


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "layer": [f"{r.name} ({r.type})" for r in rows], "shape": [r.shape_text() for r in rows],
        "params": [f"{r.params:,}" for r in rows], "formula": [r.formula for r in rows],
        "size": [r.shape_formula for r in rows],
    })


def table_update(i: int) -> None:
    stack, shape = edited(i)
    rows = summarize(stack, shape)
    encode_stack(stack, shape)
    frame(rows).to_json()
    pio.to_json(param_bars(rows, "params"), validate=False)
    keras_code(stack, shape, words)


def bare_table(rows) -> None:
    frame(rows).to_json()
    pio.to_json(go.Figure(go.Bar(x=[r.name for r in rows], y=[r.params for r in rows])), validate=False)


def page_rerun_ms(repeat: int) -> tuple[float, float]:
    from tests.apphelp import commit_component, component_data, open_page

    at = open_page("lessons/2_stack_lab.py", "en", timeout=60)
    counts = iter(range(repeat + 2))

    def edit():  # the layer editor (static/stacklab.js) commits the stack with the first layer's filters changed
        shown = component_data(at, "lab_bench")["state"]["layers"]
        commit_component(at, "lab_bench", {"stack": [{**shown[0], "filters": 2 + next(counts) % 30}, *shown[1:]]})

    page = timed(edit, repeat)
    assert not at.exception and not at.error
    return page, plain_rerun_ms(repeat)


def keras_ms(repeat: int) -> tuple[float, float, float]:
    t0 = time.perf_counter()
    import keras

    from cnnlib.models import build_model, summary_text

    load = (time.perf_counter() - t0) * 1000
    k = iter(range(10**6))

    def ours():
        stack, shape = edited(next(k))
        summary_text(build_model(stack, shape))

    def by_hand():
        n = 2 + next(k) % 30
        X = keras.Input(shape=(28, 28, 1))
        H = keras.layers.Conv2D(n, kernel_size=5, padding="same", activation="swish")(X)
        H = keras.layers.MaxPool2D()(H)
        H = keras.layers.Conv2D(16, kernel_size=5, activation="swish")(H)
        H = keras.layers.MaxPool2D()(H)
        H = keras.layers.Flatten()(H)
        H = keras.layers.Dense(120, activation="swish")(H)
        H = keras.layers.Dense(84, activation="swish")(H)
        Y = keras.layers.Dense(10, activation="softmax")(H)
        parts = []
        keras.Model(X, Y).summary(print_fn=lambda text, **_: parts.append(text))

    return load, timed(ours, repeat), timed(by_hand, repeat)


def cpu_ms(fn, repeat: int) -> float:
    """Mean process CPU time of fn() in ms (the machine is shared: wall time would measure the others)."""
    fn()
    t0 = time.process_time()
    for _ in range(repeat):
        fn()
    return (time.process_time() - t0) * 1000 / repeat


def stack_logic(stack, shape) -> None:
    """What one lab rerun computes for a stack: the summary, the figure, the link, the code."""
    from cnnlib.architecture import summarize_partial
    from ui.model_summary import architecture_html

    summarize_partial(stack, shape)
    architecture_html(stack, shape)
    encode_stack(stack, shape)
    keras_code(stack, shape, words)


def refused(fn) -> None:
    from cnnlib.architecture import StackError

    try:
        fn()
    except StackError:
        return
    raise AssertionError("not refused")


def limits() -> None:
    from cnnlib.architecture import MAX_LAYERS
    from cnnlib.stack_text import decode_stack

    lenet = preset("lenet5")
    longest = ([{"type": "Conv2D", "filters": 3, "kernel_size": 3, "padding": "same"}] * (MAX_LAYERS - 2)
               + [{"type": "Flatten"}, {"type": "Dense", "units": 10}], (28, 28, 1))
    base, ours = cpu_ms(lambda: stack_logic(*lenet), 50), cpu_ms(lambda: stack_logic(*longest), 50)
    print(f"lab logic for {MAX_LAYERS} layers (summary, figure, link, code): {ours:.2f} CPU ms   "
          f"LeNet-5 (8 layers): {base:.2f} CPU ms   ratio {ours / base:.2f}×")
    link = "i28x28x1_f" + "_r0" * 1000 + "_d10-softmax"
    text = encode_stack(*lenet)
    base, ours = cpu_ms(lambda: decode_stack(text), 500), cpu_ms(lambda: refused(lambda: decode_stack(link)), 500)
    print(f"the 1,000-layer link refused: {ours * 1000:.1f} CPU µs   LeNet-5's link read: {base * 1000:.1f} CPU µs   "
          f"ratio {ours / base:.2f}×")


def keras_limit() -> None:
    from cnnlib.models import build_model

    big = ([{"type": "Flatten"}, {"type": "Dense", "units": 4096}], (256, 256, 1))
    base = cpu_ms(lambda: build_model(*preset("lenet5")), 10)
    ours = cpu_ms(lambda: refused(lambda: build_model(*big)), 10)
    print(f"Keras summary of 256×256×1 → Dense(4096) (268 M parameters) refused: {ours:.2f} CPU ms   "
          f"building LeNet-5: {base:.1f} CPU ms   ratio {ours / base:.3f}×")


if __name__ == "__main__":
    counter = iter(range(10**6))
    ours = timed(lambda: table_update(next(counter)), 300)
    rows = summarize(*preset("lenet5"))
    base = timed(lambda: bare_table(rows), 300)
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules, "the table must not load TensorFlow"
    print("TensorFlow imported during the table timings: no")
    print(f"table update (LeNet-5 edit: summarize + link + frame + bars JSON + code): {ours:.2f} ms   "
          f"(target ≤ 50 ms: {ours / 50:.2f}× the budget)")
    print(f"  baseline, the same frame + a bare bar figure JSON from ready rows:       {base:.2f} ms   "
          f"ratio {ours / base:.2f}×")
    limits()
    page, plain = page_rerun_ms(30)
    assert "tensorflow" not in sys.modules, "the lab page must not load TensorFlow until asked"
    print(f"lab page rerun after an edit (AppTest, upper bound): {page:.1f} ms   (target ≤ 50 ms: {page / 50:.2f}×)")
    print(f"  baseline, one-widget script rerun (AppTest):       {plain:.1f} ms   ratio {page / plain:.2f}×")
    load, keras_ours, keras_hand = keras_ms(30)
    print(f"first TensorFlow/Keras import (once per server): {load:.0f} ms")
    print(f"Keras summary once loaded (build_model + summary_text, LeNet-5): {keras_ours:.1f} ms   "
          f"(target ≤ 300 ms: {keras_ours / 300:.2f}× the budget)")
    print(f"  baseline, the same model by hand + model.summary():           {keras_hand:.1f} ms   "
          f"ratio {keras_ours / keras_hand:.2f}×")
    keras_limit()
