"""ui/class_session.py: the teacher's view as one record, following it (the page, its record, the window step,
the carried map, the run), exploring by editing, one student however many tabs, questions keep their secret."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from services.class_store import get_store
from tests.apphelp import APP, assert_clean, bench_state, commit_bench, commit_window, component_data, window_state
from ui.class_session import View, _covered, _scope, _student_id

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


def test_the_size_question_hides_4s_output_size_until_the_reveal():
    t, code = teacher()
    t.switch_page(ARITH).run()
    student = follower(code)
    assert component_data(student, "arith_bench")["secret"] is False
    t.button(key="class_q_arith.size_ask").click().run()
    student.run()
    assert component_data(student, "arith_bench")["secret"] is True
    assert component_data(t, "arith_bench")["secret"] is True  # the projector too
    t.button(key="class_q_arith.size_reveal").click().run()
    student.run()
    assert component_data(student, "arith_bench")["secret"] is False


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
