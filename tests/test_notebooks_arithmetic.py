"""§4 and §5 notebooks run offline and leave the page's numbers: ``y`` (conv2d + activation) and ``pooled``."""

from __future__ import annotations

import numpy as np

from cnnlib.convolution import activate, conv2d
from cnnlib.lecture import FOUR_8X8
from cnnlib.notebooks import build, defaults
from cnnlib.pooling import max_pool2d
from tests.test_notebooks import lang_words, run_notebooks

SLIDE_MAP = [[1, 1, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0], [-1, -2, -3, -2, -2, -1], [3, 5, 6, 4, 4, 2], [-2, -3, -3, -2, -2, -1],
             [0, 0, 0, 1, 1, 1]]
SLIDE_POOLED = [[16, 42, 30], [22, 45, 41], [24, 30, 40]]


def random_arithmetic(rng: np.random.Generator) -> dict:
    n, k = int(rng.integers(5, 11)), int(rng.choice([2, 3, 4]))
    return {"x": rng.integers(-3, 4, (n, n + int(rng.integers(0, 3)))).astype(float),
            "w": np.round(rng.uniform(-2, 2, (k, k)), 2), "pad": str(rng.choice(["valid", "same"])),
            "stride": int(rng.choice([1, 2, 3])), "act": str(rng.choice(["none", "relu", "swish"]))}


def random_pooling(rng: np.random.Generator) -> dict:
    h, wd = int(rng.integers(3, 10)), int(rng.integers(3, 10))
    stride = rng.choice([0, 1, 2, 3])
    return {"map": np.round(rng.normal(0, 20, (h, wd)), 1), "size": int(rng.choice([2, 3])),
            "stride": None if stride == 0 else int(stride)}


def test_the_notebooks_reproduce_the_slides_and_random_settings(tmp_path):
    rng = np.random.default_rng(12)
    arithmetic = [{}, {"x": (FOUR_8X8, "four", 0), "pad": "same", "stride": 2, "act": "relu"}]
    arithmetic += [random_arithmetic(rng) for _ in range(5)]
    pooling = [{}] + [random_pooling(rng) for _ in range(5)]
    jobs = [(build("convolution-arithmetic", s, lang_words(("ko", "en")[i % 2])), ("y", "y_keras")) for i, s in enumerate(arithmetic)]
    jobs += [(build("max-pooling", s, lang_words("en")), ("pooled", "pooled_keras")) for s in pooling]
    results = run_notebooks(tmp_path, jobs)

    assert np.array_equal(results[0]["y"], SLIDE_MAP)
    assert np.array_equal(results[len(arithmetic)]["pooled"], SLIDE_POOLED)
    for s, out in zip(arithmetic, results):
        full = {**defaults("convolution-arithmetic"), **s}
        x = full["x"][0] if isinstance(full["x"], tuple) else full["x"]
        expected = activate(conv2d(x, full["w"], full["stride"], full["pad"]), full["act"])
        assert out["y"].shape == expected.shape
        assert np.allclose(out["y"], expected, rtol=1e-12, atol=1e-12)
        assert np.allclose(out["y_keras"], expected, rtol=1e-5, atol=1e-4)
    for s, out in zip(pooling, results[len(arithmetic):]):
        full = {**defaults("max-pooling"), **s}
        expected = max_pool2d(full["map"], full["size"], full["stride"])
        assert np.array_equal(out["pooled"], expected)
        assert np.allclose(out["pooled_keras"], expected, atol=1e-4)
