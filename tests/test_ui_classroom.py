"""AppTest: class mode (ui/class_session.py, ui/classroom.py, ui/class_questions.py) — start a class, follow the
teacher, explore, wrong codes, questions."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pytest
from streamlit.testing.v1 import AppTest

from services.class_store import ALPHABET, get_store, spoken
from tests.apphelp import APP, assert_clean, commit_bench, page_record, texts

ARITH = "lessons/4_arithmetic.py"


def teacher_on_arithmetic(lang: str = "ko") -> tuple[AppTest, str]:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = lang
    at.run()
    at.button(key="home_start_class").click().run()
    code = at.query_params["class"]
    at.switch_page(ARITH).run()
    assert_clean(at)
    return at, code


def follower(code: str, lang: str = "ko") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["class"] = code
    at.query_params["lang"] = lang
    at.run()
    return at


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_start_a_class_from_the_lecture_map_gives_the_teacher_address(lang):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = lang
    at.run()
    assert_clean(at)
    at.button(key="home_start_class").click().run()
    assert_clean(at)
    code, key = at.query_params["class"], at.query_params["teacher"]
    assert re.fullmatch(f"[{ALPHABET}]{{8}}", code)
    assert len(key) >= 43  # token_urlsafe(32): 256 bits
    assert get_store().is_teacher(code, key)
    assert at.session_state["class"].role == "teacher"
    assert any(spoken(code) in m.value for m in at.sidebar.markdown)  # the code, large, in two groups of four
    assert any("<img src=\"data:image/svg+xml" in m.value for m in at.sidebar.markdown)  # the QR code, inline
    assert [m.value for m in at.sidebar.metric] == ["0"]  # students joined
    at.switch_page("lessons/5_pooling.py").run()  # the address keeps the class and the key across pages
    assert (at.query_params["class"], at.query_params["teacher"]) == (code, key)


def test_a_follower_gets_the_teachers_page_and_setting_and_follows_changes():
    teacher, code = teacher_on_arithmetic()
    commit_bench(teacher, stride=2)  # the teacher's workbench commits stride 2
    student = follower(code)
    assert_clean(student)
    assert student.title[0].value == "합성곱 연산"
    assert page_record(student, "convolution-arithmetic").stride == 2 and student.query_params["stride"] == "2"
    assert student.query_params["class"] == code and "teacher" not in student.query_params
    assert [m.value for m in teacher.run().sidebar.metric] == ["1"]
    commit_bench(teacher, pad="same")
    student.run()  # the sidebar fragment's poll runs in every full run too
    assert page_record(student, "convolution-arithmetic").pad == "same" and student.query_params["pad"] == "same"
    teacher.switch_page("lessons/5_pooling.py").run()
    student.run()
    assert student.title[0].value == "맥스풀링"


def test_a_follower_never_changes_the_class():
    teacher, code = teacher_on_arithmetic()
    before = get_store().check(code)
    student = follower(code)
    commit_bench(student, stride=3)
    assert page_record(student, "convolution-arithmetic").stride == 3
    assert get_store().check(code) == before


def test_explore_stops_following_and_back_to_the_teacher_resumes():
    teacher, code = teacher_on_arithmetic("en")
    student = follower(code, "en")
    assert "Explore on my own" in texts(student)
    student.button(key="class_explore").click().run()
    assert "Back to the teacher" in texts(student)
    commit_bench(teacher, stride=3)
    student.run()
    assert page_record(student, "convolution-arithmetic").stride == 1  # exploring: the teacher's change is not applied
    commit_bench(student, act="relu")
    student.button(key="class_back").click().run()
    student.run()
    record = page_record(student, "convolution-arithmetic")
    assert record.stride == 3 and record.act == "none"


@pytest.mark.parametrize(("lang", "words"), [("ko", "이 코드의 수업이 없습니다"), ("en", "There is no class")])
def test_a_wrong_code_says_so_and_the_page_works_alone(lang, words):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["class"] = "ZZZZZ"
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(ARITH).run()
    assert_clean(at)
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["class"] = "ZZZZZ"
    at.query_params["lang"] = lang
    at.run()
    assert any(words in w.value and "ZZZZZ" in w.value for w in at.warning)
    assert "class" not in at.query_params and at.session_state.get("class_code") is None
    at.switch_page(ARITH).run()
    assert_clean(at)
    commit_bench(at, stride=2)
    assert at.query_params["stride"] == "2"


def test_typing_a_code_on_the_lecture_map_joins(tmp_path):
    teacher, code = teacher_on_arithmetic()
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="home_class_code").input(code.lower()).run()
    at.button(key="home_join_class").click().run()
    at.run()
    assert_clean(at)
    assert at.session_state["class"].role == "follower" and at.title[0].value == "합성곱 연산"


def test_a_wrong_teacher_key_follows_as_a_student():
    teacher, code = teacher_on_arithmetic("en")
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"class": code, "teacher": "guessed", "lang": "en"})
    at.run()
    assert at.session_state["class"].role == "follower"
    assert any("only the teacher" in w.value for w in at.warning)
    assert "teacher" not in at.query_params


def test_ending_the_class_lets_followers_work_alone():
    teacher, code = teacher_on_arithmetic("en")
    student = follower(code, "en")
    teacher.button(key="class_end").click().run()
    assert "class" not in teacher.query_params and "teacher" not in teacher.query_params
    student.run()  # the poll sees the class ended: a message, then the page alone
    assert any("ended the class" in w.value for w in student.warning)
    assert student.session_state["class"].code is None and "class" not in student.query_params


# ---- questions -----------------------------------------------------------------------------------


def question_page(answer):
    """A page with one question, as the lessons call it."""
    import streamlit as st

    from ui import class_questions, class_session, classroom
    from ui.i18n import init_language

    init_language()
    class_session.before_page()
    classroom.sidebar()
    class_questions.question("test.size", answer, prompt="What size is the map?", unit="px", lo=0, hi=100, digits=0)
    st.write("page end")


def run_question(answer=6.0, state: dict | None = None) -> AppTest:
    at = AppTest.from_function(question_page, args=(answer,), default_timeout=30)
    at.session_state["lang"] = "en"
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def test_a_question_alone_predicts_then_reveals():
    at = run_question(6.0)
    assert_clean(at)
    at.number_input(key="class_q_test.size_guess").set_value(5).run()
    at.button(key="class_q_test.size_reveal").click().run()
    assert [s.value for s in at.success] == ["Computed answer: 6 px. You said 5 px."]


def test_a_question_whose_answer_is_not_known_cannot_be_revealed():
    at = run_question(None)
    assert at.button(key="class_q_test.size_reveal").disabled
    assert any("not known yet" in c.value for c in at.caption)


def test_a_class_question_open_answer_reveal():
    from ui.class_session import Member

    code, key = get_store().create()
    teacher = run_question(6.0, {"class": Member(code=code, role="teacher", key=key, read=True)})
    students = []
    for i in range(2):
        get_store().join(code, f"session-{i}", "student", f"student-{i}")
        students.append(run_question(6.0, {"class": Member(code=code, role="follower", me=f"student-{i}", following=False,
                                                           read=True), "run_requester": f"session-{i}"}))
    assert "When the teacher asks this question, you answer it here." in texts(students[0])
    teacher.button(key="class_q_test.size_ask").click().run()
    for student, value in zip(students, (6, 8), strict=True):
        student.run()
        student.number_input(key="class_q_test.size_value").set_value(value)
        student.button[0].click().run()  # the form's submit button
        assert_clean(student)
        assert any(f"Your answer: {value} px" in c.value for c in student.caption)
    assert get_store().histogram(code, "test.size") == [(6.0, 1), (8.0, 1)]
    teacher.run()
    assert "Answers: 2 of 2 students" in [m.value for m in teacher.markdown]  # text, not a caption: in view when presenting
    teacher.button(key="class_q_test.size_reveal").click().run()
    for student, value in zip(students, (6, 8), strict=True):
        student.run()
        assert [s.value for s in student.success] == [f"Computed answer: 6 px. You said {value} px."]
    assert [s.value for s in teacher.success] == ["Computed answer: 6 px."]


def test_the_answers_figure_counts_and_marks_the_answer():
    from ui.class_questions import BAR, RIGHT, answers_figure
    from ui.i18n import t

    fig = answers_figure([(6.0, 3), (8.0, 1)], None, "px", 0)
    assert list(fig.data[0].x) == ["6", "8"] and list(fig.data[0].y) == [3, 1] and not fig.layout.annotations
    fig = answers_figure([(6.0, 3), (8.0, 1)], 7.0, "px", 0)  # nobody said 7: its bar is there, empty, marked
    mark = f"<br>✓ {t('classroom.answer_word')}"
    assert list(fig.data[0].x) == ["6", "7" + mark, "8"] and list(fig.data[0].y) == [3, 0, 1]
    assert list(fig.data[0].marker.color) == [BAR, RIGHT, BAR] and RIGHT.startswith("#2")  # green: not "wrong"
    assert not fig.layout.annotations  # the word is in the bar's own label: nothing lies over the counts
    assert list(answers_figure([(1234.5, 2)], 1234.5, "", 1).data[0].x) == ["1,234.5" + mark]


def test_a_broken_class_database_never_breaks_the_page(monkeypatch):
    import sqlite3

    from ui import class_session

    def broken():
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(class_session, "store", broken)
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"class": "ACDEFHJK", "lang": "en"})
    at.run()
    at.switch_page(ARITH).run()
    assert_clean(at)
    assert at.title[0].value == "Convolution arithmetic"
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"class": "ACDEFHJK", "lang": "en"})
    at.run()
    assert any("Class mode ran into a problem" in w.value for w in at.warning)


def test_an_unreachable_class_database_is_said_in_the_pages_language(monkeypatch):
    """Issue 19: a replica that cannot reach PostgreSQL says so (a coded message), and the page works."""
    from services.class_store import ClassStoreDown
    from ui import class_session
    from words import words

    def away():
        raise ClassStoreDown("unreachable")

    monkeypatch.setattr(class_session, "store", away)
    for lang in ("en", "ko"):
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params.update({"class": "ACDEFHJK", "lang": lang})
        at.run()
        assert_clean(at)
        assert any(w.value == words(ClassStoreDown("unreachable"), lang) for w in at.warning)
        at.switch_page(ARITH).run()
        assert_clean(at)


def test_the_teacher_and_students_see_while_the_class_database_is_away():
    """Issue 19: while the process's listener has lost PostgreSQL (ClassStore.away), every class member's page says
    so in its language; when it is back, the notice goes."""
    from services.class_store import ClassStoreDown
    from words import load_catalogue, words

    teacher, code = teacher_on_arithmetic("en")
    student = follower(code, "ko")
    notice = {lang: words(ClassStoreDown("unreachable"), lang) for lang in ("ko", "en")}  # a student's
    notice["teacher"] = load_catalogue()["classroom.away_teacher"]["en"]  # the teacher's: the students wait for it
    assert not any(w.value in notice.values() for at in (teacher, student) for w in at.warning)
    get_store().away.set()
    teacher.run()
    student.run()
    assert [w.value for w in teacher.warning if w.value in notice.values()] == [notice["teacher"]]
    assert [w.value for w in student.warning if w.value in notice.values()] == [notice["ko"]]
    assert teacher.session_state["class"].shown_away and student.title[0].value == "합성곱 연산"  # the page works
    get_store().away.clear()
    teacher.run()
    assert not any(w.value in notice.values() for w in teacher.warning) and not teacher.session_state["class"].shown_away


def test_stop_withdraws_only_the_class_members_requests(monkeypatch):
    """Issue 17: a stranger's class could cancel outsiders' runs. Stop withdraws the members' requests only; the
    service stops a run only when nobody is left waiting for it (tests/test_runs_service.py)."""
    from ui import classroom
    from ui.class_session import Member

    class FakeService:
        def __init__(self):
            self.withdrawn = []

        def withdraw_all(self, who):
            self.withdrawn.append(who)
            return 1

    svc = FakeService()
    monkeypatch.setattr(classroom, "get_service", lambda: svc)
    code, key = get_store().create()
    get_store().join(code, "teacher-session", "teacher")
    get_store().join(code, "student-session", "student", "student-1")
    monkeypatch.setattr(classroom, "member", lambda: Member(code=code, role="teacher", key="wrong"))
    assert classroom.stop_class_runs(code) == 0 and svc.withdrawn == []  # only the teacher's key stops runs
    monkeypatch.setattr(classroom, "member", lambda: Member(code=code, role="teacher", key=key))
    assert classroom.stop_class_runs(code) == 2
    assert sorted(svc.withdrawn) == ["student-session", "teacher-session"]  # nobody outside the class


def test_the_qr_code_is_drawn_here_as_svg():
    from ui.classroom import qr_svg

    uri = qr_svg("http://10.0.0.5:8501/?class=ACDEFHJK")
    assert uri.startswith("data:image/svg+xml") and "http" not in uri.split(",", 1)[0]
    svg = unquote(uri.split(",", 1)[1])
    head = svg[: svg.index(">")]
    # a viewBox and no width/height of its own: it scales to its img's 240 px (with a size, it stays 25 px in the box)
    assert "viewBox" in head and "width" not in head and "height" not in head


EVERY_PAGE = ["lessons/1_why.py", "lessons/2_conv2d_keras.py", "lessons/3_filters.py", ARITH, "lessons/5_pooling.py",
              "lessons/2_stack_lab.py", "lessons/6_lenet5.py", "lessons/7_own_images.py", "lessons/0_home.py"]


def test_a_follower_follows_the_teacher_through_every_page(monkeypatch):
    """The training pages end in st.stop() before a run, which skips the router's after_page: the teacher
    still publishes (from the page's link sync) and keeps the class and key in the address."""
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")
    teacher = AppTest.from_file(APP, default_timeout=120)
    teacher.query_params["lang"] = "en"
    teacher.run()
    teacher.button(key="home_start_class").click().run()
    code, key = teacher.query_params["class"], teacher.query_params["teacher"]
    student = follower(code, "en")
    student.default_timeout = 120
    for page in EVERY_PAGE:
        teacher.switch_page(page).run()
        student.run()
        assert_clean(teacher)
        assert_clean(student)
        assert student.title[0].value == teacher.title[0].value, page
        assert (teacher.query_params["class"], teacher.query_params["teacher"]) == (code, key), page


def test_an_open_class_question_hides_its_answer_on_the_page_until_the_reveal():
    """§5 asks for the total with MaxPool2D: the 9,532 under the question waits for the teacher's reveal."""
    from cnnlib.architecture import count_params, preset
    from ui.pooling import ASKED

    total = f"{count_params(*preset(ASKED)):,}"
    teacher, code = teacher_on_arithmetic("en")
    student = follower(code, "en")
    teacher.switch_page("lessons/5_pooling.py").run()
    student.run()
    values = lambda at: [m.value for m in at.metric]  # noqa: E731
    assert total in values(student) and total in values(teacher)  # not asked yet: the page as always
    teacher.button(key="class_q_pool.params_ask").click().run()
    student.run()
    for at in (teacher, student):
        assert_clean(at)
        assert total not in values(at) and "?" in values(at)
    teacher.button(key="class_q_pool.params_reveal").click().run()
    student.run()
    assert total in values(student) and total in values(teacher)


@pytest.mark.parametrize(("page", "qid"), [("lessons/2_stack_lab.py", "lab.params"),
                                           pytest.param("lessons/2_conv2d_keras.py", "conv2d.params", marks=pytest.mark.tf)])
def test_the_labs_and_conv2ds_total_waits_for_the_reveal_too(page, qid, monkeypatch):
    from cnnlib.architecture import count_params, preset

    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")  # §2's page looks for its run's data: the shipped sample

    total = f"{count_params(*preset('two_conv')):,}"  # both pages open on the §2 model
    teacher, code = teacher_on_arithmetic("en")
    teacher.switch_page(page).run()

    def values(at) -> list[str]:  # the totals shown: metrics, and the lab's in its layer editor (static/stacklab.js)
        editors = [json.loads(e.proto.json)["state"]["total"] for e in at.get("bidi_component") if e.key == "lab_bench"]
        return [m.value for m in at.metric] + editors

    assert total in values(teacher)
    teacher.button(key=f"class_q_{qid}_ask").click().run()
    assert_clean(teacher)
    assert total not in values(teacher) and "?" in values(teacher)
    teacher.button(key=f"class_q_{qid}_reveal").click().run()
    assert total in values(teacher)
