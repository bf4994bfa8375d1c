"""The Keras code shown to students: a layer stack in the lecture's style (§2, §5).

Functional API with the lecture's names (``X = Input``, ``H = ...(X)``, ``Y``, ``Model(X, Y)``)
and without the slides' typos. The comments and the lecture's two data variable names are
words, so the caller supplies them: ``keras_code(stack, shape, ui.i18n.message)`` turns each
``CodeText`` (a code with parameters, domain "keras_code") into the page's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from cnnlib.architecture import check_input_shape, normalize_layer, summarize
from cnnlib.errors import Coded


@dataclass(frozen=True)
class CodeText(Coded):
    """One piece of words in the generated code, by code: a comment or a data variable's name."""

    domain: ClassVar[str] = "keras_code"
    codes: ClassVar[dict[str, tuple[str, ...]]] = {
        "data": ("shape", "x", "y"),  # what the commented data lines prepare
        "model": (),
        "fit": (),
        "independent": (),  # the lecture's (Korean) variable name for the inputs, "independent"
        "dependent": (),  # ... and for the one-hot labels, "dependent"
    }

    code: str
    params: dict = field(default_factory=dict)


def _arg(value) -> str:
    if isinstance(value, tuple):
        return f"({value[0]}, {value[1]})" if value[0] != value[1] else str(value[0])
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def layer_code(layer: dict) -> str:
    """One layer as the lecture writes it: ``tf.keras.layers.Conv2D(3, kernel_size=5, activation='swish')``."""
    layer = normalize_layer(layer)
    kind = layer["type"]
    args: list[str] = []
    if kind == "Conv2D":
        args = [str(layer["filters"]), f"kernel_size={_arg(layer['kernel_size'])}"]
        if layer["strides"] != (1, 1):
            args.append(f"strides={_arg(layer['strides'])}")
    elif kind in ("MaxPool2D", "AveragePooling2D"):
        pool, strides = layer["pool_size"], layer["strides"]
        if kind == "AveragePooling2D" or pool != (2, 2):  # AveragePooling2D has no default pool_size
            args.append(f"pool_size={_arg(pool)}")
        if strides != pool:
            args.append(f"strides={_arg(strides)}")
    elif kind == "Dense":
        args = [str(layer["units"])]
    elif kind == "Dropout":
        args = [repr(layer["rate"])]
    if layer.get("padding", "valid") != "valid":
        args.append(f"padding='{layer['padding']}'")
    if layer.get("activation") is not None:
        args.append(f"activation='{layer['activation']}'")
    return f"tf.keras.layers.{kind}({', '.join(args)})"


def keras_code(stack: list[dict], input_shape, words: Callable[[CodeText], str], *, checked: bool = False) -> str:
    """The stack as runnable Keras code in the lecture's style (functional API, X / H / Y).

    words: turns each ``CodeText`` into text (a page passes ``ui.i18n.message``).
    The data lines are comments (they need the dataset); the model lines run as they are.
    checked: the caller has summarized this stack on this shape without a refusal (not done again).
    """
    shape = check_input_shape(input_shape)
    if not checked:
        summarize(stack, shape)  # refuse what Keras would refuse, with our message
    dims = ", ".join(map(str, shape))
    x, y = words(CodeText("independent")), words(CodeText("dependent"))
    lines = [
        "import tensorflow as tf",
        "import pandas as pd",
        "",
        "# " + words(CodeText("data", {"shape": f"(N, {dims})", "x": x, "y": y})),
        f"# ({x}, {y}), _ = tf.keras.datasets.mnist.load_data()",
        f"# {x} = {x}.reshape(len({x}), {dims})",
        f"# {y} = pd.get_dummies({y})",
        "",
        "# " + words(CodeText("model")),
        f"X = tf.keras.layers.Input(shape=[{dims}])",
    ]
    if not stack:
        lines.append("Y = X")
    for i, layer in enumerate(stack):
        target = "Y" if i == len(stack) - 1 else "H"
        source = "X" if i == 0 else "H"
        lines.append(f"{target} = {layer_code(layer)}({source})")
    lines += [
        "model = tf.keras.models.Model(X, Y)",
        "model.compile(loss='categorical_crossentropy', metrics=['accuracy'])",
        "model.summary()",
        "",
        "# " + words(CodeText("fit")),
        f"# model.fit({x}, {y}, epochs=10)",
    ]
    return "\n".join(lines) + "\n"


# ---- §6 and §7: the whole run as the lecture writes it (data, model, compile, fit) ------------------


@dataclass(frozen=True)
class TrainCodeText(Coded):
    """The words in the training code of §6 and §7 (comments), by code."""

    domain: ClassVar[str] = "keras_code"
    codes: ClassVar[dict[str, tuple[str, ...]]] = {
        "train_data": ("n",),  # 1. the data: n training images
        "train_scaled": (),  # pixels divided by 255 (0–1)
        "train_raw": (),  # the slides' raw 0–255 pixels
        "train_model": (),  # 2. the model
        "train_compile": ("optimizer",),  # 3. how it learns
        "train_fit": ("epochs", "batch_size"),  # 4. training, checked on the test images after each epoch
        "own_data": ("n", "k"),  # §7: n pictures in k class folders, the folder name is the label
        "own_split": ("pct",),  # §7: pct % kept aside for testing
    }

    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Folders:
    """§7's data as the lecture reads it: PNGs in class folders under ``folder`` (``glob`` + ``plt.imread``)."""

    folder: str  # e.g. "notMNIST_small"; "" when the class folders are at the top
    images: int  # every picture read (training and test)
    classes: int
    test_fraction: float = 0.2


