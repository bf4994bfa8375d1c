"""AppTest: the §6 LeNet-5 page in Korean and English — class start, a tiny run, its results, the link.

Every test has its own cache folder and trains (or replays) what it shows itself, so each passes
alone and in any order. Waiting for a run means waiting on the training service, not on a clock. The
services a test started are stopped after it (the training_services fixture: no worker thread is left).
"""

from __future__ import annotations

import pytest

from cnnlib.architecture import count_params, preset
from cnnlib.keras_code import training_code
from services import runs
from tests.apphelp import assert_clean, open_page
from tests.runhelp import stop_services, wait_for_runs
from tests.stackhelp import ABOVE_LIMIT_LINKS as ABOVE_LIMITS
from tests.wordhelp import lang_words as words
from words import load_catalogue

pytestmark = [pytest.mark.tf, pytest.mark.usefixtures("training_services")]
PAGE = "lessons/6_lenet5.py"
TINY = {"epochs": 1, "n": 300}  # the smallest run that still fills every result panel


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """A cache folder for this test alone, and the shipped MNIST sample (the same digits offline or not)."""
    monkeypatch.setenv("CNNLIB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")
    return tmp_path / "cache"


def tiny_form(at, epochs=TINY["epochs"], n=TINY["n"]):
    at.number_input(key="lenet_epochs").set_value(epochs)
    at.selectbox(key="lenet_n").set_value(n)
    return at.run()


def has_result(at) -> bool:
    return any(m.key is None and m.label in ("Test accuracy", "테스트 정확도") for m in at.metric)


def wait_for_result(at, timeout=120):
    """Wait for the service to finish the page's run, then redraw the page (as its progress fragment would)."""
    finished = wait_for_runs(timeout)
    assert all(snap.finished for snap in finished), [snap.state for snap in finished]
    at.run()
    assert has_result(at), "no result on screen"
    return at


def downloads(at) -> set[str]:
    return {b.key for b in at.get("download_button")}


def shown_code(at) -> str:
    """The Keras code of the run on screen (the code block with model.fit in it)."""
    [code] = [c.value for c in at.code if "model.fit(" in c.value]
    return code.strip()  # Streamlit drops the last newline


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture
def tiny_run_on_disk(own_cache, tiny_run):
    """The tiny run (the English page's Train with TINY) finished in this test's cache, as if trained before a
    'server restart' (the session's template run: tests/conftest.py); no service holds it in memory."""
    config = tiny_run(own_cache)
    assert config == runs.default_config("mnist_sample").with_settings(epochs=TINY["epochs"], train_size=TINY["n"])
    stop_services()  # the next page gets a new service on the folder, like a restarted server


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_opens_with_the_architecture_and_the_slides_parameter_count(lang):
    at = open_page(PAGE, lang, timeout=60)
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table.iloc[:, 2])[-3:] == ["48,120", "10,164", "850"]  # 120·(400+1), 84·(120+1), 10·(84+1)
    total = next(m for m in at.metric if m.label == {"ko": "전체 파라미터", "en": "Total parameters"}[lang])
    assert total.value == f"{count_params(*preset('lenet5')):,}" == "61,706"  # a headline, computed
    assert at.radio(key="lenet_model").value == "lenet5"
    # the lecture's code for the settings on screen: the page's defaults, the slides' typos corrected
    assert shown_code(at) == training_code(runs.default_config("mnist_sample"), words(lang)).strip()
    assert at.number_input(key="lenet_epochs").value == runs.FAST_SETTINGS["epochs"]
    assert at.selectbox(key="lenet_batch").value == runs.FAST_SETTINGS["batch_size"]


@pytest.mark.slow  # a real run
def test_tiny_run_completes_and_every_result_is_shown_in_english():
    at = tiny_form(open_page(PAGE, "en", timeout=60))
    at.button(key="lenet_train").click().run()
    assert_clean(at)
    wait_for_result(at)
    assert_clean(at)
    accuracy = metric(at, "Test accuracy")
    assert accuracy.endswith("%") and 0 < float(accuracy[:-1]) <= 100
    assert metric(at, "Parameters") == "61,706"
    assert any("Trained on this server" in c.value for c in at.caption)
    assert at.query_params["epochs"] == "1" and at.query_params["n"] == "300"
    # the confusion matrix cell choice lists those test images
    at.selectbox(key="lenet_cm_true").set_value(4).run()
    at.selectbox(key="lenet_cm_pred").set_value(4).run()
    assert any("Test images of **4** correctly predicted as **4**: " in m.value for m in at.markdown)
    # try it with a test image: the prediction and the feature maps of every conv/pool layer
    at.radio(key="lenet_try_source").set_value("test").run()
    assert_clean(at)
    assert metric(at, "Prediction") in list("0123456789")
    assert "Compare the models" in [s.value for s in at.subheader]


