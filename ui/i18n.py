"""Korean by default, English one click away: t("key") in the current language.

The language lives in session_state (survives page changes) and is mirrored into the
URL as ?lang=en, so a copied link or a deep link opens in the same language.
"""

from __future__ import annotations

import streamlit as st

from words import load_catalogue, words

LANGS = ("ko", "en")
DEFAULT_LANG = "ko"
CATALOGUE = load_catalogue()


def lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, **fmt) -> str:
    """The string for key in the current language, formatted with fmt."""
    texts = CATALOGUE.get(key)
    if texts is None:  # a missing key is a bug; show it visibly rather than crash the lesson
        return f"⟨{key}⟩"
    text = texts[lang()]
    return text.format(**fmt) if fmt else text


def message(coded) -> str:
    """The words, in the current language, for anything cnnlib reports as a code (words.words)."""
    return words(coded, lang(), CATALOGUE)


def init_language() -> None:
    """Take ?lang= on a session's first run; afterwards the sidebar switch decides."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state.lang = wanted if wanted in LANGS else DEFAULT_LANG


def language_switch() -> None:
    """The sidebar switch. Its widget key is separate from `lang`, a plain key that Streamlit
    never clears, so the language also survives st.switch_page and links with ?lang=."""

    def chosen() -> None:
        st.session_state.lang = st.session_state.lang_choice

    st.session_state.lang_choice = lang()
    st.sidebar.radio(
        "언어 · Language",
        options=list(LANGS),
        format_func={"ko": "한국어", "en": "English"}.__getitem__,
        key="lang_choice",
        on_change=chosen,
        horizontal=True,
    )


def keep_language_in_url() -> None:
    sync_query_param("lang", None if lang() == DEFAULT_LANG else lang())


def sync_query_param(name: str, value: str | None) -> None:
    """Write one URL parameter only when it changed (each write costs a browser round trip)."""
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def labels(prefix: str, options) -> callable:
    """format_func for a widget's options: '<prefix>.<option>' translated NOW.

    A lambda calling t() later would be evaluated by AppTest outside the script run, in the
    wrong language; a dict built during the run is always right.
    """
    table = {option: t(f"{prefix}.{option}") for option in options}
    return table.__getitem__


def localize_streamlit() -> None:
    """Streamlit's own English on the file uploader, in the page's language (CSS on its test ids).

    Streamlit 1.67 writes "Upload" on the uploader's button, "50MB per file • ZIP, TAR" under it and
    "Drag and drop a file here" while a file is dragged over it, with no way to pass other words. CSS cannot
    rewrite part of a text, so the instructions become
    "파일 하나에 50MB까지" (the size from server.maxUploadSize) and the file types are left out there:
    the pages' own labels and help say which files they take.
    """
    css = uploader_css(t("common.uploader.button"), t("common.uploader.limit", mb=upload_limit_mb()), t("common.uploader.drop"))
    st.html(f"<style>{css}</style>")


def upload_limit_mb() -> int:
    try:
        return int(st.get_option("server.maxUploadSize"))
    except Exception:  # an option Streamlit does not know (another version): its default
        return 200


def uploader_css(button: str, limit: str, drop: str = "") -> str:
    """The button's word, the size limit and (while a file is dragged over it) the drop hint."""
    zone = '[data-testid="stFileUploaderDropzone"]'
    overlay = f"{zone} > div:not([data-testid]) > span"  # "Drag and drop a file here", shown only during a drag
    return f"""
{overlay} {{ font-size: 0 !important; }}
{overlay}::after {{ content: {_css_text(drop)}; font-size: 1rem; }}
{zone} button [data-testid="stMarkdownContainer"] p {{ font-size: 0 !important; }}
{zone} button [data-testid="stMarkdownContainer"] p::after {{ content: {_css_text(button)}; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::before {{ content: {_css_text(limit)}; font-size: 0.875rem; }}
"""


def _css_text(text: str) -> str:
    """A CSS string literal: quotes and backslashes escaped, no markup can close the style tag."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    return f'"{escaped}"'
