"""A page's setting in its address, so a teacher can send "this exact setting" as a link.

The codec (``Link``, ``Param``, ``choice``, ``integer``, ``number``, ``Adjusted``; decode/encode) is
plain Python in links/codec.py, and each page's ``Link`` is declared in links/pages.py; both load
no Streamlit, so the command line reads a page's link exactly as the page does. This module is the
Streamlit side: ``read_once``, ``notice``, ``warn``, ``sync`` (and the codec's names, for the pages).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from links.codec import (  # noqa: F401 - the codec's names, as the pages have always used them (links.Link, …)
    Adjusted,
    Link,
    Param,
    choice,
    decimal_number,
    integer,
    number,
    whole_number,
)
from ui.i18n import sync_query_param, t

# ---- the Streamlit side -----------------------------------------------------------------------


def query() -> dict[str, list[str]]:
    """The address's parameters as a plain dict (a repeated parameter keeps all its values)."""
    return {name: st.query_params.get_all(name) for name in st.query_params}


def read_once(link: Link, page: str) -> dict[str, Any] | None:
    """A session's first run of `page`: the link's values; None on every later run — unless the address
    was changed from outside since the page last wrote it (then its values again).

    What could not be read is remembered for ``notice(page)``, which the page shows where it likes.
    """
    flag = f"{page}_link_read"
    if st.session_state.get(flag) and not _changed_from_outside(link):
        return None
    st.session_state[flag] = True
    values, refused = link.decode(query())
    if refused:
        st.session_state[f"{page}_bad_link"] = refused
    return values


def _wrote_key(link: Link) -> str:
    return "_link_wrote_" + ",".join(param.name for param in link.params)


def _as_lists(texts: Mapping[str, Any]) -> dict[str, list[str]]:
    return {name: [text] if isinstance(text, str) else list(text) for name, text in texts.items() if text}


def _changed_from_outside(link: Link) -> bool:
    """The address carries this link's parameters, and they are not what this session last wrote there:
    a link inside the app (§5's "open in the lab", st.page_link with query_params) or the browser's
    back button. Going to a page through the sidebar clears the address, which is no change."""
    wrote = st.session_state.get(_wrote_key(link))
    if wrote is None:  # the page never wrote its setting: keep the first visit's reading
        return False
    names = {param.name for param in link.params}
    now = {name: texts for name, texts in query().items() if name in names}
    return bool(now) and now != wrote


def warn(refused: Sequence[str]) -> None:
    """The one notice for a bad link: which parameters fell back to their defaults."""
    if refused:
        st.warning(t("common.bad_link", what=", ".join(refused)))


def notice(page: str) -> None:
    """Show (once) the notice ``read_once`` kept for `page`."""
    warn(st.session_state.pop(f"{page}_bad_link", None) or [])


def sync(link: Link, values: Mapping[str, Any]) -> dict[str, str | list[str] | None]:
    """Write the values into the address, touching only the parameters that changed; returns the texts."""
    texts = link.encode(values)
    for name, text in texts.items():
        if isinstance(text, list):
            if st.query_params.get_all(name) != text:
                st.query_params[name] = text
        else:
            sync_query_param(name, text)
    st.session_state[_wrote_key(link)] = _as_lists(texts)  # what the address says now (read_once compares)
    for hook in _WRITTEN:  # class mode: a teacher's edit reaches the class even in a fragment's rerun
        hook()
    return texts


_WRITTEN: list[Callable[[], None]] = []


def when_written(hook: Callable[[], None]) -> None:
    """Call hook() after every ``sync`` (the router registers class mode's publishing; once is enough)."""
    if hook not in _WRITTEN:
        _WRITTEN.append(hook)


def forget_all() -> None:
    """Every page reads its link again on its next run (a follower takes the teacher's setting: ui/classroom.py)."""
    for key in [key for key in st.session_state if str(key).endswith(("_link_read", "_bad_link"))]:
        del st.session_state[key]