def test_korean_replays_the_cached_run_after_a_restart_and_compares_models(tiny_run_on_disk):
    at = tiny_form(open_page(PAGE, "ko", timeout=60))
    assert runs.get_service().queue() == []  # nothing to train: the result comes from the disk
    assert has_result(at), "the cached run is shown at once"
    assert_clean(at)
    assert any("저장된 결과를 바로 불러왔습니다" in c.value for c in at.caption)
    frame = at.dataframe[-1].value
    assert list(frame.iloc[:, 1]) == [203_068, 9_532, 61_706]  # §2, §5, LeNet-5


@pytest.mark.slow  # the default run itself (8,000 images, 5 epochs): its accuracy is what is checked
def test_class_start_trains_the_default_configuration():
    at = open_page(PAGE, "en", timeout=60)
    at.button(key="lenet_class_start").click().run()
    assert_clean(at)
    run = runs.get_service().lookup(runs.default_config("mnist_sample"))
    assert run is not None and run.state in ("queued", "running", "done")
    assert run.requesters == {at.session_state["run_requester"]}  # asked as this session (issue 9 #7, #12)
    if not run.finished:  # its progress is where the button was, at the top (the panel below says so)
        assert any("shown at the top of this page" in c.value for c in at.caption)
    wait_for_result(at, timeout=180)
    assert_clean(at)
    assert "lenet_class_start" not in [b.key for b in at.button]
    [done] = [s.value for s in at.success if "The default LeNet-5 has finished" in s.value]
    assert metric(at, "Test accuracy") in done
    assert float(metric(at, "Test accuracy")[:-1]) >= 97.0  # the measured defaults, on the shipped sample


def test_the_finished_runs_accuracy_comes_first_under_the_title(tiny_run_on_disk):
    """What a student comes for, first: the finished run of the page's settings, its test accuracy right under the
    title (it paints before the browser draws the page's many other parts; bench/memory.py), the same number as
    its result below; none for settings whose run has not been trained."""
    at = tiny_form(open_page(PAGE, "en", timeout=60))
    first, *rest = at.metric
    assert (first.label, first.help) == ("Test accuracy", load_catalogue()["training.headline_help"]["en"])
    assert first.value == next(m.value for m in rest if m.label == "Test accuracy")
    assert at.metric[1].label == "Total parameters"  # then the page as before
    tiny_form(at, epochs=2)  # another run, not trained: no headline
    assert at.metric[0].label == "Total parameters" and not has_result(at)
    assert_clean(at)


@pytest.mark.parametrize(("query", "bad"), [({"epochs": "abc"}, True), ({"lr": "0.123"}, True), ({"epochs": "3"}, False)])
def test_settings_come_from_the_link_and_bad_links_fall_back(query, bad):
    at = open_page(PAGE, "en", timeout=60, query=query)
    assert_clean(at)
    assert bool([w for w in at.warning if "could not be read" in w.value]) == bad
    assert at.number_input(key="lenet_epochs").value == (3 if query.get("epochs") == "3" else 5)


