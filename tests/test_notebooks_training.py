"""§2 and §6 notebooks train offline on the shipped MNIST sample (1 epoch, a few hundred images through
NOTEBOOK_EPOCHS / NOTEBOOK_IMAGES) and leave ``model`` (the page's parameter count) and ``history``."""

from __future__ import annotations

import nbformat
import pytest

from cnnlib.architecture import count_params, preset
from notebooks import build
from tests.notebookhelp import code_of, lang_words, run_notebooks, with_sample

LAB = ([{"type": "Flatten"}, {"type": "Dense", "units": 10}], (28, 28))  # no softmax: the loss takes logits


@pytest.mark.slow  # four notebooks train
@pytest.mark.tf
def test_the_notebooks_train_the_page_model(tmp_path):
    folder = with_sample(tmp_path)
    cases = [
        ("conv2d-in-keras", {}, preset("two_conv")),
        ("lenet-5", {}, preset("lenet5")),
        (
            "lenet-5",
            {"model": "two_conv_pool", "opt": "sgd", "sched": "constant", "scale": "raw", "batch": 32, "lr": 0.01},
            preset("two_conv_pool"),
        ),
        ("lenet-5", {"model": "lab", "stack": LAB, "opt": "rmsprop", "epochs": 3, "seed": 5}, LAB),
    ]
    jobs = [
        (build(page, s, lang_words(("ko", "en")[i % 2])), ("model", "history", "accuracy", "n"))
        for i, (page, s, _) in enumerate(cases)
    ]
    results = run_notebooks(folder, jobs, env={"NOTEBOOK_EPOCHS": "1", "NOTEBOOK_IMAGES": "256"})
    for (page, _settings, (stack, shape)), out in zip(cases, results, strict=True):
        assert out["model"]["params"] == count_params(stack, shape), page
        assert out["history"]["epochs"] == [0]
        assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(out["history"]["history"])
        assert out["n"] == 256 and 0.0 <= out["accuracy"] <= 1.0


def test_run_config_names_are_the_same_settings():
    """What ui.run_settings.settings_form returns (RunConfig's names) may be passed as it is."""
    fields = {
        "epochs": 3,
        "batch_size": 128,
        "optimizer": "sgd",
        "learning_rate": 0.01,
        "schedule": "constant",
        "scaling": "raw",
        "train_size": 2000,
        "seed": 7,
    }
    links = {"epochs": 3, "batch": 128, "opt": "sgd", "lr": 0.01, "sched": "constant", "scale": "raw", "n": 2000, "seed": 7}
    for page in ("conv2d-in-keras", "lenet-5"):
        assert build(page, fields, lang_words("en")) == build(page, links, lang_words("en"))


def test_the_settings_are_in_the_code():
    nb = build(
        "lenet-5",
        {"epochs": 10, "batch": 32, "opt": "rmsprop", "lr": 0.001, "sched": "constant", "scale": "raw", "n": 60000},
        lang_words("ko"),
    )
    nbformat.validate(nb)
    code = code_of(nb)
    assert "epochs = min(10, " in code and "batch_size, learning_rate, seed = 32, 0.001, 0" in code
    assert "tf.keras.optimizers.RMSprop(learning_rate)" in code and "/ 255" not in code
    assert "loss='categorical_crossentropy'" in code and "activation='swish'" in code
    assert "pd.get_dummies(" in code and "독립" in code and "종속" in code and "model.summary()" in code
    cosine = code_of(build("conv2d-in-keras", {}, lang_words("en")))
    assert "CosineDecay" in cosine and "tf.keras.optimizers.Adam(rate)" in cosine and "/ 255" in cosine
