"""Every page's address parameters, declared once, without Streamlit (the pages and the command line read them).

``PAGE_LINKS`` maps a page's path (as in the router and ``notebooks.PAGES``) to its ``Link``;
``notebook_settings(page, values)`` turns a decoded link into the settings of the page's notebook.
The pages' Streamlit side (ui/arithmetic.py, ui/filtersets.py, ui/stack_lab.py, ui/run_settings.py,
ui/own_images.py) imports its link from here and reads and writes it through ui/links.py.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from cnnlib.architecture import preset
from cnnlib.convolution import ACTIVATIONS, PADDINGS
from cnnlib.digits import examples_of, reduce_to_grid
from cnnlib.filter_sets import CHANNEL_NAMES, FILTER_SET_PRESETS, KERNEL_SIZES
from cnnlib.filter_sets import WEIGHT_RANGE as SET_WEIGHT_RANGE
from cnnlib.filters import FILTER_PRESETS, INPUT_RANGE, PATTERN_FILTERS, WEIGHT_RANGE
from cnnlib.grids import bits_to_hex, grid_from_text, grid_to_text, hex_to_bits
from cnnlib.lecture import FOUR_8X8
from cnnlib.stack_text import decode_stack, encode_stack
from links.codec import Adjusted, Link, Param, choice, decimal_number, integer, number, whole_number
from services.runs import FAST_SETTINGS, LIMITS, OPTIMIZERS, SCALINGS, SCHEDULES, SLIDE_SETTINGS, default_config

# ---- §4 convolution arithmetic: x, w, pad, stride, act --------------------------------------------

SIZE = 8
_SEED = re.compile(r"[0-9]{1,9}")  # random:<seed> / digit:<n>, as input_spec writes them


def input_preset(name: str, arg: int = 0) -> np.ndarray:
    if name == "four":
        return FOUR_8X8.copy()
    if name == "random":
        return np.random.default_rng(arg).integers(0, 2, (SIZE, SIZE)).astype(float)
    if name == "digit":
        return reduce_to_grid(examples_of(int(arg) % 10, 1)[0], SIZE)
    return np.zeros((SIZE, SIZE))


def input_spec(x: np.ndarray, preset: str, arg: int) -> str:
    """How the URL names the input: a preset, or the drawing itself."""
    if preset in ("four", "blank") and np.array_equal(x, input_preset(preset)):
        return preset
    if preset in ("random", "digit") and np.array_equal(x, input_preset(preset, arg)):
        return f"{preset}:{arg}"
    bits = bits_to_hex(x)
    return f"bits:{bits}" if bits else f"grid:{grid_to_text(x)}"


def parse_input_spec(spec: str) -> tuple[np.ndarray, str, int]:
    """The inverse of input_spec; ValueError when the text names no input."""
    name, _, arg = spec.partition(":")
    if name in ("four", "blank") and not arg:
        return input_preset(name), name, 0
    if name in ("random", "digit") and _SEED.fullmatch(arg):  # ASCII digits only: "²".isdigit() but int("²") fails
        return input_preset(name, int(arg)), name, int(arg)
    if name == "bits":
        bits = hex_to_bits(arg, (SIZE, SIZE))
        if bits is not None:
            return bits, "custom", 0
    if name == "grid":
        checked = grid_from_text(arg, (SIZE, SIZE), *INPUT_RANGE)
        if checked.ok:
            return checked.values, "custom", 0
    raise ValueError(spec)


def parse_weights(text: str) -> np.ndarray | Adjusted:
    """A 3×3 filter from the link; out-of-range numbers are clamped (used, but named in the notice)."""
    checked = grid_from_text(text, (3, 3), *WEIGHT_RANGE)
    if not checked.ok:
        raise ValueError(text)
    return Adjusted(checked.values) if checked.problems else checked.values


ARITHMETIC = Link(
    Param("x", (FOUR_8X8, "four", 0), parse_input_spec, lambda v: input_spec(*v)),
    Param("w", FILTER_PRESETS["lecture_horizontal"], parse_weights, grid_to_text),
    choice("pad", PADDINGS, "valid"),
    choice("stride", (1, 2, 3), 1, parse=int),
    choice("act", ACTIVATIONS, "none"),
)

# ---- §3 filter sets: k, fset, w, b, digit, seed ----------------------------------------------------


def parse_set_weights(text: str, k: int) -> np.ndarray:
    """The three k×k filters from the link's comma-separated numbers; ValueError when they cannot be used."""
    channels = len(CHANNEL_NAMES)
    values = np.array([decimal_number(v) for v in text.split(",")])  # ASCII numbers only
    lo, hi = SET_WEIGHT_RANGE
    if values.size != k * k * channels or not np.all(np.isfinite(values)) or values.min() < lo or values.max() > hi:
        raise ValueError(text)
    return values.reshape(k, k, channels)


FILTER_SETS = Link(
    choice("k", KERNEL_SIZES, 3, parse=int),
    choice("fset", (*FILTER_SET_PRESETS, "custom"), "horizontal"),
    Param("w", None, parse_set_weights, lambda w: ",".join(f"{v + 0.0:g}" for v in w.ravel()), uses=("k",)),
    number("b", -100.0, 100.0, 0.0, omit_default=True),
    integer("digit", 0, 9, 4),
    integer("seed", 0, 9999, 0, omit_default=True),
)

