"""One run panel for every page that trains (§2, §6, §7): the Train button, or the shared run's progress
(queue place, epoch, rate, time left, the queue, withdrawing your request, the growing curves), or why it stopped.

The runs live in services.runs (a worker thread per server process): nothing here trains, so a
widget touch, a page switch or a closed tab never stops a run. Pages read snapshots and redraw
the progress in a fragment. Each browser session asks under its own opaque id (``requester()``):
cnnlib lets it wait for one run at a time, and its Cancel button withdraws only its own request.
"""

from __future__ import annotations

import contextlib
import math
import uuid
import weakref

import streamlit as st

from cnnlib.errors import LessonError
from services.runs import Run, RunConfig, RunResult, Snapshot, TrainingService, get_service
from services.runs.config import estimate_seconds, preset_name
from services.settings import run_max_seconds
from ui import class_session
from ui.charts import Ready, axes_of, png, ready, side_by_side
from ui.guard import end_page, guarded
from ui.i18n import message, t
from ui.presenter import text_px
from ui.take_home import run_files
from ui.warmup import Gate

REFRESH = 1.0  # seconds between progress redraws: each is a script run on the server, per watching student


def service() -> TrainingService:
    """The process-wide service (one worker thread, shared by every session) for $CNNLIB_CACHE_DIR."""
    return get_service()


class SessionEnd:
    """Kept in a browser session's state: when Streamlit drops that state (the tab closed, after
    ``server.disconnectedSessionTTL``), the session's run requests are withdrawn, so a run that only a
    closed tab wanted stops instead of holding the one training worker (issue 9)."""

    def __init__(self, requester_id: str, svc: TrainingService):
        self.requester = requester_id
        weakref.finalize(self, svc.withdraw_all, requester_id)  # refers to the id, never to self


def requester() -> str:
    """This browser session's id for its run requests (a random uuid kept in session_state)."""
    if "run_requester" not in st.session_state:
        st.session_state["run_requester"] = uuid.uuid4().hex
    rid = st.session_state["run_requester"]
    if getattr(st.session_state.get("run_session_end"), "requester", None) != rid:
        st.session_state["run_session_end"] = SessionEnd(rid, service())
    return rid


def request(config: RunConfig) -> Run:
    """Ask for a run as this session (raises LessonError: a bad or too long configuration, one run at a time);
    the hooks hear of it (class mode: a teacher's students watch the run too)."""
    run = service().submit(config, requester())
    for hook in _REQUESTED:
        hook()
    return run


_REQUESTED: list = []


def when_requested(hook) -> None:
    """Call hook() after this session asked for a run (the router registers class mode's publishing)."""
    if hook not in _REQUESTED:
        _REQUESTED.append(hook)


def seconds_text(seconds: float | None) -> str:
    """12.3 s → "12 s", 95 s → "1:35" (progress labels); "–" when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    seconds = max(0, round(seconds))
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60}:{seconds % 60:02d}"


def status_line(snap: Snapshot) -> str:
    if snap.state == "queued":
        return t("training.queued", position=snap.position or "?")
    if snap.phase in ("loading", "building"):
        return t("training.preparing")
    return t("training.progress", epoch=min(snap.epoch + 1, snap.epochs), epochs=snap.epochs,
             step=snap.step, steps=snap.steps, rate=f"{snap.samples_per_second or 0:,.0f}",
             left=seconds_text(snap.seconds_left))


def curves_figure(history: dict, epochs: int, height: int = 300) -> Ready:
    """Loss and accuracy per epoch, training vs test: grows by one point per epoch."""
    layout = side_by_side((t("training.loss"), t("training.accuracy")), height=height,
                          margin={"l": 8, "r": 8, "t": 36, "b": 8})
    layout.update(legend={"orientation": "h", "y": -0.3}, font={"size": text_px(12)})
    x = list(range(1, len(history["loss"]) + 1))
    data = []
    for i, (train_key, test_key) in enumerate((("loss", "val_loss"), ("accuracy", "val_accuracy"))):
        for name, key, dash in ((t("training.train_set"), train_key, None), (t("training.test_set"), test_key, "dot")):
            data.append({"type": "scatter", "x": x, "y": [float(v) for v in history[key]], "name": name,
                         "mode": "lines+markers", "showlegend": i == 0,
                         "line": {"dash": dash, "color": "#1f77b4" if dash is None else "#ff7f0e"}, **axes_of(i)})
        layout["xaxis" if i == 0 else f"xaxis{i + 1}"].update(range=[0.5, max(epochs, 1) + 0.5], dtick=1 if epochs <= 20 else 5,
                                                             title={"text": t("training.epoch")})
        if not x:  # before the first epoch: an empty 0–1 frame, not plotly's −1…4
            layout["yaxis" if i == 0 else f"yaxis{i + 1}"]["range"] = [0, 1]
    return ready({"data": data, "layout": layout})


def model_text(config: RunConfig) -> str:
    """A queued run's model as the pages name it: a preset's name, else the lab's model with its layer count."""
    name = preset_name(config)
    return t(f"training.model.{name}") if name else t("training.model.custom", layers=len(config.stack))


