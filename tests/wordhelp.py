"""Words in tests: a coded report in one language, a message's placeholders, Hangul."""

from __future__ import annotations

import re

from words import words

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def lang_words(lang: str):
    """What ui.i18n.message shows in lang for a coded report, its position (``where``) in front."""
    return lambda coded: words(coded, lang)


def placeholders(text: str) -> set[str]:
    """{name}, {name:,} and {name!r} all name the parameter `name`."""
    return set(re.findall(r"{(\w+)(?:[!:][^}]*)?}", text))
