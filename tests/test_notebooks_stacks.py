"""Layer-stack lab notebooks run offline and leave ``model``, whose count_params() is the page's total."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.architecture import PRESETS, StackError, count_params, output_shape, preset
from notebooks import build
from tests.notebookhelp import lang_words, run_notebooks
from tests.stackhelp import EVERY_OPTION, SLIDE_TOTALS

ACTIVATIONS = (None, "relu", "swish", "tanh", "softmax")


def random_stack(rng: np.random.Generator) -> tuple[list[dict], tuple]:
    """A random stack the lab could hold (refused ones are drawn again)."""
    while True:
        shape = (
            (28, 28, 1),
            (32, 32, 3),
            (28, 28),
            (int(rng.integers(8, 40)), int(rng.integers(8, 40)), int(rng.integers(1, 4))),
        )[int(rng.integers(0, 4))]
        stack: list[dict] = []
        for _ in range(int(rng.integers(1, 7))):
            kind = str(rng.choice(["Conv2D", "MaxPool2D", "AveragePooling2D", "Flatten", "Dense", "Dropout"]))
            layer = {"type": kind}
            if kind == "Conv2D":
                layer |= {
                    "filters": int(rng.integers(1, 9)),
                    "kernel_size": int(rng.integers(1, 6)),
                    "strides": int(rng.integers(1, 3)),
                    "padding": str(rng.choice(["valid", "same"])),
                    "activation": rng.choice(ACTIVATIONS),
                }
            elif kind in ("MaxPool2D", "AveragePooling2D"):
                layer |= {"pool_size": int(rng.integers(1, 4)), "padding": str(rng.choice(["valid", "same"]))}
            elif kind == "Dense":
                layer |= {"units": int(rng.integers(1, 33)), "activation": rng.choice(ACTIVATIONS)}
            elif kind == "Dropout":
                layer |= {"rate": float(rng.choice([0.0, 0.25, 0.5]))}
            stack.append(layer)
        try:
            output_shape(stack, shape)
        except StackError:
            continue
        return stack, shape


@pytest.mark.tf
def test_the_notebooks_build_the_page_model(tmp_path):
    rng = np.random.default_rng(7)
    cases = [preset(name) for name in PRESETS] + [(EVERY_OPTION, (17, 15, 2)), ([], (28, 28))]
    cases += [random_stack(rng) for _ in range(6)]
    jobs = [
        (build("layer-stack-lab", {"stack": case}, lang_words(("ko", "en")[i % 2])), ("model",)) for i, case in enumerate(cases)
    ]
    jobs.append((build("layer-stack-lab", {}, lang_words("ko")), ("model",)))  # the page's default: §2's model
    results = run_notebooks(tmp_path, jobs)
    for name, out in zip(PRESETS, results[: len(PRESETS)], strict=True):  # the presets come first
        assert out["model"]["params"] == SLIDE_TOTALS[name]
    for (stack, shape), out in zip(cases, results[: len(cases)], strict=True):  # the page's default is last
        assert out["model"]["params"] == count_params(stack, shape), stack
        assert out["model"]["output"] == output_shape(stack, shape)
    assert results[-1]["model"]["params"] == SLIDE_TOTALS["two_conv"]


def test_a_list_of_layers_with_its_input_shape_is_the_same_setting():
    stack, shape = preset("lenet5")
    a = build("layer-stack-lab", {"stack": stack, "input_shape": shape}, lang_words("en"))
    b = build("layer-stack-lab", {"stack": (stack, shape)}, lang_words("en"))
    c = build("layer-stack-lab", {"stack": (stack, shape), "cmp": ["c3k5"]}, lang_words("en"))  # the lab link's values, whole
    assert a == b == c
