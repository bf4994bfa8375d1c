"""The workbenches in the browser (§3's filter-set editor, §4's, §5's step-through, the lab's layer editor): one
Components v2 element (docs/streamlit.md).

The real code is a module in ``static/`` (§4: ``workbench.js``; §5: ``pooling.js``; §3: ``filtersets.js``; the lab:
``stacklab.js``; the last three import workbench.js's helpers and commit protocol), served by Streamlit's static file serving
(``.streamlit/config.toml``: ``[server] enableStaticServing = true``) at ``<base>/app/static/workbench.js``.
Streamlit resends a component's html/css/js with every render, so the inline js is only ``LOADER``: it imports
that module by an absolute URL (the page's origin, the server's ``server.baseUrlPath``, a content hash against
stale caches) and hands it the component.

Data (``data=``): the page's compact state, ``ack`` (the number of the last commit the server applied), whether
the page is in presenter mode, the module's own extras (§4: the weights' range and step, the hidden answers), and
the "kit" — the words in the page's language and the colour scale (§3's: and the picture). The kit is sent only
while the browser may lack it: a commit names the kit it had, and the module keeps kits for the life of the page.
State back: ``commit`` (setStateValue), read by the page's ``on_commit_change`` callback before the script runs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
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
def module_name(module: str = MODULE) -> str:
    """``workbench.js?v=<content hash>``: a new version is fetched anew, an unchanged one comes from the cache.
    The hash covers workbench.js too, which every module imports (its helpers)."""
    digest = hashlib.sha256((STATIC / module).read_bytes() + (STATIC / MODULE).read_bytes()).hexdigest()[:12]
    return f"{module}?v={digest}"


def compact(grid) -> list:
    """A grid as a workbench gets it: one flat list, whole numbers without ".0" (fewer bytes per update); -0.0
    stays -0.0, which the slide's formula writes as -0 (cnnlib.convolution.formula)."""
    return [int(v) if v.is_integer() and (v or math.copysign(1, v) > 0) else v
            for v in np.asarray(grid, dtype=float).ravel().tolist()]


def kit_id(kit: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(kit, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:10]


def last_commit(key: str) -> dict:
    """The component's last commit as this session holds it ({} before the first): read before mounting."""
    state = st.session_state.get(key)
    commit = state.get("commit") if isinstance(state, Mapping) else None
    return commit if isinstance(commit, Mapping) else {}


def payload(state: dict, kit: str, *, ack: int, present: bool, module: str = MODULE,
            extra: Mapping[str, Any] | None = None) -> dict:
    """The component's data for one render, without the kit (mount adds it while the browser may lack it)."""
    return {
        **(extra or {}),
        "module": module_name(module),
        "base": st.get_option("server.baseUrlPath") or "",
        "ack": ack,
        "state": state,
        "present": present,
        "kit_id": kit,
    }


def mount(key: str, state: dict, kit: dict, *, present: bool, on_commit: Callable[[], None], module: str = MODULE,
          extra: Mapping[str, Any] | None = None) -> None:
    """Draw the workbench `module` showing `state`; `on_commit` runs (before the script) when the browser commits an
    edit. extra: the module's own data (§4: the weights' range and step, the hidden answers)."""
    done = last_commit(key)
    ident = kit.get("id") or kit_id(kit)  # a kit may carry its id (§3's holds a picture: hashed once)
    ack = int(done.get("seq", 0)) if isinstance(done.get("seq", 0), int) else 0
    data = payload(state, ident, ack=ack, present=present, module=module, extra=extra)
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
