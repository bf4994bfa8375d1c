"""AppTest: the §2 Conv2D-in-Keras page in Korean and English — the slide's model, a tiny run, raw vs scaled."""

from __future__ import annotations

import pytest

from tests.apphelp import assert_clean, open_page
from tests.runhelp import wait_for_runs

pytestmark = pytest.mark.usefixtures("training_services")
PAGE = "lessons/2_conv2d_keras.py"


@pytest.fixture(autouse=True)
def sample_digits(monkeypatch):
    """The shipped MNIST sample (the same digits offline or not); the cache folder is the test's own (conftest)."""
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")


def accuracies(at) -> list[str]:
    return [m.value for m in at.metric if m.label in ("Test accuracy", "테스트 정확도")]


def finished(at, timeout=120):
    """Wait for the service to finish the page's runs, then redraw the page (as its progress fragment would)."""
    done = wait_for_runs(timeout)
    assert all(snap.finished for snap in done), [snap.state for snap in done]
    return at.run()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_opens_on_the_slide_model_with_203068_parameters(lang):
    at = open_page(PAGE, lang, timeout=60)
    assert_clean(at)
    code = at.code[0].value
    assert "Conv2D(3, kernel_size=5, activation='swish')" in code and "scategorical" not in code
    assert list(at.dataframe[0].value.iloc[:, 2]) == ["0", "78", "456", "0", "201,684", "850"]
    assert "203,068" in at.info[0].value and "84 × (2400 + 1) = 201,684" in at.info[0].value
    assert at.metric[0].value == "203,068" and at.metric[0].label == {"ko": "전체 파라미터", "en": "Total params"}[lang]
    assert [b.key for b in at.button if b.key == "conv2d_train"] == ["conv2d_train"]
    assert [b.label for b in at.get("download_button")] == [{"ko": "노트북으로 받기", "en": "Download notebook"}[lang]]


@pytest.mark.tf
@pytest.mark.slow  # two real runs
def test_tiny_run_then_raw_vs_scaled_in_english_and_korean():
    at = open_page(PAGE, "en", timeout=60)
    at.number_input(key="conv2d_epochs").set_value(1)
    at.selectbox(key="conv2d_n").set_value(300)
    at.run().button(key="conv2d_train").click().run()
    assert_clean(at)
    assert accuracies(finished(at))
    assert_clean(at)
    assert next(m.value for m in at.metric if m.label == "Parameters") == "203,068"
    at.radio(key="conv2d_try_source").set_value("test").run()
    assert_clean(at)
    assert any(m.label == "Prediction" for m in at.metric)
    which = at.number_input(key="conv2d_try_k")  # 1-based, as the slides count: the 1st of the sevens
    assert (which.value, which.min) == (1, 1)
    first = at.caption[[c.value.startswith("Test image #") for c in at.caption].index(True)].value
    which.set_value(2).run()
    assert_clean(at)
    assert first not in [c.value for c in at.caption]  # the 2nd seven is another test image
    # the raw 0–255 twin of this run, trained from the comparison's button
    at.button(key="conv2d_raw_train").click().run()
    assert len(accuracies(finished(at))) >= 3
    assert_clean(at)
    at.session_state["lang"] = "ko"
    at.run()
    assert_clean(at)
    assert len(accuracies(at)) == 3 and at.title[0].value == "2 · Keras의 Conv2D 층"


# ---- issue 10: the learned-vs-classic table is readable (numbers fit, headers whole) ----------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_similarity_table_headers_are_whole_and_numbers_signed(lang):
    import numpy as np

    from cnnlib import inference
    from ui.learned_filters import similarity_figure
    from words import load_catalogue

    catalogue = load_catalogue()
    words = {c: catalogue[f"training.classic.{c}"][lang] for c in inference.CLASSIC}
    r = np.linspace(-0.96, 0.92, 6 * len(words)).reshape(6, len(words))
    fig = similarity_figure(r, [f"{i + 1}" for i in range(6)], list(words.values()))
    trace = fig.data[0]
    assert [x.replace("<br>", " ") for x in trace.x] == list(words.values())  # every header whole, none cut
    assert all(x.count("<br>") <= 1 for x in trace.x)
    assert trace.text[0][0] == "-0.96" and trace.text[-1][-1] == "+0.92"
    assert fig.layout.xaxis.tickangle == 0 and fig.layout.xaxis.automargin and fig.layout.yaxis.automargin
    assert fig.layout.yaxis.scaleanchor is None  # cells as wide as the page allows, not squeezed square
    assert (trace.zmin, trace.zmax) == (-1, 1)


def test_the_parameter_chart_says_it_is_on_a_log_scale():
    import numpy as np
    import pandas as pd

    from ui.i18n import t
    from ui.model_comparison import compare_figure

    frame = pd.DataFrame({t("training.col.model"): ["a", "b", "c"], t("training.col.params"): [203_068, 9_532, 61_706],
                          t("training.col.accuracy"): [97.1, np.nan, 98.0], t("training.col.epoch_s"): [1.5, np.nan, 2.0]})
    import plotly.graph_objects as go

    fig = go.Figure(compare_figure(frame).to_dict())  # what the browser gets, validated by Plotly here
    titles = [a.text for a in fig.layout.annotations]
    assert titles[1] == t("conv2d.params_log") and ("로그" in titles[1] or "log scale" in titles[1])
    assert fig.layout.yaxis2.type == "log"
    assert list(fig.data[1].text) == ["203,068", "9,532", "61,706"]
    assert [(d.xaxis, d.yaxis) for d in fig.data] == [("x", "y"), ("x2", "y2"), ("x3", "y3")]
    assert list(fig.data[0].x) == ["a", "c"]  # a model without the figure is left out of that plot
