"""§4 notebooks run offline and leave the page's feature map ``y`` (conv2d + activation), from the loop and from Keras."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.convolution import activate, conv2d
from cnnlib.lecture import FOUR_8X8
from notebooks import build, defaults
from tests.notebookhelp import lang_words, run_notebooks

SLIDE_MAP = [[1, 1, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0], [-1, -2, -3, -2, -2, -1], [3, 5, 6, 4, 4, 2], [-2, -3, -3, -2, -2, -1],
             [0, 0, 0, 1, 1, 1]]


def random_arithmetic(rng: np.random.Generator) -> dict:
    n, k = int(rng.integers(5, 11)), int(rng.choice([2, 3, 4]))
    return {"x": rng.integers(-3, 4, (n, n + int(rng.integers(0, 3)))).astype(float),
            "w": np.round(rng.uniform(-2, 2, (k, k)), 2), "pad": str(rng.choice(["valid", "same"])),
            "stride": int(rng.choice([1, 2, 3])), "act": str(rng.choice(["none", "relu", "swish"]))}


@pytest.mark.tf
def test_the_notebooks_reproduce_the_slides_and_random_settings(tmp_path):
    rng = np.random.default_rng(12)
    arithmetic = [{}, {"x": (FOUR_8X8, "four", 0), "pad": "same", "stride": 2, "act": "relu"}]
    arithmetic += [random_arithmetic(rng) for _ in range(5)]
    jobs = [
        (build("convolution-arithmetic", s, lang_words(("ko", "en")[i % 2])), ("y", "y_keras")) for i, s in enumerate(arithmetic)
    ]
    results = run_notebooks(tmp_path, jobs)

    assert np.array_equal(results[0]["y"], SLIDE_MAP)
    for s, out in zip(arithmetic, results, strict=True):
        full = {**defaults("convolution-arithmetic"), **s}
        x = full["x"][0] if isinstance(full["x"], tuple) else full["x"]
        expected = activate(conv2d(x, full["w"], full["stride"], full["pad"]), full["act"])
        assert out["y"].shape == expected.shape
        assert np.allclose(out["y"], expected, rtol=1e-12, atol=1e-12)
        assert np.allclose(out["y_keras"], expected, rtol=1e-5, atol=1e-4)
