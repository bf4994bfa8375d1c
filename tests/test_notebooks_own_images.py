"""§7 notebooks read a zip (or tar.gz) of class folders next to them, offline, label = folder name, skip what
cannot be read, and train the page's model: ``model`` (one output per class) and ``history``."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnnlib.architecture import count_params, preset, with_classes
from notebooks import build
from tests.notebookhelp import NETWORK_BLOCK, code_of, lang_words, run_notebooks

LAB = [{"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"}, {"type": "MaxPool2D"}, {"type": "Flatten"}]


def png(array: np.ndarray, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, format=fmt)
    return out.getvalue()


def class_files(classes: tuple[str, ...], per_class: int, seed: int) -> dict[str, bytes]:
    """Pictures per class folder: grey 28×28 PNGs, an RGB JPEG of another size, one broken file, a macOS leftover."""
    rng = np.random.default_rng(seed)
    files: dict[str, bytes] = {}
    for k, name in enumerate(classes):
        for i in range(per_class):
            img = rng.integers(0, 60, (28, 28)).astype(np.uint8)
            img[4 + 6 * k: 8 + 6 * k, 4:24] = 255  # each class has its bar
            files[f"letters/{name}/{i}.png"] = png(img)
        files[f"letters/{name}/big.jpg"] = png(rng.integers(0, 256, (40, 30, 3)).astype(np.uint8), "JPEG")
    files[f"letters/{classes[0]}/broken.png"] = b"not a picture"
    files[f"__MACOSX/letters/{classes[0]}/._0.png"] = b"\x00\x05\x16\x07"
    return files


def write_zip(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)


def write_tar(path: Path, files: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))


@pytest.mark.slow  # three notebooks train
@pytest.mark.tf
def test_the_notebooks_read_class_folders_and_train(tmp_path):
    write_zip(tmp_path / "우리 반 그림.zip", class_files(("cat", "dog", "fish"), 12, 0))  # the upload's own name
    write_tar(tmp_path / "notMNIST_small.tar.gz", class_files(("A", "B"), 10, 1))  # present: nothing to download
    cases = [({"src": "upload", "archive": "우리 반 그림.zip"}, 3, preset("lenet5")[0]),
             ({"src": "letters", "model": "lab", "stack": (LAB, (28, 28, 1)), "seed": 3}, 2, LAB),
             ({"src": "notmnist", "model": "lab", "stack": LAB, "epochs": 2}, 2, LAB)]
    jobs = [(build("own-images", s, lang_words(("ko", "en")[i % 2])), ("model", "history", "class_names", "skipped", "labels"))
            for i, (s, _, _) in enumerate(cases)]
    results = run_notebooks(tmp_path, jobs, env={"NOTEBOOK_EPOCHS": "1"})
    for (s, classes, stack), out in zip(cases, results, strict=True):
        assert out["model"]["params"] == count_params(with_classes(stack, classes), (28, 28, 1)), s
        assert out["model"]["output"] == (None, classes)
        assert out["history"]["epochs"] == [0]
        assert len(out["skipped"]) == 1 and out["skipped"][0].endswith("broken.png")  # skipped, and said so
    assert results[0]["class_names"] == ["cat", "dog", "fish"] and results[1]["class_names"] == ["A", "B"]
    assert sorted(set(results[0]["labels"])) == ["cat", "dog", "fish"] and len(results[0]["labels"]) == 3 * 13


def test_a_missing_notmnist_is_downloaded_from_the_lectures_address_and_offline_that_fails(tmp_path):
    nb = build("own-images", {"src": "notmnist"}, lang_words("en"))
    code = code_of(nb)
    assert "https://raw.githubusercontent.com/blackdew/tensorflow1/master/csv/notMNIST_small.tar.gz" in code
    assert "urllib.request.urlretrieve(URL, ARCHIVE)" in code
    head = code[: code.index("folder = ")]  # the imports and the download, without TensorFlow's start-up cost
    head = head.replace("import tensorflow as tf\n", "")
    (tmp_path / "runner.py").write_text(NETWORK_BLOCK + head, encoding="utf-8")
    done = subprocess.run([sys.executable, "runner.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "network blocked" in done.stderr
    upload = code_of(build("own-images", {"src": "upload", "archive": "class photos.zip"}, lang_words("en")))
    assert "ARCHIVE = 'class photos.zip'" in upload and "raise FileNotFoundError" in upload


def test_an_uploads_name_stays_text_in_the_notebooks_words():
    """Issue 17: a backtick in a folder or file name broke out of the Markdown code span and let raw HTML in."""
    from markdown_it import MarkdownIt

    name = "a`<img src=x onerror=alert(1)>``.zip"
    nb = build("own-images", {"src": "upload", "archive": name}, lang_words("en"))
    html = "".join(MarkdownIt("commonmark").render(cell.source) for cell in nb.cells if cell.cell_type == "markdown")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html  # shown, never read as HTML
    assert f"ARCHIVE = {name!r}" in code_of(nb)
