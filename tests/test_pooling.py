"""cnnlib.pooling: the slide's worked example exactly, and Keras MaxPool2D as the reference."""

import numpy as np
import pytest

from cnnlib.lecture import POOLING_EXAMPLE_6X6
from cnnlib.pooling import max_pool2d, pool_out_shape, pool_step, pool_winners


def test_slide_example_exact():
    np.testing.assert_array_equal(max_pool2d(POOLING_EXAMPLE_6X6), [[16, 42, 30], [22, 45, 41], [24, 30, 40]])


def test_winners_point_at_the_maximum_of_each_window():
    x = POOLING_EXAMPLE_6X6
    winners = pool_winners(x)
    assert winners.shape == (3, 3, 2)
    assert tuple(winners[0, 0]) == (1, 1)  # 16
    assert tuple(winners[1, 1]) == (2, 3)  # 45
    pooled = max_pool2d(x)
    for r in range(3):
        for c in range(3):
            wr, wc = winners[r, c]
            assert x[wr, wc] == pooled[r, c]
            assert 2 * r <= wr < 2 * r + 2 and 2 * c <= wc < 2 * c + 2


def test_ties_go_to_the_first_cell_in_reading_order():
    x = np.ones((2, 2))
    assert tuple(pool_winners(x)[0, 0]) == (0, 0)


def test_stride_and_size_options():
    x = np.arange(36, dtype=float).reshape(6, 6)
    assert max_pool2d(x, 3).shape == (2, 2)
    assert max_pool2d(x, 2, 1).shape == (5, 5)
    assert max_pool2d(x, 3, 2).shape == (2, 2)
    winners = pool_winners(x, 3, 2)
    for r in range(2):
        for c in range(2):
            assert x[tuple(winners[r, c])] == max_pool2d(x, 3, 2)[r, c]


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        max_pool2d(np.zeros((2, 2)), 3)
    with pytest.raises(ValueError):
        max_pool2d(np.zeros((4, 4)), 0)


@pytest.mark.tf
@pytest.mark.parametrize(
    ("h", "w", "c", "size", "stride"),
    [(6, 6, 1, 2, None), (7, 9, 3, 2, None), (9, 9, 2, 3, 2), (8, 8, 4, 2, 1), (24, 24, 3, 2, None)],
)
def test_matches_keras_maxpool2d(h, w, c, size, stride):
    import keras

    x = np.random.default_rng(h + c).normal(size=(h, w, c)).astype("float32")
    expected = np.asarray(keras.layers.MaxPool2D(size, strides=stride)(x[None]))[0]
    np.testing.assert_allclose(max_pool2d(x, size, stride), expected)
    winners = pool_winners(x, size, stride)
    for ch in range(c):
        got = x[winners[..., ch, 0], winners[..., ch, 1], ch]
        np.testing.assert_allclose(got, expected[..., ch])


def test_pool_step_walks_the_windows_in_reading_order_like_the_slide():
    x = POOLING_EXAMPLE_6X6
    assert pool_out_shape(x.shape, 2) == (3, 3) and pool_out_shape(x.shape, 3, 1) == (4, 4)
    first = pool_step(x, 2, None, 0)
    assert (first.row, first.col, first.top, first.left) == (0, 0, 0, 0)
    assert first.values == (10, 7, 1, 16) and first.value == 16 and first.winner == (1, 1)
    fifth = pool_step(x, 2, None, 4)
    assert (fifth.row, fifth.col, fifth.top, fifth.left) == (1, 1, 2, 2) and fifth.value == 45 and fifth.winner == (2, 3)
    pooled, winners = max_pool2d(x, 3, 1), pool_winners(x, 3, 1)
    for k in range(16):  # every window agrees with max_pool2d and pool_winners
        step = pool_step(x, 3, 1, k)
        assert step.value == pooled[step.row, step.col] and step.winner == tuple(winners[step.row, step.col])
        assert len(step.values) == 9 and max(step.values) == step.value


@pytest.mark.parametrize("index", [-1, 9])
def test_pool_step_refuses_a_window_that_is_not_there(index):
    with pytest.raises(ValueError):
        pool_step(POOLING_EXAMPLE_6X6, 2, None, index)
