"""§4's workbench in the browser: one Components v2 element (docs/streamlit.md, "Components v2").

The real code is ``static/workbench.js``, served by Streamlit's static file serving
(``.streamlit/config.toml``: ``[server] enableStaticServing = true``) at ``<base>/app/static/workbench.js``.
Streamlit resends a component's html/css/js with every render, so the inline js is only ``LOADER``: it imports
that module by an absolute URL (the page's origin, the server's ``server.baseUrlPath``, a content hash against
stale caches) and hands it the component.

Data (``data=``): the page's compact state, ``ack`` (the number of the last commit the server applied), whether
the page is in presenter mode, the weights' range and step, and the "kit" — the words in the page's language and
the colour scale. The kit is sent only while the browser may lack it: a commit names the kit it had, and the
module keeps kits for the life of the page. State back: ``commit`` (setStateValue), read by the page's
``on_commit_change`` callback before the script runs.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st

STATIC = Path(__file__).resolve().parent.parent / "static"
MODULE = "workbench.js"
LOADER = """export default async function (component) {
  const base = String(component.data.base || "").replace(/^\\/+|\\/+$/g, "");
  const url = new URL(`${base ? "/" + base : ""}/app/static/${component.data.module}`, window.location.origin);
  const module = await import(url.href);
  return module.default(component);
}"""
KITS_SENT = "workbench_kits_sent"  # session key: the kits (words, colours, presets) this session was sent
_MOUNT = st.components.v2.component("cnn_workbench", js=LOADER)


@functools.cache
def module_name() -> str:
    """``workbench.js?v=<content hash>``: a new version is fetched anew, an unchanged one comes from the cache."""
    digest = hashlib.sha256((STATIC / MODULE).read_bytes()).hexdigest()[:12]
    return f"{MODULE}?v={digest}"


def kit_id(kit: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(kit, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:10]


def last_commit(key: str) -> dict:
    """The component's last commit as this session holds it ({} before the first): read before mounting."""
    state = st.session_state.get(key)
    commit = state.get("commit") if isinstance(state, Mapping) else None
    return commit if isinstance(commit, Mapping) else {}


def payload(state: dict, kit: str, *, ack: int, present: bool, weight_range: tuple[float, float], step: float,
            secret: bool = False, hidden_cell: int = 0) -> dict:
    """The component's data for one render, without the kit (mount adds it while the browser may lack it)."""
    return {
        "module": module_name(),
        "base": st.get_option("server.baseUrlPath") or "",
        "ack": ack,
        "state": state,
        "present": present,
        "secret": secret,
        "hidden_cell": hidden_cell,
        "range": list(weight_range),
        "step": step,
        "kit_id": kit,
    }


def mount(key: str, state: dict, kit: dict, *, present: bool, weight_range: tuple[float, float], step: float,
          on_commit: Callable[[], None], secret: bool = False, hidden_cell: int = 0) -> None:
    """Draw the workbench showing `state`; `on_commit` runs (before the script) when the browser commits an edit.
    secret: the output size and the map's shape read "?"; hidden_cell: that output cell (1-based) reads "?" in the
    map, its formula and its tooltip (a class's question about them is open)."""
    done = last_commit(key)
    ident = kit_id(kit)
    ack = int(done.get("seq", 0)) if isinstance(done.get("seq", 0), int) else 0
    data = payload(state, ident, ack=ack, present=present, weight_range=weight_range, step=step, secret=secret,
                   hidden_cell=hidden_cell)
    state = st.session_state.get(key)
    asked = state.get("need_kit") if isinstance(state, Mapping) else None  # the browser lacks the kit: it said so
    sent = st.session_state.setdefault(KITS_SENT, {})  # kit id -> the ask it answered (None: sent unasked)
    if done.get("kit") != ident and (ident not in sent or (asked and sent[ident] != asked)):
        data["kit"] = {**kit, "id": ident}  # once per session (a follower never commits: not on each update)
        sent[ident] = asked
    _MOUNT(key=key, data=data, on_commit_change=on_commit, on_need_kit_change=_nothing, width="stretch",
           height="content")


def _nothing() -> None:
    """The browser asked for the kit: the rerun this starts sends it (mount)."""
