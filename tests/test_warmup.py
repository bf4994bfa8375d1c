"""ui.warmup: TensorFlow is imported once, in a background daemon thread, and only once a page needs it;
a numpy page never starts it, and no page's script thread waits for it (issues 10 and 18).

Which thread imports TensorFlow is recorded by an import hook in a fresh interpreter; waits are on
conditions (a thread's end, an event), never on a clock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from ui import warmup

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("value", "expected"), [("0", "off"), ("off", "off"), ("1", "on"), ("yes", "on"), ("early", "early")])
def test_the_setting_decides_when_set(monkeypatch, value, expected):
    monkeypatch.setenv(warmup.ENV, value)
    assert warmup.mode() == expected
    assert warmup.enabled() is (expected != "off")


def test_unset_it_is_on_only_in_a_streamlit_run_server(monkeypatch):
    monkeypatch.delenv(warmup.ENV, raising=False)
    monkeypatch.delitem(sys.modules, "streamlit.web.bootstrap", raising=False)
    assert warmup.mode() == "off"  # pytest, AppTest, the command line: a page imports TensorFlow itself
    monkeypatch.setitem(sys.modules, "streamlit.web.bootstrap", object())  # what `streamlit run` imports
    assert warmup.mode() == "on"


@pytest.fixture
def no_import(monkeypatch):
    """The warm-up's thread runs, but imports nothing; and TensorFlow counts as not loaded."""
    ran = []
    monkeypatch.setattr(warmup, "_warm", lambda: ran.append(True))
    monkeypatch.setattr(warmup, "tensorflow_ready", lambda: False)
    warmup._reset_for_tests()
    yield ran
    warmup._reset_for_tests()


def test_off_starts_nothing(monkeypatch, no_import):
    monkeypatch.setenv(warmup.ENV, "0")
    warmup.want()
    assert warmup.warm_tensorflow_soon() is None


def test_on_starts_only_once_a_page_wants_it_and_only_once(monkeypatch, no_import):
    monkeypatch.setenv(warmup.ENV, "1")
    assert warmup.warm_tensorflow_soon() is None  # a numpy page's run ended: nothing to import
    gate = warmup.Gate()  # a page that needs TensorFlow asks
    assert not gate.ready
    thread = warmup.warm_tensorflow_soon()
    assert thread is not None and thread.daemon and thread.name == "cnnlib-warm-tensorflow"
    thread.join(10)
    assert no_import == [True] and warmup.warm_tensorflow_soon() is None


def test_early_starts_after_any_page(monkeypatch, no_import):
    monkeypatch.setenv(warmup.ENV, "early")
    thread = warmup.warm_tensorflow_soon()
    assert thread is not None
    thread.join(10)


@pytest.mark.parametrize(("setting", "waits_for"), [("1", ("drawn", warmup.PAINT_WAIT_S)), ("early", ("sleep", warmup.START_S))])
def test_the_import_waits_until_the_page_that_wants_it_is_drawn(monkeypatch, setting, waits_for):
    """On: the import starts at the page's first poll (the browser has drawn it), PAINT_WAIT_S at the latest; early:
    START_S after the first page of any kind (no page waits for it)."""
    from services.runs import fit

    order = []
    monkeypatch.setenv(warmup.ENV, setting)
    drawn = SimpleNamespace(wait=lambda timeout: order.append(("drawn", timeout)))
    monkeypatch.setattr(warmup, "_drawn", drawn)
    monkeypatch.setattr(warmup, "time", SimpleNamespace(sleep=lambda s: order.append(("sleep", s)),
                                                        perf_counter=warmup.time.perf_counter))
    monkeypatch.setattr(fit, "configure_tensorflow", lambda: order.append("import"))
    monkeypatch.setattr(warmup, "status", {"seconds": None, "error": None})
    warmup._warm()
    assert order == [waits_for, "import"] and warmup.status["error"] is None


def test_a_gate_is_open_when_tensorflow_is_there_off_or_failed(monkeypatch, no_import):
    monkeypatch.setenv(warmup.ENV, "1")
    monkeypatch.setattr(warmup, "tensorflow_ready", lambda: True)
    assert warmup.Gate().ready
    monkeypatch.setattr(warmup, "tensorflow_ready", lambda: False)
    assert not warmup.Gate().ready
    warmup.status["error"] = "ImportError"  # the page's own import reports it in its words
    assert warmup.Gate().ready
    warmup.status["error"] = None
    monkeypatch.setenv(warmup.ENV, "0")  # no background import: the page imports TensorFlow itself
    assert warmup.Gate().ready


# Records which thread first imports tensorflow/keras. With HOLD set, the background thread's import of
# tensorflow waits for the event `release` before it runs tensorflow's code (holding that module's import
# lock and the set-up's lock, as a real import under way does, but not Python's global import lock), so a
# test sees pages while the import is under way; an import of it from any other thread fails loudly.
RECORDER = """
import sys, threading
from importlib.machinery import PathFinder
importers = {}
release = threading.Event()
HOLD = False
class Held:
    def __init__(self, loader):
        self.loader = loader
    def create_module(self, spec):
        return self.loader.create_module(spec)
    def exec_module(self, module):
        assert release.wait(240), "never released"
        module.__spec__.loader = module.__loader__ = self.loader
        self.loader.exec_module(module)
class Recorder:
    def find_spec(self, name, path=None, target=None):
        if name in ("tensorflow", "keras") and name not in importers:
            importers[name] = threading.current_thread().name
            if HOLD and name == "tensorflow":
                if threading.current_thread().name != "cnnlib-warm-tensorflow":
                    raise ImportError("a script thread imported TensorFlow")
                spec = PathFinder.find_spec(name, path)
                spec.loader = Held(spec.loader)
                return spec
        return None
sys.meta_path.insert(0, Recorder())
"""


