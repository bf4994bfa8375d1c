"""ui/class_session.py: the teacher's view as one record, following it (the page, its record, the window step,
the carried map, the run), exploring by editing, one student however many tabs, questions keep their secret."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from services import class_live
from services.class_store import get_store
from tests.apphelp import APP, assert_clean, bench_state, commit_bench, commit_window, component_data, window_state
from ui import class_push, class_session
from ui.class_session import View, _covered, _scope, _student_id, latest_reader, live_message

ARITH, POOL = "lessons/4_arithmetic.py", "lessons/5_pooling.py"


def teacher(lang: str = "en") -> tuple[AppTest, str]:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.button(key="home_start_class").click().run()
    return at, at.query_params["class"]


def follower(code: str, lang: str = "en", me: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"class": code, "lang": lang, **({"me": me} if me else {})})
    return at.run()


def test_what_a_follower_reruns_for_a_change():
    a = View("convolution-arithmetic", {"pad": "valid"}, {"cell": 1})
    assert _scope(a, View("convolution-arithmetic", {"pad": "same"}, {"cell": 1})) == "fragment"
    assert _scope(a, View("max-pooling", {}, {})) == "page"
    assert _scope(a, View("convolution-arithmetic", {"pad": "valid"}, {"cell": 1}, run="k")) == "page"  # a run to watch
    assert _scope(None, a) == "page"
    here = "convolution-arithmetic"
    assert _covered(a, View(here, {"pad": "same"}, {"cell": 1}), here, None)
    assert _covered(a, View(here, {"pad": "valid"}, {"cell": 2}), here, ("cell",))
    assert not _covered(a, View(here, {"pad": "same"}, {"cell": 1}), here, ("cell",))  # the fragment shows only the cell
    assert not _covered(a, View("max-pooling", {}, {}), here, None)


def test_a_students_id_is_kept_from_the_address_or_made():
    assert _student_id("a1B2c3D4_e") and not _student_id("short") and not _student_id("<script>x</script>")
    _, code = teacher()
    kept = follower(code, me="student-0001")
    assert kept.session_state["class"].me == "student-0001" and kept.query_params["me"] == "student-0001"
    made = follower(code, me="<x>")
    assert _student_id(made.query_params["me"]) and made.query_params["me"] != "<x>"


def test_two_tabs_of_one_student_count_once_and_answer_once():
    t, code = teacher()
    t.switch_page(ARITH).run()
    tabs = [follower(code, me="student-0001") for _ in range(2)]
    assert get_store().joined(code) == 1
    t.button(key="class_q_arith.size_ask").click().run()
    for value, tab in zip((5, 6), tabs, strict=True):
        tab.run()
        tab.number_input(key="class_q_arith.size_value").set_value(value)
        tab.button(key="FormSubmitter:class_q_arith.size_form-Send").click().run()
        assert_clean(tab)
    assert get_store().histogram(code, "arith.size") == [(6.0, 1)]  # the second tab replaced the first's answer


def test_a_followers_own_edit_turns_into_exploring_and_says_so():
    t, code = teacher()
    t.switch_page(ARITH).run()
    student = follower(code)
    assert student.session_state["class"].following
    commit_bench(student, stride=3)
    member = student.session_state["class"]
    assert not member.following and member.diverged
    assert any("exploring on your own" in i.value for i in student.sidebar.info)
    commit_bench(t, stride=2)
    student.run()
    assert student.query_params["stride"] == "3"  # the teacher's change does not reach an explorer
    student.sidebar.button(key="class_back").click().run()
    assert student.query_params["stride"] == "2" and student.session_state["class"].following


def test_the_window_and_the_carried_map_reach_the_students():
    t, code = teacher()
    t.switch_page(ARITH).run()
    t.button(key="arith_to_pool").click().run()  # §4's map to §5: the teacher pools it
    t.switch_page(POOL).run()  # AppTest stays on its own page after st.switch_page: say where the teacher is
    assert t.radio(key="pool_source").value == "carried"
    student = follower(code)
    assert student.title[0].value == "Max-pooling" and student.radio(key="pool_source").value == "carried"
    assert (student.session_state["carried_map"] == t.session_state["carried_map"]).all()
    assert not any("no map" in i.value.lower() for i in student.info)
    commit_window(t, 3)  # → twice in the teacher's browser: the step-through commits the window
    student.run()
    assert window_state(student)["win"] == 3 and student.session_state["class"].following
    commit_window(t, 3, playing=True)  # play: the students' step-throughs play the same frames from window 3
    student.run()
    assert (window_state(student)["win"], window_state(student)["playing"]) == (3, True)
    commit_window(t, 7, playing=False)  # pause: where the teacher's window stopped
    student.run()
    assert (window_state(student)["win"], window_state(student)["playing"]) == (7, False)


def test_the_window_step_on_4_reaches_the_students():
    t, code = teacher()
    t.switch_page(ARITH).run()
    student = follower(code)
    assert bench_state(student)["cell"] == 1
    commit_bench(t, cell=5)  # → four times, or play: the workbench commits the step
    student.run()
    assert bench_state(student)["cell"] == 5 and student.session_state["class"].following
    commit_bench(t, playing=True)  # play: the students' workbenches play the same frames from y5
    student.run()
    assert bench_state(student)["playing"] is True and bench_state(student)["cell"] == 5
    commit_bench(t, playing=False, cell=9)  # pause: where the teacher's window stopped
    student.run()
    assert (bench_state(student)["playing"], bench_state(student)["cell"]) == (False, 9)


def test_a_4_edit_goes_by_the_live_channel_as_the_state_a_followers_rerun_would_draw():
    """Issue 17: the live message a teacher's §4 commit makes is the very state the follower's own catch-up draws
    (decimals, padding, stride, activation, the window's cell); a following student's workbench is given the
    channel's token, an exploring one is not, nor one whose typed numbers are open (they show the map's numbers)."""
    t, code = teacher()
    t.switch_page(ARITH).run()
    student = follower(code)
    live = component_data(student, "arith_bench")["live"]
    assert live["page"] == "convolution-arithmetic" and live["path"] == class_live.PATH
    assert live["token"] in class_live._ISSUED and class_live._ISSUED[live["token"]] == code
    w = [0.5, -1.5, 2, 0, 1, -0.5, 3, -2.5, 1.5]
    m = t.session_state["class"]
    before = m.view
    commit_bench(t, w=w, pad="same", stride=2, act="relu", cell=3)
    m = t.session_state["class"]
    page, text = live_message(m.view, m.applied, before)
    message = json.loads(text)
    assert page == message["page"] == "convolution-arithmetic" and message["v"] == m.applied
    student.run()
    assert message["state"] == bench_state(student)  # what the rerun would have drawn, exactly
    assert (message["state"]["w"], message["state"]["cell"], message["state"]["stride"]) == (w, 3, 2)
    assert component_data(student, "arith_bench")["live"]["v"] == m.applied  # the data's version: newer wins in the browser
    student.session_state["arith_numbers_open"] = True
    student.run()
    assert "live" not in component_data(student, "arith_bench")  # the typed numbers show the map: reruns instead
    student.session_state["arith_numbers_open"] = False
    student.run()
    student.button(key="class_explore").click().run()
    assert "live" not in component_data(student, "arith_bench")  # exploring: the teacher's edits no longer come


def test_another_replicas_4_edit_goes_by_the_live_channel_from_what_this_process_read_last(monkeypatch):
    """Issue 19 with issue 17: what the listener hears from another replica is read once; a §4 edit goes to the open
    sockets as the very message the teacher's own process sends, compared with the class's state this process read
    last (what its followers were given); a process that never read the class reruns the follow fragments, and so
    does a question, for every page."""
    t, code = teacher()
    t.switch_page(ARITH).run()
    follower(code)  # a follower's §4 in this process: it read the class, and the page's live drawing is known here
    sent = []
    monkeypatch.setattr(class_push, "nudge", lambda code, everyone=False, scope="page", live=None:
                        sent.append((scope, live)) or 1)
    before = View.of(get_store().last_read(code))
    assert before == t.session_state["class"].view  # what the follower was given: the teacher's view
    commit_bench(t, w=[0.5, -1.5, 2, 0, 1, -0.5, 3, -2.5, 1.5], cell=3)  # (its local nudge is recorded: cleared)
    m = t.session_state["class"]
    sent.clear()
    assert class_session.heard(code, m.applied, "publish") == 1
    assert sent == [("fragment", live_message(m.view, m.applied, before))] and sent[0][1] is not None
    assert json.loads(sent[0][1][1])["state"]["cell"] == 3
    assert View.of(get_store().last_read(code)) == m.view  # read once, for the process
    for what, scope in (("ask", "page"), ("publish", "fragment")):
        sent.clear()
        if what == "publish":
            get_store()._rows.pop(code)  # a process that never read the class: nothing to compare with, nothing read
            monkeypatch.setattr(get_store(), "check", lambda *_: pytest.fail("read for a class this process never read"))
        class_session.heard(code, m.applied, what)
        assert sent == [(scope, None)]


def test_what_a_follower_takes_home_or_explores_from_is_the_teachers_latest_edit():
    """The live channel moves a student's workbench without a run of the student's: the notebook the student
    downloads is read at the click from the class (the teacher's latest setting), and "explore on my own" starts
    from that setting, not from the one the student's page last ran with."""
    t, code = teacher()
    t.switch_page(ARITH).run()
    student = follower(code)
    read = latest_reader(code, "convolution-arithmetic")
    w = [1.5, 0, -1, 2, 0.5, 0, -2.5, 1, 3]
    commit_bench(t, w=w, stride=2)  # the student's page does not run: its workbench took it by the live channel
    assert [float(v) for v in np.ravel(read()["w"])] == w and read()["stride"] == 2
    student.button(key="class_explore").click().run()
    assert bench_state(student)["w"] == w and bench_state(student)["stride"] == 2
    assert not student.session_state["class"].following
    t.switch_page(POOL).run()
    assert read() is None  # the class is on another page: the student's own page's setting is written


def test_the_size_question_hides_4s_output_size_until_the_reveal():
    t, code = teacher()
    t.switch_page(ARITH).run()
    student = follower(code)
    assert component_data(student, "arith_bench")["secret"] is False
    t.button(key="class_q_arith.size_ask").click().run()
    student.run()
    assert component_data(student, "arith_bench")["secret"] is True
    assert component_data(t, "arith_bench")["secret"] is True  # the projector too
    assert "live" not in component_data(student, "arith_bench")  # the question moves with the setting: reruns only
    t.button(key="class_q_arith.size_reveal").click().run()
    student.run()
    assert component_data(student, "arith_bench")["secret"] is False
    assert "live" not in component_data(student, "arith_bench")  # the reveal closes when the setting changes: a rerun
    commit_bench(t, stride=2)  # the teacher changes the setting: the reveal is for another one now
    student.run()
    assert component_data(student, "arith_bench")["live"]["token"]  # nothing else moves with it: live again


def test_the_y20_question_hides_y20_until_the_reveal():
    t, code = teacher()
    t.switch_page(ARITH).run()
    student = follower(code)
    assert component_data(student, "arith_bench")["hidden_cell"] == 0
    t.button(key="class_q_arith.y20_ask").click().run()
    student.run()
    assert component_data(student, "arith_bench")["hidden_cell"] == 20  # the map, its formula and tooltip read "?"
    assert component_data(student, "arith_bench")["secret"] is False  # the size is another question
    t.button(key="class_q_arith.y20_reveal").click().run()
    student.run()
    assert component_data(student, "arith_bench")["hidden_cell"] == 0


def test_a_reveal_is_for_its_setting_and_closes_when_the_setting_changes():
    t, code = teacher()
    t.switch_page(ARITH).run()
    student = follower(code)
    t.button(key="class_q_arith.size_ask").click().run()
    t.button(key="class_q_arith.size_reveal").click().run()
    student.run()
    assert any("Computed answer: 6" in s.value for s in student.success)
    commit_bench(t, stride=2)  # another setting: the reveal answered the old one
    student.run()
    assert not any("Computed answer" in s.value for s in student.success)
    assert any("When the teacher asks this question" in c.value for c in student.caption)


def test_a_teachers_run_is_in_the_view():
    from ui.class_session import following_run

    view = View("lenet-5", {}, {}, run="run-key")
    assert View.of(type("S", (), {"page": view.page, "params": {}, "extra": view.extra()})()) == view
    assert following_run() is None  # outside a class
