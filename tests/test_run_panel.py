"""The run panel (ui/run_panel.py): its words and numbers, and, with AppTest and a service that never trains,
joining a run someone else queued, withdrawing only your own request, one run at a time per session."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from services.runs import TrainingService
from tests.runhelp import tiny
from ui.run_panel import curves_figure, seconds_text


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (12.3, "12 s"), (59.4, "59 s"), (59.6, "1:00"), (95, "1:35"), (3600, "60:00"), (-3, "0 s"),
    (None, "–"), (math.inf, "–"), (math.nan, "–"),
])
def test_seconds_text(seconds, text):
    assert seconds_text(seconds) == text


def test_the_curves_are_loss_and_accuracy_training_and_test_one_point_per_epoch():
    import plotly.graph_objects as go

    from ui.i18n import t

    history = {"loss": [0.9, 0.5], "val_loss": [1.0, 0.6], "accuracy": [0.7, 0.8], "val_accuracy": [0.65, 0.75]}
    fig = go.Figure(curves_figure(history, epochs=5).to_dict())  # valid Plotly (it is sent without validation)
    assert [(d.xaxis, d.yaxis, list(d.y)) for d in fig.data] == [
        ("x", "y", [0.9, 0.5]), ("x", "y", [1.0, 0.6]), ("x2", "y2", [0.7, 0.8]), ("x2", "y2", [0.65, 0.75])]
    assert [d.name for d in fig.data] == [t("training.train_set"), t("training.test_set")] * 2
    assert [d.showlegend for d in fig.data] == [True, True, False, False]  # one legend for both plots
    assert tuple(fig.layout.xaxis.range) == tuple(fig.layout.xaxis2.range) == (0.5, 5.5)  # the run's epochs ahead
    assert [a.text for a in fig.layout.annotations] == [t("training.loss"), t("training.accuracy")]
    empty = go.Figure(curves_figure({k: [] for k in history}, epochs=3).to_dict())
    assert tuple(empty.layout.yaxis.range) == (0, 1)  # before the first epoch: an empty 0–1 frame


@pytest.fixture
def idle_service(tmp_path, monkeypatch):
    """A service whose worker never starts: runs stay queued while the panel is clicked through."""
    import ui.run_panel

    monkeypatch.delenv("CNNLIB_RUN_MAX_SECONDS", raising=False)
    svc = TrainingService(tmp_path / "cache")
    monkeypatch.setattr(svc, "_ensure_worker", lambda: None)
    monkeypatch.setattr(ui.run_panel, "service", lambda: svc)
    yield svc
    svc.shutdown()


def panel_script():
    import streamlit as st

    from tests.runhelp import tiny
    from ui.run_panel import run_panel

    st.session_state.setdefault("lang", "en")
    run_panel("t", tiny(seed=77))


def test_a_click_on_train_after_someone_else_queued_the_run_counts_as_a_request(idle_service):
    """Finding 12: five tabs pressed Train and the count said 1. A tab draws Train; another session's request
    queues the run; the tab's click then reruns into a page with no Train button, and the click was lost."""
    config = tiny(seed=77)
    at = AppTest.from_function(panel_script, default_timeout=30).run()
    assert not at.exception and at.button(key="t_train").label == "Train"
    assert "Expected training time: about " in at.caption[0].value and "up to 10:00" in at.caption[0].value
    idle_service.submit(config, requester="another session")
    at.button(key="t_train").click().run()
    assert not at.exception
    assert idle_service.snapshot(config.key).requests == 2, "the click joined the run"
    assert "Requests waiting for this run: 2" in " ".join(c.value for c in at.caption)
    queue = at.dataframe[0].value
    assert list(queue.iloc[0]) == ["1", "LeNet-5 (§6) (yours)", 1, "300", 2, queue.iloc[0, 5]]
    # Withdraw: only this session's request goes; the other session keeps the run queued
    at.button(key="t_cancel").click().run()
    assert not at.exception and idle_service.snapshot(config.key).state == "queued"
    assert idle_service.snapshot(config.key).requests == 1 and at.button(key="t_train").label == "Train"


