"""TensorFlow in the background, and only once a page needs it (issues 10 and 18).

Importing TensorFlow and Keras takes seconds and about 500 MB (docs/streamlit.md). Most of the lecture
(the map, §1, §3, §4, §5, the lab) never needs it, so a server holds it only from the moment a page draws
something that does: a finished run's trained model on §2, §6 or §7 (try it, its learned filters, Keras'
own summary), or the lab's Keras summary. A training run needs no page for it: the training worker
imports TensorFlow itself when its first run starts (services/runs/fit.configure_tensorflow).

Such a page never waits for the import. It asks ``Gate()`` first: when TensorFlow is there (``ready``),
it uses it; when not, the page draws everything else at once (§6: the architecture, the counts, the
settings, the run's numbers and curves from its result.json) and ``gate.note()`` in each place that needs
the model: a short "loading TensorFlow…" note in the page's language. The first note is a fragment that
polls a cheap flag (``services.runs.fit.tensorflow_ready``, no import) every POLL_S seconds and reruns
the page once TensorFlow is there, which fills those places in and stops the polling (the rerun draws no
note). The background import's thread starts when the script run that asked for it has ended (the router calls
``warm_tensorflow_soon()`` after every page) and imports once the browser has drawn that page (the note's first poll,
``PAINT_WAIT_S`` at the latest), so it does not slow the page's first paint; it runs through
``configure_tensorflow`` (the thread pools sized exactly as for a training run). While it imports, the pages'
reruns go on: Streamlit's Keras reset after each run, which would stall the import, is off (ui/keras_guard.py).

``CNNLIB_WARM_TF`` (services.settings.warm_tf): ``1`` as above (the default in a `streamlit run` server);
``early`` imports TensorFlow after the server's first page of any kind (issue 10's warm-up: about 500 MB
more from then on, but the first TensorFlow page is complete at once); ``0`` never imports in the
background, and a page that needs TensorFlow imports it in its own run, waiting for it (the default
outside a server: AppTest, the command line). A numpy page's script thread never imports TensorFlow.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from cnnlib.errors import LessonError
from services import settings
from services.runs.fit import tensorflow_ready
from ui.i18n import t

log = logging.getLogger(__name__)
ENV = "CNNLIB_WARM_TF"  # read by services.settings.warm_tf
POLL_S = 1.0  # how often a page waiting for TensorFlow checks the flag (a tiny fragment run)

_lock = threading.Lock()
_thread: threading.Thread | None = None
_wanted = threading.Event()  # a page needs TensorFlow: import it once the page's run is over
status: dict[str, float | str | None] = {"seconds": None, "error": None}  # what the warm-up did (for the log and tests)


def mode() -> str:
    """"on", "early" or "off": CNNLIB_WARM_TF if set; else "on" in a server started by `streamlit run` and
    "off" elsewhere. A value that cannot be read: logged, and "off" (the page must not fail for it)."""
    try:
        value = settings.warm_tf()
    except LessonError as err:
        log.warning("%r: no background TensorFlow import", err)
        return "off"
    if value is not None:
        return value
    return "on" if "streamlit.web.bootstrap" in sys.modules else "off"  # the CLI's bootstrap; AppTest never imports it


def enabled() -> bool:
    """Whether TensorFlow may be imported in the background at all (CNNLIB_WARM_TF is not 0)."""
    return mode() != "off"


def failed() -> bool:
    return status["error"] is not None


def want() -> None:
    """A page needs TensorFlow: the background import starts when this script run ends (the router's
    ``warm_tensorflow_soon``), or at the next poll of the page's note."""
    _wanted.set()


def warm_tensorflow_soon() -> threading.Thread | None:
    """Start the background import (at most once per process) if a page wants it, or after any page with
    CNNLIB_WARM_TF=early; the thread, or None when nothing starts."""
    global _thread
    if _thread is not None or tensorflow_ready():
        return None
    current = mode()
    if current == "off" or (current == "on" and not _wanted.is_set()):
        return None
    with _lock:
        if _thread is not None:
            return None
        _thread = threading.Thread(target=_warm, name="cnnlib-warm-tensorflow", daemon=True)
        _thread.start()
        return _thread


class Gate:
    """Whether this page run may use TensorFlow now (``ready``), and the note where it cannot yet.

    ready is True when TensorFlow is imported, when the background import is off (the page then imports
    it itself, as before issue 10) and when it failed (the page's own import reports why, in its words).
    Otherwise the background import is asked for and the page shows ``note()`` where the model goes.
    """

    def __init__(self):
        self.ready = tensorflow_ready() or mode() == "off" or failed()
        self._polling = False
        if not self.ready:
            want()

    def note(self) -> None:
        """The loading note; the first one in a page run also polls, and reruns the page once TensorFlow is there."""
        if self.ready:
            return
        if self._polling:
            st.info(t("common.tf_loading"), icon=":material/hourglass_top:")
            return
        self._polling = True
        _waiting()


@st.fragment(run_every=POLL_S)
def _waiting() -> None:
    if tensorflow_ready() or failed():
        st.rerun()  # the whole page, now with the model's parts; that run draws no note, so the polling stops
    if getattr(get_script_run_ctx(), "fragment_ids_this_run", None):  # a poll, not the page's own run
        _drawn.set()  # the browser has drawn the page: the import may take the machine now
        warm_tensorflow_soon()  # in case the page's run was cut short before the router started it (it starts once)
    st.info(t("common.tf_loading"), icon=":material/hourglass_top:")


SWITCH_S = 0.0005  # Python's GIL switch interval while the import runs (default 0.005)
# The import starts once the page that asked for it is drawn in the browser: its loading note's first poll (the
# browser's timer for a run_every fragment fires only when the page's drawing is done), or PAINT_WAIT_S after the
# run at the latest (a closed tab never polls). Loading TensorFlow's libraries holds the GIL and a core for seconds;
# started at a fixed 1 s it still overlapped the browser drawing the first TensorFlow page's charts where both share
# a machine (a laptop; bench/memory.py). CNNLIB_WARM_TF=early (no page waits) starts START_S after its first page.
PAINT_WAIT_S = 3.0
START_S = 1.0
_drawn = threading.Event()  # a page that wants TensorFlow has been drawn: its note polled


def _warm() -> None:
    """Import TensorFlow and Keras once the page that wants them is drawn (above). Meanwhile Python's GIL changes
    hands every 0.5 ms instead of 5: the import is one long CPU-bound stretch of Python, and the server's event loop
    and script threads, which give the GIL up for every small I/O, would otherwise wait up to 5 ms to get it back."""
    if mode() == "early":
        time.sleep(START_S)
    else:
        _drawn.wait(PAINT_WAIT_S)
    started = time.perf_counter()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, SWITCH_S))
    try:
        from services.runs.fit import configure_tensorflow

        configure_tensorflow()  # imports TensorFlow and Keras, sizes the thread pools
        status["seconds"] = time.perf_counter() - started
        log.info("TensorFlow imported in the background in %.1f s", status["seconds"])
    except Exception as err:  # noqa: BLE001 - a page that needs TensorFlow will report it in its own words
        status["error"] = type(err).__name__
        log.warning("importing TensorFlow in the background failed: %r", err)
    finally:
        sys.setswitchinterval(interval)


def _reset_for_tests() -> None:
    global _thread
    with _lock:
        _thread = None
    _wanted.clear()
    status.update(seconds=None, error=None)
