"""cnnlib, services and notebooks report codes with parameters; words has the words: every code, in every language."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import cnnlib
import notebooks
import services
from cnnlib.errors import LessonError
from tests.wordhelp import HANGUL, placeholders
from words import load_catalogue

ROOT = Path(__file__).resolve().parent.parent


WORDLESS = (cnnlib, services, notebooks)  # the folders that report codes and have no words of their own


def coded_classes() -> list[type]:
    """Every class below words/ that declares message codes (errors, notices, skipped-file reasons)."""
    found = {}
    for package in WORDLESS:
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == info.name and getattr(cls, "codes", None) and getattr(cls, "domain", ""):
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def test_every_code_has_words_in_every_language_with_its_parameters():
    catalogue = load_catalogue()
    classes = coded_classes()
    assert any(issubclass(cls, LessonError) for cls in classes)
    assert {"services.settings", "services.class_store", "notebooks.cells", "cnnlib.dataset"} <= {c.__module__ for c in classes}
    missing, wrong = [], []
    for cls in classes:
        for code, params in cls.codes.items():
            key = f"{cls.domain}.{code}"
            texts = catalogue.get(key)
            if texts is None:
                missing.append(key)
                continue
            for lang in ("ko", "en"):
                if placeholders(texts[lang]) != set(params):
                    wrong.append((key, lang, sorted(placeholders(texts[lang])), sorted(params)))
    assert not missing, missing
    assert not wrong, wrong


def test_every_message_formats_with_its_parameters():
    catalogue = load_catalogue()
    for cls in coded_classes():
        for code, params in cls.codes.items():
            for lang in ("ko", "en"):
                text = catalogue[f"{cls.domain}.{code}"][lang]
                text.format(**{name: 1 for name in params})  # numbers may carry {n:,}


def test_an_undeclared_code_or_parameter_is_refused():
    class ShapeError(LessonError):
        domain = "shape_errors"
        codes = {"too_small": ("size",)}

    assert ShapeError("too_small", size=3).key == "shape_errors.too_small"
    with pytest.raises(TypeError):
        ShapeError("too_big", size=3)
    with pytest.raises(TypeError):
        ShapeError("too_small", width=3)


def test_only_words_has_hangul():
    """Words live in words/: adding a language never means editing the maths, the services or a link."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("cnnlib", "services", "links", "notebooks")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if HANGUL.search(line)
    ]
    assert not offenders, offenders
