"""cnnlib.models against Keras itself: the pure-Python table equals model.summary(), layer by layer.

Models are built but never compiled, and the Keras session is cleared (without its ~180 ms gc
pass) before each one, so the automatic layer names start from conv2d / dense again, as in a
fresh notebook. The whole file runs in seconds.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlib.architecture import (
    ACTIVATIONS,
    StackError,
    preset,
    summarize,
)
from cnnlib.models import build_model, estimate_build_mb, keras_rows, summary_text
from tests.stackhelp import INVALID, SLIDE_TOTALS, valid_stacks

pytestmark = pytest.mark.tf  # Keras builds and trains here


def _keras():
    """Keras (a requirement: a missing Keras fails, never skips), imported by the tests that use it: collecting this
    module loads no TensorFlow (a run that deselects the tf tests never pays for it)."""
    import keras

    return keras


def table(stack, shape):
    return [(r.name, r.type, r.output_shape, r.params) for r in summarize(stack, shape)]


def keras_table(stack, shape):
    """Keras' own rows for the spec, built with Keras' default names in a fresh session."""
    _keras().backend.clear_session(free_memory=False)  # resets the names; the gc pass (~180 ms) is not needed
    model = build_model(stack, shape, check=False)
    return keras_rows(model), model.count_params()


@pytest.mark.parametrize("name", SLIDE_TOTALS)
def test_presets_equal_keras(name):
    stack, shape = preset(name)
    rows, total = keras_table(stack, shape)
    assert total == SLIDE_TOTALS[name]
    assert rows == table(stack, shape)


@pytest.mark.parametrize("name", SLIDE_TOTALS)
def test_built_model_is_uncompiled_and_named_like_the_table(name):
    # Not clearing the session: explicit names keep a long-running server's table and Keras in step.
    model = build_model(*preset(name))
    assert not model.compiled
    assert keras_rows(model) == table(*preset(name))


def test_summary_text_is_the_whole_table():
    text = summary_text(build_model(*preset("two_conv_pool")))
    assert text.count("\n") > 10
    for needle in ("conv2d_1 (Conv2D)", "max_pooling2d (MaxPooling2D)", "(None, 4, 4, 6)", "8,148",
                   "Total params: 9,532"):
        assert needle in text


# ---- random valid stacks: built so that every layer fits the shape it receives ----------------

FAST = settings(max_examples=220, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.slow  # 220 stacks built by Keras
@FAST
@given(valid_stacks())
def test_random_valid_stacks_equal_keras(case):
    stack, shape = case
    rows, total = keras_table(stack, shape)
    assert rows == table(stack, shape)
    assert total == sum(r.params for r in summarize(stack, shape))


# ---- random stacks of any kind: both refuse, or both build the same thing -----------------------

ANY_LAYER = st.one_of(
    st.builds(lambda f, k, s, p: {"type": "Conv2D", "filters": f, "kernel_size": k, "strides": s, "padding": p},
              st.integers(0, 4), st.integers(0, 9), st.integers(0, 3), st.sampled_from(["valid", "same"])),
    st.builds(lambda t, k, p: {"type": t, "pool_size": k, "padding": p},
              st.sampled_from(["MaxPool2D", "AveragePooling2D"]), st.integers(0, 5), st.sampled_from(["valid", "same"])),
    st.builds(lambda u, a: {"type": "Dense", "units": u, "activation": a}, st.integers(-1, 6),
              st.sampled_from([None, "swish", "swis", "softmax"])),
    st.builds(lambda r: {"type": "Dropout", "rate": r}, st.sampled_from([0.0, 0.5, 1.0, 1.5, -0.1])),
    st.just({"type": "Flatten"}),
)


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ANY_LAYER, max_size=4),
       st.sampled_from([(6, 6, 1), (9, 7, 2), (3, 3, 1), (10,), (5, 4), (1, 1, 3)]))
def test_refused_exactly_when_keras_refuses(stack, shape):
    try:
        ours = table(stack, shape)
    except StackError:
        ours = None
    _keras().backend.clear_session(free_memory=False)  # resets the names; the gc pass (~180 ms) is not needed
    try:
        model = build_model(stack, shape, check=False)
    except Exception:  # noqa: BLE001 - Keras raises ValueError, TypeError, …: any refusal counts
        theirs = None
    else:
        theirs = keras_rows(model)
    assert ours == theirs


@pytest.mark.parametrize("case", INVALID)
def test_keras_agrees_invalid_stacks_cannot_be_built(case):
    stack, shape = INVALID[case]
    _keras().backend.clear_session(free_memory=False)  # resets the names; the gc pass (~180 ms) is not needed
    with pytest.raises(Exception):  # noqa: B017 - any Keras refusal
        build_model(stack, shape, check=False)
    with pytest.raises(StackError):
        build_model(stack, shape)


def test_every_activation_we_allow_is_a_keras_activation():
    for name in ACTIVATIONS:
        _keras().activations.get(name)


# ---- issue 9 #6: a model too big to build is refused before Keras allocates anything -------------

BIG = {  # the two examples
    "Dense(4096) on 256×256×1 (268 M parameters, +3.2 GB)": (
        [{"type": "Flatten"}, {"type": "Dense", "units": 4096}], (256, 256, 1)),
    "Dense(4096) on 512×512×64 (ResourceExhaustedError)": (
        [{"type": "Flatten"}, {"type": "Dense", "units": 4096}], (512, 512, 64)),
}


@pytest.mark.parametrize("case", BIG)
def test_too_big_to_build_is_refused_before_building(case, monkeypatch):
    import cnnlib.models

    built = []
    monkeypatch.setattr(cnnlib.models, "keras_layer", lambda *a, **k: built.append(a))
    monkeypatch.setattr(_keras(), "Input", lambda *a, **k: built.append(a))
    with pytest.raises(StackError) as info:
        build_model(*BIG[case])
    assert info.value.code == "too_big_to_build" and info.value.params["budget"] == 600
    assert info.value.params["needed"] > 3_000
    assert built == []


def test_the_build_budget_is_a_run_s_unless_told():
    stack, shape = [{"type": "Flatten"}, {"type": "Dense", "units": 64}], (64, 64, 1)  # 262,208 params, ~8 MB
    build_model(stack, shape)
    with pytest.raises(StackError) as info:
        build_model(stack, shape, budget_mb=5)
    assert (info.value.code, info.value.params["budget"]) == ("too_big_to_build", 5)


def test_a_summary_budget_below_the_run_budget_is_honoured(monkeypatch):
    """Issue 9: one click may cost a few hundred MB; the lab passes SUMMARY_MEMORY_MB for its summary."""
    import cnnlib.models

    monkeypatch.setattr(cnnlib.models, "keras_layer", lambda *a, **k: pytest.fail("built"))
    stack, shape = [{"type": "Flatten"}, {"type": "Dense", "units": 128}], (512, 512, 1)  # 33.6 M params, ≈ 441 MB
    assert cnnlib.models.check_buildable(stack, shape)  # within a run's 600 MB
    with pytest.raises(StackError) as info:
        build_model(stack, shape, budget_mb=cnnlib.models.SUMMARY_MEMORY_MB)
    assert (info.value.code, info.value.params["budget"]) == ("too_big_to_build", 300)


def test_build_estimate_is_weights_only():
    # issue 9 #6: 256×256×1 → Flatten → Dense(4096) has 268 M parameters (measured: +3.2 GB to build)
    rows = summarize([{"type": "Flatten"}, {"type": "Dense", "units": 4096}], (256, 256, 1))
    assert sum(r.params for r in rows) == 268_439_552
    assert estimate_build_mb(rows) > 3_200
    assert estimate_build_mb(summarize(*preset("lenet5"))) < 10
