"""ui.keras_guard: Streamlit's clear_session after every script run no longer touches Keras; anyone else's does."""

from __future__ import annotations

import pytest

from services.runs.fit import configure_tensorflow, when_tensorflow_loads
from ui.keras_guard import guard_clear_session


@pytest.mark.tf
def test_streamlits_clear_session_after_every_rerun_no_longer_touches_keras():
    """Streamlit calls keras.backend.clear_session() after every script run (fragments too):
    under a training thread that stalled runs for seconds. Only Streamlit's call is skipped."""
    import keras

    when_tensorflow_loads(guard_clear_session)  # as the router does at start-up
    configure_tensorflow()
    keras.layers.Dense(1, name=None)
    before = keras.layers.Dense(1).name
    namespace = {"__name__": "streamlit.runtime.scriptrunner.script_runner", "keras": keras}
    exec("def clean():\n    keras.backend.clear_session()\n", namespace)  # as Streamlit's _clean_problem_modules
    namespace["clean"]()
    after_streamlit = keras.layers.Dense(1).name
    assert after_streamlit != "dense" and after_streamlit != before, "Streamlit's call must not reset Keras"
    keras.backend.clear_session(free_memory=False)  # anyone else's call still does
    assert keras.layers.Dense(1).name == "dense"
    guarded = keras.backend.clear_session
    guard_clear_session()
    assert keras.backend.clear_session is guarded, "installing twice wraps once"


@pytest.mark.tf
def test_the_router_never_waits_for_a_keras_import_under_way_elsewhere(monkeypatch):
    """While the warm-up thread imports Keras, sys.modules already holds the half-made module; `import keras`
    in the script thread would block on its import lock. The router's check returns at once instead."""
    import importlib.machinery
    import sys
    import types

    from ui.keras_guard import guard_if_keras_loaded, keras_loaded

    half = types.ModuleType("keras")
    half.__spec__ = importlib.machinery.ModuleSpec("keras", None)
    half.__spec__._initializing = True  # what importlib sets until the module's code has run
    monkeypatch.setitem(sys.modules, "keras", half)
    assert not keras_loaded() and guard_if_keras_loaded() is False
    monkeypatch.delitem(sys.modules, "keras")
    assert not keras_loaded() and guard_if_keras_loaded() is False  # not imported at all: nothing to guard
    monkeypatch.undo()
    import keras  # noqa: F401 - a complete import

    assert keras_loaded() and guard_if_keras_loaded() is True
