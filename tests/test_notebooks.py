"""notebooks: every page builds a valid notebook in both languages, refuses what it cannot express
before building, imports no project code. tests/test_notebooks_*.py execute them (tests/notebookhelp.py)."""

from __future__ import annotations

import ast
import re

import nbformat
import numpy as np
import pytest

from cnnlib.errors import LessonError
from notebooks import PAGES, RESULTS, NotebookError, NotebookText, build, defaults, filename, to_bytes
from tests.notebookhelp import code_of, lang_words
from tests.wordhelp import HANGUL
from words import words

# ---- building ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_builds_a_valid_notebook_with_a_python_kernel(page, lang):
    nb = build(page, None, lang_words(lang))
    nbformat.validate(nb)
    assert nb.nbformat == 4 and nb.metadata.kernelspec.name == "python3" and nb.metadata.language_info.name == "python"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert nbformat.reads(to_bytes(nb).decode("utf-8"), as_version=4) == nb
    assert filename(page) == f"{page}.ipynb"
    assert to_bytes(build(page, None, lang_words(lang))) == to_bytes(nb)  # the same setting, the same file
    text = "\n".join(cell.source for cell in nb.cells)
    assert "⟨" not in text  # every piece of words found in the catalogue
    for name in RESULTS[page]:
        assert re.search(rf"^\s*([\w ]+, *)*{name}\b[^=\n]*=", code_of(nb), re.M), name  # the contract's variables are assigned
    if lang == "en":  # the only Hangul of an English notebook: the lecture's variable names
        assert set(HANGUL.findall(text)) <= set("독립종속"), page


@pytest.mark.parametrize("page", PAGES)
def test_code_imports_no_project_code_and_has_no_slide_typos(page):
    code = code_of(build(page, None, lang_words("ko")))
    tree = ast.parse(code)
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"numpy", "pandas", "tensorflow", "matplotlib", "os", "glob", "tarfile", "zipfile", "urllib", "PIL"}
    assert "scategorical" not in code and "'swis'" not in code


def test_notebooks_ask_only_for_declared_words():
    asked = []
    variants = [(page, None) for page in PAGES] + [
        ("convolution-arithmetic", {"pad": "same", "act": "relu"}),
        ("lenet-5", {"scale": "raw"}),
        ("own-images", {"src": "upload"}),
    ]
    for page, settings in variants:
        build(page, settings, lambda coded: asked.append(coded) or coded.code)
    assert all(isinstance(c, NotebookText) and set(c.params) == set(NotebookText.codes[c.code]) for c in asked)
    unused = set(NotebookText.codes) - {c.code for c in asked}
    assert not unused, unused


@pytest.mark.parametrize(
    ("page", "settings", "code"),
    [
        ("no-such-page", {}, "unknown_page"),
        ("max-pooling", {"colour": 1}, "unknown_setting"),
        ("max-pooling", {"size": 4}, "bad_setting"),
        ("max-pooling", {"map": [[1.0, 2.0]]}, "bad_setting"),
        ("max-pooling", {"map": [[1.0, float("nan")], [1.0, 2.0]]}, "bad_setting"),
        ("convolution-arithmetic", {"stride": 0}, "bad_setting"),
        ("convolution-arithmetic", {"act": "tanh"}, "bad_setting"),
        ("convolution-arithmetic", {"x": "four"}, "bad_setting"),
        ("convolution-arithmetic", {"w": np.full((3, 3), 11.0)}, "bad_setting"),
        ("filter-sets", {"k": 3, "w": np.zeros((5, 5, 3))}, "bad_setting"),
        ("why-convolution", {"digit": 10}, "bad_setting"),
        ("why-convolution", {"digit": True}, "bad_setting"),
        ("lenet-5", {"epochs": 0}, "bad_setting"),
        ("lenet-5", {"opt": "adagrad"}, "bad_setting"),
        ("lenet-5", {"model": "lab"}, "bad_setting"),
        (
            "lenet-5",
            {"model": "lab", "stack": ([{"type": "Flatten"}, {"type": "Dense", "units": 7}], (28, 28, 1))},
            "cannot_train",
        ),
        ("own-images", {"archive": "../etc/passwd.zip"}, "bad_setting"),
        ("own-images", {"model": "lab", "stack": [{"type": "Dense", "units": 4}]}, "cannot_train"),
        ("own-images", {"epochs": 21}, "bad_setting"),
    ],
)
def test_what_a_notebook_cannot_express_is_refused_before_building(page, settings, code):
    with pytest.raises(NotebookError) as err:
        build(page, settings, lambda c: pytest.fail("nothing may be built"))
    assert err.value.code == code
    assert "⟨" not in words(err.value, "ko") and "⟨" not in words(err.value, "en")


@pytest.mark.parametrize(
    "stack",
    [
        [{"type": "Conv3D", "filters": 2}],  # an unknown layer
        [{"type": "Conv2D", "filters": 2, "kernel_size": 40}],  # beyond the lab's limits
        [{"type": "MaxPool2D", "pool_size": 29}],  # Keras cannot build it
        "Conv2D(3)",  # not a list
    ],
)
def test_a_stack_keras_cannot_build_raises_its_coded_stack_error(stack):
    for page, settings in (
        ("layer-stack-lab", {"stack": (stack, (28, 28, 1))}),
        ("lenet-5", {"model": "lab", "stack": (stack, (28, 28, 1))}),
        ("own-images", {"model": "lab", "stack": stack}),
    ):
        with pytest.raises(LessonError) as err:
            build(page, settings, lambda c: pytest.fail("nothing may be built"))
        assert "⟨" not in words(err.value, "en"), (page, err.value.key)


def test_defaults_are_the_slides_settings():
    assert defaults("convolution-arithmetic")["pad"] == "valid" and defaults("max-pooling")["size"] == 2
    assert defaults("lenet-5")["model"] == "lenet5" and "model" not in defaults("conv2d-in-keras")
    with pytest.raises(NotebookError):
        defaults("nope")
