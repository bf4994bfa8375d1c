"""ui/confusion.py: the confusion matrix as a plain Plotly spec (sent as it is: no validation at run time)."""

import numpy as np
import plotly.graph_objects as go

from ui.confusion import confusion_figure
from ui.i18n import t

CONFUSION = np.array([[5, 1, 0], [2, 7, 0], [0, 3, 9]])
NAMES = ["A", "B<i>", "C & D"]


def test_the_matrix_is_a_valid_figure_with_the_names_on_both_axes_and_the_chosen_cell_boxed():
    spec = confusion_figure(CONFUSION, NAMES, chosen=(2, 1)).to_dict()
    fig = go.Figure(spec)  # Plotly's validation: raises on any wrong property
    heat, marks = fig.data
    assert heat.type == "heatmap" and np.array_equal(np.array(heat.z), CONFUSION)
    assert list(fig.layout.xaxis.ticktext) == list(fig.layout.yaxis.ticktext) == ["A", "B&lt;i&gt;", "C &amp; D"]
    assert fig.layout.xaxis.title.text == t("training.predicted") and fig.layout.yaxis.title.text == t("training.true")
    assert fig.layout.xaxis.side == "top" and fig.layout.yaxis.autorange == "reversed"  # true label 0 on top
    (box,) = fig.layout.shapes
    assert (box.x0, box.x1, box.y0, box.y1) == (0.5, 1.5, 1.5, 2.5)  # row 2 (true C), column 1 (predicted B)
    assert [list(c) for c in heat.customdata[2]] == [["C &amp; D", "A"], ["C &amp; D", "B&lt;i&gt;"],
                                                     ["C &amp; D", "C &amp; D"]]  # hover: true, predicted


def test_a_click_on_a_cell_reports_its_row_and_column():
    """Heatmaps report no clicks in Streamlit: a transparent marker on every cell carries (row, column)."""
    fig = go.Figure(confusion_figure(CONFUSION, NAMES).to_dict())
    marks = fig.data[1]
    assert marks.type == "scatter" and marks.mode == "markers" and marks.marker.opacity < 0.05
    cells = {(int(x), int(y)): tuple(c) for x, y, c in zip(marks.x, marks.y, marks.customdata, strict=True)}
    assert len(cells) == 9 and all(cells[(col, row)] == (row, col) for row in range(3) for col in range(3))
    assert not fig.layout.shapes  # nothing chosen: no box