# ---- §5 max-pooling: size, stride, src, digit, filter ----------------------------------------------

POOL_SOURCES = ("slide", "carried")  # the slide's 6×6 map, or the map carried over from §4 (not in the link)
POOL_SIZES = (2, 3)
POOL_STRIDES = (None, 1, 2, 3)  # None: Keras' default, the pool size


def parse_pool_stride(text: str) -> int | None:
    if text == "auto":
        return None
    value = whole_number(text)
    if value not in POOL_STRIDES:
        raise ValueError(text)
    return value


POOLING = Link(
    choice("size", POOL_SIZES, 2, parse=whole_number, omit_default=True),
    Param("stride", None, parse_pool_stride, lambda v: "auto" if v is None else str(v), omit_default=True),
    choice("src", POOL_SOURCES, "slide", omit_default=True),
    integer("digit", 0, 9, 4, omit_default=True),
    choice("filter", PATTERN_FILTERS, PATTERN_FILTERS[0], omit_default=True),
)

# ---- the layer-stack lab: stack, cmp ----------------------------------------------------------------


def parse_stack(text: str) -> tuple[list[dict], tuple]:
    """(stack, input shape) from a link's ``stack=`` text; ValueError (StackError) when it cannot be read."""
    stack, shape = decode_stack(text)
    if len(shape) not in (2, 3):
        raise ValueError(text)
    return stack, shape


def parse_compared(text: str) -> str:
    decode_stack(text)
    return text


def stack_param(default) -> Param:
    """The ``stack=`` parameter the lab writes and the LeNet-5 page reads."""
    return Param("stack", default, parse_stack, lambda value: encode_stack(*value))


LAB = Link(stack_param(preset("two_conv")), Param("cmp", (), parse_compared, many=True))

# ---- §2 and §6 training settings (and §6's ?stack=) -------------------------------------------------

BATCHES = (16, 32, 64, 128, 256, 512)
RATES = (0.0003, 0.001, 0.002, 0.003, 0.005, 0.01, 0.03, 0.1, 1.0, 10.0)
SIZES = (300, 1000, 2000, 4000, 8000, 15000, 30000, 60000)
FIELDS = {"epochs": "epochs", "batch": "batch_size", "opt": "optimizer", "lr": "learning_rate",  # link/widget → RunConfig
          "sched": "schedule", "scale": "scaling", "n": "train_size", "seed": "seed"}


def training_defaults(slides: bool = False) -> dict:
    """The settings by link/widget name: the measured fast ones, or the slides' (n and seed from the default run)."""
    config = default_config()
    base = SLIDE_SETTINGS if slides else FAST_SETTINGS
    return {name: base.get(field, getattr(config, field)) for name, field in FIELDS.items()}


@cache
def settings_link() -> Link:
    start = training_defaults()
    return Link(
        integer("epochs", *LIMITS["epochs"], start["epochs"], omit_default=True),
        choice("batch", BATCHES, start["batch"], parse=int, omit_default=True),
        choice("opt", OPTIMIZERS, start["opt"], omit_default=True),
        choice("lr", RATES, start["lr"], parse=float, format=lambda v: f"{v:g}", omit_default=True),
        choice("sched", SCHEDULES, start["sched"], omit_default=True),
        choice("scale", SCALINGS, start["scale"], omit_default=True),
        choice("n", SIZES, start["n"], parse=int, omit_default=True),
        integer("seed", *LIMITS["seed"], start["seed"], omit_default=True),
    )


STACK_LINK = Link(stack_param(None))  # ?stack=, as the layer-stack lab's "train this" link writes it

# ---- §7 your own images: src, n, seed, epochs, model -------------------------------------------------

OWN_SOURCES = ("letters", "upload", "notmnist")
OWN_MODELS = ("lenet5", "lab")
OWN = Link(
    choice("src", OWN_SOURCES, "letters", omit_default=True),
    integer("n", 10, 2000, 300, omit_default=True),
    integer("seed", 0, 9_999, 0, omit_default=True),
    integer("epochs", 1, 20, 5, omit_default=True),
    choice("model", OWN_MODELS, "lenet5", omit_default=True),
)

# ---- by page ---------------------------------------------------------------------------------------


@cache
def page_links() -> dict[str, Link | None]:
    """Page path → its Link (None: the page keeps no setting in its address). §6 reads the settings and
    ?stack=; the command line lets §7 take ?stack= too (what the page takes from the lab's session)."""
    return {
        "why-convolution": None,
        "filter-sets": FILTER_SETS,
        "convolution-arithmetic": ARITHMETIC,
        "max-pooling": POOLING,
        "layer-stack-lab": LAB,
        "conv2d-in-keras": settings_link(),
        "lenet-5": Link(*settings_link().params, *STACK_LINK.params),
        "own-images": Link(*OWN.params, *STACK_LINK.params),
    }


def notebook_settings(page: str, values: dict) -> dict:
    """A page's decoded link values as its notebook's settings (notebooks.build)."""
    settings = dict(values)
    if page == "max-pooling":
        settings.pop("src", None)  # which map the page pools: the notebook pools the slide's (a carried map is not in the link)
    if page in ("lenet-5", "own-images") and settings.get("stack") is None:
        settings.pop("stack", None)  # no stack in the link: the page's model (LeNet-5)
    elif page == "lenet-5":
        settings["model"] = "lab"
    return settings
