"""ui.warmup: TensorFlow is imported once, in a background daemon thread, never by a numpy page's script thread."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ui import warmup

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("value", "expected"), [("0", False), ("off", False), ("1", True), ("yes", True)])
def test_the_setting_decides_when_set(monkeypatch, value, expected):
    monkeypatch.setenv(warmup.ENV, value)
    assert warmup.enabled() is expected


def test_unset_it_is_on_only_in_a_streamlit_run_server(monkeypatch):
    monkeypatch.delenv(warmup.ENV, raising=False)
    monkeypatch.delitem(sys.modules, "streamlit.web.bootstrap", raising=False)
    assert warmup.enabled() is False  # pytest, AppTest, the command line: no background import
    monkeypatch.setitem(sys.modules, "streamlit.web.bootstrap", object())  # what `streamlit run` imports
    assert warmup.enabled() is True


def test_off_starts_nothing(monkeypatch):
    monkeypatch.setenv(warmup.ENV, "0")
    warmup._reset_for_tests()
    assert warmup.warm_tensorflow_soon() is None


RECORDER = """
import sys, threading
importers = {}
class Recorder:
    def find_spec(self, name, path=None, target=None):
        if name in ("tensorflow", "keras") and name not in importers:
            importers[name] = threading.current_thread().name
        return None
sys.meta_path.insert(0, Recorder())
"""


def run_python(code: str) -> subprocess.CompletedProcess:
    env_code = f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + RECORDER + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", env_code], capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, warmup.ENV: "1"})


@pytest.mark.slow  # a fresh Python imports TensorFlow
@pytest.mark.tf
def test_a_numpy_page_starts_the_warm_up_and_its_script_thread_never_imports_tensorflow():
    done = run_python("""
        from tests.apphelp import open_page
        from ui import warmup
        at = open_page("lessons/5_pooling.py", "en")
        assert not at.exception, [e.value for e in at.exception]
        thread = warmup._thread
        assert thread is not None and thread.daemon and thread.name == "cnnlib-warm-tensorflow"
        open_page("lessons/1_why.py", "ko")  # another session, another page: still the one thread
        assert warmup._thread is thread
        thread.join(240)
        assert sys.getswitchinterval() == 0.005  # Python's default again once the import is done
        import keras
        print("IMPORTERS", importers, "GUARDED", getattr(keras.backend.clear_session, "_cnnlib_guard", False),
              "ERROR", warmup.status["error"])
    """)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("IMPORTERS"))
    # both first imported by the warm-up thread, and the clear_session guard is in place (the router's hook ran)
    assert "'tensorflow': 'cnnlib-warm-tensorflow'" in line and "'keras': 'cnnlib-warm-tensorflow'" in line, line
    assert "GUARDED True" in line and "ERROR None" in line, line
