"""ui/model_summary.py: the architecture strip (plain HTML for st.html) — a block per layer, sized by its map, labelled
with Keras' type, the output shape and the parameter count, as the summary counts them."""

import re

import pytest

from cnnlib import architecture
from ui import model_summary, presenter
from ui.model_summary import architecture_html


def columns(page: str) -> list[str]:
    return page.split('class="arch-layer"')[1:]


def test_one_block_per_layer_labelled_as_the_summary_counts():
    stack, shape = architecture.preset("lenet5")
    rows = architecture.summarize(stack, shape)
    page = architecture_html(stack, shape)
    assert len(columns(page)) == len(rows)
    for column, row in zip(columns(page), rows, strict=True):
        assert f"<b>{row.type}</b><br>{row.shape_text()}<br>{row.params:,}" in column
    heights = [int(re.findall(r"height:(\d+)px;width:100%", c)[0]) for c in columns(page)]
    sides = [r.output_shape[1] for r in rows if len(r.output_shape) == 4]
    assert heights[: len(sides)] == [round(s / max(sides) * model_summary.BLOCK_PX) for s in sides]  # ∝ the map's side
    assert 'role="img"' in page and "overflow-x:auto" in page  # a long stack scrolls, never crowds


@pytest.mark.parametrize(("presenting", "px"), [(False, 11), (True, 20)])
def test_labels_keep_their_size_and_twenty_pixels_while_presenting(monkeypatch, presenting, px):
    monkeypatch.setattr(presenter, "presenting", lambda: presenting)
    page = architecture_html(*architecture.preset("lenet5"))
    assert set(re.findall(r"font-size:(\d+)px", page)) == {str(px)}
