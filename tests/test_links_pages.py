"""links.pages: each page's record and link — the formats already sent to students keep working."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.architecture import preset
from cnnlib.filters import FILTER_PRESETS
from cnnlib.lecture import FOUR_8X8, POOLING_EXAMPLE_6X6
from cnnlib.stack_text import encode_stack
from links.pages import ARITHMETIC as ARITH
from links.pages import FILTER_SETS as FILT
from links.pages import LAB, OWN, STACK_LINK, lenet_link, settings_link
from services.runs import LIMITS

SUPERSCRIPTS_AND_OTHER_DIGITS = ["²", "³", "¹⁰", "٣", "３", "1_0", "  ２ "]  # "²".isdigit(), int("٣") == 3



def test_arithmetic_link():

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

    assert FILT.decode({"k": "7", "fset": "nope", "w": "1,2", "digit": "12"})[1] == ["k", "fset", "w", "digit"]
    values, refused = FILT.decode({"k": "5", "fset": "custom", "w": ",".join(["0.5"] * 75), "b": "2.5", "seed": "3"})
    assert refused == [] and values["w"].shape == (5, 5, 3) and values["b"] == 2.5 and values["seed"] == 3
    assert FILT.decode({"k": "3", "w": ",".join(["0.5"] * 75)})[1] == ["w"]  # 5×5×3 numbers for a 3×3 set
    texts = FILT.encode({"fset": "red_only", "k": 3, "w": None, "b": 0.0, "digit": 4, "seed": 0})
    assert texts == {"k": "3", "fset": "red_only", "w": None, "b": None, "digit": "4", "seed": None}


def test_stack_lab_link():

    text = encode_stack(*preset("lenet5"))
    values, refused = LAB.decode({"stack": text, "cmp": [encode_stack(*preset("dense_only")), "nonsense"]})
    assert refused == ["cmp"] and encode_stack(*values["stack"]) == text and len(values["cmp"]) == 1
    values, refused = LAB.decode({"stack": "i28x28x1_c0-k5"})
    assert refused == ["stack"] and values["stack"] == preset("two_conv")
    assert LAB.decode({"stack": "i784_d10"})[1] == ["stack"]  # the lab shows pictures: 2 or 3 axes


def test_own_images_link():

    assert OWN.decode({"src": "ftp", "n": "lots", "epochs": "99"})[1] == ["src", "n", "epochs"]
    values, refused = OWN.decode({"n": "30", "seed": "4", "epochs": "2", "model": "lab"})
    assert refused == [] and (values["n"], values["seed"], values["epochs"], values["model"]) == (30, 4, 2, "lab")
    assert OWN.encode({"src": "letters", "n": 300, "seed": 0, "epochs": 5, "model": "lenet5"}) == dict.fromkeys(
        ("src", "n", "seed", "epochs", "model"))


def test_training_settings_link_takes_its_limits_from_the_run_configuration():
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


@pytest.mark.parametrize("text", SUPERSCRIPTS_AND_OTHER_DIGITS)
def test_every_pages_link_refuses_non_ascii_digits(text):
    assert ARITH.decode({"x": f"random:{text}"})[1] == ["x"]  # the issue's ?x=random:² and digit:¹
    assert ARITH.decode({"x": f"digit:{text}"})[1] == ["x"]
    assert FILT.decode({"seed": text, "digit": text})[1] == ["digit", "seed"]  # ?seed=³
    assert FILT.decode({"k": "3", "w": ",".join([text] * 27)})[1] == ["w"]
    assert OWN.decode({"n": text, "seed": text})[1] == ["n", "seed"]  # /own-images?n=²
    assert settings_link().decode({"seed": text})[1] == ["seed"]
    assert LAB.decode({"stack": f"i28x28x1_f_d{text}"})[1] == ["stack"]


def test_ascii_numbers_still_read():

    assert ARITH.decode({"x": "random:123"})[0]["x"][1:] == ("random", 123)
    assert ARITH.decode({"x": "digit:7"})[0]["x"][1:] == ("digit", 7)


@pytest.mark.parametrize("text", ["i28x28x1_c1000-k5", "i28x28x1_f_d100000", "i28x28x1_c3-k40", "i28x28x1_c3-k5-s9",
                                  "i28x28x1_m20", "i600x600x1_f", "i28x28x100_f", "i28x28x1" + "_r0" * 33])
def test_stack_links_above_the_limits_are_refused(text):

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




# ---- each page's record: what a link gives the page, and back ----------------------------------------


def test_the_arithmetic_record_holds_the_link_and_names_the_filter():
    record, refused = ARITH.read({"w": "0,0,0,0,2,0,0,0,0", "x": "digit:7", "pad": "same"})
    assert refused == [] and (record.x_preset, record.x_arg, record.pad) == ("digit", 7, "same")
    assert record.filter_choice == "custom" and not record.w.flags.writeable  # a change is a new record
    assert ARITH.read({"w": "0,0,0,0,1,0,0,0,0"})[0].filter_choice == "identity"  # named only for its own numbers
    assert ARITH.default().filter_choice == "lecture_horizontal" and np.array_equal(ARITH.default().x, FOUR_8X8)
    assert ARITH.write(record)["x"] == "digit:7" and ARITH.write(record.but(pad="valid"))["pad"] == "valid"


def test_the_filter_set_record_names_a_preset_only_for_its_own_numbers():
    from cnnlib.filter_sets import filter_set_preset

    assert FILT.default().fset == "horizontal" and FILT.default().w.shape == (3, 3, 3)
    red = ",".join(f"{v:g}" for v in filter_set_preset("red_only", 3).ravel())
    assert FILT.read({"fset": "custom", "w": red})[0].fset == "red_only"
    record = FILT.read({"k": "5", "fset": "vertical", "b": "1.5"})[0]
    assert record.w.shape == (5, 5, 3) and record.b == 1.5 and FILT.write(record)["w"] is None
    assert FILT.write(record.but(fset="custom"))["w"] is not None and record.row is None  # the map's centre


def test_the_other_pages_records():
    from links.pages import POOLING, WHY

    assert np.array_equal(POOLING.default().slide_map, POOLING_EXAMPLE_6X6) and POOLING.default().win == 1
    lab = LAB.read({"stack": "i28x28_f_d10-softmax"})[0]
    assert lab.shape == (28, 28) and lab.input_choice == "28x28" and LAB.write(lab)["stack"] == "i28x28_f_d10-softmax"
    assert LAB.read({"stack": "i64x64x3_f_d10-softmax"})[0].input_choice == "custom"
    lenet = lenet_link().read({"stack": encode_stack(*preset("two_conv")), "epochs": "3"})[0]
    assert (lenet.model, lenet.epochs, lenet.stack) == ("lab", 3, preset("two_conv"))
    assert lenet.run_settings()["train_size"] == lenet.n and settings_link().default().stack is None
    assert OWN.default().src == "letters" and WHY.default().example(9, first=2) == 2 and WHY.write(WHY.default()) == {}
