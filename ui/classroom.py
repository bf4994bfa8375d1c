"""Class mode (issue 11): the teacher leads, students follow, and the class answers questions.

The router calls ``start()`` (read ?class= / ?teacher=), ``sidebar()`` and ``after_page(page)``;
pages call ``question(...)`` where the slide asks one. This file is being written (issue 11): until
then the hooks do nothing and ``question`` draws nothing.
"""

from __future__ import annotations


def start() -> None:
    """A session's run begins: who is this session in a class (teacher, follower, alone)."""


def sidebar() -> None:
    """The class's sidebar: the teacher's code, QR and count; a follower's follow/explore switch."""


def after_page(page) -> None:
    """The page has run: a teacher publishes what it shows (the page and its link state)."""


def question(qid: str, answer: float | None, *, prompt: str, unit: str = "", lo: float = 0.0,
             hi: float = 1e9, step: float = 1.0, digits: int = 0) -> None:
    """Predict, then reveal: the slide's question `prompt`, whose computed `answer` (None: not known
    yet, e.g. before training) is shown after the reveal, next to the class's answers.

    qid names the question on its page ("arith.size", "arith.y20", "pool.params", ...).
    """
