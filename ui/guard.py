"""No traceback, ever: the router runs every page through ``run_page``.

A page that raises shows a short message in the student's language with a way back (try again,
start over, the lecture map); the traceback goes to the server's log with the page's path. A
``LessonError`` that escapes a page (a bad CNNLIB_* setting, say) is shown as its own message.

Streamlit's control flow (``st.stop``, ``st.rerun``, ``st.switch_page``) raises subclasses of
``ScriptControlException``, a BaseException, and a fragment that already reported its own error
raises ``FragmentHandledException``: both pass through untouched.

A fragment's rerun runs only the fragment, not the router: a fragment guards itself with
``@guarded`` under ``@st.fragment``. What still reaches Streamlit is shown in its own box, which
``hide_error_details`` strips of type, message and stack trace (see the README, "Deploying to
Streamlit Community Cloud", for why setting it from the script wins).
"""

from __future__ import annotations

import functools
import logging

import streamlit as st
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from cnnlib.errors import LessonError
from ui.i18n import message, t

log = logging.getLogger(__name__)
HOME = "lessons/0_home.py"
# what "start over" keeps: the language, and who this session is to the training queue (forgetting
# it would withdraw the session's run requests: a run it waits for is not lost by starting over)
KEEP_ON_RESET = ("lang", "present", "run_requester", "run_session_end")
MAX_SHOWN_PATH = 80  # a mistyped address is shown back, cut to this many characters


def hide_error_details() -> None:
    """Streamlit's own error box (fragment reruns) without type, message or trace.

    Community Cloud starts the server with ``client.showErrorDetails=false``, which Streamlit 1.67
    reads as "stacktrace". The option is process-wide and the error box reads it when it is built,
    so setting it at the top of every run wins over the value the server was started with.
    """
    st.set_option("client.showErrorDetails", "none")


class PageEnd(Exception):
    """Raised by ``end_page()``: the page has drawn all it can for now (e.g. a training page before its run)."""


def end_page() -> None:
    """Stop drawing this page (or fragment) here — where a page would call ``st.stop()``.

    ``st.stop()`` asks Streamlit to stop the whole script run: every later ``st`` call raises again, so
    the router's work after the page (the language and class parameters in the address, the class's
    publication, the Keras guard) would be skipped. This ends only the page; the router goes on.
    """
    raise PageEnd


def run_page(navigation) -> None:
    """``navigation.run()``, with any error turned into a message and a way back."""
    _guard(navigation.run, f"page /{navigation.url_path}", "guard")


def guarded(fragment):
    """For a fragment's function (under ``@st.fragment``): its errors become a message and a way back too."""

    @functools.wraps(fragment)
    def run(*args, **kwargs):
        return _guard(lambda: fragment(*args, **kwargs), f"fragment {fragment.__qualname__}",
                      f"guard_{fragment.__qualname__}")

    return run


def _guard(work, where: str, key: str):
    try:
        return work()
    except (ScriptControlException, FragmentHandledException):
        raise
    except PageEnd:
        return None
    except LessonError as err:
        log.warning("%s: %r", where, err)
        way_back(message(err), key)
    except Exception:
        log.exception("%s failed", where)
        way_back(t("common.page_failed"), key)


def way_back(text: str, key: str = "guard") -> None:
    """The message, then Try again (a click reruns), Start over and the lecture map."""
    st.error(text, icon=":material/error:")
    try:
        left, middle, right = st.columns(3)
        left.button(t("common.try_again"), key=f"{key}_retry", icon=":material/refresh:")
        middle.button(t("common.start_over"), key=f"{key}_reset", icon=":material/restart_alt:", on_click=start_over)
        right.page_link(HOME, label=t("common.page.home"), icon=":material/map:")
    except Exception:  # the buttons once too often in one run (a key taken): the message is there already
        log.exception("the way back could not be drawn")


def start_over() -> None:
    """Forget this session's settings and the address's parameters (a link or state that keeps failing)."""
    for key in list(st.session_state):
        if key not in KEEP_ON_RESET:
            del st.session_state[key]
    for name in list(st.query_params):
        if name not in KEEP_ON_RESET:
            del st.query_params[name]


def requested_path() -> str | None:
    """The address path this run was asked for by name (a typed or linked URL), else None.

    A page change from the sidebar asks by the page's hash and gives None; the lecture map's "/" gives "".
    """
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        manager = get_script_run_ctx().pages_manager
        if manager.intended_page_script_hash:
            return None
        return manager.intended_page_name
    except Exception:  # no script run (a bare import) or Streamlit's internals moved: no check
        return None


def mistyped(url_paths) -> str | None:
    """The address this run was asked for when it names no page (e.g. /convolution-arithmetc), else None."""
    path = requested_path()
    if not path or path.strip("/") in set(url_paths):
        return None
    return path


def page_not_found(url_paths) -> bool:
    """A mistyped address (e.g. /convolution-arithmetc): say so in the page's language above the lecture
    map Streamlit falls back to, and close Streamlit's English "Page not found" dialog. True if shown."""
    path = mistyped(url_paths)
    if path is None:
        return False
    shown = path.strip("/")[:MAX_SHOWN_PATH].replace("`", "'")
    st.warning(t("common.page_not_found", path=shown), icon=":material/travel_explore:")
    st.html(CLOSE_NOT_FOUND_DIALOG, unsafe_allow_javascript=True)
    return True


# Streamlit 1.67's dialog has no test id: it is the dialog whose title reads "Page not found".
CLOSE_NOT_FOUND_DIALOG = """<script>
(() => {
  const started = Date.now();
  const step = () => {
    for (const dialog of document.querySelectorAll('[role="dialog"]')) {
      const title = dialog.querySelector("h2");
      if (title && title.textContent.trim() === "Page not found") {
        const close = dialog.querySelector('button[aria-label="Close"]');
        if (close) { close.click(); return; }
      }
    }
    if (Date.now() - started < 5000) setTimeout(step, 50);
  };
  step();
})();
</script>"""
