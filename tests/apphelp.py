"""AppTest helpers shared by the page tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "latex", "text")
LABELLED = (
    "button",
    "radio",
    "selectbox",
    "number_input",
    "slider",
    "text_area",
    "toggle",
    "checkbox",
    "expander",
    "tabs",
    "multiselect",
    "text_input",
    "select_slider",
)


def open_page(page: str, lang: str = "ko", timeout: float = 30, query: dict | None = None, state: dict | None = None) -> AppTest:
    """Run the router, then switch to `page` (a path like 'lessons/4_arithmetic.py')."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    return at


def texts(at: AppTest) -> list[str]:
    """Every visible string AppTest can see: text elements and widget labels/options."""
    out: list[str] = []
    for kind in TEXT_KINDS:
        out += [str(getattr(e, "value", "") or getattr(e, "body", "")) for e in getattr(at, kind)]
    for kind in LABELLED:
        for e in getattr(at, kind):
            out.append(str(getattr(e, "label", "") or ""))
            out += [str(o) for o in getattr(e, "options", []) or []]
    return out


def assert_clean(at: AppTest) -> None:
    """No exception and no raw catalogue key on screen."""
    assert not at.exception, [e.value for e in at.exception]
    raw = [s for s in texts(at) if "⟨" in s]
    assert not raw, raw


def page_record(at: AppTest, page: str):
    """The page's setting as the session keeps it (ui/page_setting.py), e.g. page_record(at, "convolution-arithmetic").x."""
    return at.session_state["page_settings"][page].record


def settings_state(records: dict) -> dict:
    """Session state in which pages already hold these records (as if the student had set them), by the
    page's address: open_page(PAGE, state=settings_state({"layer-stack-lab": Lab(stack=…)}))."""
    from ui.page_setting import KEY, Held

    return {KEY: {page: Held(record) for page, record in records.items()}}
