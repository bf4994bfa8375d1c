"""Streamlit side of §7 (lessons/7_own_images.py): the link, the three sources, the report, the run's settings.

The run itself is shown by the shared run panel (ui/run_panel.py), as on §2 and §6.
"""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import notebooks
from cnnlib.architecture import count_params, preset, with_classes
from cnnlib.archives import MAX_UPLOAD_MB
from cnnlib.datasets import Dataset, DatasetError
from cnnlib.errors import LessonError
from cnnlib.image_folders import TEST_FRACTION, ImageFolderSet, load_image_archive, load_image_tar
from cnnlib.keras_code import Folders, training_code
from cnnlib.letters import available_fonts, make_letters
from links.pages import OWN, OWN_MODELS, OWN_SOURCES
from services.downloads import NOTMNIST_FILE, discard_notmnist, download_notmnist, notmnist_url
from services.runs import RunConfig
from services.settings import cache_dir
from ui import stack_lab
from ui.i18n import message, t
from ui.page_setting import PageSetting
from ui.pictures import enlarge
from ui.presenter import caption

SOURCES, MODELS = OWN_SOURCES, OWN_MODELS
SETTING = PageSetting("own-images", OWN)  # src, n (letters per class), seed, epochs, model


# ---- names from an upload, shown as themselves ---------------------------------------------------

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=^\"'])")


