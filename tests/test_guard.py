"""AppTest: the router's guard (ui/guard.py). A page that raises shows a message and a way back, never a traceback."""

from __future__ import annotations

import logging

import pytest
from streamlit import config
from streamlit.elements.exception import marshall
from streamlit.proto.Exception_pb2 import Exception as ExceptionProto

from cnnlib.architecture import StackError
from tests.apphelp import assert_clean, open_page
from words import load_catalogue

WORDS = load_catalogue()
POOLING = "lessons/5_pooling.py"
# What the failing page calls: its st.title (its own helpers change; a module that imported a patched
# function by name would keep it after the patch is undone). The router draws no title.
FAILS = "streamlit.title"


def boom(*_args, **_kwargs):
    raise RuntimeError("secret detail /srv/app/cnnlib/pooling.py")


def page_links(at):
    return [(e.proto.label, bool(e.proto.page_script_hash)) for e in at.get("page_link")]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_failing_page_shows_a_message_and_a_way_back(monkeypatch, caplog, lang):
    monkeypatch.setattr(FAILS, boom)
    with caplog.at_level(logging.ERROR, logger="ui.guard"):
        at = open_page(POOLING, lang=lang)
    assert_clean(at)  # no exception element at all
    assert [e.value for e in at.error] == [WORDS["common.page_failed"][lang]]
    assert "secret detail" not in " ".join(str(e.value) for e in at.error)
    labels = [b.label for b in at.button]
    assert WORDS["common.try_again"][lang] in labels and WORDS["common.start_over"][lang] in labels
    assert page_links(at) == [(WORDS["common.page.home"][lang], True)]  # the lecture map
    failed = [r for r in caplog.records if r.name == "ui.guard" and "/max-pooling" in r.getMessage()]
    assert len(failed) == 1
    assert failed[0].exc_info and "secret detail" in str(failed[0].exc_info[1])


def test_try_again_reruns_the_page(monkeypatch):
    monkeypatch.setattr(FAILS, boom)
    at = open_page(POOLING, lang="en")
    assert at.error
    monkeypatch.undo()  # the cause went away (a busy moment, a file written meanwhile)
    at.button(key="guard_retry").click().run()
    assert_clean(at)
    assert not at.error and at.title[0].value == "Max-pooling"


def test_start_over_forgets_the_session_but_not_the_language(monkeypatch):
    monkeypatch.setattr(FAILS, boom)
    at = open_page(POOLING, lang="en", query={"junk": "1"})
    at.session_state["page_settings"] = {"pool": "an edited setting"}  # every page's record (ui/page_setting.py)
    at.session_state["run_requester"] = "this tab"  # who the session is to the training queue: kept
    at.session_state["present"] = True  # presenter mode, like the language: kept
    at.button(key="guard_reset").click().run()
    assert at.session_state.lang == "en" and at.session_state["present"] is True
    assert "junk" not in at.query_params
    assert at.session_state["page_settings"] != {"pool": "an edited setting"}  # forgotten
    assert at.session_state["run_requester"] == "this tab"  # starting over withdraws no run request


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_lesson_error_that_escapes_shows_its_own_message(monkeypatch, caplog, lang):
    def refuse(*_args, **_kwargs):
        raise StackError("not_a_list")

    monkeypatch.setattr(FAILS, refuse)
    with caplog.at_level(logging.WARNING, logger="ui.guard"):
        at = open_page(POOLING, lang=lang)
    assert_clean(at)
    assert [e.value for e in at.error] == [WORDS["stack_errors.not_a_list"][lang]]
    assert any(r.name == "ui.guard" and "/max-pooling" in r.getMessage() for r in caplog.records)


def test_streamlits_control_flow_passes_through():
    """st.switch_page raises RerunException (a BaseException): the guard must not turn it into a message."""
    at = open_page("lessons/0_home.py", lang="en")
    at.switch_page(POOLING).run()
    assert_clean(at)
    assert not at.error and at.title[0].value == "Max-pooling"


def test_the_scripts_error_setting_wins_over_the_servers(monkeypatch):
    """Community Cloud starts the server with client.showErrorDetails=false ("stacktrace" in 1.67).
    After one run of the router, an error box Streamlit builds itself (a fragment rerun) has no trace."""
    monkeypatch.setattr(config, "_config_options", None)  # a fresh parse, restored afterwards
    config.get_config_options(force_reparse=True, options_from_flags={"client.showErrorDetails": False})
    assert config.get_option("client.showErrorDetails") is False
    open_page("lessons/0_home.py")
    assert config.get_option("client.showErrorDetails") == "none"
    proto = ExceptionProto()
    try:
        boom()
    except RuntimeError as err:
        marshall(proto, err, apply_show_error_details=True)
    assert not proto.stack_trace and "secret detail" not in proto.message and not proto.type


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_bad_environment_setting_is_a_message(monkeypatch, lang):
    """CNNLIB_MNIST_SOURCE=bogus (issue 9): the page says which setting is wrong, never a ValueError."""
    from services.settings import SettingError
    from words import words

    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "bogus")
    at = open_page("lessons/6_lenet5.py", lang=lang, timeout=60)
    assert_clean(at)
    expected = words(SettingError("bad_choice", name="CNNLIB_MNIST_SOURCE", value="bogus", allowed="auto, keras, sample"), lang)
    assert expected in [e.value for e in at.error]
    assert "guard_retry" in [b.key for b in at.button]


def _fragment_app():
    import streamlit as st

    from ui.guard import guarded

    @st.fragment
    @guarded
    def part():
        st.write("inside")
        raise RuntimeError("secret detail")

    part()
    st.write("after the fragment")


def test_a_guarded_fragment_shows_the_message_and_the_page_goes_on(caplog):
    from streamlit.testing.v1 import AppTest

    with caplog.at_level(logging.ERROR, logger="ui.guard"):
        at = AppTest.from_function(_fragment_app, default_timeout=30).run()
    assert not at.exception
    assert [e.value for e in at.error] == [WORDS["common.page_failed"]["ko"]]
    assert "after the fragment" in [m.value for m in at.markdown]
    assert [b.key for b in at.button] == ["guard__fragment_app.<locals>.part_retry", "guard__fragment_app.<locals>.part_reset"]
    assert any("fragment" in r.getMessage() for r in caplog.records if r.name == "ui.guard")


def _ending_app():
    import streamlit as st

    from ui.guard import end_page, run_page

    class Page:  # what st.navigation returns: a url_path and run()
        url_path = "lenet-5"

        def run(self):
            st.write("the page so far")
            end_page()  # a training page before its run
            st.write("never")

    try:
        run_page(Page())
    finally:  # the router's work after the page: it must still happen
        st.query_params["lang"] = "en"
        st.write("the router goes on")


def test_a_page_that_ends_early_lets_the_router_finish():
    """st.stop() would have made every later st call raise: ?lang= and the class hooks were skipped on §2, §6, §7."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_ending_app, default_timeout=30).run()
    assert not at.exception and not at.error
    shown = [m.value for m in at.markdown]
    assert shown == ["the page so far", "the router goes on"]
    assert at.query_params["lang"] in ("en", ["en"])
