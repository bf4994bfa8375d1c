"""Every page's setting, declared once without Streamlit: its typed record and its address parameters.

Each page has one frozen record (a ``links.codec.Setting``: ``Arithmetic``, ``FilterSets``, ``Pooling``,
``Lab``, ``Training``, ``OwnImages``, ``Why``) and one ``Link`` that reads it from the address and writes it
back. ``page_links()`` maps a page's path (as in the router and ``notebooks.PAGES``) to its ``Link``;
``notebook_settings(page, values)`` turns a decoded link into the settings of the page's notebook.
The pages keep their record in the session through ui/page_setting.py; the command line reads a page's
``--query`` with the same declarations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

import numpy as np

from cnnlib.architecture import preset
from cnnlib.convolution import ACTIVATIONS, PADDINGS
from cnnlib.digits import examples_of, reduce_to_grid
from cnnlib.filter_sets import CHANNEL_NAMES, FILTER_SET_PRESETS, KERNEL_SIZES, filter_set_preset
from cnnlib.filter_sets import WEIGHT_RANGE as SET_WEIGHT_RANGE
from cnnlib.filters import FILTER_PRESETS, INPUT_RANGE, PATTERN_FILTERS, WEIGHT_RANGE
from cnnlib.grids import bits_to_hex, grid_from_text, grid_to_text, hex_to_bits
from cnnlib.lecture import FOUR_8X8, POOLING_EXAMPLE_6X6
from cnnlib.stack_text import decode_stack, encode_stack
from links.codec import Adjusted, Link, Param, Setting, choice, decimal_number, integer, number, whole_number
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


INPUT_PRESETS = ("four", "blank", "random", "digit")  # the input dropdown; a drawing of one's own is "custom"
CUSTOM = "custom"


def filter_preset_of(w: np.ndarray) -> str:
    """The preset these weights are exactly, else "custom" (a link's weights are never named wrongly)."""
    for name, grid in FILTER_PRESETS.items():
        if np.array_equal(np.asarray(w, dtype=float), np.asarray(grid, dtype=float)):
            return name
    return CUSTOM


def _frozen(a) -> np.ndarray:
    out = np.array(a, dtype=float)
    out.setflags(write=False)  # a record is never changed in place: a change is a new record
    return out


@dataclass(frozen=True, eq=False)
class Arithmetic(Setting):
    """§4: the 8×8 input x (and the preset it came from), the 3×3 filter w, padding, stride, activation, and the
    output cell the window is on."""

    x: np.ndarray = field(default_factory=lambda: _frozen(FOUR_8X8))
    x_preset: str = "four"  # four / blank / random / digit, or custom (drawn or pasted)
    x_arg: int = 0  # random's seed, or the digit
    w: np.ndarray = field(default_factory=lambda: _frozen(FILTER_PRESETS["lecture_horizontal"]))
    pad: str = "valid"
    stride: int = 1
    act: str = "none"
    filter_choice: str = "lecture_horizontal"  # the filter dropdown: a preset, or "custom" (not in the link)
    cell: int = 1  # the output cell the step-through shows, 1-based as y1 … on the slide (not in the link)
    playing: bool = False  # the window steps on by itself (play), from `cell` (not in the link)
    followed: ClassVar[tuple[str, ...]] = ("filter_choice", "cell", "playing")  # the window and play: a class follows them

    def __post_init__(self):
        object.__setattr__(self, "x", _frozen(self.x))
        object.__setattr__(self, "w", _frozen(np.asarray(self.w, dtype=float).reshape(3, 3)))

    @classmethod
    def from_link(cls, values: dict) -> Arithmetic:
        x, preset, arg = values["x"]
        return cls(x=x, x_preset=preset, x_arg=arg, w=values["w"], pad=values["pad"], stride=values["stride"],
                   act=values["act"], filter_choice=filter_preset_of(values["w"]))

    def to_link(self) -> dict[str, Any]:
        return {"x": (self.x, self.x_preset, self.x_arg), "w": self.w, "pad": self.pad, "stride": self.stride, "act": self.act}


ARITHMETIC = Link(
    Param("x", (FOUR_8X8, "four", 0), parse_input_spec, lambda v: input_spec(*v)),
    Param("w", FILTER_PRESETS["lecture_horizontal"], parse_weights, grid_to_text),
    choice("pad", PADDINGS, "valid"),
    choice("stride", (1, 2, 3), 1, parse=int),
    choice("act", ACTIVATIONS, "none"),
    record=Arithmetic,
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


def filter_set_of(w: np.ndarray) -> str:
    """The preset whose weights these are exactly, else "custom": a name never stands for other numbers."""
    for name, weights in _filter_set_presets(w.shape[0]):
        if np.array_equal(weights, w):
            return name
    return CUSTOM


@cache
def _filter_set_presets(size: int) -> tuple[tuple[str, np.ndarray], ...]:
    """Every preset at one size, made once (the random one draws from a generator): read-only."""
    presets = []
    for name in FILTER_SET_PRESETS:
        weights = filter_set_preset(name, size, len(CHANNEL_NAMES))
        weights.flags.writeable = False
        presets.append((name, weights))
    return tuple(presets)


@dataclass(frozen=True, eq=False)
class FilterSets(Setting):
    """§3: one filter set (k×k×3) and its bias, the digit and seed of the lecture's stack below, and what the
    page shows of it: the picture's source, the channel whose editor is open, the explained cell (1-based)."""

    k: int = 3
    fset: str = "horizontal"  # a preset's name, or "custom" after an edit
    w: np.ndarray = field(default_factory=lambda: _frozen(filter_set_preset("horizontal", 3, len(CHANNEL_NAMES))))
    b: float = 0.0
    digit: int = 4
    seed: int = 0
    source: str = "sample"  # the colour picture: the sample, or an upload (not in the link)
    channel: int = 0  # whose 3×3 editor is open (not in the link)
    row: int | None = None  # the explained cell, 1-based; None: the map's centre (not in the link)
    col: int | None = None
    followed: ClassVar[tuple[str, ...]] = ("channel", "row", "col")

    def __post_init__(self):
        object.__setattr__(self, "w", _frozen(self.w))

    @classmethod
    def from_link(cls, values: dict) -> FilterSets:
        k, name = values["k"], values["fset"]
        w = values["w"] if values["w"] is not None else filter_set_preset(name if name != CUSTOM else "horizontal", k)
        return cls(k=k, fset=filter_set_of(w), w=w, b=values["b"], digit=values["digit"], seed=values["seed"])

    def to_link(self) -> dict[str, Any]:
        custom = self.fset not in FILTER_SET_PRESETS
        return {"k": self.k, "fset": CUSTOM if custom else self.fset, "w": self.w if custom else None, "b": float(self.b),
                "digit": self.digit, "seed": self.seed}


FILTER_SETS = Link(
    choice("k", KERNEL_SIZES, 3, parse=int),
    choice("fset", (*FILTER_SET_PRESETS, "custom"), "horizontal"),
    Param("w", None, parse_set_weights, lambda w: ",".join(f"{v + 0.0:g}" for v in w.ravel()), uses=("k",)),
    number("b", -100.0, 100.0, 0.0, omit_default=True),
    integer("digit", 0, 9, 4),
    integer("seed", 0, 9999, 0, omit_default=True),
    record=FilterSets,
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


@dataclass(frozen=True, eq=False)
class Pooling(Setting):
    """§5: the pool size and stride, which map is pooled, the digit and pattern below, the window shown (and
    whether it plays) and the slide's map as the student edited it."""

    size: int = 2
    stride: int | None = None  # None: Keras' default, the pool size
    src: str = "slide"  # the slide's 6×6 map, or the map carried over from §4
    digit: int = 4
    filter: str = PATTERN_FILTERS[0]
    win: int = 1  # the window the step-through shows, 1-based (not in the link)
    playing: bool = False  # the window steps on by itself (play), from `win` (not in the link)
    slide_map: np.ndarray = field(default_factory=lambda: _frozen(POOLING_EXAMPLE_6X6))  # (not in the link)
    followed: ClassVar[tuple[str, ...]] = ("win", "playing", "slide_map")  # the window and play: a class follows them

    def __post_init__(self):
        object.__setattr__(self, "slide_map", _frozen(self.slide_map))


POOLING = Link(
    choice("size", POOL_SIZES, 2, parse=whole_number, omit_default=True),
    Param("stride", None, parse_pool_stride, lambda v: "auto" if v is None else str(v), omit_default=True),
    choice("src", POOL_SOURCES, "slide", omit_default=True),
    integer("digit", 0, 9, 4, omit_default=True),
    choice("filter", PATTERN_FILTERS, PATTERN_FILTERS[0], omit_default=True),
    record=Pooling,
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


MAX_COMPARE = 3  # stacks compared side by side in the lab
LAB_INPUTS = {"28x28x1": (28, 28, 1), "32x32x3": (32, 32, 3), "28x28": (28, 28)}  # the input choices; else "custom"


def lab_input_of(shape: tuple) -> str:
    """The lab's input choice for a shape: a named one, else "custom"."""
    return next((name for name, s in LAB_INPUTS.items() if s == tuple(shape)), CUSTOM)


@dataclass(frozen=True)
class Lab(Setting):
    """The layer-stack lab: the stack on its input shape, and up to MAX_COMPARE stacks (as link text) to compare."""

    stack: tuple[dict, ...] = field(default_factory=lambda: tuple(preset("two_conv")[0]))
    shape: tuple[int, ...] = (28, 28, 1)
    cmp: tuple[str, ...] = ()
    input_choice: str = "28x28x1"  # the input radio: a named shape or "custom" (not in the link)

    @classmethod
    def from_link(cls, values: dict) -> Lab:
        stack, shape = values["stack"]
        return cls(stack=tuple(dict(layer) for layer in stack), shape=tuple(shape), cmp=tuple(values["cmp"][:MAX_COMPARE]),
                   input_choice=lab_input_of(shape))

    def to_link(self) -> dict[str, Any]:
        return {"stack": (list(self.stack), self.shape), "cmp": list(self.cmp)}


LAB = Link(stack_param(preset("two_conv")), Param("cmp", (), parse_compared, many=True), record=Lab)

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


TRAINING_MODELS = ("lenet5", "two_conv", "two_conv_pool", "lab")  # what §6 trains (lab: a linked or the lab's stack)


@dataclass(frozen=True)
class Training(Setting):
    """§2 and §6: the training settings by link name; on §6 also which model, and a stack a link sent."""

    epochs: int
    batch: int
    opt: str
    lr: float
    sched: str
    scale: str
    n: int
    seed: int
    model: str = "lenet5"  # §6 (not in the link: a ?stack= means "lab")
    stack: tuple | None = None  # §6: (stack, input shape) from ?stack=, as the lab's "train this" link writes it
    followed: ClassVar[tuple[str, ...]] = ("model",)

    @classmethod
    def from_link(cls, values: dict) -> Training:
        settings = {name: values[name] for name in FIELDS}
        stack = values.get("stack")
        return cls(**settings, model="lab" if stack else "lenet5", stack=stack)

    def run_settings(self) -> dict[str, Any]:
        """The settings as RunConfig fields."""
        return {run_field: getattr(self, name) for name, run_field in FIELDS.items()}


@cache
def settings_link() -> Link:
    """§2's link: the training settings."""
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
        record=Training,
    )


STACK_LINK = Link(stack_param(None))  # ?stack=, as the layer-stack lab's "train this" link writes it


@cache
def lenet_link() -> Link:
    """§6's link: the training settings and ?stack= (a lab stack to train instead of LeNet-5)."""
    return Link(*settings_link().params, *STACK_LINK.params, record=Training)

# ---- §7 your own images: src, n, seed, epochs, model -------------------------------------------------

OWN_SOURCES = ("letters", "upload", "notmnist")
OWN_MODELS = ("lenet5", "lab")


@dataclass(frozen=True)
class OwnImages(Setting):
    """§7: where the pictures come from, the letters' count per class and seed, epochs, and which model."""

    src: str = "letters"
    n: int = 300
    seed: int = 0
    epochs: int = 5
    model: str = "lenet5"


OWN = Link(
    choice("src", OWN_SOURCES, "letters", omit_default=True),
    integer("n", 10, 2000, 300, omit_default=True),
    integer("seed", 0, 9_999, 0, omit_default=True),
    integer("epochs", 1, 20, 5, omit_default=True),
    choice("model", OWN_MODELS, "lenet5", omit_default=True),
    record=OwnImages,
)

# ---- §1 why convolution: nothing in the address ----------------------------------------------------


@dataclass(frozen=True)
class Why(Setting):
    """§1: the loop table (which example of each digit, the student's guesses, revealed or not) and the pattern
    finder (digit, pattern, overlay), kept while the student visits other pages."""

    examples: tuple[tuple[int, int], ...] = ()  # (digit, index of its example shown) once "another" was pressed
    guesses: tuple[tuple[str, int | None], ...] = ()  # ("8.top", 1): the student's guesses by digit and part
    revealed: bool = False
    digit: int = 4
    pattern: str = PATTERN_FILTERS[0]
    overlay: bool = False
    followed: ClassVar[tuple[str, ...]] = ("revealed", "digit", "pattern", "overlay")  # the guesses stay the student's

    def example(self, digit: int, first: int) -> int:
        return dict(self.examples).get(digit, first)

    def guess(self, name: str) -> int | None:
        return dict(self.guesses).get(name)


WHY = Link(record=Why)

# ---- by page ---------------------------------------------------------------------------------------


@cache
def page_links() -> dict[str, Link | None]:
    """Page path → its Link (None: the page keeps no setting in its address). §6 reads the settings and
    ?stack=; the command line lets §7 take ?stack= too (what the page takes from the lab's session)."""
    return {**setting_links(), "why-convolution": None, "own-images": Link(*OWN.params, *STACK_LINK.params)}


@cache
def setting_links() -> dict[str, Link]:
    """Page path → the Link of the record the page keeps (what class mode publishes and follows for it)."""
    return {
        "why-convolution": WHY,
        "filter-sets": FILTER_SETS,
        "convolution-arithmetic": ARITHMETIC,
        "max-pooling": POOLING,
        "layer-stack-lab": LAB,
        "conv2d-in-keras": settings_link(),
        "lenet-5": lenet_link(),
        "own-images": OWN,
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
