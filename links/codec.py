"""The link codec, without Streamlit: a page's address parameters read and written as plain values.

>>> link = Link(choice("pad", ("valid", "same"), "valid"), integer("seed", 0, 9, 0, omit_default=True))
>>> link.decode({"pad": "same", "seed": "x"})
({'pad': 'same', 'seed': 0}, ['seed'])
>>> link.encode({"pad": "same", "seed": 0})
{'pad': 'same', 'seed': None}

``decode`` is pure (a plain dict of strings in, values and the refused parameters out): a missing
parameter takes its default, one that cannot be read takes its default too and is named in the
one notice for a bad link. ``encode`` gives each parameter's text, None where it is left out.

A page's whole setting is one typed record, a frozen ``Setting`` dataclass: ``link.read(query)`` decodes
the address into the page's record (``record=`` of the ``Link``), ``link.write(record)`` gives its texts.
Each page's record and ``Link`` are declared in links/pages.py, which the command line (``python -m cnnlib
notebook``) reads too; the pages keep their record in the session through ui/page_setting.py.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

# Numbers in ASCII only: "²".isdigit() is True but int("²") fails, and int("٣") / float("１") read
# other scripts' digits; a link is written by this app, so anything else is refused (re.ASCII: \s too).
_INTEGER = re.compile(r"\s*[+-]?[0-9]{1,19}\s*", re.ASCII)
_NUMBER = re.compile(r"\s*[+-]?([0-9]{1,19}(\.[0-9]{0,19})?|\.[0-9]{1,19})([eE][+-]?[0-9]{1,3})?\s*", re.ASCII)


def whole_number(text: str) -> int:
    """An integer written in ASCII digits; ValueError for anything else (superscripts, other scripts)."""
    if not isinstance(text, str) or not _INTEGER.fullmatch(text):
        raise ValueError(text)
    return int(text)


def decimal_number(text: str) -> float:
    """A finite number written in ASCII ("2.5", "-1", "1e-3"); ValueError for anything else ("nan", "１")."""
    if not isinstance(text, str) or not _NUMBER.fullmatch(text):
        raise ValueError(text)
    return float(text)


@dataclass(frozen=True)
class Adjusted:
    """A parser's answer for text it could use only after changing it (e.g. clamped into range):
    the value is kept, and the parameter is still named in the notice."""

    value: Any


@dataclass(frozen=True)
class Param:
    """One URL parameter: its name, its default, how to read it and how to write it.

    ``parse(text, **uses)`` returns the value (or ``Adjusted``) and raises ValueError to refuse;
    ``uses`` names earlier parameters whose values it needs (a filter's size for its weights).
    ``many``: a repeated parameter (``?cmp=a&cmp=b``), a list whose readable items are kept (its
    default is always the empty list).
    """

    name: str
    default: Any
    parse: Callable[..., Any] = str
    format: Callable[[Any], str] = str
    omit_default: bool = False  # leave the parameter out of the address while it has its default
    many: bool = False
    uses: tuple[str, ...] = ()


def choice(name: str, options: Sequence, default, *, parse: Callable[[str], Any] = str,
           format: Callable[[Any], str] = str, omit_default: bool = False) -> Param:
    """One of `options`; `parse` turns the text into an option first (int, float)."""
    allowed = tuple(options)

    def read(text: str):
        value = parse(text)
        if value not in allowed:
            raise ValueError(text)
        return value

    return Param(name, default, read, format, omit_default)


def integer(name: str, low: int, high: int, default: int, *, omit_default: bool = False) -> Param:
    """A whole number from `low` to `high` (inclusive), written in ASCII digits."""

    def read(text: str) -> int:
        value = whole_number(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return Param(name, default, read, str, omit_default)


def number(name: str, low: float, high: float, default: float, *, omit_default: bool = False) -> Param:
    """A finite number from `low` to `high`, written as short as it goes ('2.5', '-1')."""

    def read(text: str) -> float:
        value = decimal_number(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return Param(name, default, read, lambda v: f"{v:g}", omit_default)


def _same(value, default) -> bool:
    plain = (str, int, float, bool, tuple, type(None))
    return isinstance(value, plain) and isinstance(default, plain) and value == default


@dataclass(frozen=True)
class Setting:
    """A page's setting as one typed record. Fields named as the link's parameters are read from and
    written to the address; other fields (what the page shows, not what a link shares) keep their
    defaults when a link is read. A record that holds a value that is not plain (an array) overrides
    ``from_link``/``to_link`` or is compared through its texts (``Link.write``).

    ``followed`` names the fields beyond the link that a class follows when its teacher shows the page
    (the window step, §3's channel): ``shown()`` gives them as plain JSON values, ``showing(values)`` takes them."""

    followed: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_link(cls, values: Mapping[str, Any]):
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{name: value for name, value in values.items() if name in names})

    def to_link(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def but(self, **changes):
        """This setting with some fields changed."""
        return dataclasses.replace(self, **changes)

    def shown(self) -> dict[str, Any]:
        """The followed fields as plain JSON values (arrays and tuples as lists)."""
        return {name: _plain(getattr(self, name)) for name in self.followed}

    def showing(self, values: Mapping[str, Any]):
        """This setting with the followed fields a teacher shows (others in `values` are ignored)."""
        return self.but(**{name: values[name] for name in self.followed if name in values})


def _plain(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


class Link:
    """The parameters of one page's address, in the order the notice names them, and the page's record."""

    def __init__(self, *params: Param, record: type[Setting] | None = None):
        self.params = params
        self.record = record

    def read(self, query: Mapping[str, str | Sequence[str]]) -> tuple[Setting, list[str]]:
        """(the page's record from the address, names of the parameters that could not be read)."""
        values, refused = self.decode(query)
        return self.record.from_link(values), refused

    def write(self, record: Setting) -> dict[str, str | list[str] | None]:
        """The record's parameters as the address's texts (``encode``)."""
        return self.encode(record.to_link())

    def default(self) -> Setting:
        """The page's record when its address says nothing."""
        return self.read({})[0]

    def decode(self, query: Mapping[str, str | Sequence[str]]) -> tuple[dict[str, Any], list[str]]:
        """(values by parameter name, names of the parameters that could not be read)."""
        values: dict[str, Any] = {}
        refused: list[str] = []
        for param in self.params:
            raw = query.get(param.name)
            texts = [] if raw is None else [raw] if isinstance(raw, str) else list(raw)
            uses = {name: values[name] for name in param.uses}
            if param.many:
                items, bad = [], False
                for text in texts:
                    value, ok = _parse(param, text, uses)
                    bad |= not ok
                    if value is not _REFUSED:
                        items.append(value)
                values[param.name] = items
            elif texts:
                value, ok = _parse(param, texts[-1], uses)  # a repeated single parameter: the last one wins
                bad = not ok
                values[param.name] = param.default if value is _REFUSED else value
            else:
                bad = False
                values[param.name] = param.default
            if bad:
                refused.append(param.name)
        return values, refused

    def encode(self, values: Mapping[str, Any]) -> dict[str, str | list[str] | None]:
        """Each parameter's text for the address; None: leave it out (no value, or the default kept out)."""
        out: dict[str, str | list[str] | None] = {}
        for param in self.params:
            value = values.get(param.name, param.default)
            if param.many:
                out[param.name] = [param.format(v) for v in value]
            elif value is None or (param.omit_default and _same(value, param.default)):
                out[param.name] = None
            else:
                out[param.name] = param.format(value)
        return out


_REFUSED = object()


def _parse(param: Param, text: str, uses: dict) -> tuple[Any, bool]:
    """(value or _REFUSED, whether the text was read as it stands)."""
    try:
        value = param.parse(text, **uses)
    except (ValueError, TypeError, OverflowError):
        return _REFUSED, False
    if isinstance(value, Adjusted):
        return value.value, False
    return value, True
