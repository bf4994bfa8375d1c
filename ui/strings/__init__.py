"""The string catalogue: every module in this package defines STRINGS = {key: {"ko": ..., "en": ...}}.

One module per page (plus `common`), so pages never fight over one big file. Keys are
prefixed with the module's name (``arithmetic.title``), checked by tests/test_i18n.py.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_catalogue() -> dict[str, dict[str, str]]:
    catalogue: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, texts in module.STRINGS.items():
            if key in catalogue:
                raise KeyError(f"duplicate string key {key!r} in ui/strings/{info.name}.py")
            catalogue[key] = texts
    return catalogue
