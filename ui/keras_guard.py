"""Keep Streamlit's after-every-run ``keras.backend.clear_session()`` away from a training run.

Streamlit's script runner calls it after EVERY script run, fragment reruns included
(``_clean_problem_modules``). That resets Keras' global state and clears TensorFlow's kernel
caches under the training thread (a run then stalls for seconds), and its ``gc.collect()`` costs
~0.2 s per rerun: with forty students watching progress that is the whole CPU. Our models get
explicit layer names (cnnlib.models), so nothing needs the reset.

The router installs the guard as soon as TensorFlow loads (``services.runs.fit.when_tensorflow_loads``)
and, with ``guard_if_keras_loaded``, after any page that loaded Keras; it never imports Keras itself,
and never waits for another thread's import of it (the background warm-up, ui/warmup.py).
"""

from __future__ import annotations

import sys


def guard_clear_session() -> None:
    """Make Streamlit's calls to ``keras.backend.clear_session()`` a no-op; calls from anywhere else
    (tests, a student's code) still clear the session. Installing twice changes nothing."""
    import keras

    original = keras.backend.clear_session
    if getattr(original, "_cnnlib_guard", False):
        return

    def clear_session(*args, **kwargs):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller.startswith("streamlit."):
            return None
        return original(*args, **kwargs)

    clear_session._cnnlib_guard = True
    clear_session.__doc__ = original.__doc__
    keras.backend.clear_session = clear_session


def keras_loaded() -> bool:
    """Keras is imported completely (not absent, and not half-way through another thread's import)."""
    module = sys.modules.get("keras")
    if module is None:
        return False
    return not getattr(getattr(module, "__spec__", None), "_initializing", False)


def guard_if_keras_loaded() -> bool:
    """``guard_clear_session()`` if Keras is loaded, without waiting on an import under way elsewhere
    (``import keras`` would block on its lock until the other thread finished; that thread's own
    ``when_tensorflow_loads`` hook installs the guard when it is done). True if the guard is in place."""
    if not keras_loaded():
        return False
    guard_clear_session()
    return True
