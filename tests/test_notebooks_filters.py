"""§3 notebooks run offline and leave ``feature_map`` (one filter set over every channel, + bias) and
``maps`` (the lecture's Conv2D(3) → Conv2D(6) on the digit), equal to cnnlib.filter_sets'."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.digits import examples_of
from cnnlib.filter_sets import FILTER_SET_PRESETS, apply_filter_set, filter_set_preset, lecture_stack, sample_colour_image
from notebooks import build
from tests.notebookhelp import lang_words, run_notebooks


@pytest.mark.tf
def test_the_notebooks_reproduce_the_page(tmp_path):
    rng = np.random.default_rng(3)
    settings = [{}, {"k": 5, "fset": "random", "b": -2.5, "digit": 7, "seed": 42}]
    settings.append(
        {"k": 3, "fset": "custom", "w": np.round(rng.uniform(-10, 10, (3, 3, 3)), 1), "b": 1.0, "digit": 0, "seed": 9}
    )
    settings.append(
        {"k": 5, "fset": str(rng.choice(FILTER_SET_PRESETS)), "image": rng.integers(0, 256, (20, 24, 3)).astype(float)}
    )
    jobs = [
        (build("filter-sets", s, lang_words(("ko", "en")[i % 2])), ("feature_map", "map_keras", "maps"))
        for i, s in enumerate(settings)
    ]
    results = run_notebooks(tmp_path, jobs)
    for s, out in zip(settings, results, strict=True):
        full = {"k": 3, "fset": "horizontal", "w": None, "b": 0.0, "digit": 4, "seed": 0, "image": None, **s}
        w = full["w"] if full["w"] is not None else filter_set_preset(full["fset"], full["k"], 3)
        x = sample_colour_image().astype(float) if full["image"] is None else full["image"]
        expected = apply_filter_set(x, w, full["b"]).feature_map
        assert np.allclose(out["feature_map"], expected, rtol=1e-12, atol=1e-9)
        assert np.allclose(out["map_keras"], expected, rtol=1e-5, atol=1e-2)
        stack = lecture_stack(examples_of(full["digit"], 1)[0], seed=full["seed"])
        assert [m.shape for m in out["maps"]] == [(24, 24, 3), (20, 20, 6)]
        for got, want in zip(out["maps"], stack.maps, strict=True):
            assert np.allclose(got, want, rtol=1e-4, atol=1e-5)
