"""Warm TensorFlow in the background, so the first TensorFlow page a class opens is not the slow one (issue 10).

Importing TensorFlow and Keras takes seconds (5–7 s and ~560 MB on the 2-core machine, see
docs/streamlit.md); the first §2, §6 or §7 page on a fresh server paid all of it. The router calls
``warm_tensorflow_soon()`` after a session's page has run: once per process, a daemon thread imports
TensorFlow through ``services.runs.fit.configure_tensorflow`` (so the thread pools are sized and the
router's hooks, the clear_session guard among them, run exactly as for a training run) and Keras.
The numpy pages' script thread never imports TensorFlow and never waits for the thread; a TF page
opened while it is still importing waits only for the rest of the import (Python's import lock).

``CNNLIB_WARM_TF``: ``0`` turns it off (a test that needs a cold import), ``1`` turns it on anywhere;
unset, it is on in a server started by ``streamlit run`` and off elsewhere (AppTest, the command line),
so tests that check the numpy pages load no TensorFlow stay true.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from cnnlib.errors import LessonError
from services import settings

log = logging.getLogger(__name__)
ENV = "CNNLIB_WARM_TF"  # read by services.settings.warm_tf

_lock = threading.Lock()
_thread: threading.Thread | None = None
status: dict[str, float | str | None] = {"seconds": None, "error": None}  # what the warm-up did (for the log and tests)


def enabled() -> bool:
    """CNNLIB_WARM_TF if set (services.settings.warm_tf); else whether this process is a server started by
    `streamlit run`. A value that cannot be read: logged, and no warm-up (the page must not fail for it)."""
    try:
        value = settings.warm_tf()
    except LessonError as err:
        log.warning("%r: no TensorFlow warm-up", err)
        return False
    if value is not None:
        return value
    return "streamlit.web.bootstrap" in sys.modules  # the CLI's bootstrap; AppTest never imports it


def warm_tensorflow_soon() -> threading.Thread | None:
    """Start the warm-up thread (at most once per process); the thread, or None when nothing starts."""
    global _thread
    if _thread is not None or not enabled():
        return None
    with _lock:
        if _thread is not None:
            return None
        _thread = threading.Thread(target=_warm, name="cnnlib-warm-tensorflow", daemon=True)
        _thread.start()
        return _thread


SWITCH_S = 0.0005  # Python's GIL switch interval while the import runs (default 0.005)


def _warm() -> None:
    """Import TensorFlow and Keras. Meanwhile Python's GIL changes hands every 0.5 ms instead of 5: the
    import is one long CPU-bound stretch of Python, and the server's event loop and script threads, which
    give the GIL up for every small I/O, would otherwise wait up to 5 ms to get it back each time."""
    started = time.perf_counter()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, SWITCH_S))
    try:
        from services.runs.fit import configure_tensorflow

        configure_tensorflow()  # imports TensorFlow, runs the app's hooks, sizes the thread pools
        import keras  # noqa: F401 - the import is the point: a page's `import keras` is then instant

        status["seconds"] = time.perf_counter() - started
        log.info("TensorFlow warmed in the background in %.1f s", status["seconds"])
    except Exception as err:  # noqa: BLE001 - a page that needs TensorFlow will report it in its own words
        status["error"] = type(err).__name__
        log.warning("warming TensorFlow failed: %r", err)
    finally:
        sys.setswitchinterval(interval)


def _reset_for_tests() -> None:
    global _thread
    with _lock:
        _thread = None
    status.update(seconds=None, error=None)
