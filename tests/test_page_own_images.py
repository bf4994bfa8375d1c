"""AppTest: the §7 page (your own images) in Korean and English, offline.

Uploads are generated zips; notMNIST comes from a local http.server (or an unreachable port,
for "offline"); training goes through the real service into a temporary cache.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from cnnlib.keras_code import Folders, training_code
from cnnlib.letters import make_letters
from tests.apphelp import assert_clean, open_page, settings_state
from tests.browser import free_port
from tests.wordhelp import lang_words as words
from words import load_catalogue

PAGE = "lessons/7_own_images.py"
TRAIN_TIMEOUT = 180
WORDS = load_catalogue()


def says(key: str, lang: str, **params) -> str:
    """The words of one coded message: a test names the code it expects, the catalogue test checks the words."""
    return WORDS[key][lang].format(**params)


def opening(key: str, lang: str) -> str:
    """A coded message's words up to its first parameter (for messages whose numbers the test does not know)."""
    return WORDS[key][lang].split("{")[0]


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLIB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def png(picture: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(picture).save(out, "PNG")
    return out.getvalue()


def letters_zip(per_class: int = 6, extra: dict | None = None) -> bytes:
    letters = make_letters(per_class, seed=11)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for picture, name in zip(letters.images[..., 0], letters.files, strict=True):
            if name[0] in "ABC":
                z.writestr(f"my_letters/{name[0]}/{name.rsplit('/', 1)[1]}.png", png(picture))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_embedded_letters_report_in_both_languages(lang):
    at = open_page(PAGE, lang, query={"n": "20"})
    assert_clean(at)
    assert at.title[0].value == {"ko": "7 · 내 이미지로 학습하기", "en": "7 · Train on your own images"}[lang]
    shown = metrics(at)
    images, classes, shape = {"ko": ("이미지", "클래스", "독립 (텐서 모양)"),
                              "en": ("Images", "Classes", "독립 (tensor shape)")}[lang]
    assert shown[images] == "200" and shown[classes] == "10" and shown[shape] == "(200, 28, 28, 1)"
    onehot = {"ko": "열 10개: A, B, C, D, E, F, G, H, I, J. 처음 5행:",
              "en": "10 columns: A, B, C, D, E, F, G, H, I, J. First 5 rows:"}[lang]
    assert onehot in [c.value for c in at.caption]
    assert at.button(key="own_train").label == {"ko": "학습 시작", "en": "Start training"}[lang]


def test_a_link_sets_the_page_and_a_bad_link_falls_back_with_a_notice():
    at = open_page(PAGE, "en", query={"n": "30", "seed": "4", "epochs": "2"})
    assert at.slider(key="own_per_class").value == 30 and at.slider(key="own_epochs").value == 2
    assert metrics(at)["Images"] == "300"
    bad = open_page(PAGE, "en", query={"src": "ftp", "n": "lots", "epochs": "99"})
    assert_clean(bad)
    assert any("src, n, epochs" in w.value for w in bad.warning)
    assert metrics(bad)["Images"] == "3,000" and bad.radio(key="own_source").value == "letters"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_upload_a_zip_with_junk_shows_the_report(lang):
    at = open_page(PAGE, lang)
    at.radio(key="own_source").set_value("upload").run()
    assert_clean(at)
    assert at.info[0].value.startswith({"ko": "zip 파일을 올려 주세요", "en": "Upload a zip"}[lang])
    junk = {"my_letters/A/.DS_Store": b"x", "__MACOSX/my_letters/A/._x.png": b"x", "my_letters/notes.txt": b"hi",
            "my_letters/D/only.png": png(np.zeros((40, 20), np.uint8))}
    at.file_uploader(key="own_upload").set_value(("mine.zip", letters_zip(6, junk), "application/zip")).run()
    assert_clean(at)
    shown = metrics(at)
    if lang == "en":
        assert shown["Images"] == "19" and shown["Classes"] == "4" and shown["Skipped files"] == "3"
        assert "The class folders sit inside 'my_letters/'." in [rendered(c.value)[1].strip() for c in at.caption]
        assert any(w.value == says("data_notices.small_class", lang, name="D", n=1) for w in at.warning)
        assert at.expander[0].label == "3 skipped files and why"
    else:
        assert shown["이미지"] == "19" and shown["클래스"] == "4" and shown["건너뛴 파일"] == "3"
        assert any(w.value.startswith("클래스 'D'에는 이미지가 1장뿐입니다") for w in at.warning)


def rendered(markdown: str) -> tuple[str, str]:
    """(HTML, visible text) of Markdown as a CommonMark renderer draws it (Streamlit's is CommonMark + GFM)."""
    import html
    import re

    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    return page, html.unescape(re.sub(r"<[^>]+>", "", page))


def test_folder_names_are_shown_as_plain_text_never_as_markdown():
    """Issue 9 #12: a class folder named [x](javascript:…) became a link in the notices and captions."""
    evil, bold = "[x](javascript:alert(1))", "**B** <b>"
    entries = {f"top/{evil}/0.png": png(np.zeros((28, 28), np.uint8))}
    entries.update({f"top/{bold}/{i}.png": png(np.full((28, 28), 9 * i, np.uint8)) for i in range(3)})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    at = open_page(PAGE, "en")
    at.radio(key="own_source").set_value("upload").run()
    at.file_uploader(key="own_upload").set_value(("evil.zip", out.getvalue(), "application/zip")).run()
    assert_clean(at)
    notice = next(w.value for w in at.warning if "only 1 image" in w.value)
    onehot = next(c.value for c in at.caption if c.value.startswith("2 columns"))
    for shown in (notice, onehot):
        page, text = rendered(shown)
        assert "<a" not in page and "<strong>" not in page and "<b>" not in page, page
        assert evil in text
    assert bold in rendered(onehot)[1]


def test_one_image_per_class_is_refused_before_training():
    """Issue 9 #11: it trained with 0 test images and failed with "Training failed: Training failed:
    UnboundLocalError" (the old §7 page wrapped the run's message in its own own.failed words)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for k, c in enumerate("ABC"):
            z.writestr(f"{c}/0.png", png(np.full((28, 28), 60 * k, np.uint8)))
    at = open_page(PAGE, "en")
    at.radio(key="own_source").set_value("upload").run()
    at.file_uploader(key="own_upload").set_value(("three.zip", out.getvalue(), "application/zip")).run()
    assert_clean(at)
    assert at.error[0].value == says("data_errors.no_test_images", "en", n=3)
    assert "own_train" not in [button.key for button in at.button]  # nothing to train


def test_a_session_lets_go_of_its_upload_when_it_is_removed_or_the_source_changes():
    """Issue 9 #5: what an upload decoded lives in the session only while the upload is on screen."""
    at = open_page(PAGE, "en")
    at.radio(key="own_source").set_value("upload").run()
    at.file_uploader(key="own_upload").set_value(("mine.zip", letters_zip(3), "application/zip")).run()
    assert "own_upload_set" in at.session_state and metrics(at)["Images"] == "9"
    at.radio(key="own_source").set_value("letters").run()
    assert_clean(at)
    assert not any(key in at.session_state for key in ("own_upload_set", "own_upload_error", "own_upload_id"))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_an_archive_that_cannot_be_used_says_why(lang):
    at = open_page(PAGE, lang)
    at.radio(key="own_source").set_value("upload").run()
    at.file_uploader(key="own_upload").set_value(("fake.zip", b"not a zip at all", "application/zip")).run()
    assert_clean(at)
    assert at.error[0].value == says("data_errors.not_archive", lang)
    assert not at.metric  # no report, no training for an unusable archive
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(4):
            z.writestr(f"A/{i}.png", bytes(6 * 1024 * 1024))  # 24 MB of zeros in ~25 KB
    at.file_uploader(key="own_upload").set_value(("bomb.zip", bomb.getvalue(), "application/zip")).run()
    assert_clean(at)
    assert at.error[0].value.startswith(opening("data_errors.bomb", lang))
    one_class = letters_zip(3)
    with zipfile.ZipFile(io.BytesIO(one_class)) as z:
        only_a = {n: z.read(n) for n in z.namelist() if "/A/" in n}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in only_a.items():
            z.writestr(name, data)
    at.file_uploader(key="own_upload").set_value(("a.zip", out.getvalue(), "application/zip")).run()
    assert at.error[0].value == says("data_errors.one_class", lang, name="A")


def test_the_stack_from_the_layer_lab_gets_one_output_per_class():
    from cnnlib.architecture import preset
    from links.pages import Lab

    lenet = open_page(PAGE, "en", query={"n": "10"})
    assert any(c.value.endswith("the model has 61,706 parameters.") for c in lenet.caption)  # the slide's LeNet-5
    missing = open_page(PAGE, "en", query={"n": "10", "model": "lab"})
    assert any(i.value.startswith("Build a stack in the layer lab") for i in missing.info)
    lab = open_page(PAGE, "en", query={"n": "10", "model": "lab"},
                    state=settings_state({"layer-stack-lab": Lab(stack=preset("two_conv_pool")[0])}))
    assert_clean(lab)
    assert any(c.value.endswith("Dense(10, softmax); the model has 9,532 parameters.") for c in lab.caption)  # §5
    wide = Lab(stack=({"type": "Conv2D", "filters": 4, "kernel_size": 30},))
    broken = open_page(PAGE, "ko", query={"n": "10", "model": "lab"}, state=settings_state({"layer-stack-lab": wide}))
    assert_clean(broken)
    assert "커널 크기(30×30)" in broken.error[0].value  # a 30×30 kernel does not fit 28×28: said, not crashed
    assert "own_train" not in [button.key for button in broken.button]  # and nothing to train


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_notmnist_offline_offers_the_embedded_letters(lang, monkeypatch):
    monkeypatch.setenv("CNNLIB_NOTMNIST_URL", f"http://127.0.0.1:{free_port()}/notMNIST_small.tar.gz")
    at = open_page(PAGE, lang)
    at.radio(key="own_source").set_value("notmnist").run()
    assert_clean(at)
    at.button(key="own_download").click().run()
    assert_clean(at)
    assert at.error[0].value.startswith(opening("data_errors.offline", lang))
    at.button(key="own_fallback").click().run()
    assert_clean(at)
    assert at.radio(key="own_source").value == "letters" and at.metric


@pytest.fixture
def mirror(monkeypatch):
    """A local notMNIST-like mirror (tests.downloadhelp.Handler); ``mirror(path)`` points the page at one of its files."""
    import http.server
    import threading

    from tests.downloadhelp import Handler  # the same in-memory notMNIST-like server as test_downloads.py

    Handler.hits.clear()
    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def point_at(path: str) -> list[str]:
        monkeypatch.setenv("CNNLIB_NOTMNIST_URL", f"http://127.0.0.1:{port}/{path}")
        return Handler.hits

    yield point_at
    httpd.shutdown()
    httpd.server_close()


def test_notmnist_from_a_local_mirror_is_downloaded_cached_and_read(mirror):
    hits = mirror("notMNIST_small.tar.gz")
    at = open_page(PAGE, "en")
    at.radio(key="own_source").set_value("notmnist").run()
    at.button(key="own_download").click().run()
    assert_clean(at)
    assert metrics(at)["Images"] == "40" and metrics(at)["Skipped files"] == "1"
    assert "The class folders sit inside 'notMNIST_small/'." in [rendered(c.value)[1].strip() for c in at.caption]
    again = open_page(PAGE, "en")
    again.radio(key="own_source").set_value("notmnist").run()
    assert metrics(again)["Images"] == "40"  # from the cache: no button, no second download
    assert hits.count("/notMNIST_small.tar.gz") == 1


def test_a_bad_cached_notmnist_is_removed_and_the_retry_downloads_it(mirror, isolated_cache):
    """Issue 9 #10: a cached file that was not a tar.gz was read on every visit, with no way to retry."""
    from tests.downloadhelp import NOT_A_TAR

    isolated_cache.mkdir(parents=True)
    (isolated_cache / "notMNIST_small.tar.gz").write_bytes(NOT_A_TAR)
    mirror("cut-tar.tar.gz")
    at = open_page(PAGE, "en")
    at.radio(key="own_source").set_value("notmnist").run()
    assert_clean(at)
    assert at.error[0].value == says("data_errors.not_tar", "en")
    assert not (isolated_cache / "notMNIST_small.tar.gz").exists()  # removed: the retry fetches it
    at.button(key="own_retry").click().run()  # the mirror sends a tar cut short: not cached either
    assert_clean(at)
    assert at.error[0].value == says("data_errors.damaged_download", "en")
    mirror("notMNIST_small.tar.gz")
    at.button(key="own_retry").click().run()
    assert_clean(at)
    assert metrics(at)["Images"] == "40"


@pytest.mark.slow  # a real run
@pytest.mark.tf
@pytest.mark.usefixtures("training_services")
def test_train_a_tiny_run_see_results_share_it_and_predict_one_picture():
    from services.runs import get_service

    at = open_page(PAGE, "en", timeout=TRAIN_TIMEOUT, query={"n": "10", "epochs": "1"})
    [code] = [c.value.strip() for c in at.code if "model.fit(" in c.value]  # the lecture's code for this setting
    assert "model.fit(독립, 종속, epochs=1, batch_size=64, validation_split=0.2)" in code
    assert "독립 = 독립.reshape(100, 28, 28, 1)" in code  # 10 letters × 10 pictures, counted
    at.button(key="own_train").click().run()
    assert_clean(at)
    service = get_service()
    [queued] = service.queue() or [None]
    if queued is not None:
        assert training_code(queued.config, words("en"), Folders("letters", 100, 10)).strip() == code  # what trains
        assert service.wait(queued.key, TRAIN_TIMEOUT).state == "done"
    at.run()
    assert_clean(at)
    assert [s.value for s in at.subheader][-2:] == ["Results", "Predict one image of your own"]
    accuracy = metrics(at)["Test accuracy"]
    assert accuracy.endswith("%")
    assert len(at.get("plotly_chart")) == 4  # class counts, curves per epoch (as §6), accuracy per class, confusion
    # the one confusion section (as §6): the most common mistake first, its test images listed
    true, pred = at.selectbox(key="own_cm_true").value, at.selectbox(key="own_cm_pred").value
    assert 0 <= true < 10 and 0 <= pred < 10
    at.selectbox(key="own_cm_true").set_value(0).run()
    at.selectbox(key="own_cm_pred").set_value(0).run()
    assert any("Test images of **A** correctly predicted as **A**: " in m.value for m in at.markdown)
    assert any(c.value.endswith("61,706 parameters") for c in at.caption)  # LeNet-5, ten letters: as the slide
    keys = {b.key for b in at.get("download_button")}  # the notebook, the trained model and its history
    assert {"take_home_notebook_own-images", "own_take_model", "own_take_history"} <= keys, keys

    # another session asking for the same data and settings gets the same run, without training again
    started = service.trainings_started
    other = open_page(PAGE, "ko", timeout=TRAIN_TIMEOUT, query={"n": "10", "epochs": "1"})
    assert_clean(other)
    assert metrics(other)["평가 정확도"] == accuracy and service.trainings_started == started

    picture = np.full((60, 40), 255, np.uint8)
    picture[10:50, 15:25] = 0  # black ink on white paper, unlike the letters
    at.file_uploader(key="own_predict_upload").set_value(("mine.png", png(picture), "image/png")).run()
    assert_clean(at)
    assert at.success[0].value.startswith("Prediction: ")
    assert "Its background is the opposite of the training data's, so its colours were inverted." in [
        c.value for c in at.caption
    ]
    at.file_uploader(key="own_predict_upload").set_value(("notes.txt", b"text", "text/plain")).run()
    assert at.error[0].value == says("data_errors.image_not_image", "en")
    at.file_uploader(key="own_predict_upload").set_value(("broken.png", b"\x89PNG broken", "image/png")).run()
    assert at.error[0].value == says("data_errors.image_unreadable", "en")