def queue_rows(snaps: list[Snapshot], mine: set[str]) -> list[dict]:
    """The queue as table rows, in the page's language: place, model, epochs, images, requests, estimate."""
    rows = []
    for snap in snaps:
        config = snap.config
        rows.append({
            t("training.queue.place"): t("training.queue.now") if snap.position == 0 else str(snap.position),
            t("training.queue.model"): model_text(config) + (t("training.queue.mine") if snap.key in mine else ""),
            t("training.queue.epochs"): config.epochs,
            t("training.queue.images"): f"{config.train_size:,}",
            t("training.queue.waiting"): snap.requests,
            t("training.queue.estimate"): seconds_text(snap.estimate),
        })
    return rows


def queue_view(prefix: str) -> None:
    """What the one training worker has to do: the run training now and those waiting, in order."""
    svc, me = service(), requester()
    snaps = svc.queue()
    if not snaps:
        return
    mine = {s.key for s in snaps if svc.is_requester(s.key, me)}
    with st.expander(t("training.queue.title", n=len(snaps))):
        st.dataframe(queue_rows(snaps, mine), hide_index=True, key=f"{prefix}_queue")


def live_run(prefix: str, key: str, where=None, ask: RunConfig | None = None) -> Snapshot | None:
    """Progress bar, queue position, the queue, withdrawing and the growing curves; refreshes itself while active.

    Runs as a fragment every REFRESH seconds while the run is queued or training (only this
    part of the page reruns); when it finishes the whole page reruns once to show the results.
    where: a container drawn earlier on the page (e.g. by the class-start button) to show it in.
    ask: a run a click asked for: the bar is drawn first and the run requested after it, so the bar is on
    screen before a server's first run starts loading TensorFlow (seconds in which the page barely runs).
    """
    first = service().snapshot(key)
    if first is None and ask is None:
        return None
    active = ask is not None or not first.finished
    asked = [ask]  # requested on the fragment's first draw only

    @st.fragment(run_every=REFRESH if active else None)
    @guarded  # an error in a fragment's rerun: a message and a way back, never a traceback
    def panel():
        bar = st.empty()  # one element: the provisional bar becomes the run's own, never a gap
        if asked[0] is not None:
            config, asked[0] = asked[0], None
            bar.progress(0.0, text=t("training.preparing"))
            try:
                request(config)
            except LessonError as err:  # e.g. this session already waits for another run
                st.session_state[f"{prefix}_train_error"] = err
                st.rerun()  # the panel shows why, with the Train button
        snap = service().snapshot(key)
        if snap is None:
            bar.empty()
            return
        if active and snap.finished:
            st.rerun()  # the results below need the whole page
        if not snap.finished:  # once done, the results below draw the final curves
            bar.progress(snap.fraction, text=status_line(snap))
            c1, c2 = st.columns([1, 3])
            if service().is_requester(key, requester()):
                if c1.button(t("training.cancel"), key=f"{prefix}_cancel", help=t("training.cancel_help")):
                    service().withdraw(key, requester())
                    st.rerun()  # the Train (join) button comes back if others keep it going
            c2.caption(t("training.shared", n=snap.requests))
            queue_view(prefix)
            st.plotly_chart(curves_figure(snap.history, snap.epochs), key=f"{prefix}_curves", config=png("training-curves"))

    with where if where is not None else contextlib.nullcontext():
        panel()
    return first


def _train(prefix: str, config: RunConfig) -> None:
    """The Train button's callback (before the script): the script that follows asks for the run, where
    the button was, after drawing the bar (live_run's ask)."""
    st.session_state[f"{prefix}_pending"] = config


def headline(where, config: RunConfig | None, *, accuracy_shown: bool, started: bool = False) -> None:
    """The finished run of the page's settings, first under the page's title: its test accuracy, what a student
    comes to see (the first TensorFlow page paints it at once while the browser draws the rest; bench/memory.py).
    `where` is a placeholder (st.empty), emptied for a run not finished, for one this session's class-start
    button asked for (its notice says it), and while the class's question about the accuracy is open."""
    done = finished(config) if config is not None else None
    if done is None or not accuracy_shown or started:
        where.empty()
        return
    where.metric(t("training.test_accuracy"), f"{done.test_accuracy:.2%}", help=t("training.headline_help"))


def finished(config: RunConfig) -> RunResult | None:
    """The run of these settings when it has finished (for a question's answer), else None."""
    run = service().lookup(config)
    snap = service().snapshot(run.key) if run is not None else None
    return snap.result if snap is not None and snap.state == "done" else None


