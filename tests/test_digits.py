"""cnnlib.digits: the shipped MNIST sample, the §1 loop table, the 8×8 reduction."""

from functools import cache

import numpy as np
import pytest

from cnnlib.datasets import load_sample
from cnnlib.digits import Loops, closed_loops, examples_of, loop_counts, reduce_to_grid, typical_loops
from cnnlib.lecture import LOOP_TABLE_DIGITS

# The slide's table: digit → closed loops in total / top half / bottom half.
SLIDE_TABLE = {9: (1, 1, 0), 8: (2, 1, 1), 6: (1, 0, 1), 0: (1, 0, 0)}


def test_sample_is_the_shared_mnist_sample():
    sample = load_sample()  # cnnlib.datasets: one loader for the shipped npz
    x_train, y_train, x_test, y_test = sample.x_train, sample.y_train, sample.x_test, sample.y_test
    assert x_train.shape == (8000, 28, 28) and x_test.shape == (2000, 28, 28)
    assert x_train.dtype == np.uint8 and x_train.max() == 255
    counts = np.bincount(np.concatenate([y_train, y_test]), minlength=10)
    assert counts.tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]  # data/README.md
    assert not x_train.flags.writeable
    np.testing.assert_array_equal(examples_of(3, None), x_test[y_test == 3])  # the §1 examples are its test digits
    assert len(examples_of(3)) == 5


def test_typical_loops_of_real_digits_reproduce_the_slide_table():
    assert LOOP_TABLE_DIGITS == (9, 8, 6, 0)
    for digit, expected in SLIDE_TABLE.items():
        loops, index = typical_loops(digit)
        assert (loops.total, loops.top, loops.bottom) == expected
        assert closed_loops(examples_of(digit, None)[index]) == loops


def test_loops_on_drawn_shapes():
    ring = np.zeros((20, 20))
    ring[4:16, 4:16] = 1
    ring[6:14, 6:14] = 0
    assert closed_loops(ring) == Loops(1, 0, 0)  # one loop across the middle, like a 0
    eight = np.zeros((24, 12))
    eight[2:22, 2:10] = 1
    eight[4:10, 4:8] = 0
    eight[14:20, 4:8] = 0
    assert closed_loops(eight) == Loops(2, 1, 1)
    assert closed_loops(np.zeros((10, 10))) == Loops(0, 0, 0)
    bar = np.zeros((10, 10))
    bar[5, 2:8] = 1
    assert closed_loops(bar).total == 0


def test_reduce_to_grid_is_binary_with_an_empty_margin():
    grid = reduce_to_grid(examples_of(4, 1)[0])
    assert grid.shape == (8, 8)
    assert set(np.unique(grid)) <= {0.0, 1.0}
    assert grid.sum() >= 6
    assert grid[0].sum() == grid[-1].sum() == grid[:, 0].sum() == grid[:, -1].sum() == 0
    assert reduce_to_grid(np.zeros((28, 28))).sum() == 0


def flood_fill_loops(image, threshold=0.35, min_area=2, share=0.8) -> Loops:
    """The reference: a flood fill per background region in plain Python (what the page did before)."""
    from collections import deque

    img = np.asarray(image, dtype=float)
    ink = img > threshold * (img.max() or 1.0)
    h, w = ink.shape
    seen, holes = ink.copy(), []
    for r0 in range(h):
        for c0 in range(w):
            if seen[r0, c0]:
                continue
            seen[r0, c0] = True
            queue, cells, border = deque([(r0, c0)]), [], False
            while queue:
                r, c = queue.popleft()
                cells.append((r, c))
                border |= r in (0, h - 1) or c in (0, w - 1)
                for rr, cc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                    if 0 <= rr < h and 0 <= cc < w and not seen[rr, cc]:
                        seen[rr, cc] = True
                        queue.append((rr, cc))
            if not border and len(cells) >= min_area:
                holes.append(np.array(cells))
    rows = np.flatnonzero(ink.any(axis=1))
    if not holes or rows.size == 0:
        return Loops(len(holes), 0, 0)
    middle = (rows[0] + rows[-1] + 1) / 2
    top = sum(1 for hole in holes if np.mean(hole[:, 0] + 0.5 < middle) >= share)
    bottom = sum(1 for hole in holes if np.mean(hole[:, 0] + 0.5 >= middle) >= share)
    return Loops(len(holes), top, bottom)


@cache
def flood_fill_test_digits() -> tuple[Loops, ...]:
    """flood_fill_loops of each of the sample's 2,000 test digits, in order: two tests compare against it, and the
    plain-Python fill takes seconds, so the module computes it once (and xdist runs both on one worker)."""
    return tuple(flood_fill_loops(image) for image in load_sample().x_test)


@pytest.mark.xdist_group("flood-fill")
def test_the_batch_count_equals_the_flood_fill_on_every_test_digit_and_on_random_blobs():
    digits = load_sample().x_test  # all 2,000
    assert loop_counts(digits) == list(flood_fill_test_digits())
    blobs = np.random.default_rng(0).random((300, 12, 15)) ** 3  # many small holes, some on the border
    assert loop_counts(blobs) == [flood_fill_loops(blob) for blob in blobs]
    assert loop_counts(np.zeros((2, 5, 5))) == [Loops(0, 0, 0)] * 2


@pytest.mark.xdist_group("flood-fill")
def test_the_shipped_typical_loops_are_what_the_flood_fill_finds():
    """cnnlib/data/typical-loops.json (read by §1) is computed from the sample: the flood fill agrees.
    After a change of the sample or the rule: python -c "from cnnlib.digits import write_typical_loops as w; w()"."""
    from cnnlib.digits import TYPICAL_PATH, compute_typical_loops

    assert TYPICAL_PATH.exists()
    sample, computed = load_sample(), compute_typical_loops()
    for digit in range(10):
        np.testing.assert_array_equal(examples_of(digit, None), sample.x_test[sample.y_test == digit])
        counts = [flood_fill_test_digits()[i] for i in np.flatnonzero(sample.y_test == digit)]
        mode = max(set(counts), key=counts.count)
        assert typical_loops(digit) == (mode, counts.index(mode)) == computed[digit], digit
