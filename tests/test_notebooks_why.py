"""§1 notebooks run offline and leave ``feature_map``: the page's pattern filter over its digit (cnnlib.filters.pattern_map)."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.digits import examples_of
from cnnlib.filters import PATTERN_FILTERS, pattern_map
from notebooks import build
from tests.notebookhelp import lang_words, run_notebooks


@pytest.mark.tf
def test_the_notebooks_find_the_pattern_where_the_page_does(tmp_path):
    rng = np.random.default_rng(1)
    settings = [{}] + [{"digit": int(rng.integers(0, 10)), "pattern": str(rng.choice(PATTERN_FILTERS))} for _ in range(3)]
    drawn = rng.integers(0, 256, (28, 28)).astype(float)
    settings.append({"digit": 3, "pattern": "vertical", "image": drawn})  # a picture the caller passes (a drawing)
    jobs = [(build("why-convolution", s, lang_words(("ko", "en")[i % 2])), ("feature_map",)) for i, s in enumerate(settings)]
    results = run_notebooks(tmp_path, jobs)
    for s, out in zip(settings, results, strict=True):
        digit, pattern = s.get("digit", 4), s.get("pattern", PATTERN_FILTERS[0])
        image = s.get("image", examples_of(digit, 1)[0])
        expected = pattern_map(image / 255.0, pattern)
        assert out["feature_map"].shape == (28, 28)
        assert np.allclose(out["feature_map"], expected, rtol=1e-5, atol=1e-5), s
