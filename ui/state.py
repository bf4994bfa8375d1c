"""Widget values that survive page changes.

Streamlit forgets a widget's value when its page is left. `keep(key, default)` is called just
before the widget is drawn: it copies the widget's value into a shadow key that Streamlit
never deletes, or restores the widget from it when the student comes back.
"""

from __future__ import annotations

from typing import Any

import streamlit as st


def keep(key: str, default: Any) -> Any:
    shadow = f"_kept_{key}"
    if key in st.session_state:
        st.session_state[shadow] = st.session_state[key]
    else:
        st.session_state[key] = st.session_state.get(shadow, default)
    return st.session_state[key]


def put(key: str, value: Any) -> None:
    """Set a widget's value from code (a preset, a link), before the widget is drawn."""
    st.session_state[key] = value
    st.session_state[f"_kept_{key}"] = value