def test_a_second_run_of_one_session_is_refused_with_a_message(idle_service):
    at = AppTest.from_function(panel_script, default_timeout=30)
    at.session_state["run_requester"] = "this session"
    at.run()
    idle_service.submit(tiny(seed=78), requester="this session")  # this session already waits for a run
    at.button(key="t_train").click().run()
    assert not at.exception and idle_service.lookup(tiny(seed=77)) is None
    assert "one run at a time" in " ".join(e.value for e in at.error)
    assert "The run you are waiting for: LeNet-5 (§6), epochs: 1 (queue: 1)" in [c.value for c in at.caption]


def test_a_closed_session_withdraws_its_requests(idle_service):
    """Issue 9: work a closed tab no longer needs stops. Streamlit drops a closed session's state after
    server.disconnectedSessionTTL; the SessionEnd kept there then withdraws the session's requests."""
    import gc

    from ui.run_panel import SessionEnd

    alone, shared = tiny(seed=81), tiny(seed=82)
    a = idle_service.submit(alone, requester="closed tab")
    b = idle_service.submit(shared, requester="closed tab 2")
    idle_service.submit(shared, requester="open tab")
    state = {"first": SessionEnd("closed tab", idle_service), "second": SessionEnd("closed tab 2", idle_service)}
    assert not a.finished.is_set()
    state.clear()  # what Streamlit does with a session's state when the session ends
    gc.collect()
    assert a.finished.is_set() and idle_service.snapshot(a.key).state == "cancelled"
    assert not b.cancel_requested.is_set() and idle_service.snapshot(b.key).requests == 1  # another tab still waits


def test_each_session_gets_one_session_end_guard(idle_service):
    at = AppTest.from_function(panel_script, default_timeout=30).run()
    at.button(key="t_train").click().run()  # the session asks: it gets an id and its guard
    assert not at.exception
    guard = at.session_state["run_session_end"]
    assert guard.requester == at.session_state["run_requester"]


def test_a_click_draws_the_bar_in_the_buttons_place_and_asks_as_this_session_in_that_run(idle_service):
    """Issue 10: the click's own script run draws the bar where the button was (no second rerun) and only
    then asks for the run, as this session; the Train button is gone."""
    config = tiny(seed=77)  # what panel_script shows
    at = AppTest.from_function(panel_script, default_timeout=30).run()
    assert not at.get("progress")
    at.button(key="t_train").click().run()
    assert not at.exception
    [bar] = at.get("progress")
    assert bar.proto.text == "Waiting: number 1 in the queue (the server trains one run at a time)"
    assert idle_service.snapshot(config.key).requests == 1
    assert idle_service.is_requester(config.key, at.session_state["run_requester"])
    assert [b.key for b in at.button] == ["t_cancel"]


def where_script():
    import streamlit as st

    from tests.runhelp import tiny
    from ui.run_panel import run_panel

    st.session_state.setdefault("lang", "en")
    top = st.container()  # e.g. §6's class start, at the top of the page
    st.markdown("the rest of the page")
    run_panel("t", tiny(seed=80), where=top)


def test_the_progress_goes_where_the_page_asks(idle_service):
    at = AppTest.from_function(where_script, default_timeout=30).run()
    at.button(key="t_train").click().run()
    assert not at.exception
    order = [type(e).__name__ for e in at.main]
    assert order.index("Markdown") > 0, order  # the bar's container comes first, above the rest of the page
    assert at.get("progress") and "shown at the top of this page" in " ".join(c.value for c in at.caption)


def test_a_follower_whose_teachers_run_trains_on_another_server_is_told_and_offered_no_button(idle_service, monkeypatch):
    """Replicas (issue 19): the teacher's view names a run this server does not have (its queue is the other
    replica's): a note in the page's language, no Train button of the student's own (that would train it twice);
    once the teacher's run is over (the view names none) the button is back."""
    import ui.class_session

    config = tiny(seed=77)
    watched = {"run": config.key}
    monkeypatch.setattr(ui.class_session, "following_run", lambda: watched["run"])
    at = AppTest.from_function(panel_script, default_timeout=30).run()
    assert not at.exception and not at.button
    assert [c.value for c in at.caption] == [
        "The teacher started this run on another server of this class: its progress does not show here. "
        "When it has finished, this page shows its result, or offers to train it here."]
    assert idle_service.lookup(config) is None  # nothing was asked of this server
    watched["run"] = None
    at.run()
    assert not at.exception and at.button(key="t_train").label == "Train"
