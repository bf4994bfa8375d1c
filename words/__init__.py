"""The string catalogue: every module in this package defines STRINGS = {key: {"ko": ..., "en": ...}}.

One module per page (plus `common`), so pages never fight over one big file. Keys are
prefixed with the module's name (``arithmetic.title``), checked by tests/test_i18n.py.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil


def load_catalogue() -> dict[str, dict[str, str]]:
    catalogue: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, texts in module.STRINGS.items():
            if key in catalogue:
                raise KeyError(f"duplicate string key {key!r} in words/{info.name}.py")
            catalogue[key] = texts
    return catalogue


def words(coded, lang: str, catalogue: dict[str, dict[str, str]] | None = None) -> str:
    """A report cnnlib made as a code (an error, a notice, a skipped file) in words, in `lang`.

    ``coded.key`` names the entry (``<domain>.<code>``), ``coded.params`` fills it in, and
    ``coded.where``, when present and not None, is another coded report put in front of it.
    Plain data, no Streamlit: the pages (ui.i18n.message) and the command line both use it.
    """
    catalogue = catalogue if catalogue is not None else _catalogue()
    texts = catalogue.get(coded.key)
    text = texts[lang].format(**coded.params) if texts else f"⟨{coded.key}⟩"
    where = getattr(coded, "where", None)
    return words(where, lang, catalogue) + text if where is not None else text


@functools.cache
def _catalogue() -> dict[str, dict[str, str]]:
    return load_catalogue()
