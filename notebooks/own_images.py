"""§7 Your own images: class folders in a zip (or notMNIST's tar.gz) next to the notebook, read with
glob + plt.imread as the lecture does (label = folder name), then the page's model trained on them.

Leaves ``model`` and ``history``. Settings as ui/own_images.py's link names them (src, n, seed,
epochs, model) plus ``stack`` (the lab's stack when model is "lab") and ``archive`` (the file the
notebook reads for an upload). notMNIST is downloaded from the lecture's address when it is absent.
"""

from __future__ import annotations

import re

from cnnlib.architecture import preset, summarize, with_classes
from notebooks.cells import NotebookError, Writer, check_choice, check_int, code_span, header
from notebooks.stacks import stack_and_shape
from notebooks.training import compile_and_fit, settings_cell
from services.downloads import NOTMNIST_FILE, NOTMNIST_URL
from services.runs.config import FAST_SETTINGS

SOURCES = ("letters", "upload", "notmnist")
MODELS = ("lenet5", "lab")
SHAPE = (28, 28, 1)
# The uploaded file's name (any script), as long as it is a plain file name: no folders, no control characters.
_ARCHIVE = re.compile(r"[^./\\\x00-\x1f\x7f][^/\\\x00-\x1f\x7f]{0,99}\.(zip|tar|tar\.gz|tgz)", re.IGNORECASE)
EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".bmp")


def defaults(page: str) -> dict:
    return {"src": "letters", "n": 300, "seed": 0, "epochs": 5, "model": "lenet5", "stack": None, "archive": "my_images.zip"}


def check(page: str, s: dict) -> dict:
    check_choice(s, "src", SOURCES)
    check_int(s, "n", 10, 2000)
    check_int(s, "seed", 0, 9_999)
    check_int(s, "epochs", 1, 20)
    check_choice(s, "model", MODELS)
    if not isinstance(s["archive"], str) or not _ARCHIVE.fullmatch(s["archive"]):
        raise NotebookError("bad_setting", name="archive", value=repr(s["archive"])[:80])
    if s["model"] == "lab":
        if s["stack"] is None:
            raise NotebookError("bad_setting", name="stack", value="None")
        layers = s["stack"]
        if isinstance(layers, tuple) and len(layers) == 2 and isinstance(layers[1], (tuple, list)):
            layers = layers[0]  # the lab's (stack, shape): §7 always feeds 28×28×1 pictures
        stack, _ = stack_and_shape({"stack": layers, "input_shape": SHAPE})
    else:
        stack = preset("lenet5")[0]
    out = summarize(with_classes(stack, 2), SHAPE)[-1].output_shape  # one output per class; its StackError otherwise
    if tuple(out[1:]) != (2,):  # e.g. Dense on the 28×28×1 picture itself: one answer per pixel row, not per picture
        raise NotebookError("cannot_train", shape=str(SHAPE), output="(" + ", ".join(map(str, out[:-1])) + ", K)",
                             classes="K")
    return {**s, "stack": stack, "input_shape": SHAPE}


def write(page: str, s: dict, w: Writer) -> None:
    x, y = w.say("independent"), w.say("dependent")
    archive = NOTMNIST_FILE if s["src"] != "upload" else s["archive"]
    header(w, page, "`model`, `history`")
    w.md(w.say("own_data", archive=code_span(archive), url=NOTMNIST_URL),  # an upload's name: it cannot break out
         *([w.say("own_letters")] if s["src"] == "letters" else []))
    w.code("import glob", "import os", "import tarfile", "import urllib.request", "import zipfile", "",
           "import numpy as np", "import pandas as pd", "import tensorflow as tf", "import matplotlib.pyplot as plt",
           "from PIL import Image")
    missing = (
        [f"    print({w.say('own_download')!r})", "    urllib.request.urlretrieve(URL, ARCHIVE)"]
        if s["src"] != "upload" else [f"    raise FileNotFoundError({w.say('own_missing')!r} + ARCHIVE)"]
    )
    w.code(
        f"ARCHIVE = {archive!r}",
        f"URL = {NOTMNIST_URL!r}",
        "if not os.path.exists(ARCHIVE):",
        *missing,
        "folder = 'images_' + ARCHIVE.split('.')[0]",
        "if zipfile.is_zipfile(ARCHIVE):",
        "    with zipfile.ZipFile(ARCHIVE) as z:",
        "        z.extractall(folder)",
        "else:",
        "    with tarfile.open(ARCHIVE) as t:",
        "        if hasattr(tarfile, 'data_filter'):  # Python ≥ 3.11.4: no links or paths out of the folder",
        "            t.extractall(folder, filter='data')",
        "        else:",
        "            t.extractall(folder)",
    )
    w.md(w.say("own_read"))
    w.code(
        "files = sorted(f for f in glob.glob(folder + '/**/*', recursive=True)",
        f"               if f.lower().endswith({EXTENSIONS!r})",
        "               and '__MACOSX' not in f and not os.path.basename(f).startswith('.'))",
        "images, labels, skipped = [], [], []",
        "for f in files:",
        "    try:",
        "        a = plt.imread(f)",
        "    except Exception:",
        "        skipped.append(f)",
        "        continue",
        "    a = a / 255 if a.dtype == np.uint8 else a",
        "    if a.ndim == 3:",
        "        a = a[:, :, :3].mean(axis=-1)",
        "    if a.shape != (28, 28):",
        "        a = np.asarray(Image.fromarray((a * 255).astype(np.uint8)).resize((28, 28))) / 255",
        "    images.append(a)",
        "    labels.append(os.path.basename(os.path.dirname(f)))",
        "print(len(images), sorted(set(labels)))",
        f"print({w.say('own_skipped')!r}, len(skipped), skipped[:10])",
    )
    s = {**s, **{k: v for k, v in FAST_SETTINGS.items() if k != "epochs"}}
    s = {**s, "batch": s["batch_size"], "opt": s["optimizer"], "lr": s["learning_rate"], "sched": s["schedule"]}
    settings_cell(w, s, "len(images)")
    w.md(w.say("own_split"))
    w.code(
        "rng = np.random.default_rng(seed)",
        "order = rng.permutation(len(images))",
        f"{x} = np.array(images, dtype='float32')[order].reshape(-1, 28, 28, 1)",
        f"{y} = pd.get_dummies(np.array(labels)[order]).astype('float32')",
        f"class_names = list({y}.columns)",
        f"{y} = {y}.values",
        f"n_test = max(1, round(0.2 * len({x})))",
        f"{x}_test, {y}_test = {x}[:n_test], {y}[:n_test]",
        f"{x}, {y} = {x}[n_test:][:n], {y}[n_test:][:n]",
        f"print(class_names, {x}.shape, {x}_test.shape)",
    )
    compile_and_fit(w, s, with_classes(s["stack"], 2), x, y, last="tf.keras.layers.Dense(len(class_names), activation='softmax')")