def plain(text) -> str:
    """A folder or file name from an upload, for Markdown (captions, notices, errors): every ASCII
    punctuation Markdown or Streamlit's directives could read is backslash-escaped (CommonMark lets
    any be), so a folder named ``[x](javascript:…)`` shows as those characters, never as a link."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).splitlines()))


def say(report) -> str:
    """``message(report)`` with its text parameters (names from an upload) shown as plain text."""
    params = {k: plain(v) if isinstance(v, str) else v for k, v in report.params.items()}
    return message(SimpleNamespace(key=report.key, params=params, where=getattr(report, "where", None)))


def label(text) -> str:
    """A name for a Plotly label: Plotly reads a few HTML tags (<a href>, <b>) in text, so < > & are entities."""
    return html.escape(str(text), quote=False)


# ---- the link ---------------------------------------------------------------------------------


def lab_stack() -> list[dict] | None:
    """The stack built in the layer-stack lab in this session (None: the lab was not visited)."""
    return list(stack_lab.SETTING.get().stack) or None if stack_lab.SETTING.known() else None


def notebook_settings() -> dict:
    """The page's setting for its notebook: the link's values, the lab's stack, the upload's file name."""
    values = SETTING.get().to_link()
    if values.get("model") == "lab":  # without a lab stack the page trains LeNet-5 (run_config says so)
        values["stack"] = lab_stack()
        values["model"] = "lab" if values["stack"] else "lenet5"
    upload = st.session_state.get("own_upload")
    if values.get("src") == "upload" and upload is not None and isinstance(getattr(upload, "name", None), str):
        try:  # the notebook reads the upload under its own name, if that is a plain archive name
            notebooks.check("own-images", {**values, "archive": upload.name})
            values["archive"] = upload.name
        except LessonError:  # e.g. "pictures.gz": the notebook names the file it reads itself
            pass
    return values


UPLOAD_STATE = ("own_upload_set", "own_upload_error", "own_upload_id")  # what one upload leaves in a session


def source_widget() -> str:
    names = {s: t(f"own.source.{s}") for s in SOURCES}
    source = st.radio(t("own.source"), SOURCES, horizontal=True, format_func=names.__getitem__,
                      **SETTING.bind("own_source", "src"))
    if source != "upload":  # the uploader is gone (Streamlit drops its file): drop what it decoded too
        for key in UPLOAD_STATE:
            st.session_state.pop(key, None)
    return source


# ---- the three sources --------------------------------------------------------------------------


@st.cache_resource(max_entries=6, show_spinner=False)
def _letters(per_class: int, seed: int) -> ImageFolderSet:
    return make_letters(per_class=per_class, seed=seed)


@st.cache_resource(max_entries=2, show_spinner=False)
def _notmnist(path: str, mtime: float) -> ImageFolderSet:
    return load_image_tar(path)


def letters_source() -> tuple[ImageFolderSet, str]:
    c1, c2 = st.columns(2)
    per_class = c1.slider(t("own.letters_per_class"), 10, 2000, step=10, **SETTING.bind("own_per_class", "n"))
    seed = c2.number_input(t("own.letters_seed"), 0, 9_999, **SETTING.bind("own_seed", "seed"))
    st.caption(t("own.letters_help", fonts=len(available_fonts())))
    return _letters(int(per_class), int(seed)), "letters"


def upload_source() -> tuple[ImageFolderSet | None, str]:
    upload = st.file_uploader(t("own.upload"), type=["zip", "gz", "tgz", "tar"], key="own_upload",
                              help=t("own.upload_help", mb=MAX_UPLOAD_MB))
    if upload is None:  # removed (or never given): let go of what the last upload decoded
        for key in UPLOAD_STATE:
            st.session_state.pop(key, None)
        st.info(t("own.upload_wait"))
        return None, "upload"
    if st.session_state.get("own_upload_id") != upload.file_id:  # read each upload once per session
        with st.spinner(t("own.reading")):
            try:
                st.session_state.own_upload_set = load_image_archive(upload)
                st.session_state.own_upload_error = None
            except DatasetError as err:
                st.session_state.own_upload_set, st.session_state.own_upload_error = None, err
        st.session_state.own_upload_id = upload.file_id
    error = st.session_state.own_upload_error
    if error is not None:
        st.error(say(error))
        skipped_table(getattr(error, "skipped", ()), error.params.get("n") if error.code == "no_images" else None)
    return st.session_state.own_upload_set, "upload"


def notmnist_source() -> tuple[ImageFolderSet | None, str]:
    st.caption(t("own.download_from", url=notmnist_url()))
    cached = cache_dir() / NOTMNIST_FILE
    if not cached.is_file():
        retry = st.session_state.get("own_retry", False)  # the retry button of a failed download or read
        if not st.button(t("own.download"), key="own_download", type="primary") and not retry:
            st.info(t("own.download_wait"))
            return None, "notmnist"
        bar = st.progress(0.0, text=t("own.downloading_unknown", done="0.0"))

        def progress(done: int, total: int | None) -> None:
            if total:
                bar.progress(min(done / total, 1.0), text=t("own.downloading", done=f"{done / 2**20:.1f}",
                                                               total=f"{total / 2**20:.1f}"))
            else:
                bar.progress(0.0, text=t("own.downloading_unknown", done=f"{done / 2**20:.1f}"))

        try:
            download_notmnist(progress)
        except DatasetError as err:
            bar.empty()
            st.error(message(err))
            _retry_or_letters()
            return None, "notmnist"
    try:
        with st.spinner(t("own.reading")):
            return _notmnist(str(cached), cached.stat().st_mtime), "notmnist"
    except DatasetError as err:
        discard_notmnist()  # a cached file that cannot be read is downloaded again on the retry
        st.error(message(err))
        _retry_or_letters()
        return None, "notmnist"


def _retry_or_letters() -> None:
    c1, c2 = st.columns(2)
    c1.button(t("own.retry"), key="own_retry", type="primary")
    c2.button(t("own.use_letters"), key="own_fallback", on_click=lambda: SETTING.update(src="letters"))


# ---- the report ---------------------------------------------------------------------------------


def skipped_table(skipped, total: int | None = None) -> None:
    """The skipped files by name (the first MAX_SKIPPED_LISTED of them) under a title with their total."""
    if not skipped:
        return
    with st.expander(t("own.skipped", n=f"{max(total or 0, len(skipped)):,}")):
        st.dataframe(pd.DataFrame({t("own.col.file"): [s.name for s in skipped],
                                   t("own.col.reason"): [message(s) for s in skipped]}),
                     hide_index=True, width="stretch", key="own_skipped_table")


def class_strip(images: np.ndarray, count: int = 12) -> np.ndarray:
    """Up to `count` pictures side by side with a grey one-pixel gap."""
    tiles = [np.pad(img[..., 0], ((0, 0), (0, 1)), constant_values=128) for img in images[:count]]
    return np.concatenate(tiles, axis=1)


def class_grid(folder_set: ImageFolderSet, shown: int = 10) -> None:
    indices = folder_set.label_indices
    names = folder_set.class_names

    def draw(k: int) -> None:
        members = np.flatnonzero(indices == k)
        st.image(enlarge(class_strip(folder_set.images[members]), 3),
                 caption=f"{plain(names[k])} · {len(members):,}")

    for k in range(min(shown, len(names))):
        draw(k)
    if len(names) > shown:
        with st.expander(t("own.grid_more", n=len(names) - shown)):
            for k in range(shown, len(names)):
                draw(k)


def count_bars(names, values, *, percent: bool = False, height: int = 260) -> go.Figure:
    fig = go.Figure(go.Bar(x=[label(n) for n in names], y=values, marker_color="#4c78a8",
                           texttemplate="%{y:.0%}" if percent else "%{y:,}", textposition="outside",
                           hovertemplate="%{x}: %{y" + (":.1%" if percent else ":,") + "}<extra></extra>"))
    fig.update_layout(height=height, margin={"l": 4, "r": 4, "t": 8, "b": 4},
                      yaxis={"range": [0, 1.12] if percent else None, "tickformat": ".0%" if percent else ","},
                      xaxis={"type": "category"})
    return fig


# ---- the run ------------------------------------------------------------------------------------


def run_config(dataset: Dataset) -> RunConfig | None:
    """The model and epochs widgets → the run: LeNet-5 or the lab's stack, one output per class.

    None (with the reason on screen) when the lab's stack cannot take 28×28×1 pictures.
    """
    c1, c2 = st.columns(2)
    model = c1.radio(t("own.model"), MODELS, horizontal=True, format_func={m: t(f"own.model.{m}") for m in MODELS}.__getitem__,
                     **SETTING.bind("own_model", "model"))
    epochs = c2.slider(t("own.epochs"), 1, 20, **SETTING.bind("own_epochs", "epochs"))
    SETTING.sync()
    lab = lab_stack()
    if model == "lab" and not lab:
        st.info(t("own.model_lab_missing"))
        model = "lenet5"
    stack = lab if model == "lab" else preset("lenet5")[0]
    k = len(dataset.class_names)
    config = RunConfig(stack=tuple(with_classes(stack, k)), input_shape=(28, 28, 1), dataset=dataset.name,
                       train_size=min(len(dataset.x_train), 60_000), epochs=int(epochs))
    try:
        params = count_params(list(config.stack), config.input_shape)  # no TensorFlow needed
    except LessonError as err:  # a lab stack that cannot take 28×28×1 pictures
        st.error(message(err))
        return None
    caption(t("own.split", pct=round(TEST_FRACTION * 100), train=f"{len(dataset.x_train):,}",
                 test=f"{len(dataset.x_test):,}", k=k, params=f"{params:,}"))
    return config


def code_view(config: RunConfig | None, folder_set: ImageFolderSet, source: str) -> None:
    """The lecture's §7 code (glob + plt.imread, get_dummies, LeNet-5, fit) for this data and these settings."""
    if config is None:
        return
    folder = "notMNIST_small" if source == "notmnist" else folder_set.root or ("letters" if source == "letters" else "")
    folders = Folders(folder, len(folder_set.images), len(folder_set.class_names), TEST_FRACTION)
    with st.expander(t("own.code")):
        if source == "letters":
            caption(t("own.code_letters"))
        st.code(training_code(config, message, folders), language="python", wrap_lines=True)
