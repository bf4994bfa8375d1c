"""links.codec: a page's address parameters read and written as plain values, and its typed record."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from links import codec as links

LINK = links.Link(
    links.choice("pad", ("valid", "same"), "valid"),
    links.choice("stride", (1, 2, 3), 1, parse=int),
    links.integer("seed", 0, 9_999, 0, omit_default=True),
    links.number("b", -100, 100, 0.0, omit_default=True),
    links.Param("cmp", (), str, many=True),
)


def test_a_missing_parameter_takes_its_default_and_is_not_refused():
    values, refused = LINK.decode({})
    assert values == {"pad": "valid", "stride": 1, "seed": 0, "b": 0.0, "cmp": []} and refused == []


def test_readable_values_are_read():
    values, refused = LINK.decode({"pad": "same", "stride": "2", "seed": "42", "b": "-2.5", "cmp": ["a", "b"]})
    assert values == {"pad": "same", "stride": 2, "seed": 42, "b": -2.5, "cmp": ["a", "b"]} and refused == []


@pytest.mark.parametrize(("name", "text"), [
    ("pad", "full"), ("stride", "9"), ("stride", "two"), ("seed", "-1"), ("seed", "10000"), ("seed", "4.5"),
    ("seed", "٣"), ("seed", "9" * 400), ("b", "nan"), ("b", "inf"), ("b", "101"), ("b", "lots"),
])
def test_what_cannot_be_read_falls_back_to_the_default_and_is_named(name, text):
    values, refused = LINK.decode({name: text})
    assert refused == [name]
    assert values[name] == LINK.decode({})[0][name]


def test_refused_names_come_in_declared_order_once_each():
    _, refused = LINK.decode({"b": "x", "pad": "x", "seed": "x"})
    assert refused == ["pad", "seed", "b"]


def test_a_repeated_parameter_keeps_its_readable_items():
    many = links.Link(links.Param("cmp", (), lambda text: int(text), many=True))
    assert many.decode({"cmp": ["1", "x", "3", "y"]}) == ({"cmp": [1, 3]}, ["cmp"])
    assert links.Link(links.integer("seed", 0, 9, 0)).decode({"seed": ["1", "2"]}) == ({"seed": 2}, [])


def test_an_adjusted_value_is_used_and_still_named():
    clamp = links.Link(links.Param("w", 0.0, lambda text: links.Adjusted(min(float(text), 10.0))))
    assert clamp.decode({"w": "1e308"}) == ({"w": 10.0}, ["w"])


def test_a_parameter_may_use_an_earlier_one():
    def cells(text: str, k: int) -> list[int]:
        items = [int(v) for v in text.split(",")]
        if len(items) != k * k:
            raise ValueError(text)
        return items

    link = links.Link(links.integer("k", 1, 5, 3), links.Param("w", None, cells, uses=("k",)))
    assert link.decode({"k": "2", "w": "1,2,3,4"}) == ({"k": 2, "w": [1, 2, 3, 4]}, [])
    assert link.decode({"k": "9", "w": "1,2,3,4"}) == ({"k": 3, "w": None}, ["k", "w"])  # k fell back to 3


def test_encode_writes_text_and_leaves_out_defaults_only_where_asked():
    texts = LINK.encode({"pad": "valid", "stride": 1, "seed": 0, "b": 2.5, "cmp": ["a"]})
    assert texts == {"pad": "valid", "stride": "1", "seed": None, "b": "2.5", "cmp": ["a"]}
    assert LINK.encode({"seed": 7, "b": 0.0})["seed"] == "7" and LINK.encode({"b": 0.0})["b"] is None
    assert links.Link(links.Param("w", None, str)).encode({"w": None}) == {"w": None}


def test_encode_then_decode_is_the_identity():
    values = {"pad": "same", "stride": 3, "seed": 9_999, "b": -0.5, "cmp": ["x", "y"]}
    texts = {k: v for k, v in LINK.encode(values).items() if v is not None}
    assert LINK.decode(texts) == (values, [])


SUPERSCRIPTS_AND_OTHER_DIGITS = ["²", "³", "¹⁰", "٣", "３", "1_0", "  ２ "]  # "²".isdigit(), int("٣") == 3


@pytest.mark.parametrize("text", SUPERSCRIPTS_AND_OTHER_DIGITS)
def test_numbers_are_read_in_ascii_digits_only(text):
    assert LINK.decode({"seed": text})[1] == ["seed"]
    assert LINK.decode({"b": text})[1] == ["b"]
    assert LINK.decode({"b": text + ".5"})[1] == ["b"]


def test_ascii_numbers_still_read():
    assert LINK.decode({"b": " -2.5e1 ", "seed": " 42"}) == ({**LINK.decode({})[0], "b": -25.0, "seed": 42}, [])
    assert links.decimal_number(".5") == 0.5 and links.whole_number("+7") == 7


# ---- a page's typed record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Knobs(links.Setting):
    pad: str = "valid"
    stride: int = 1
    seed: int = 0
    b: float = 0.0
    cmp: tuple = ()
    shown: bool = False  # the page's own: not in the link


KNOBS = links.Link(*LINK.params, record=Knobs)


def test_a_record_is_read_from_the_address_and_written_back():
    record, refused = KNOBS.read({"pad": "same", "stride": "9", "cmp": ["a"]})
    assert record == Knobs(pad="same", stride=1, cmp=["a"]) and refused == ["stride"]
    assert KNOBS.default() == Knobs(cmp=[])
    assert KNOBS.write(record.but(seed=7, shown=True)) == {"pad": "same", "stride": "1", "seed": "7", "b": None, "cmp": ["a"]}
    assert record.but(seed=7).seed == 7 and record.seed == 0  # a change is a new record
