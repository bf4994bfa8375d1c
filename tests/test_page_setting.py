"""ui/page_setting.py: a page's record under one session key, read from the address once (or when a link
inside the app changes it), written back, forgotten all at once (a follower takes the teacher's setting)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def test_forget_all_makes_every_page_read_its_link_again():
    def script():
        from dataclasses import dataclass

        import streamlit as st

        from links.codec import Link, Setting, integer
        from ui.page_setting import PageSetting, forget_all

        @dataclass(frozen=True)
        class N(Setting):
            n: int = 0

        a = PageSetting("a", Link(integer("n", 0, 9, 0), record=N))
        b = PageSetting("b", Link(integer("n", 0, 9, 0), record=N))
        st.session_state.first = a.get().n
        a.update(n=5)
        st.session_state.again = a.get().n
        b.get()
        if st.session_state.get("forget"):
            forget_all()
            st.session_state.after = (a.get().n, b.get().n)

    at = AppTest.from_function(script, default_timeout=30)
    at.query_params["n"] = "3"
    at.run()
    assert at.session_state.first == 3 and at.session_state.again == 5
    assert list(at.session_state["page_settings"]) == ["a", "b"]  # every page's record under one key
    at.session_state["forget"] = True
    at.query_params["n"] = "7"
    at.run()
    assert at.session_state.after == (7, 7)  # both pages read the address again


def test_a_link_inside_the_app_is_read_again_but_not_the_pages_own_address():
    """§5's "open in the lab" (st.page_link with ?stack=) reaches a lab this session has already opened."""

    def script():
        from dataclasses import dataclass

        import streamlit as st

        from links.codec import Link, Setting, integer
        from ui.page_setting import PageSetting

        @dataclass(frozen=True)
        class N(Setting):
            n: int = 0

        page = PageSetting("a", Link(integer("n", 0, 9, 0), record=N))
        if st.session_state.get("bump"):
            page.update(n=page.get().n + 1)
        st.session_state.n = page.get().n
        page.sync()

    at = AppTest.from_function(script, default_timeout=30)
    at.query_params["n"] = "3"
    at.run()
    assert at.session_state.n == 3
    at.session_state["bump"] = True
    at.run()  # the page's own edit: written to the address, not read back over the state
    assert at.session_state.n == 4 and at.query_params["n"] in ("4", ["4"])
    at.session_state["bump"] = False
    at.query_params["n"] = "7"  # a link inside the app
    at.run()
    assert at.session_state.n == 7
    del at.query_params["n"]  # the sidebar: no parameters, no change
    at.run()
    assert at.session_state.n == 7


def test_a_bound_widget_shows_the_record_and_writes_it_back():
    def script():
        from dataclasses import dataclass

        import streamlit as st

        from links.codec import Link, Setting, choice
        from ui.page_setting import PageSetting

        @dataclass(frozen=True)
        class Pad(Setting):
            pad: str = "valid"

        page = PageSetting("p", Link(choice("pad", ("valid", "same"), "valid"), record=Pad))
        if st.button("preset", key="preset"):
            page.update(pad="same")
            st.rerun()
        st.radio("pad", ("valid", "same"), **page.bind("pad_radio", "pad", then=lambda: st.session_state.update(then=True)))
        st.session_state.seen = page.get().pad
        page.notice()
        page.sync()

    at = AppTest.from_function(script, default_timeout=30)
    at.query_params["pad"] = "full"
    at.run()
    assert at.session_state.seen == "valid" and at.warning and "pad" in at.warning[0].value  # the bad link, said once
    at.radio(key="pad_radio").set_value("same").run()
    assert at.session_state.seen == "same" and at.session_state.then and not at.warning
    at.radio(key="pad_radio").set_value("valid").run()
    at.button(key="preset").click().run()  # set from code: the widget shows it
    assert at.radio(key="pad_radio").value == "same" and at.query_params["pad"] in ("same", ["same"])
