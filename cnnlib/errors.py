"""One error type for inputs the lecture's maths cannot use, with its message in Korean and English."""

from __future__ import annotations


class LessonError(ValueError):
    """An input that cannot be used; carries the message a page shows, in both languages.

    >>> LessonError(ko="커널이 특징맵보다 큽니다", en="kernel larger than the map").text("en")
    'kernel larger than the map'
    """

    def __init__(self, ko: str, en: str):
        super().__init__(en)
        self.ko = ko
        self.en = en

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en