def run_panel(prefix: str, config: RunConfig, button_label: str | None = None, where=None) -> Snapshot | None:
    """Train button, or the run's progress, or its failure. Returns the snapshot once the run is done.

    The progress takes the button's place, so it is in view the moment the click's run draws it;
    where: a container higher up to draw the progress in instead (the class start on §6).
    """
    svc = service()
    pending = st.session_state.pop(f"{prefix}_pending", None)
    refused = st.session_state.pop(f"{prefix}_train_error", None)
    if refused is not None:
        (where if where is not None else st).error(message(refused))
        held = svc.held(requester())
        if held is not None:  # which run this session is waiting for
            st.caption(t("training.held", model=model_text(held.config), epochs=held.config.epochs,
                         place=t("training.queue.now") if held.position == 0 else held.position))
    if pending is not None and pending.key != config.key:  # the settings changed with the click: train what was clicked
        _request_quietly(prefix, pending)
        pending = None
    run = svc.lookup(config)
    snap = svc.snapshot(run.key) if run is not None else None
    if pending is not None and not (snap is not None and svc.is_requester(snap.key, requester()) and not snap.finished):
        if where is not None:
            st.caption(t("training.progress_above"))
        live_run(prefix, config.key, where, ask=pending)
        return None
    if snap is None and class_session.following_run() == config.key:  # the teacher's run, on another replica:
        st.caption(t("training.class_run_elsewhere"))  # its progress is that server's; no Train button of one's own
        return None
    if snap is not None and snap.state == "failed":
        st.error(message(snap.error) if snap.error else t("training.failed"))
    elif snap is not None and snap.state == "cancelled":
        st.warning(t("training.cancelled"))
    # Someone else's run of these settings is queued or training: the button stays (the same call, so
    # the same widget) and joins it. Dropping it made the click of a tab that drew the button before the
    # run existed vanish in its rerun: five tabs pressed Train and the run counted one request.
    watching = snap is not None and not snap.finished and class_session.following_run() == snap.key
    joinable = snap is not None and not snap.finished and not svc.is_requester(snap.key, requester()) and not watching
    if watching:  # a following student watches the teacher's run: its progress, no Train button of its own
        st.caption(t("training.class_run"))
    if snap is None or snap.state in ("failed", "cancelled") or joinable:
        st.button(button_label or t("training.train"), key=f"{prefix}_train", type="primary",
                  on_click=_train, args=(prefix, config))
        if not joinable:
            estimate_note(config)
            return None
        st.caption(t("training.join"))
    if where is not None and not snap.finished:
        st.caption(t("training.progress_above"))
    live_run(prefix, snap.key, where if not snap.finished else None)
    return snap if snap.state == "done" else None


def _request_quietly(prefix: str, config: RunConfig) -> None:
    try:
        request(config)
    except LessonError as err:
        st.session_state[f"{prefix}_train_error"] = err


def estimate_note(config: RunConfig) -> None:
    """How long the run is expected to take here, next to the limit (a run over it is refused)."""
    try:
        seconds = estimate_seconds(config)
    except LessonError:  # a stack that cannot be built: pressing Train says why
        return
    st.caption(t("training.estimate", seconds=seconds_text(seconds), limit=seconds_text(run_max_seconds())))


def trained_result(prefix: str, config: RunConfig, where=None, accuracy_shown: bool = True) -> RunResult:
    """The run's panel; once it is done, its metrics, final curves and files (none of them needs TensorFlow;
    accuracy_shown=False: the test accuracy is "?" and the curves wait, the class's question about it is open).

    Until then the page ends here (ui.guard.end_page): what follows needs the run.
    """
    snap = run_panel(prefix, config, where=where)
    if snap is None:
        end_page()
    result = snap.result
    result_metrics(result, accuracy_shown)
    if accuracy_shown:
        final_curves(prefix, result)
    else:  # the curves end at the test accuracy: they wait for the reveal too
        st.caption(t("training.curves_after_reveal"))
    run_files(prefix, result)
    return result


def trained_model(result: RunResult, gate: Gate):
    """The run's trained model, or None while TensorFlow is still loading in the background (the page then
    shows ``gate.note()`` where the model's parts go; they fill in when it is there, ui/warmup.py).

    A damaged or missing model file: a message, and the page ends here (what follows needs the model).
    """
    if not gate.ready:
        return None
    try:
        model = service().load_model(result.key)
    except LessonError as err:  # a damaged model file: removed from the cache, the next visit trains again
        st.error(message(err))
        end_page()
    if model is None:
        st.warning(t("training.model_gone"))
        end_page()
    return model


def final_curves(prefix: str, result: RunResult) -> None:
    """A finished run's loss and accuracy per epoch (the curves that grew while it trained)."""
    st.plotly_chart(curves_figure(result.history, len(result.history["loss"])), key=f"{prefix}_final_curves",
                    config=png("training-curves"))


def result_metrics(result: RunResult, accuracy_shown: bool = True) -> None:
    c = st.columns(4)
    c[0].metric(t("training.test_accuracy"), f"{result.test_accuracy:.2%}" if accuracy_shown else "?")
    c[1].metric(t("training.seconds"), f"{result.fit_seconds:.1f} s",
                help=t("training.seconds_help", total=f"{result.seconds:.1f}"))
    c[2].metric(t("training.rate"), f"{result.samples_per_second:,.0f}")
    c[3].metric(t("training.params"), f"{result.params:,}")
    st.caption(t("training.from_cache") if result.cached else t("training.trained_here"))
