"""What every notebook is made of: its words by code (``NotebookText``), its errors, literals, the MNIST cell.

cnnlib has no words: every Markdown paragraph and code comment is a ``NotebookText`` (domain
"notebook") that the caller's ``words`` callable turns into the page's language
(words/notebook.py has them). Refusals are ``NotebookError`` (domain "notebook_errors").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from cnnlib.errors import Coded, LessonError

PAGE_CODES = ("title", "about")  # every page: a heading and the section's explanation
PAGES = ("why-convolution", "filter-sets", "convolution-arithmetic", "max-pooling", "conv2d-in-keras",
         "layer-stack-lab", "lenet-5", "own-images")


def _page_codes() -> dict[str, tuple[str, ...]]:
    return {f"{kind}_{page.replace('-', '_')}": () for page in PAGES for kind in PAGE_CODES}


@dataclass(frozen=True)
class NotebookText(Coded):
    """One piece of a notebook's words, by code: a Markdown paragraph, a comment, a printed line."""

    domain: ClassVar[str] = "notebook"
    codes: ClassVar[dict[str, tuple[str, ...]]] = {
        **_page_codes(),
        "made_from": ("page",),  # where the notebook came from
        "contract": ("names",),  # which variables hold the page's result
        "independent": (),  # the lecture's (Korean) variable name for the images, "independent"
        "dependent": (),  # ... and for the one-hot labels, "dependent"
        # MNIST (§2, §6)
        "mnist_data": ("file",),
        "mnist_sample": ("file",),
        "mnist_keras": (),
        "subset": ("n",),
        # §1
        "why_digit": ("digit",),
        "why_filter": ("pattern",),
        "why_keras": (),
        "why_strongest": (),
        # §3
        "filters_picture": ("shape",),
        "filters_set": ("shape",),
        "filters_keras": (),
        "filters_sum": (),
        "filters_stack": ("seed",),
        "filters_glorot": (),
        # §4
        "arith_input": ("shape",),
        "arith_filter": ("shape",),
        "arith_loop": ("pad", "stride"),
        "arith_padding": (),
        "arith_activation": ("act",),
        "arith_keras": (),
        "arith_same": (),
        # §5
        "pool_map": ("shape",),
        "pool_loop": ("size", "stride"),
        "pool_keras": (),
        "pool_same": (),
        "pool_digit": ("digit", "pattern"),
        # stacks and training (§2, lab, §6, §7)
        "stack_model": (),
        "stack_total": ("total",),
        "train_settings": (),
        "train_epochs": ("variable",),
        "train_scaling_scaled": (),
        "train_scaling_raw": (),
        "train_fit": (),
        "train_curves": (),
        "train_test": (),
        # §7
        "own_data": ("archive", "url"),
        "own_letters": (),
        "own_download": (),
        "own_missing": (),
        "own_read": (),
        "own_skipped": (),
        "own_split": (),
    }

    code: str
    params: dict = field(default_factory=dict)


class NotebookError(LessonError):
    """A setting a notebook cannot express: refused before anything is built."""

    domain = "notebook_errors"
    codes = {
        "unknown_page": ("page", "known"),
        "unknown_setting": ("name", "known"),
        "bad_setting": ("name", "value"),
        "cannot_train": ("shape", "output", "classes"),
        "bad_query": ("what", "known"),  # the command line's --query: names the page's link cannot read
        "cannot_write": ("path", "reason"),  # the command line's -o
    }


Words = Callable[[NotebookText], str]


class Writer:
    """The cells of one notebook under construction, each piece of words asked of ``words`` once."""

    def __init__(self, words: Words):
        self.words = words
        self.cells: list[tuple[str, str]] = []  # ("markdown" | "code", source)

    def say(self, code: str, **params) -> str:
        return self.words(NotebookText(code, params))

    def md(self, *parts: str) -> None:
        self.cells.append(("markdown", "\n\n".join(parts)))

    def code(self, *lines: str) -> None:
        self.cells.append(("code", "\n".join(lines).strip("\n")))

    def comment(self, code: str, **params) -> str:
        return "# " + " ".join(self.say(code, **params).splitlines())


