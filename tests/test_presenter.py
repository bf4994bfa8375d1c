"""ui.presenter and the router's presenter mode (AppTest): ?present=1, the sidebar toggle, kept across pages."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.apphelp import APP, assert_clean
from ui import presenter


def css_blocks(at: AppTest) -> list[str]:
    """The bodies of every st.html the run sent (style tags go to the page's event container)."""
    return [str(node.proto.body) for node in at.get("html")]


def presenting_css(at: AppTest) -> bool:
    return any('[data-testid="stCaptionContainer"] { display: none' in body for body in css_blocks(at))


def test_present_in_the_address_turns_it_on_and_it_stays_across_pages():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["present"] = "1"
    at.run()
    assert_clean(at)
    assert at.session_state[presenter.KEY] is True
    assert at.toggle(key="present_choice").value is True
    assert presenting_css(at)
    at.switch_page("lessons/5_pooling.py").run()
    assert_clean(at)
    assert at.session_state[presenter.KEY] is True and presenting_css(at)
    assert at.query_params["present"] == "1"


def test_off_by_default_and_the_toggle_turns_it_on_and_off():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("lessons/1_why.py").run()
    assert at.session_state[presenter.KEY] is False
    assert not presenting_css(at) and "present" not in at.query_params
    at.toggle(key="present_choice").set_value(True).run()
    assert_clean(at)
    assert at.session_state[presenter.KEY] is True and presenting_css(at)
    assert at.query_params["present"] == "1"
    at.switch_page("lessons/4_arithmetic.py").run()
    assert at.session_state[presenter.KEY] is True and at.toggle(key="present_choice").value is True
    at.toggle(key="present_choice").set_value(False).run()
    assert at.session_state[presenter.KEY] is False and not presenting_css(at)
    assert "present" not in at.query_params


def test_a_present_value_that_is_not_yes_leaves_it_off():
    for value in ("0", "no", "", "<b>"):
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params["present"] = value
        at.run()
        assert_clean(at)
        assert at.session_state[presenter.KEY] is False, value


def test_the_sidebar_script_runs_only_when_the_mode_changes():
    at = AppTest.from_file(APP, default_timeout=30).run()
    scripts = lambda: [b for b in css_blocks(at) if "stSidebarCollapsed-" in b]  # noqa: E731
    assert scripts() == []  # a normal first run: Streamlit's own sidebar behaviour
    at.switch_page("lessons/1_why.py").run()
    at.toggle(key="present_choice").set_value(True).run()
    assert len(scripts()) == 1 and '"collapsed"' in scripts()[0]
    at.switch_page("lessons/5_pooling.py").run()
    assert scripts() == []
    at.toggle(key="present_choice").set_value(False).run()
    assert len(scripts()) == 1 and '"expanded"' in scripts()[0]


def test_text_px_and_caption_follow_the_mode():
    assert presenter.text_px(13) == 13  # outside a script run: not presenting
    css = presenter.presenter_css()
    assert f"font-size: {presenter.PRESENT_TEXT_PX}px" in css and "stCaptionContainer" in css
