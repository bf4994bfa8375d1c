"""Real browser (Chromium via Playwright): class mode on two app servers sharing one PostgreSQL (issue 19).

Two `streamlit run` servers with the same ``CNNLIB_CLASS_DB`` (a fresh database in the session's throwaway
cluster, tests/pghelp.py): the teacher on server 1, a student on server 2. Nothing connects the two servers but
the database: the student follows through server 2's listener (LISTEN/NOTIFY), which reads each change once and
sends a window step down the student's live channel (no rerun of the student's). Then the database goes away
mid-class (the student's page says so, in Korean) and comes back: following resumes by itself, window steps
and another page alike.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser import frames_received, open_page, wait_idle
from tests.pghelp import replicas_on
from words import load_catalogue

FOLLOW_MS = 60_000  # a generous bound for a change to reach a student on a busy machine (a hang, not a speed)
WORDS = load_catalogue()


def word(key: str, lang: str = "ko") -> str:
    return WORDS[key][lang]


@pytest.fixture
def two_servers(pg_database):
    """Two app servers on one fresh database, started as bench/replicas.py starts them (without its proxy)."""
    with replicas_on(pg_database, 2, {"CNNLIB_MNIST_SOURCE": "sample"}) as servers:
        yield servers


def step(teacher, student, k: int) -> None:
    """The teacher's → on §4's workbench; the student's screen shows the same window."""
    teacher.get_by_test_id("step-next").click()
    # the same bound as the student's (a hang, not a speed): after the database restart, server 1's first rerun of the
    # teacher's page reconnects its pool, and until that run ends the page shows its stale workbench as well
    expect(teacher.get_by_test_id("step-cell")).to_have_text(f"y{k}", timeout=FOLLOW_MS)
    expect(student.get_by_test_id("step-cell")).to_have_text(f"y{k}", timeout=FOLLOW_MS)


def by_live(teacher, student, received: dict[str, int], k: int) -> None:
    """A step that reaches the student as a live message, with no script run of the student's (issue 17)."""
    wait_idle(student)
    before = dict(received)
    step(teacher, student, k)
    assert received["live"] > before["live"] and received["stream"] == before["stream"], (before, received)


def test_a_student_on_another_server_follows_and_survives_a_database_restart(two_servers, pg_cluster, new_page):
    first, second = two_servers
    teacher, student = new_page(1280, 720), new_page(1280, 720)
    open_page(teacher, first + "/?lang=ko")
    teacher.get_by_role("button", name=word("classroom.start")).click()
    teacher.wait_for_url(re.compile(r"[?&]teacher="))
    wait_idle(teacher)
    code = parse_qs(urlparse(teacher.url).query)["class"][0]
    teacher.get_by_test_id("stSidebarNav").get_by_text(word("common.page.arithmetic"), exact=True).click()
    teacher.wait_for_url(re.compile("/convolution-arithmetic"))
    wait_idle(teacher)

    received = frames_received(student)
    open_page(student, f"{second}/?class={code}")  # the other server: it knows the class only from the database
    student.wait_for_url(re.compile("/convolution-arithmetic"), timeout=FOLLOW_MS)
    wait_idle(student)
    teacher.get_by_role("radio", name="ReLU", exact=True).check()
    expect(student.get_by_role("radio", name="ReLU", exact=True)).to_be_checked(timeout=FOLLOW_MS)
    by_live(teacher, student, received, 2)  # server 2 read the change once and sent it down the student's socket

    pg_cluster.down()  # mid-class: server 2's listener loses the database, its followers say so
    notice = student.get_by_text(word("class_errors.unreachable"))
    expect(notice).to_be_visible(timeout=FOLLOW_MS)
    pg_cluster.up()
    expect(notice).to_have_count(0, timeout=FOLLOW_MS)  # reconnected: the followers reran and caught up
    step(teacher, student, 3)  # following resumes: server 1's pool and server 2's listener are back
    by_live(teacher, student, received, 4)  # and so does the live channel
    assert "teacher=" not in student.url and "/convolution-arithmetic" in student.url
    # another page: server 2 reruns the student's follow fragment, which cannot show it and reruns the whole page
    teacher.get_by_test_id("stSidebarNav").get_by_text(word("common.page.pooling"), exact=True).click()
    teacher.wait_for_url(re.compile("/max-pooling"))
    student.wait_for_url(re.compile("/max-pooling"), timeout=FOLLOW_MS)
    wait_idle(student)
