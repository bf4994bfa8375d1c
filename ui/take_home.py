"""Take it home (issue 12): the page's exact setting as a notebook, a trained run's model and history as files.

>>> take_home.notebook_button("max-pooling", {"map": fmap, "size": 2, "stride": 2, "digit": 4, "filter": "top_loop"})

The notebook is only CHECKED on each rerun (well under a millisecond); its bytes are built when
the student clicks (``st.download_button`` takes a callable), so a slider step costs nothing more.
The callable runs outside the script (no session): it takes its words in the language of the rerun
that drew the button. A setting the notebook cannot express shows the reason instead of a button.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable

import streamlit as st

import notebooks
from cnnlib.errors import LessonError
from services.runs.cache import RunResult
from ui.i18n import lang, message, t
from words import words

NOTEBOOK_MIME = "application/x-ipynb+json"


def notebook_bytes(page: str, settings: dict, language: str) -> bytes:
    """The .ipynb file of `page` with `settings`, in `language` (LessonError when it cannot be expressed)."""
    return notebooks.to_bytes(notebooks.build(page, settings, lambda coded: words(coded, language)))


def notebook_button(page: str, settings: dict, *, where=None, key: str | None = None, png_hint: bool = False,
                    checked: bool = False, latest: Callable[[], dict | None] | None = None) -> bool:
    """"Download notebook" for what is on screen; the refusal's words instead when it cannot be written.

    Returns whether a button was drawn. `where`: a column or container; by default a row of the page with
    a note beside the button (and, with `png_hint`, how the page's figures save as PNG). `checked`: the page has
    just checked these settings as the notebook would (the lab: its stack summarized without a refusal).
    `latest`: read at the click, the settings to write instead when it gives any (a following student's page
    whose workbench the live channel moved since it ran: ui/class_session.latest_setting)."""
    beside = None
    if where is None:  # the button at its own width, then what it gives (a narrow column cut its label at 150 % zoom)
        where = beside = st.container()
    try:
        if not checked:
            notebooks.check(page, settings)
    except LessonError as err:
        where.caption(t("take_home.notebook_refused", reason=message(err)))
        return False
    frozen = copy.deepcopy(settings)  # the page's arrays may be replaced before the click
    language = lang()
    where.download_button(
        t("take_home.notebook"), data=lambda: notebook_bytes(page, (latest and latest()) or frozen, language),
        file_name=notebooks.filename(page),
        mime=NOTEBOOK_MIME, key=key or f"take_home_notebook_{page}", on_click="ignore", icon=":material/download:",
        help=t("take_home.notebook_help"),
    )
    if beside is not None:
        beside.caption(t("take_home.notebook_note") + (" " + t("take_home.png_hint") if png_hint else ""))
    return True


def model_bytes(result: RunResult) -> bytes:
    """The trained run's model.keras, as the cache keeps it (OSError when it is gone)."""
    return (result.path / "model.keras").read_bytes()


def history_csv(result: RunResult) -> str:
    """epoch, loss, accuracy, val_loss, val_accuracy, seconds: one row per epoch (pandas' CSV)."""
    import pandas as pd

    h = result.history
    n = len(h["loss"])
    seconds = list(result.epoch_seconds)[:n] + [float("nan")] * max(0, n - len(result.epoch_seconds))
    table = pd.DataFrame({"epoch": range(1, n + 1), **{name: h[name] for name in ("loss", "accuracy", "val_loss", "val_accuracy")
                                                         if name in h}, "seconds": seconds})
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    return buffer.getvalue()


def run_files(prefix: str, result: RunResult) -> None:
    """One row under a finished run: the model (.keras) and the history (CSV), both read or written on click."""
    row = st.container(horizontal=True, vertical_alignment="center")
    name = f"{prefix}-{result.key[:8]}"
    if result.path is not None and (result.path / "model.keras").is_file():
        row.download_button(t("take_home.model"), data=lambda: model_bytes(result), file_name=f"{name}.keras",
                            mime="application/octet-stream", key=f"{prefix}_take_model", on_click="ignore",
                            icon=":material/download:", help=t("take_home.model_help"))
    else:
        row.caption(t("training.model_gone"))
    row.download_button(t("take_home.history"), data=lambda: history_csv(result), file_name=f"{name}-history.csv",
                        mime="text/csv", key=f"{prefix}_take_history", on_click="ignore", icon=":material/download:")
