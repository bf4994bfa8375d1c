"""AppTest: the router and the lecture map."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from services.class_store import spoken
from tests.apphelp import APP, assert_clean


@pytest.mark.parametrize(("lang", "title"), [("ko", "CNN 기초 — 강의 지도"), ("en", "CNN basics — the lecture map")])
def test_home_in_both_languages(lang, title):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = lang
    at.run()
    assert_clean(at)
    assert at.title[0].value == title


def test_korean_by_default_and_switch_keeps_language():
    # AppTest reruns the default page without the router, so switch on another page
    # (the browser test covers the switch on the home page).
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert at.session_state.lang == "ko"
    at.switch_page("lessons/5_pooling.py").run()
    assert at.title[0].value == "맥스풀링"
    at.radio(key="lang_choice").set_value("en").run()
    assert at.title[0].value == "Max-pooling"
    assert at.query_params["lang"] == "en"
    at.switch_page("lessons/1_why.py").run()
    assert at.title[0].value == "Why convolution"
    assert at.query_params["lang"] == "en"


def test_the_router_makes_its_pages_once_per_session_and_language():
    """st.Page resolves its script on the disk: the router keeps a session's pages, one set per language."""
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("lessons/5_pooling.py").run()
    korean = at.session_state["_lecture_pages_ko"]
    at.run()
    assert at.session_state["_lecture_pages_ko"] is korean  # the same objects in the next run
    assert [p.title for p in korean["common.section.convolution"]][-1] == "5 · 맥스풀링"
    at.radio(key="lang_choice").set_value("en").run()
    english = at.session_state["_lecture_pages_en"]
    assert [p.title for p in english["common.section.convolution"]][-1] == "5 · Max-pooling"
    assert [p.url_path for p in english["common.section.convolution"]] == [
        p.url_path for p in korean["common.section.convolution"]]
    assert at.title[0].value == "Max-pooling" and not at.exception


def test_unknown_language_falls_back_to_korean():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = "xx"
    at.run()
    assert_clean(at)
    assert at.session_state.lang == "ko"


def test_streamlit_run_serves_the_router_with_the_class_live_route():
    """`streamlit run streamlit_app.py` finds the router's st.App (an AST search of the file) and has uvicorn import
    the module for it: class mode's live channel lives on that route. Fails loudly if Streamlit stops finding it
    (students would then rerun for every teacher's edit); every session still runs the file as `__main__`."""
    import ast

    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(Path(APP))
    assert found.is_asgi_app and found.import_string == "streamlit_app:app"
    tree = ast.parse(Path(APP).read_text(encoding="utf-8"))
    guard = next(node for node in tree.body if isinstance(node, ast.If))
    assert ast.unparse(guard.test) == "__name__ == '__main__'" and ast.unparse(guard.body[0]) == "main()"
    assert ast.unparse(guard.orelse[0]) == "app = st.App(__file__, routes=class_live.routes())"


def test_no_legacy_pages_folder():
    """A folder named pages/ next to streamlit_app.py puts a fresh server in Streamlit's legacy
    multipage mode: the first deep link shows "Page not found" (see tests/test_browser_lessons.py)."""
    assert not (Path(APP).parent / "pages").exists()


def test_streamlit_does_not_garbage_collect_after_every_run():
    """With TensorFlow loaded, Streamlit's gc.collect(2) after each (fragment) run cost ~0.2 s of
    CPU per watching student per second and starved training (bench/classroom.py)."""
    import tomllib

    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


@pytest.mark.parametrize(("lang", "start", "join"), [("ko", "수업 시작", "참여"), ("en", "Start a class", "Join")])
def test_the_lecture_map_starts_or_joins_a_class(lang, start, join):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = lang
    at.run()
    assert at.button(key="home_start_class").label == start and at.button(key="home_join_class").label == join
    at.button(key="home_start_class").click().run()
    assert_clean(at)
    assert "class" in at.query_params and "teacher" in at.query_params
    assert not [b for b in at.button if b.key in ("home_start_class", "home_join_class")]  # in a class: no second one


def test_a_wrong_typed_code_says_so_on_the_lecture_map():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="home_class_code").input("nope7").run()
    at.button(key="home_join_class").click().run()
    assert_clean(at)
    assert any("NOPE7" in w.value for w in at.warning) and "class" not in at.query_params


def test_the_teachers_lecture_map_shows_the_code_and_qr_large():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = "en"
    at.run()
    at.button(key="home_start_class").click().run()
    assert_clean(at)
    code = at.query_params["class"]
    code = code[0] if isinstance(code, list) else code
    shown = " ".join(m.value for m in at.markdown)
    assert shown.count(f">{spoken(code)}</div>") == 2  # the join card on the page and the sidebar, in two groups
    assert shown.count('alt="QR"') == 2
    assert not at.text_input  # the start/join box is for before a class
