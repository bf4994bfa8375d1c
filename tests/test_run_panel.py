"""The run panel's words and numbers that need no Streamlit runtime (ui/run_panel.py)."""

from __future__ import annotations

import math

import pytest

from ui.run_panel import seconds_text


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (12.3, "12 s"), (59.4, "59 s"), (59.6, "1:00"), (95, "1:35"), (3600, "60:00"), (-3, "0 s"),
    (None, "–"), (math.inf, "–"), (math.nan, "–"),
])
def test_seconds_text(seconds, text):
    assert seconds_text(seconds) == text