def run_python(code: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env_code = f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + RECORDER + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", env_code], capture_output=True, text=True, timeout=400, cwd=ROOT,
                          env={**os.environ, warmup.ENV: "1", **(env or {})})


@pytest.mark.slow  # a fresh Python runs six pages in two languages
def test_numpy_pages_start_no_warm_up_and_import_no_tensorflow():
    done = run_python("""
        from tests.apphelp import NUMPY_PAGES, open_page
        from ui import warmup
        for page in NUMPY_PAGES:
            for lang in ("ko", "en"):
                at = open_page(page, lang)
                assert not at.exception, (page, [e.value for e in at.exception])
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
        print("RESULT", heavy, importers, warmup._thread, warmup._wanted.is_set())
    """)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "RESULT [] {} None False" in done.stdout, done.stdout[-2000:]


TINY = {"epochs": "1", "n": "300"}


@pytest.fixture(scope="module")
def cached_tiny_run(tmp_path_factory):
    """The §6 run of TINY trained by the command line into a cache folder (this process loads no TensorFlow)."""
    cache = tmp_path_factory.mktemp("warmup-cache")
    done = subprocess.run([sys.executable, "-m", "cnnlib", "train", "--epochs", "1", "--train-size", "300", "--quiet",
                           "--cache-dir", str(cache)], cwd=ROOT, capture_output=True, text=True, timeout=400,
                          env={**os.environ, "CNNLIB_MNIST_SOURCE": "sample"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return cache


@pytest.mark.slow  # trains a tiny run and imports TensorFlow in a fresh Python
@pytest.mark.tf
def test_a_tf_page_draws_at_once_shows_the_note_in_both_languages_and_fills_in(cached_tiny_run):
    """§6 with a cached run, TensorFlow not loaded: its first run draws the run's numbers and the loading note
    (Korean and English) without importing TensorFlow; the import runs in the background thread after the
    run, and the next run (the note's fragment asks for it) has the model's parts."""
    done = run_python(f"""
        HOLD = True
        from tests.apphelp import open_page
        from ui import warmup
        from words import load_catalogue
        note = load_catalogue()["common.tf_loading"]

        def infos(at):
            return [i.value for i in at.info]

        pages = {{}}
        for lang in ("ko", "en"):
            at = open_page("lessons/6_lenet5.py", lang, timeout=120, query={TINY!r})
            assert not at.exception, [e.value for e in at.exception]
            assert any(m.label in ("테스트 정확도", "Test accuracy") for m in at.metric), "the run's numbers at once"
            assert infos(at).count(note[lang]) == 3, infos(at)  # Keras' summary, the learned filters, try it
            assert not [r for r in at.radio if r.key == "lenet_try_source"]
            pages[lang] = at
        thread = warmup._thread
        assert thread is not None and thread.is_alive(), "the import waits for `release`: still under way"
        assert "tensorflow" not in sys.modules or sys.modules["tensorflow"].__spec__._initializing
        release.set()
        thread.join(300)
        assert not thread.is_alive() and warmup.status["error"] is None, warmup.status
        for lang, at in pages.items():
            at.run()  # what the note's fragment asks for once TensorFlow is there
            assert not at.exception, [e.value for e in at.exception]
            assert note[lang] not in infos(at)
            assert [r.key for r in at.radio if r.key == "lenet_try_source"] == ["lenet_try_source"]
            assert any("Total params" in c.value for c in at.code), "Keras' own summary"
        from streamlit.runtime.scriptrunner import script_runner
        from ui import keras_guard
        print("IMPORTERS", importers, "GUARDED", script_runner._clean_problem_modules is keras_guard._clean_problem_modules)
    """, env={"CNNLIB_CACHE_DIR": str(cached_tiny_run), "CNNLIB_MNIST_SOURCE": "sample"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("IMPORTERS"))
    # both first imported by the background thread, and Streamlit's Keras reset after each run is off (the router)
    assert "'tensorflow': 'cnnlib-warm-tensorflow'" in line and "'keras': 'cnnlib-warm-tensorflow'" in line, line
    assert "GUARDED True" in line, line


def test_the_note_fragment_reruns_the_page_once_tensorflow_is_there(monkeypatch):
    """The polling fragment: while TensorFlow loads it shows the note (and makes sure the import runs);
    once it is there it asks for a rerun of the whole page, which draws the model's parts instead."""
    import streamlit as st

    calls = []
    monkeypatch.setattr(st, "rerun", lambda: (_ for _ in ()).throw(RuntimeError("rerun")))
    monkeypatch.setattr(st, "info", lambda text, **kw: calls.append(text))
    monkeypatch.setattr(warmup, "warm_tensorflow_soon", lambda: calls.append("warm"))
    monkeypatch.setattr(warmup, "t", lambda key: key)
    body = warmup._waiting.__wrapped__
    monkeypatch.setattr(warmup, "tensorflow_ready", lambda: False)
    body()  # in the page's own run: the router starts the import when the run ends
    assert calls == ["common.tf_loading"]
    monkeypatch.setattr(warmup, "get_script_run_ctx", lambda: SimpleNamespace(fragment_ids_this_run=["poll"]))
    calls.clear()
    monkeypatch.setattr(warmup, "_drawn", warmup.threading.Event())
    body()  # a poll: the page is drawn (the import may start), and makes sure the import runs (it starts once)
    assert calls == ["warm", "common.tf_loading"] and warmup._drawn.is_set()
    monkeypatch.setattr(warmup, "tensorflow_ready", lambda: True)
    with pytest.raises(RuntimeError, match="rerun"):
        body()
