"""The link codec (ui/links.py) and each page's link, without a Streamlit runtime: strings in, values out."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.architecture import preset
from cnnlib.filters import FILTER_PRESETS
from cnnlib.lecture import FOUR_8X8
from cnnlib.stack_text import encode_stack
from services.runs import LIMITS
from ui import links

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


# ---- every page's link: the formats already sent to students keep working -------------------------


def test_arithmetic_link():
    from ui.arithmetic import LINK as ARITH

    values, refused = ARITH.decode({"w": "0,0,0,0,1,0,0,0,0", "x": "blank", "pad": "same", "stride": "2", "act": "relu"})
    assert refused == [] and values["x"][1:] == ("blank", 0) and not values["x"][0].any()
    assert values["w"].tolist() == [[0, 0, 0], [0, 1, 0], [0, 0, 0]] and values["stride"] == 2
    values, refused = ARITH.decode({"w": "1,2,zz", "x": "bits:nothex", "stride": "9"})
    assert refused == ["x", "w", "stride"]
    assert np.array_equal(values["x"][0], FOUR_8X8) and np.array_equal(values["w"], FILTER_PRESETS["lecture_horizontal"])
    values, refused = ARITH.decode({"w": "1e308,0,0,0,0,0,0,0,-inf"})
    assert refused == ["w"] and values["w"][0, 0] == 10.0 and values["w"][2, 2] == -10.0  # clamped, and said
    texts = ARITH.encode({"x": (FOUR_8X8, "four", 0), "w": FILTER_PRESETS["lecture_horizontal"], "pad": "valid",
                          "stride": 1, "act": "none"})
    assert texts == {"x": "four", "w": "-1,-1,-1,2,2,2,-1,-1,-1", "pad": "valid", "stride": "1", "act": "none"}


def test_filters_link():
    from ui.filtersets import LINK as FILT

    assert FILT.decode({"k": "7", "fset": "nope", "w": "1,2", "digit": "12"})[1] == ["k", "fset", "w", "digit"]
    values, refused = FILT.decode({"k": "5", "fset": "custom", "w": ",".join(["0.5"] * 75), "b": "2.5", "seed": "3"})
    assert refused == [] and values["w"].shape == (5, 5, 3) and values["b"] == 2.5 and values["seed"] == 3
    assert FILT.decode({"k": "3", "w": ",".join(["0.5"] * 75)})[1] == ["w"]  # 5×5×3 numbers for a 3×3 set
    texts = FILT.encode({"fset": "red_only", "k": 3, "w": None, "b": 0.0, "digit": 4, "seed": 0})
    assert texts == {"k": "3", "fset": "red_only", "w": None, "b": None, "digit": "4", "seed": None}


def test_stack_lab_link():
    from ui.stack_lab import LINK as LAB

    text = encode_stack(*preset("lenet5"))
    values, refused = LAB.decode({"stack": text, "cmp": [encode_stack(*preset("dense_only")), "nonsense"]})
    assert refused == ["cmp"] and encode_stack(*values["stack"]) == text and len(values["cmp"]) == 1
    values, refused = LAB.decode({"stack": "i28x28x1_c0-k5"})
    assert refused == ["stack"] and values["stack"] == preset("two_conv")
    assert LAB.decode({"stack": "i784_d10"})[1] == ["stack"]  # the lab shows pictures: 2 or 3 axes


def test_own_images_link():
    from ui.own_images import LINK as OWN

    assert OWN.decode({"src": "ftp", "n": "lots", "epochs": "99"})[1] == ["src", "n", "epochs"]
    values, refused = OWN.decode({"n": "30", "seed": "4", "epochs": "2", "model": "lab"})
    assert refused == [] and (values["n"], values["seed"], values["epochs"], values["model"]) == (30, 4, 2, "lab")
    assert OWN.encode({"src": "letters", "n": 300, "seed": 0, "epochs": 5, "model": "lenet5"}) == dict.fromkeys(
        ("src", "n", "seed", "epochs", "model"))


def test_training_settings_link_takes_its_limits_from_the_run_configuration():
    from ui.run_settings import settings_link

    link = settings_link()
    low, high = LIMITS["seed"]
    assert link.decode({"seed": str(high)}) == ({**link.decode({})[0], "seed": high}, [])
    assert link.decode({"seed": str(high + 1)})[1] == ["seed"] and link.decode({"seed": str(low - 1)})[1] == ["seed"]
    assert link.decode({"epochs": str(LIMITS["epochs"][1] + 1)})[1] == ["epochs"]
    assert link.decode({"epochs": "abc"})[1] == ["epochs"] and link.decode({"lr": "0.123"})[1] == ["lr"]
    values, refused = link.decode({"epochs": "3", "batch": "16", "lr": "0.01", "opt": "sgd", "scale": "raw",
                                   "sched": "constant", "n": "1000", "seed": "99"})
    assert refused == [] and values["lr"] == 0.01 and values["batch"] == 16 and values["scale"] == "raw"
    assert link.encode(values)["lr"] == "0.01" and link.encode(link.decode({})[0]) == dict.fromkeys(values)


# ---- issue 9 #2, #3: ASCII digits only; the stack's limits ----------------------------------------

SUPERSCRIPTS_AND_OTHER_DIGITS = ["²", "³", "¹⁰", "٣", "３", "1_0", "  ２ "]  # "²".isdigit(), int("٣") == 3


@pytest.mark.parametrize("text", SUPERSCRIPTS_AND_OTHER_DIGITS)
def test_numbers_are_read_in_ascii_digits_only(text):
    assert LINK.decode({"seed": text})[1] == ["seed"]
    assert LINK.decode({"b": text})[1] == ["b"]
    assert LINK.decode({"b": text + ".5"})[1] == ["b"]


@pytest.mark.parametrize("text", SUPERSCRIPTS_AND_OTHER_DIGITS)
def test_every_pages_link_refuses_non_ascii_digits(text):
    from ui.arithmetic import LINK as ARITH
    from ui.filtersets import LINK as FILT
    from ui.own_images import LINK as OWN
    from ui.run_settings import settings_link
    from ui.stack_lab import LINK as LAB

    assert ARITH.decode({"x": f"random:{text}"})[1] == ["x"]  # the issue's ?x=random:² and digit:¹
    assert ARITH.decode({"x": f"digit:{text}"})[1] == ["x"]
    assert FILT.decode({"seed": text, "digit": text})[1] == ["digit", "seed"]  # ?seed=³
    assert FILT.decode({"k": "3", "w": ",".join([text] * 27)})[1] == ["w"]
    assert OWN.decode({"n": text, "seed": text})[1] == ["n", "seed"]  # /own-images?n=²
    assert settings_link().decode({"seed": text})[1] == ["seed"]
    assert LAB.decode({"stack": f"i28x28x1_f_d{text}"})[1] == ["stack"]


def test_ascii_numbers_still_read():
    from ui.arithmetic import LINK as ARITH

    assert ARITH.decode({"x": "random:123"})[0]["x"][1:] == ("random", 123)
    assert ARITH.decode({"x": "digit:7"})[0]["x"][1:] == ("digit", 7)
    assert LINK.decode({"b": " -2.5e1 ", "seed": " 42"}) == ({**LINK.decode({})[0], "b": -25.0, "seed": 42}, [])
    assert links.decimal_number(".5") == 0.5 and links.whole_number("+7") == 7


@pytest.mark.parametrize("text", ["i28x28x1_c1000-k5", "i28x28x1_f_d100000", "i28x28x1_c3-k40", "i28x28x1_c3-k5-s9",
                                  "i28x28x1_m20", "i600x600x1_f", "i28x28x100_f", "i28x28x1" + "_r0" * 33])
def test_stack_links_above_the_limits_are_refused(text):
    from ui.run_settings import STACK_LINK
    from ui.stack_lab import LINK as LAB

    assert LAB.decode({"stack": text}) == ({"stack": preset("two_conv"), "cmp": []}, ["stack"])
    assert LAB.decode({"cmp": [text]})[1] == ["cmp"]
    assert STACK_LINK.decode({"stack": text}) == ({"stack": None}, ["stack"])  # the LeNet-5 page's ?stack=


@pytest.mark.parametrize("text", SUPERSCRIPTS_AND_OTHER_DIGITS)
def test_pooling_link(text):
    from links.pages import POOLING, notebook_settings, page_links

    assert page_links()["max-pooling"] is POOLING
    assert POOLING.decode({}) == ({"size": 2, "stride": None, "src": "slide", "digit": 4, "filter": "lecture_horizontal"}, [])
    values, refused = POOLING.decode({"size": "3", "stride": "1", "src": "carried", "digit": "7", "filter": "vertical"})
    assert refused == [] and values == {"size": 3, "stride": 1, "src": "carried", "digit": 7, "filter": "vertical"}
    assert POOLING.decode({"stride": "auto"}) == POOLING.decode({})
    bad = {"size": "4", "stride": "0", "src": "upload", "digit": "10", "filter": "sharpen"}
    assert POOLING.decode(bad)[1] == ["size", "stride", "src", "digit", "filter"]
    assert POOLING.decode({"size": text, "stride": text, "digit": text})[1] == ["size", "stride", "digit"]
    assert POOLING.encode(POOLING.decode({})[0]) == dict.fromkeys(("size", "stride", "src", "digit", "filter"))
    assert POOLING.encode(values) == {"size": "3", "stride": "1", "src": "carried", "digit": "7", "filter": "vertical"}
    assert notebook_settings("max-pooling", values) == {"size": 3, "stride": 1, "digit": 7, "filter": "vertical"}


# ---- the Streamlit side: read once, forget all (class mode: a follower takes the teacher's link) ----


def test_forget_all_makes_every_page_read_its_link_again():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from ui import links

        link = links.Link(links.integer("n", 0, 9, 0))
        st.session_state.first = links.read_once(link, "a")
        st.session_state.again = links.read_once(link, "a")
        links.read_once(links.Link(links.integer("m", 0, 9, 0)), "b")
        if st.session_state.get("forget"):
            links.forget_all()
            st.session_state.after = (links.read_once(link, "a"), links.read_once(link, "b"))

    at = AppTest.from_function(script, default_timeout=30)
    at.query_params["n"] = "3"
    at.run()
    assert at.session_state.first == {"n": 3} and at.session_state.again is None
    at.session_state["forget"] = True
    at.query_params["n"] = "7"
    at.run()
    assert at.session_state.after == ({"n": 7}, {"n": 7})  # both pages' flags were forgotten


def test_a_link_inside_the_app_is_read_again_but_not_the_pages_own_address():
    """§5's "open in the lab" (st.page_link with ?stack=) reaches a lab this session has already opened."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from ui import links

        link = links.Link(links.integer("n", 0, 9, 0))
        read = links.read_once(link, "a")
        if read is not None:
            st.session_state.n = read["n"]
        st.session_state.n = st.session_state.get("n", 0) + (1 if st.session_state.get("bump") else 0)
        links.sync(link, {"n": st.session_state.n})

    at = AppTest.from_function(script, default_timeout=30)
    at.query_params["n"] = "3"
    at.run()
    assert at.session_state.n == 3
    at.session_state["bump"] = True
    at.run()  # the page's own edit: written to the address, not read back over the state
    assert at.session_state.n == 4 and at.query_params["n"] in ("4", ["4"])
    at.session_state["bump"] = False
    at.query_params["n"] = "7"  # a link inside the app
    at.run()
    assert at.session_state.n == 7
    del at.query_params["n"]  # the sidebar: no parameters, no change
    at.run()
    assert at.session_state.n == 7
