"""Every page's exact setting as a runnable Jupyter notebook (issue 12).

>>> nb = build("convolution-arithmetic", {"pad": "same"}, words)      # doctest: +SKIP
>>> nbformat.write(nb, "arithmetic.ipynb")                            # doctest: +SKIP

``build(page, settings, words)``: `page` is the router's path (``PAGES``); `settings` a plain dict
of the page's values as its link decodes them (missing names take the page's defaults, the
slide's setting; ``defaults(page)`` lists them); `words` turns each ``NotebookText`` into text
(a page passes ``ui.i18n.message``, the command line ``lambda c: words.words(c, lang)``).
A setting the notebook cannot express raises a ``LessonError`` (``NotebookError``, or the
``StackError`` of a layer stack) before anything is built, never a notebook that fails halfway.

The notebooks import no project code (they run on a fresh Colab) and leave the page's result in
a variable named as on the slide (``RESULTS``): tests/test_notebooks*.py run them and compare.
"""

from __future__ import annotations

from notebooks import arithmetic, filters, own_images, pooling, stacks, training, why
from notebooks.cells import PAGES, NotebookError, NotebookText, Words, Writer, merged

__all__ = ["PAGES", "RESULTS", "NotebookError", "NotebookText", "build", "check", "defaults", "filename"]

_MODULES = {
    "why-convolution": why,
    "filter-sets": filters,
    "convolution-arithmetic": arithmetic,
    "max-pooling": pooling,
    "conv2d-in-keras": training,
    "layer-stack-lab": stacks,
    "lenet-5": training,
    "own-images": own_images,
}
# The variables a notebook leaves behind, run top to bottom (the contract tests check).
RESULTS = {
    "why-convolution": ("feature_map",),
    "filter-sets": ("feature_map", "maps"),
    "convolution-arithmetic": ("y",),
    "max-pooling": ("pooled", "pooled_digit"),
    "conv2d-in-keras": ("model", "history"),
    "layer-stack-lab": ("model",),
    "lenet-5": ("model", "history"),
    "own-images": ("model", "history"),
}
EPOCHS_VARIABLE = "NOTEBOOK_EPOCHS"  # §2, §6, §7: at most this many epochs (tests: 1)
IMAGES_VARIABLE = "NOTEBOOK_IMAGES"  # §2, §6, §7: at most this many training images (tests: a few hundred)


def _module(page: str):
    if page not in _MODULES:
        raise NotebookError("unknown_page", page=str(page)[:80], known=", ".join(PAGES))
    return _MODULES[page]


def defaults(page: str) -> dict:
    """The page's settings when its link says nothing: the slide's setting."""
    return _module(page).defaults(page)


def check(page: str, settings: dict | None) -> dict:
    """The settings `build` would use (defaults filled in); LessonError if the notebook cannot express them.

    Cheap (well under a millisecond): a page checks on every rerun and builds only when asked."""
    module = _module(page)
    aliases = getattr(module, "ALIASES", {})
    settings = {aliases.get(name, name): value for name, value in (settings or {}).items()}
    return module.check(page, merged(settings, module.defaults(page)))


def build(page: str, settings: dict | None, words: Words):
    """The notebook (``nbformat.NotebookNode``, v4) for `page` with `settings`; LessonError if it cannot be expressed."""
    import nbformat.v4 as v4

    module = _module(page)
    values = check(page, settings)  # every refusal happens here
    w = Writer(words)
    module.write(page, values, w)
    cells = [v4.new_markdown_cell(src) if kind == "markdown" else v4.new_code_cell(src) for kind, src in w.cells]
    for i, cell in enumerate(cells):
        cell.id = f"cell-{i}"  # nbformat draws random ids: the same setting must give the same file
    nb = v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python", "pygments_lexer": "ipython3"},
        },
    )
    return nb


def to_bytes(nb) -> bytes:
    """The notebook as the .ipynb file's bytes (for a download button)."""
    import nbformat

    nbformat.validate(nb)
    return nbformat.writes(nb).encode("utf-8")


def filename(page: str) -> str:
    """The download's file name: ``convolution-arithmetic.ipynb``."""
    _module(page)
    return f"{page}.ipynb"
