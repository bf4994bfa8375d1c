"""Each page's setting in this session: one typed record per page, under one session key, in the address.

A page's record (a frozen ``links.codec.Setting``, declared with its ``Link`` in links/pages.py) is read
from the address on the page's first run in a session, and again when the address was changed from
outside since the page last wrote it (a link inside the app, the browser's back button, a class's
teacher). Widgets read from the record and write to it through their callbacks (``bind``); the page
writes the record back into the address with ``sync``. Every page's record lives in
``st.session_state["page_settings"]`` (``KEY``): nothing else holds a page's setting, and forgetting
them all (a follower taking the teacher's page) is one ``forget_all()``.

    setting = PageSetting("convolution-arithmetic", ARITHMETIC)   # named by the page's address
    record = setting.get()                              # Arithmetic(x=…, w=…, pad="valid", …)
    st.radio(label, PADDINGS, **setting.bind("arith_pad", "pad"))
    setting.sync()                                      # ?pad=same&… when it changed
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from links.codec import Link, Setting
from ui.i18n import sync_query_param, t

KEY = "page_settings"


@dataclass
class Held:
    """One page's record in this session, what its link could not read, and what it last wrote."""

    record: Setting
    refused: list[str] = field(default_factory=list)
    wrote: dict[str, list[str]] | None = None
    seen: tuple | None = None  # (the address, what it was compared with) found unchanged: not parsed again


def query() -> dict[str, list[str]]:
    """The address's parameters as a plain dict (a repeated parameter keeps all its values)."""
    return {name: st.query_params.get_all(name) for name in st.query_params}


def _query_string() -> str | None:
    """The address's query string as this run knows it (Streamlit keeps it current when st.query_params is set)."""
    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.query_string


def _as_lists(texts: Mapping[str, Any]) -> dict[str, list[str]]:
    return {name: [text] if isinstance(text, str) else list(text) for name, text in texts.items() if text}


def _held() -> dict[str, Held]:
    if KEY not in st.session_state:
        st.session_state[KEY] = {}
    return st.session_state[KEY]


class PageSetting:
    """The record of one page and its ``Link``; ``page`` names it in the session: the page's address
    (e.g. "convolution-arithmetic"), so class mode can find any page's record by the page a teacher shows."""

    def __init__(self, page: str, link: Link):
        self.page, self.link = page, link

    def _read(self) -> Held:
        record, refused = self.link.read(query())
        held = _held()[self.page] = Held(record, refused)
        return held

    def _current(self) -> Held:
        held = _held().get(self.page)
        if held is None or self._changed_from_outside(held):
            held = self._read()
        return held

    def _changed_from_outside(self, held: Held) -> bool:
        """The address carries this link's parameters, and they are not what this session last wrote there.
        Going to a page through the sidebar clears the address, which is no change."""
        if held.wrote is None:  # the page never wrote its setting: keep the first visit's reading
            return False
        address = _query_string()  # a page asks many times a run: the address is parsed once per change
        if address is not None and held.seen is not None and held.seen[0] == address and held.seen[1] is held.wrote:
            return False
        names = {param.name for param in self.link.params}
        now = {name: texts for name, texts in query().items() if name in names}
        changed = bool(now) and now != held.wrote
        held.seen = None if changed else (address, held.wrote)
        return changed

    def known(self) -> bool:
        """Whether this session has visited the page (its record is kept), without reading the address."""
        return self.page in _held()

    def get(self) -> Setting:
        """The page's record (read from the address on the first run of the page in this session)."""
        return self._current().record

    def set(self, record: Setting) -> Setting:
        """Replace the record (a widget's callback, a preset, a link inside the page)."""
        self._current().record = record
        return record

    def update(self, **changes) -> Setting:
        """The record with some fields changed (``Setting.but``), kept."""
        return self.set(self.get().but(**changes))

    def bind(self, widget: str, name: str, *, then: Callable[[], None] | None = None,
             shown: Callable[[Any], Any] | None = None, kept: Callable[[Any], Any] | None = None) -> dict:
        """A widget's ``key`` and ``on_change`` for the record's field ``name``: the widget shows the field
        (``shown`` turns the field into the widget's value) and its callback writes it back (``kept`` turns
        the widget's value into the field; ``then`` runs after). Use as ``st.radio(…, **setting.bind(…))``."""
        value = getattr(self.get(), name)
        value = shown(value) if shown else value
        if widget not in st.session_state or st.session_state[widget] != value:
            st.session_state[widget] = value
        return {"key": widget, "on_change": self._from_widget, "args": (widget, name, kept, then)}

    def _from_widget(self, widget: str, name: str, kept, then) -> None:
        value = st.session_state.get(widget)
        self.update(**{name: kept(value) if kept else value})
        if then is not None:
            then()

    def notice(self) -> None:
        """The one notice for a bad link, once: which parameters fell back to their defaults."""
        held = self._current()
        warn(held.refused)
        held.refused = []

    def sync(self) -> dict[str, str | list[str] | None]:
        """Write the record into the address, touching only the parameters that changed; returns the texts."""
        held = self._current()
        texts = self.link.write(held.record)
        for name, text in texts.items():
            if isinstance(text, list):
                if st.query_params.get_all(name) != text:
                    st.query_params[name] = text
            else:
                sync_query_param(name, text)
        held.wrote = _as_lists(texts)  # what the address says now (a later run compares)
        for hook in _WRITTEN:  # class mode: a teacher's edit reaches the class even in a fragment's rerun
            hook()
        return texts


def warn(refused: Sequence[str]) -> None:
    """The one notice for a bad link: which parameters fell back to their defaults."""
    if refused:
        st.warning(t("common.bad_link", what=", ".join(refused)))


def forget_all() -> None:
    """Every page reads its setting from the address again on its next run (a follower takes the teacher's)."""
    st.session_state.pop(KEY, None)


_WRITTEN: list[Callable[[], None]] = []


def when_written(hook: Callable[[], None]) -> None:
    """Call hook() after every ``sync`` (the router registers class mode's publishing; once is enough)."""
    if hook not in _WRITTEN:
        _WRITTEN.append(hook)
