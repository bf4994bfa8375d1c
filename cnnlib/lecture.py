"""The inputs printed on the slides (the outputs are never typed in: they are computed, and tested)."""

import numpy as np

# §4 slide (Convolution arithmetic): the drawing of a "4" on an (8, 8, 1) input. The extracted slide text is
# garbled (9 columns); this is the grid that reproduces the slide's 6×6 feature map exactly.
FOUR_8X8 = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 1, 0, 0, 0, 1, 0, 0],
        [0, 1, 0, 0, 0, 1, 0, 0],
        [0, 1, 0, 0, 0, 1, 0, 0],
        [0, 1, 1, 1, 1, 1, 1, 0],
        [0, 0, 0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
    ],
    dtype=float,
)

# §4: the (3, 3, 1) filter of the worked example — it looks for a horizontal line.
HORIZONTAL_LINE_FILTER = np.array([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]], dtype=float)

# §5 slide (the feature map to pool): the 6×6 feature map of the max-pooling example.
POOLING_EXAMPLE_6X6 = np.array(
    [
        [10, 7, 2, 42, 30, 25],
        [1, 16, 33, 8, 7, 6],
        [9, 22, 11, 45, 10, 22],
        [13, 15, 31, 27, 12, 41],
        [7, 20, 19, 30, 23, 6],
        [3, 24, 15, 27, 14, 40],
    ],
    dtype=float,
)

# §1: the digits of the slide's table, in the slide's order.
LOOP_TABLE_DIGITS = (9, 8, 6, 0)
