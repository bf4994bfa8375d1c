"""§2 Conv2D in Keras and §6 LeNet-5: MNIST, the page's model and training settings, ``model.fit``.

Leaves ``model`` and ``history``. Settings as ui/run_settings.py's link names them (epochs, batch,
opt, lr, sched, scale, n, seed); §6 also takes the model (``model``: a preset name or "lab" with
``stack``). ``NOTEBOOK_EPOCHS`` / ``NOTEBOOK_IMAGES`` in the environment cap the epochs and the
training images (tests).
"""

from __future__ import annotations

import math

from cnnlib.architecture import output_shape, preset
from notebooks.cells import NotebookError, Writer, check_choice, check_int, check_number, header, mnist_cells
from notebooks.stacks import model_lines, stack_and_shape
from services.runs.config import FAST_SETTINGS, LIMITS, LR_LIMITS, OPTIMIZERS, SCALINGS, SCHEDULES

MODELS = ("lenet5", "two_conv", "two_conv_pool", "lab")
# RunConfig's field names (what ui.run_settings.settings_form returns) → the link's names used here
ALIASES = {"batch_size": "batch", "optimizer": "opt", "learning_rate": "lr", "schedule": "sched", "scaling": "scale",
           "train_size": "n"}
EPOCHS_VARIABLE, IMAGES_VARIABLE = "NOTEBOOK_EPOCHS", "NOTEBOOK_IMAGES"


def defaults(page: str) -> dict:
    values = {"epochs": FAST_SETTINGS["epochs"], "batch": FAST_SETTINGS["batch_size"], "opt": FAST_SETTINGS["optimizer"],
              "lr": FAST_SETTINGS["learning_rate"], "sched": FAST_SETTINGS["schedule"], "scale": FAST_SETTINGS["scaling"],
              "n": 8000, "seed": 0}
    if page == "lenet-5":
        values.update(model="lenet5", stack=None)
    return values


def check_settings(s: dict) -> None:
    """The training settings, within RunConfig's limits."""
    check_int(s, "epochs", *LIMITS["epochs"])
    check_int(s, "batch", *LIMITS["batch_size"])
    check_choice(s, "opt", OPTIMIZERS)
    check_number(s, "lr", *LR_LIMITS)
    check_choice(s, "sched", SCHEDULES)
    check_choice(s, "scale", SCALINGS)
    check_int(s, "n", *LIMITS["train_size"])
    check_int(s, "seed", *LIMITS["seed"])


def check(page: str, s: dict) -> dict:
    check_settings(s)
    if page == "conv2d-in-keras":
        stack, shape = preset("two_conv")
    else:
        check_choice(s, "model", MODELS)
        if s["model"] == "lab" or s["stack"] is not None:
            if s["stack"] is None:
                raise NotebookError("bad_setting", name="stack", value="None")
            stack, shape = stack_and_shape({"stack": s["stack"], "input_shape": s.get("input_shape")})
        else:
            stack, shape = preset(s["model"])
    out = output_shape(stack, shape)
    if math.prod(shape) != 784 or tuple(shape[:2]) != (28, 28) or tuple(out[1:]) != (10,):
        raise NotebookError("cannot_train", shape=str(tuple(shape)), output=str(tuple(out)), classes=10)
    return {**s, "stack": stack, "input_shape": shape}


def settings_cell(w: Writer, s: dict, n: str) -> None:
    """The page's settings as variables; the environment may lower epochs and images (tests)."""
    w.md(w.say("train_settings"))
    w.code(
        w.comment("train_epochs", variable=f"{EPOCHS_VARIABLE} / {IMAGES_VARIABLE}"),
        f"epochs = min({s['epochs']}, int(os.environ.get('{EPOCHS_VARIABLE}', {s['epochs']})))",
        f"n = min({n}, int(os.environ.get('{IMAGES_VARIABLE}', {n})))",
        f"batch_size, learning_rate, seed = {s['batch']}, {s['lr']!r}, {s['seed']}",
    )


def compile_and_fit(w: Writer, s: dict, stack: list[dict], x: str, y: str, last: str | None = None) -> None:
    """Seed, model, optimizer (and its schedule), compile, summary, fit, curves, test accuracy."""
    last_layer = stack[-1] if stack else {}
    softmax = last is not None or (last_layer.get("type") == "Dense" and last_layer.get("activation") == "softmax")
    loss = "'categorical_crossentropy'" if softmax else "tf.keras.losses.CategoricalCrossentropy(from_logits=True)"
    rate = "learning_rate"
    schedule = []
    if s["sched"] == "cosine":
        schedule = [f"steps = -(-len({x}) // batch_size) * epochs",
                    "rate = tf.keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(1, steps))"]
        rate = "rate"
    optimizer = {"adam": f"tf.keras.optimizers.Adam({rate})", "rmsprop": f"tf.keras.optimizers.RMSprop({rate})",
                 "sgd": f"tf.keras.optimizers.SGD({rate}, momentum=0.9)"}[s["opt"]]
    w.md(w.say("stack_model"))
    w.code(
        "tf.keras.utils.set_random_seed(seed)",
        *model_lines(stack, s["input_shape"], last),
        *schedule,
        f"model.compile(optimizer={optimizer}, loss={loss}, metrics=['accuracy'])",
        "model.summary()",
    )
    w.md(w.say("train_fit"))
    w.code(f"history = model.fit({x}, {y}, epochs=epochs, batch_size=batch_size, validation_data=({x}_test, {y}_test))")
    w.md(w.say("train_curves"))
    w.code("pd.DataFrame(history.history).plot(figsize=(8, 4), grid=True)", "plt.show()")
    w.md(w.say("train_test"))
    w.code(f"loss, accuracy = model.evaluate({x}_test, {y}_test, verbose=0)", "print(f'{accuracy:.2%}')")


def write(page: str, s: dict, w: Writer) -> None:
    x, y = w.say("independent"), w.say("dependent")
    shape = ", ".join(map(str, s["input_shape"]))
    header(w, page, "`model`, `history`")
    w.code("import numpy as np", "import pandas as pd", "import tensorflow as tf", "import matplotlib.pyplot as plt")
    mnist_cells(w, x, y)
    settings_cell(w, s, str(s["n"]))
    scale = " / 255" if s["scale"] == "scaled" else ""
    w.md(w.say("train_scaling_scaled" if s["scale"] == "scaled" else "train_scaling_raw"), w.say("subset", n=s["n"]))
    w.code(
        f"n = min(n, len({x}))",
        f"{x} = {x}[:n].reshape(n, {shape}).astype('float32'){scale}",
        f"{x}_test = {x}_test.reshape(len({x}_test), {shape}).astype('float32'){scale}",
        f"{y} = pd.get_dummies(pd.Categorical({y}[:n], categories=range(10))).astype('float32').values",
        f"{y}_test = pd.get_dummies(pd.Categorical({y}_test, categories=range(10))).astype('float32').values",
        f"print({x}.shape, {y}.shape)",
    )
    compile_and_fit(w, s, s["stack"], x, y)

