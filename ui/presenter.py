"""Presenter mode: a page readable from the back of a lecture room (``?present=1`` or the sidebar toggle).

Pages ask ``presenting()``; figures take their text size from ``text_px()``; ``caption()`` is a
caption that presenter mode trims. The router turns the mode on and off (issue 10).
"""

from __future__ import annotations

import streamlit as st

KEY = "present"
PRESENT_TEXT_PX = 20  # numbers and formulas on a projector: at least 20 px


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
