"""ui.keras_guard: Streamlit's script runner no longer resets Keras after a run; it still closes matplotlib's figures.

No TensorFlow here: stand-in ``keras`` and ``matplotlib.pyplot`` modules count the calls Streamlit makes.
"""

from __future__ import annotations

import inspect
import sys
import types

from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from ui import keras_guard


def _page() -> None:
    import streamlit as st

    st.write("a run")


def stand_ins(monkeypatch) -> dict[str, int]:
    """Stand-in keras (its backend.clear_session) and matplotlib.pyplot (its close) that count their calls."""
    calls = {"clear_session": 0, "close": 0}
    keras = types.ModuleType("keras")
    keras.backend = types.SimpleNamespace(clear_session=lambda *a, **k: calls.__setitem__(
        "clear_session", calls["clear_session"] + 1))
    pyplot = types.ModuleType("matplotlib.pyplot")
    pyplot.close = lambda which: calls.__setitem__("close", calls["close"] + (which == "all"))
    monkeypatch.setitem(sys.modules, "keras", keras)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", pyplot)
    return calls


def test_streamlit_still_resets_keras_after_every_run_where_the_guard_replaces_it():
    """The internal the guard replaces: if Streamlit renames it, stops calling it or stops resetting Keras there,
    this fails, and the guard is to be looked at again."""
    assert "_clean_problem_modules" in inspect.getsource(script_runner.ScriptRunner._run_script)
    assert "keras" in inspect.getsource(keras_guard.STREAMLITS_CLEAN_UP)
    assert "clear_session" in inspect.getsource(keras_guard.STREAMLITS_CLEAN_UP)


def test_after_the_guard_a_run_resets_no_keras_and_still_closes_matplotlibs_figures(monkeypatch):
    calls = stand_ins(monkeypatch)
    monkeypatch.setattr(script_runner, "_clean_problem_modules", keras_guard.STREAMLITS_CLEAN_UP)
    AppTest.from_function(_page).run()
    assert calls["clear_session"] >= 1 and calls["close"] >= 1, "Streamlit's own clean-up: what the guard changes"

    keras_guard.guard_script_runs()
    keras_guard.guard_script_runs()  # the router calls it on every run
    calls.update(clear_session=0, close=0)
    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert calls == {"clear_session": 0, "close": 1}


def test_the_router_installs_the_guard(monkeypatch):
    from tests.apphelp import open_page

    monkeypatch.setattr(script_runner, "_clean_problem_modules", keras_guard.STREAMLITS_CLEAN_UP)
    calls = stand_ins(monkeypatch)
    open_page("lessons/1_why.py")  # the router's first run (a numpy page)
    assert script_runner._clean_problem_modules is keras_guard._clean_problem_modules
    assert calls["clear_session"] == 0
