"""Presenter mode: a page readable from the back of a lecture room (``?present=1`` or the sidebar toggle).

Pages ask ``presenting()``; figures take their text size from ``text_px()``; ``caption()`` is a
caption that presenter mode trims. The router turns the mode on and off: ``init_presenter()`` reads
``?present=1`` on a session's first run, ``presenter_switch()`` is the sidebar toggle,
``apply_presenter()`` sets the sidebar's state and injects the large-text CSS, and
``keep_presenter_in_url()`` writes ``?present=1`` back after a page change (as ?lang= is kept).

The sidebar: ``st.set_page_config(initial_sidebar_state=...)`` may be called on every run in
Streamlit 1.67 and the frontend follows a change, unless the browser remembers a manual
open/close (localStorage ``stSidebarCollapsed-…``, which wins). So when the mode changes, a tiny
script also presses the sidebar's own collapse/expand button and forgets that memory again (a
teacher's later normal session starts as Streamlit would start it).
"""

from __future__ import annotations

import json

import streamlit as st

KEY = "present"
PRESENT_TEXT_PX = 20  # numbers and formulas on a projector: at least 20 px
LABEL_PX = 18  # widget labels in presenter mode
QUERY_ON = ("1", "true", "yes", "on")
_APPLIED = "_present_applied"  # the mode the sidebar was last set for, in this session
_CHOICE = "present_choice"  # the toggle's widget key (separate from KEY, which Streamlit never clears)


def presenting() -> bool:
    """True while this session is in presenter mode (False outside a script run)."""
    try:
        return bool(st.session_state.get(KEY, False))
    except Exception:  # no script run context (a thread, a bare import)
        return False


def text_px(normal: int = 13) -> int:
    """The size for numbers drawn in figures: `normal`, or at least 20 px when presenting."""
    return max(normal, PRESENT_TEXT_PX) if presenting() else normal


def caption(text: str, **kwargs) -> None:
    """st.caption, left out in presenter mode (the teacher says it aloud)."""
    if not presenting():
        st.caption(text, **kwargs)


def init_presenter() -> None:
    """Take ?present= on a session's first run; afterwards the sidebar toggle decides."""
    if KEY not in st.session_state:
        st.session_state[KEY] = str(st.query_params.get(KEY, "")).strip().lower() in QUERY_ON


def sidebar_state() -> str:
    """The page config's initial_sidebar_state for this run."""
    return "collapsed" if presenting() else "auto"


def presenter_switch(label: str, help_text: str | None = None) -> None:
    """The sidebar toggle (label in the page's language, from the caller)."""

    def chosen() -> None:
        st.session_state[KEY] = bool(st.session_state[_CHOICE])

    st.session_state[_CHOICE] = presenting()
    st.sidebar.toggle(label, key=_CHOICE, on_change=chosen, help=help_text)


def keep_presenter_in_url() -> None:
    from ui.i18n import sync_query_param

    sync_query_param(KEY, "1" if presenting() else None)


def apply_presenter() -> None:
    """The large-text CSS while presenting; the sidebar script when the mode changed."""
    on = presenting()
    if on:
        st.html(f"<style>{presenter_css()}</style>")
    before = st.session_state.get(_APPLIED)
    st.session_state[_APPLIED] = on
    if before is None and not on:  # a session's first run, not presenting: Streamlit's own behaviour
        return
    if before != on:
        with st.sidebar:
            st.html(sidebar_script("collapsed" if on else "expanded"), unsafe_allow_javascript=True)


def presenter_css(px: int = PRESENT_TEXT_PX, label_px: int = LABEL_PX) -> str:
    """Captions gone; text, formulas, inline code, metrics and alerts at least `px`; labels `label_px`."""
    return f"""
[data-testid="stCaptionContainer"] {{ display: none !important; }}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] td,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] th {{ font-size: {px}px !important; }}
[data-testid="stMain"] code {{ font-size: {px}px !important; }}
[data-testid="stMain"] .katex {{ font-size: max(1.21em, {px}px) !important; }}
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {{ font-size: {2 * px}px !important; }}
[data-testid="stMain"] [data-testid="stMetricLabel"] p {{ font-size: {px}px !important; }}
[data-testid="stMain"] [data-testid="stAlertContainer"] p {{ font-size: {px}px !important; }}
[data-testid="stMain"] [data-testid="stWidgetLabel"] p {{ font-size: {label_px}px !important; }}
[data-testid="stMain"] [data-testid="stSliderThumbValue"],
[data-testid="stMain"] [data-testid="stSliderTickBar"] {{ font-size: {label_px}px !important; }}
[data-testid="stMain"] button p {{ font-size: {label_px}px !important; }}
[data-testid="stMain"] input, [data-testid="stMain"] textarea,
[data-testid="stMain"] [data-baseweb="select"] {{ font-size: {label_px}px !important; }}
"""


def sidebar_script(want: str) -> str:
    """Press the sidebar's own collapse (or expand) button if it is not `want` yet, then forget the
    browser's memory of that click (Streamlit stores it in localStorage, where it would win later)."""
    return f"""<script>
(() => {{
  const want = {json.dumps(want)};
  const started = Date.now();
  const forget = () => Object.keys(localStorage)
    .filter(k => k.startsWith("stSidebarCollapsed-")).forEach(k => localStorage.removeItem(k));
  const step = () => {{
    const bar = document.querySelector('[data-testid="stSidebar"]');
    if (bar) {{
      const open = bar.dataset.collapsed !== "true";
      const button = want === "collapsed"
        ? document.querySelector('[data-testid="stSidebarCollapseButton"] button')
        : document.querySelector('[data-testid="stExpandSidebarButton"]');
      if ((want === "collapsed") === !open) {{ forget(); return; }}
      if (button) button.click();
    }}
    if (Date.now() - started < 5000) setTimeout(step, 100);
  }};
  step();
}})();
</script>"""
