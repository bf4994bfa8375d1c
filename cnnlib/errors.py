"""Messages as codes with parameters: cnnlib says WHAT happened, words/<domain>.py says it in words.

>>> class ShapeError(LessonError):
...     domain = "shape_errors"
...     codes = {"too_small": ("size",)}
>>> err = ShapeError("too_small", size=2)
>>> err.key, err.params
('shape_errors.too_small', {'size': 2})

Every subclass declares the codes it can raise and the parameters each one's message uses, so a
test can check that every code has words in every language of the catalogue (tests/test_errors.py).
"""

from __future__ import annotations

from typing import ClassVar


def _check(obj, code: str, params) -> None:
    expected = obj.codes.get(code)
    if expected is None or set(expected) != set(params):
        raise TypeError(f"{type(obj).__name__}: undeclared code or parameters: {code!r} {sorted(params)}")


class Coded:
    """A report that is not an error (a notice, a skipped file, a piece of generated code's words).

    Subclasses are frozen dataclasses with ``code`` and ``params`` (a field or a property); like a
    ``LessonError`` they declare ``domain`` and ``codes``, and ``key`` names their words.
    """

    domain: ClassVar[str] = ""
    codes: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __post_init__(self):
        _check(self, self.code, self.params)

    @property
    def key(self) -> str:
        return f"{self.domain}.{self.code}"


class LessonError(ValueError):
    """An input or run the lecture's maths cannot use; ``key`` + ``params`` name the message to show."""

    domain: ClassVar[str] = ""  # the catalogue module with the words: words/<domain>.py
    codes: ClassVar[dict[str, tuple[str, ...]]] = {}  # code -> the parameters its message takes

    def __init__(self, code: str, /, **params):
        _check(self, code, params)
        super().__init__(f"{code} {params}")
        self.code, self.params = code, params

    @property
    def key(self) -> str:
        return f"{self.domain}.{self.code}"
