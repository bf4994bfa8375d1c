"""§5 notebooks run offline and leave the page's ``pooled`` map, from the loop and from Keras' MaxPool2D."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.digits import examples_of
from cnnlib.filters import PATTERN_FILTERS, pattern_map
from cnnlib.pooling import max_pool2d
from notebooks import build, defaults
from tests.notebookhelp import lang_words, run_notebooks

SLIDE_POOLED = [[16, 42, 30], [22, 45, 41], [24, 30, 40]]


def random_pooling(rng: np.random.Generator) -> dict:
    h, wd = int(rng.integers(3, 10)), int(rng.integers(3, 10))
    stride = rng.choice([0, 1, 2, 3])
    return {
        "map": np.round(rng.normal(0, 20, (h, wd)), 1),
        "size": int(rng.choice([2, 3])),
        "stride": None if stride == 0 else int(stride),
        "digit": int(rng.integers(0, 10)),
        "filter": str(rng.choice(PATTERN_FILTERS)),
    }


@pytest.mark.tf
def test_the_notebooks_reproduce_the_slide_and_random_settings(tmp_path):
    rng = np.random.default_rng(5)
    pooling = [{}, {"size": 3, "stride": 1, "digit": 0, "filter": PATTERN_FILTERS[-1]}] + [random_pooling(rng) for _ in range(5)]
    jobs = [
        (build("max-pooling", s, lang_words(("ko", "en")[i % 2])), ("pooled", "pooled_keras", "pooled_digit"))
        for i, s in enumerate(pooling)
    ]
    results = run_notebooks(tmp_path, jobs)
    assert np.array_equal(results[0]["pooled"], SLIDE_POOLED)
    for s, out in zip(pooling, results, strict=True):
        full = {**defaults("max-pooling"), **s}
        expected = max_pool2d(full["map"], full["size"], full["stride"])
        assert np.array_equal(out["pooled"], expected)
        assert np.allclose(out["pooled_keras"], expected, atol=1e-4)
        digit = max_pool2d(pattern_map(examples_of(full["digit"], 1)[0] / 255.0, full["filter"]), 2)
        assert out["pooled_digit"].shape == (14, 14) and np.allclose(out["pooled_digit"], digit, rtol=1e-5, atol=1e-5)