OPTIMIZER_CLASSES = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD"}


def _number(value: float) -> str:
    """0.003 → "0.003", 1e-05 → "1e-05": Python's shortest repr, the value the run uses."""
    return repr(float(value))


def optimizer_lines(config, steps_per_epoch: int) -> list[str]:
    """The run's optimizer as code (services.runs.fit.make_optimizer): a cosine schedule decays over every step."""
    rate = _number(config.learning_rate)
    lines = []
    if config.schedule == "cosine":
        steps = max(1, steps_per_epoch * config.epochs)
        lines.append(f"rate = tf.keras.optimizers.schedules.CosineDecay({rate}, decay_steps={steps})"
                     f"  # {config.epochs} × {steps_per_epoch}")
        rate = "rate"
    extra = ", momentum=0.9" if config.optimizer == "sgd" else ""
    return [*lines, f"optimizer = tf.keras.optimizers.{OPTIMIZER_CLASSES[config.optimizer]}(learning_rate={rate}{extra})"]


def _loss(stack) -> str:
    last = normalize_layer(stack[-1]) if stack else {}
    if last.get("type") == "Dense" and last.get("activation") == "softmax":
        return "'categorical_crossentropy'"
    return "tf.keras.losses.CategoricalCrossentropy(from_logits=True)"  # a stack without softmax gives scores


def training_code(config, words: Callable[[Coded], str], folders: Folders | None = None) -> str:
    """The run ``config`` (a services.runs.RunConfig) as the lecture's code: data, model, compile, fit.

    MNIST from ``tf.keras.datasets`` (§6), or ``folders`` read with glob as in the lecture's §7. The
    numbers are the run's: images, epochs, batch size, optimizer, learning rate (and its cosine
    schedule), the seed, scaling; the slides' typos are not copied. Valid Python (comments included).
    """
    shape = check_input_shape(config.input_shape)
    stack = list(config.stack)
    summarize(stack, shape)
    dims = ", ".join(map(str, shape))
    x, y = words(CodeText("independent")), words(CodeText("dependent"))
    scaled = config.scaling == "scaled"
    pixels = "# " + words(TrainCodeText("train_scaled" if scaled else "train_raw"))
    lines = ["import tensorflow as tf", "import pandas as pd"]
    if folders is None:
        n = int(config.train_size)
        lines += [
            "",
            "# 1. " + words(TrainCodeText("train_data", {"n": f"{n:,}"})),
            f"({x}, {y}), ({x}_test, {y}_test) = tf.keras.datasets.mnist.load_data()",
            pixels,
            f"{x} = {x}[:{n}].reshape({n}, {dims})" + (" / 255" if scaled else ""),
            f"{x}_test = {x}_test.reshape(len({x}_test), {dims})" + (" / 255" if scaled else ""),
            f"{y} = pd.get_dummies({y}[:{n}])",
            f"{y}_test = pd.get_dummies({y}_test)",
        ]
        validation = f"validation_data=({x}_test, {y}_test)"
        train = n
    else:
        n = folders.images
        train = n - round(n * folders.test_fraction)
        lines += [
            "import glob",
            "import numpy as np",
            "import matplotlib.pyplot as plt",
            "",
            "# 1. " + words(TrainCodeText("own_data", {"n": f"{n:,}", "k": folders.classes})),
            f"paths = glob.glob({f'./{folders.folder}/*/*.png' if folders.folder else './*/*.png'!r})",
            "paths = np.random.permutation(paths)",
            f"{x} = np.array([plt.imread(paths[i]) for i in range(len(paths))])",
            f"{y} = np.array([paths[i].split('/')[-2] for i in range(len(paths))])",
            pixels,
            f"{x} = {x}.reshape({n}, {dims})" + ("" if scaled else " * 255"),
            f"{y} = pd.get_dummies({y})",
        ]
        validation = f"validation_split={folders.test_fraction!r}"
    steps = -(-train // config.batch_size)
    lines += [
        f"print({x}.shape, {y}.shape)",
        "",
        "# 2. " + words(TrainCodeText("train_model")),
        f"tf.keras.utils.set_random_seed({int(config.seed)})",
        f"X = tf.keras.layers.Input(shape=[{dims}])",
    ]
    if not stack:
        lines.append("Y = X")
    for i, layer in enumerate(stack):
        lines.append(f"{'Y' if i == len(stack) - 1 else 'H'} = {layer_code(layer)}({'X' if i == 0 else 'H'})")
    lines += [
        "model = tf.keras.models.Model(X, Y)",
        "",
        "# 3. " + words(TrainCodeText("train_compile", {"optimizer": OPTIMIZER_CLASSES[config.optimizer]})),
        *optimizer_lines(config, steps),
        f"model.compile(optimizer=optimizer, loss={_loss(stack)}, metrics=['accuracy'])",
        "",
        "# 4. " + words(TrainCodeText("train_fit", {"epochs": config.epochs, "batch_size": config.batch_size})),
    ]
    if folders is not None:
        lines.append("# " + words(TrainCodeText("own_split", {"pct": round(folders.test_fraction * 100)})))
    lines.append(f"model.fit({x}, {y}, epochs={config.epochs}, batch_size={config.batch_size}, {validation})")
    return "\n".join(lines) + "\n"