@pytest.mark.slow  # a real run
def test_a_stack_sent_from_the_layer_stack_lab_trains_here():
    from cnnlib.architecture import count_params
    from cnnlib.stack_text import encode_stack

    stack = [{"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"}, {"type": "MaxPool2D"},
             {"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}]
    link = encode_stack(stack, (28, 28, 1))
    at = open_page(PAGE, "en", timeout=60, query={"stack": link, "epochs": "1", "n": "300"})
    assert_clean(at)
    assert at.radio(key="lenet_model").value == "lab"
    assert "take_home_notebook_lenet-5" in downloads(at)  # the notebook of this stack and settings, before training
    at.button(key="lenet_train").click().run()
    wait_for_result(at)
    assert_clean(at)
    assert metric(at, "Parameters") == f"{count_params(stack, (28, 28, 1)):,}"
    assert {"lenet_take_model", "lenet_take_history"} <= downloads(at)  # the trained model and its history
    bad = open_page(PAGE, "en", timeout=60, query={"stack": "i28x28x1_zz"})
    assert_clean(bad)
    assert any("stack" in w.value for w in bad.warning) and bad.radio(key="lenet_model").value == "lenet5"


def test_anyone_can_cancel_a_run_from_the_page_and_nothing_is_kept():
    at = open_page(PAGE, "en", timeout=60, query={"epochs": "50", "batch": "16", "seed": "99"})
    at.button(key="lenet_train").click().run()
    svc = runs.get_service()
    [asked] = svc.queue()  # queued or training: the page offers to cancel it
    assert [b.key for b in at.button if b.key == "lenet_cancel"] == ["lenet_cancel"]
    at.button(key="lenet_cancel").click().run()
    assert svc.wait(asked.key, 60).state == "cancelled"
    at.run()
    assert_clean(at)
    assert any("cancelled" in w.value for w in at.warning)
    assert [b.key for b in at.button if b.key == "lenet_train"] == ["lenet_train"], "it can be trained again"
    cancelled = [key for key, run in svc._runs.items() if run.state == "cancelled"]
    assert cancelled and not any(svc.cache.has(key) for key in cancelled)
    assert list(svc.cache.tmp_dir.iterdir()) == []


# ---- issue 9 #1, #2: the lab's limits hold here too ----------------------------------------------

@pytest.mark.parametrize("text", ABOVE_LIMITS, ids=lambda s: s[:24])
def test_stack_links_above_the_limits_get_the_bad_link_notice(text):
    at = open_page(PAGE, "en", timeout=60, query={"stack": text})
    assert_clean(at)
    assert any("stack" in w.value for w in at.warning)
    assert at.radio(key="lenet_model").value == "lenet5"
    assert list(at.dataframe[0].value.iloc[:, 2])[-1] == "850"  # LeNet-5's own table, drawn at once


def test_the_comparison_asks_for_one_missing_model_per_click_as_this_session(tiny_run_on_disk):
    """Issue 9 #7: each session waits for one run at a time; the comparison used to queue three
    runs per click with no requester (nobody could withdraw them, and a click could flood the queue)."""
    at = tiny_form(open_page(PAGE, "en", timeout=60))  # LeNet-5 is trained with these settings; §2's and §5's are not
    button = at.button(key="lenet_cmp_train")
    assert "Two Conv2D (§2)" in button.label and "2 missing" in button.label
    button.click().run()
    assert_clean(at)
    queued = runs.get_service().queue()
    assert len(queued) == 1 and queued[0].requests == 1
    assert runs.get_service().is_requester(queued[0].key, at.session_state["run_requester"])
    # the run itself is not this test's subject: the training_services fixture cancels it


@pytest.mark.slow  # a real run
def test_the_code_follows_the_settings_and_is_what_train_trains(monkeypatch):
    """The code block changes with the form, and Train queues exactly the run the code describes.
    The accuracy question (issue 11) is asked before the result: no answer until the run has finished."""
    import ui.class_questions

    asked = []
    monkeypatch.setattr(ui.class_questions, "question", lambda qid, answer, **kw: asked.append((qid, answer, kw)))
    at = tiny_form(open_page(PAGE, "en", timeout=60))
    at.selectbox(key="lenet_batch").set_value(128)
    at.selectbox(key="lenet_opt").set_value("sgd")
    at.selectbox(key="lenet_lr").set_value(0.01)
    at.radio(key="lenet_sched").set_value("constant")
    at.radio(key="lenet_scale").set_value("raw").run()
    code = shown_code(at)
    assert "optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)" in code
    assert "model.fit(독립, 종속, epochs=1, batch_size=128, validation_data=(독립_test, 종속_test))" in code
    assert "독립 = 독립[:300].reshape(300, 28, 28, 1)\n" in code  # raw 0–255: no / 255
    assert asked[-1][:2] == ("lenet.accuracy", None)
    assert asked[-1][2] == {"prompt": "What test accuracy (%) do you expect from this setting?", "lo": 0, "hi": 100,
                            "step": 0.25, "digits": 2, "unit": "%"}  # 97.75 %: as the page writes it
    at.button(key="lenet_train").click().run()
    [queued] = runs.get_service().queue()
    assert training_code(queued.config, words("en")).strip() == code  # what is shown is what trains
    wait_for_result(at)
    assert_clean(at)
    accuracy = float(metric(at, "Test accuracy")[:-1])
    assert asked[-1][0] == "lenet.accuracy" and round(asked[-1][1], 2) == accuracy
