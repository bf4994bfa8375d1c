"""Keep Streamlit's after-every-run Keras reset away from the app.

After EVERY script run, fragment reruns included, Streamlit's script runner calls its module function
``_clean_problem_modules``, and that calls ``keras.backend.clear_session()`` as soon as ``keras`` is in
``sys.modules`` — also while another thread is still importing it. The reset clears TensorFlow's kernel caches
under a training thread (a run stalled for seconds) and ends in a full ``gc.collect()``: ~0.2 s per rerun once
TensorFlow is in the heap, and while a server imported TensorFlow for its first run each watching page's
once-a-second progress rerun held the GIL for one, so the import took a minute instead of ten seconds.
Our models get explicit layer names (cnnlib.models), so nothing needs the reset.

``guard_script_runs()`` (the router, at the start of every run; Keras need not be loaded) puts a copy of that
function without the Keras part in its place; it keeps the other part (matplotlib's figures closed). This is a
Streamlit internal: tests/test_keras_guard.py fails loudly if Streamlit stops calling it or stops resetting Keras.
"""

from __future__ import annotations

import contextlib
import sys

from streamlit.runtime.scriptrunner import script_runner

STREAMLITS_CLEAN_UP = script_runner._clean_problem_modules  # what Streamlit runs after each script run (the test's)


def _clean_problem_modules() -> None:
    """Streamlit's clean-up after a script run, less the Keras reset: matplotlib's open figures are closed."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        with contextlib.suppress(Exception):  # as Streamlit's: a clean-up never fails a run
            pyplot.close("all")


def guard_script_runs() -> None:
    """Streamlit's script runner no longer resets Keras after a run (the process's runner: every session);
    calling it again changes nothing."""
    script_runner._clean_problem_modules = _clean_problem_modules