def number(v: float) -> str:
    """A number as Python reads it back exactly: whole numbers without '.0', others by repr."""
    v = float(v)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _inline(a: np.ndarray) -> str:
    if a.ndim == 0:
        return number(a)
    return "[" + ", ".join(_inline(item) for item in a) + "]"


def literal(a) -> str:
    """A numpy array as a nested list literal (numbers exact): one line per item of the first axis."""
    a = np.asarray(a)
    if a.ndim <= 1:
        return _inline(a)
    return "[\n" + "".join(f"    {_inline(item)},\n" for item in a) + "]"


def header(w: Writer, page: str, result_names: str) -> None:
    key = page.replace("-", "_")
    w.md(f"# {w.say('title_' + key)}", w.say("about_" + key), w.say("made_from", page=page),
         w.say("contract", names=result_names))


def mnist_cells(w: Writer, x: str, y: str) -> None:
    """The lecture's MNIST, or the shipped sample file when it sits next to the notebook (offline)."""
    sample = "mnist-sample-10k.npz"
    w.md(w.say("mnist_data", file=sample))
    w.code(
        "import os",
        "",
        f"if os.path.exists('{sample}'):",
        f"    data = np.load('{sample}')",
        f"    ({x}, {y}), ({x}_test, {y}_test) = (data['x_train'], data['y_train']), (data['x_test'], data['y_test'])",
        f"    print({w.say('mnist_sample', file=sample)!r})",
        "else:",
        f"    ({x}, {y}), ({x}_test, {y}_test) = tf.keras.datasets.mnist.load_data()",
        f"    print({w.say('mnist_keras')!r})",
        f"print({x}.shape, {y}.shape, {x}_test.shape, {y}_test.shape)",
    )


def check_choice(settings: dict, name: str, options) -> None:
    if settings[name] not in tuple(options):
        raise NotebookError("bad_setting", name=name, value=repr(settings[name])[:80])


def check_int(settings: dict, name: str, low: int, high: int) -> int:
    value = settings[name]
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise NotebookError("bad_setting", name=name, value=repr(value)[:80])
    return int(value)


def check_number(settings: dict, name: str, low: float, high: float) -> float:
    value = settings[name]
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or not low <= value <= high:
        raise NotebookError("bad_setting", name=name, value=repr(value)[:80])
    return float(value)


def check_array(settings: dict, name: str, ndim: int, low: float, high: float, max_side: int = 64) -> np.ndarray:
    """A finite numeric array of `ndim` dimensions, each side 1..max_side, values in [low, high]."""
    try:
        a = np.asarray(settings[name], dtype=float)
    except (TypeError, ValueError):
        raise NotebookError("bad_setting", name=name, value=repr(settings[name])[:80]) from None
    if a.ndim != ndim or not all(1 <= s <= max_side for s in a.shape) or not np.all(np.isfinite(a)) \
            or a.min() < low or a.max() > high:
        raise NotebookError("bad_setting", name=name, value=f"array{a.shape}")
    return a


def merged(settings: dict | None, defaults: dict) -> dict:
    """The page's defaults with the given settings on top; a name the page does not know is refused."""
    settings = dict(settings or {})
    for name in settings:
        if name not in defaults:
            raise NotebookError("unknown_setting", name=str(name)[:80], known=", ".join(defaults))
    return {**defaults, **settings}


def code_span(text: str) -> str:
    """Text as a Markdown code span whatever it holds (a folder or file name from an upload): the fence is one
    backtick longer than the longest run of backticks inside, so nothing breaks out and no HTML is read."""
    text = " ".join(str(text).splitlines())
    run, longest = 0, 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
