"""cnnlib.grids: junk typed into a grid is refused or clamped, never used."""

import math

import numpy as np
import pytest

from cnnlib.grids import bits_to_hex, check_grid, grid_from_text, grid_to_text, hex_to_bits
from cnnlib.lecture import FOUR_8X8, HORIZONTAL_LINE_FILTER


@pytest.mark.parametrize(
    ("raw", "kind"),
    [("", "empty"), (None, "empty"), ("  ", "empty"), ("abc", "text"), ("1,5", "text"), (math.nan, "nan"), ("nan", "nan")],
)
def test_refused_cells_keep_nothing(raw, kind):
    checked = check_grid([[1, 2], [3, raw]], (2, 2), -10, 10)
    assert not checked.ok and checked.values is None
    assert [(p.row, p.col, p.kind) for p in checked.problems] == [(1, 1, kind)]


@pytest.mark.parametrize(
    ("raw", "value"), [(math.inf, 10.0), ("-inf", -10.0), (1e308, 10.0), ("-1e308", -10.0), ("1e999", 10.0), (11, 10.0)]
)
def test_huge_values_are_clamped_and_reported(raw, value):
    checked = check_grid([[raw, 0], [0, 0]], (2, 2), -10, 10)
    assert checked.ok
    assert checked.values[0, 0] == value
    assert [p.kind for p in checked.problems] == ["clamped"]


def test_good_grid_and_unicode_minus():
    checked = check_grid([["−1", "2.5"], [3, True]], (2, 2), -10, 10)
    assert checked.ok and not checked.problems
    np.testing.assert_array_equal(checked.values, [[-1, 2.5], [3, 1]])


def test_wrong_shape():
    assert check_grid([[1, 2, 3]], (2, 2), 0, 1).problems[0].kind == "shape"
    assert grid_from_text("1,2,3", (3, 3), -10, 10).problems[0].kind == "shape"


def test_text_round_trip():
    text = grid_to_text(HORIZONTAL_LINE_FILTER)
    assert text == "-1,-1,-1,2,2,2,-1,-1,-1"
    np.testing.assert_array_equal(grid_from_text(text, (3, 3), -10, 10).values, HORIZONTAL_LINE_FILTER)
    assert not grid_from_text("1,2,x,4,5,6,7,8,9", (3, 3), -10, 10).ok


def test_bits_round_trip():
    code = bits_to_hex(FOUR_8X8)
    assert len(code) == 16
    np.testing.assert_array_equal(hex_to_bits(code, (8, 8)), FOUR_8X8)
    assert bits_to_hex(np.full((8, 8), 0.5)) is None
    for bad in ("zz", "0" * 15, "f" * 17, "", None):
        assert hex_to_bits(bad, (8, 8)) is None
