"""Take it home (issue 12): every page offers its notebook (ko, en) of what is on screen; a setting the
notebook cannot express shows the reason instead; a trained run's model and history download.

The notebook's bytes are built on click (a deferred callable): the tests call it as Streamlit's media
handler does and run the notebook offline (tests/notebookhelp.run_notebooks).
"""

from __future__ import annotations

import io

import nbformat
import numpy as np
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from cnnlib.convolution import activate, conv2d
from cnnlib.pooling import max_pool2d
from tests.apphelp import assert_clean, bench_state, commit_bench, open_page, page_record, settings_state, texts
from tests.notebookhelp import run_notebooks
from ui import take_home
from words import load_catalogue

WORDS = load_catalogue()
NUMPY_PAGES = {
    "lessons/1_why.py": "why-convolution",
    "lessons/3_filters.py": "filter-sets",
    "lessons/4_arithmetic.py": "convolution-arithmetic",
    "lessons/5_pooling.py": "max-pooling",
    "lessons/2_stack_lab.py": "layer-stack-lab",
}


DEFERRED: dict[str, object] = {}  # file id → the callable a click runs (AppTest's runtime is gone after the run)


@pytest.fixture(autouse=True)
def _record_deferred(monkeypatch):
    add = MediaFileManager.add_deferred

    def recording(self, data_callable, *args, **kwargs):
        file_id = add(self, data_callable, *args, **kwargs)
        DEFERRED[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)


def clicked(at, page: str) -> bytes:
    """What a click on the page's notebook button downloads (the deferred callable, run as the server runs it)."""
    buttons = [b for b in at.get("download_button") if b.key == f"take_home_notebook_{page}"]
    assert len(buttons) == 1, [b.key for b in at.get("download_button")]
    data = DEFERRED[buttons[0].proto.deferred_file_id]()
    assert buttons[0].proto.label in (WORDS["take_home.notebook"]["ko"], WORDS["take_home.notebook"]["en"])
    return data


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("path", NUMPY_PAGES)
def test_every_numpy_page_offers_its_notebook_in_its_language(path, lang):
    at = open_page(path, lang)
    assert_clean(at)
    nb = nbformat.reads(clicked(at, NUMPY_PAGES[path]).decode("utf-8"), as_version=4)
    nbformat.validate(nb)
    title = {"ko": "노트북", "en": "Made by the CNN basics dashboard"}[lang]
    assert title in "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert WORDS["take_home.notebook"][lang] == at.get("download_button")[0].proto.label


@pytest.mark.tf
def test_the_arithmetic_notebook_is_what_is_on_screen_and_the_pooling_one_too(tmp_path):
    at = open_page("lessons/4_arithmetic.py", "en", query={"x": "digit:7", "pad": "same", "stride": "2", "act": "relu"})
    w = bench_state(at)["w"]
    commit_bench(at, w=[*w[:4], 5.0, *w[5:]])  # an edit after the link (w5's slider in the workbench)
    assert_clean(at)
    arith = nbformat.reads(clicked(at, "convolution-arithmetic").decode("utf-8"), as_version=4)
    x = page_record(at, "convolution-arithmetic").x
    w = page_record(at, "convolution-arithmetic").w  # the filter's one truth (ui/weight_editor)
    assert w[1, 1] == 5.0
    y_page = activate(conv2d(x, w, 2, "same"), "relu")
    pool = open_page("lessons/5_pooling.py", "en", state={"pool_digit": 7})
    pool.radio(key="pool_size").set_value(3).run()
    pooled = nbformat.reads(clicked(pool, "max-pooling").decode("utf-8"), as_version=4)
    (a, b) = run_notebooks(tmp_path, [(arith, ["y"]), (pooled, ["pooled"])])
    np.testing.assert_allclose(a["y"], y_page, atol=1e-9)
    np.testing.assert_allclose(b["pooled"], max_pool2d(page_record(pool, "max-pooling").slide_map, 3, 3), atol=1e-9)


def test_a_setting_the_notebook_cannot_express_shows_why_instead_of_a_button():
    # a carried 2×2 map with a 3×3 window: the page warns, and the notebook would fail halfway
    at = open_page(
        "lessons/5_pooling.py", "ko", state={"carried_map": np.ones((2, 2)), "carried_fresh": True}
    )  # as §4 carries it
    at.radio(key="pool_size").set_value(3).run()
    assert_clean(at)
    assert not [b for b in at.get("download_button") if b.key == "take_home_notebook_max-pooling"]
    refused = WORDS["take_home.notebook_refused"]["ko"].split("{")[0]
    assert any(s.startswith(refused) for s in texts(at)), texts(at)


# ---- a trained run: model (.keras) and history (CSV) ---------------------------------------------


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_run):
    """A finished tiny run (the session's template, tests/conftest.py) as the page holds it: its configuration and result."""
    from services.runs.cache import RunCache

    folder = tmp_path_factory.mktemp("cache")
    config = tiny_run(folder)
    assert config.dataset == "mnist_sample" and config.scaling == "scaled"
    return config, RunCache(folder).load(config.key)


@pytest.mark.tf
def test_the_downloaded_model_loads_and_scores_as_the_page_shows(trained, tmp_path):
    import keras

    from services.training_data import get_dataset

    config, result = trained
    path = tmp_path / "downloaded.keras"
    path.write_bytes(take_home.model_bytes(result))
    model = keras.models.load_model(path)
    data = get_dataset("mnist_sample")
    x = data.x_test.reshape((len(data.x_test), *config.input_shape)).astype("float32") / 255  # the run's scaling
    accuracy = float(np.mean(model.predict(x, verbose=0).argmax(axis=1) == data.y_test))
    assert f"{accuracy:.2%}" == f"{result.test_accuracy:.2%}"  # the digits result_metrics shows


@pytest.mark.tf
def test_the_history_csv_parses_and_matches_the_run(trained):
    _, result = trained
    table = pd.read_csv(io.StringIO(take_home.history_csv(result)))
    assert list(table.columns) == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds"]
    assert list(table.epoch) == list(range(1, len(result.history["loss"]) + 1))
    for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(table[name], result.history[name], rtol=1e-12)
    np.testing.assert_allclose(table.seconds, result.epoch_seconds, rtol=1e-12)


def test_own_images_notebook_takes_the_uploads_name_when_it_is_a_plain_archive_name(monkeypatch):
    from types import SimpleNamespace

    from links.pages import Lab, OwnImages
    from ui import own_images

    state = settings_state({"own-images": OwnImages(src="upload", model="lab"), "layer-stack-lab": Lab(stack=())})
    monkeypatch.setattr(own_images.st, "session_state", state)
    for name, expected in (("손글씨 사진.zip", "손글씨 사진.zip"), ("pictures.gz", None), ("../up.zip", None)):
        state["own_upload"] = SimpleNamespace(name=name)
        settings = own_images.notebook_settings()
        assert settings.get("archive") == expected, name
        assert settings["model"] == "lenet5"  # no lab stack in this session: the page trains LeNet-5, so does the notebook
        take_home.notebooks.check("own-images", settings)
