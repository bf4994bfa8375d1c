"""Real browser (Debian Chromium via Playwright): a run on the LeNet-5 page as students see it.

The chart grows while it trains; leaving the page and coming back finds the run still going
(or done); drawing on the canvas gives a prediction.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser import POLL_MS, app_errors, h1, open_page, streamlit_server, wait_idle

CURVE_POINTS = """() => {
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
  const curves = plots.filter(p => (p.data || []).length === 4 && (p.data[0].mode || '').includes('lines'));
  return curves.length ? curves[0].data[0].x.length : -1;
}"""
# the value under a metric's label (everything after its first line), or null while there is none
METRIC = """label => {
  for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
    const [name, ...rest] = m.innerText.split('\\n');
    const value = rest.join('\\n').trim();
    if (name.trim() === label && value) return value;
  }
  return null;
}"""
# The drawing canvas (280×280) is a component that loads its code after the script run has finished,
# inside a shadow root: look through open shadow roots, as Playwright's locators do.
CANVAS_280 = """() => {
  const canvases = [];
  const walk = root => root.querySelectorAll('*').forEach(e => {
    if (e.tagName === 'CANVAS') canvases.push(e);
    if (e.shadowRoot) walk(e.shadowRoot);
  });
  walk(document);
  return canvases.some(c => {
    const box = c.getBoundingClientRect();
    return Math.round(box.width) === 280 && Math.round(box.height) === 280;
  });
}"""


def metric_value(page, label: str) -> str | None:
    return page.evaluate(METRIC, label)


def wait_for_metric(page, label: str, timeout: float = 120) -> str:
    return page.wait_for_function(METRIC, arg=label, timeout=timeout * 1000, polling=POLL_MS).json_value()


def curve_points_beyond(page, n: int, timeout_s: float) -> int:
    """Wait until the training curves have more than n points; how many they have then."""
    check = f"n => {{ const points = ({CURVE_POINTS})(); return points > n ? points : false; }}"
    return page.wait_for_function(check, arg=n, timeout=max(timeout_s, 1) * 1000, polling=POLL_MS).json_value()


def test_chart_grows_run_survives_a_page_switch_and_a_drawing_is_predicted(server, new_page):
    page = new_page()
    open_page(page, f"{server}/lenet-5?lang=en&epochs=4&n=2000&batch=32")  # 94 % on the shipped sample
    page.get_by_role("button", name="Train", exact=True).click()
    # the curves grow by one point per epoch while the run trains
    end = time.monotonic() + 150
    first = curve_points_beyond(page, 0, end - time.monotonic())
    seen = {first, curve_points_beyond(page, first, end - time.monotonic())}
    grown = sorted(n for n in seen if n > 0)
    assert len(grown) >= 2, f"the chart did not grow: {sorted(seen)}"
    # switch page while it trains, then come back: still going, or done
    page.locator('[data-testid="stSidebarNav"]').get_by_text("5 · Max-pooling").click()
    expect(page.locator("h1").first).to_have_text("Max-pooling")
    wait_idle(page)
    assert h1(page) == "Max-pooling"
    page.locator('[data-testid="stSidebarNav"]').get_by_text("6 · LeNet-5").click()
    expect(page.locator("h1").first).to_have_text("6 · LeNet-5")
    wait_idle(page)
    still = page.locator('[data-testid="stProgress"]').count() > 0 or metric_value(page, "Test accuracy")
    assert still, "the run vanished after a page switch"
    accuracy = wait_for_metric(page, "Test accuracy", timeout=150)
    assert float(accuracy.rstrip("%")) > 80
    assert not app_errors(page)
    # draw a "1" on the canvas: the page shows the 28×28 input and a prediction
    wait_idle(page)
    page.wait_for_function(CANVAS_280, polling=POLL_MS)
    canvas = next(c for c in page.locator("canvas").all()
                  if (box := c.bounding_box()) and round(box["width"]) == 280 and round(box["height"]) == 280)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x = box["x"] + 140
    page.mouse.move(x, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x + step * 0.5, box["y"] + 40 + step * 10)
    page.mouse.up()
    prediction = wait_for_metric(page, "Prediction", timeout=60).split("\n")[0]
    assert prediction == "1", "a single vertical stroke is a 1"
    assert not app_errors(page)


def test_a_run_stops_only_when_every_student_waiting_for_it_withdrew(server, new_page):
    """Issue 9 #7: one student could cancel the class's run. Two students wait for the same run; the
    second withdraws and the run goes on for the first; when the first withdraws too, both see it
    cancelled and may train again, and nothing is cached."""
    first = new_page()
    second = new_page()  # another student: its own Streamlit session
    url = f"{server}/lenet-5?lang=en&epochs=20&n=8000&batch=32&seed=11"
    open_page(first, url)
    first.get_by_role("button", name="Train", exact=True).click()
    first.locator('[data-testid="stProgress"]').first.wait_for(timeout=60_000)
    open_page(second, url)  # the run exists: the button joins it
    second.get_by_role("button", name="Train", exact=True).click()
    for page in (first, second):
        page.get_by_text("Requests waiting for this run: 2").first.wait_for(timeout=60_000)
    second.get_by_role("button", name="Withdraw my request").click()
    first.get_by_text("Requests waiting for this run: 1").first.wait_for(timeout=60_000)
    assert first.get_by_text("This run was cancelled. Nothing was saved.").count() == 0  # still training
    first.get_by_role("button", name="Withdraw my request").click()
    for page in (first, second):
        page.get_by_text("This run was cancelled. Nothing was saved.").wait_for(timeout=60_000)
        assert page.get_by_role("button", name="Train", exact=True).count() == 1  # may train again
        assert not app_errors(page)
    assert metric_value(first, "Test accuracy") is None


# ---- issue 10: after Train (or class start) the progress is in view, at the projector's 1280×720 -------

# The first progress bar's box at the first frame it exists (wait_for_function polls every animation frame),
# with the viewport's size; null while there is none.
PROGRESS_BOX = """() => {
  const bar = document.querySelector('[data-testid="stProgress"]');
  if (!bar) return null;
  const b = bar.getBoundingClientRect();
  return {top: b.top, bottom: b.bottom, left: b.left, right: b.right, width: innerWidth, height: innerHeight,
          at: performance.now()};
}"""
TRAIN = {"ko": "학습 시작", "en": "Train"}
TRAIN_OWN = {"ko": "학습 시작", "en": "Start training"}  # §7's button
CLASS_START = {"ko": "기본 LeNet-5 학습하기", "en": "Train the default LeNet-5"}
WITHDRAW = {"ko": "내 요청 취소", "en": "Withdraw my request"}
LONG = "epochs=50&n=8000&batch=16"  # a run that is still queued or training when its progress is looked at


def click_and_find_progress(page, button) -> dict:
    """Click, then the progress bar's box when it first appears (and how long after the click that was)."""
    button.scroll_into_view_if_needed()
    clicked = page.evaluate("() => performance.now()")
    button.click()
    box = page.wait_for_function(PROGRESS_BOX, timeout=60_000).json_value()
    box["after_ms"] = round(box["at"] - clicked)
    return box


def assert_in_view(box: dict) -> None:
    assert 0 <= box["top"] and box["bottom"] <= box["height"] and 0 <= box["left"] and box["right"] <= box["width"], box


def withdraw(page, lang: str) -> None:
    """Give the run back, so the next case's run does not wait behind it."""
    page.get_by_role("button", name=WITHDRAW[lang]).first.click()
    page.locator('[data-testid="stProgress"]').first.wait_for(state="detached", timeout=60_000)
    wait_idle(page)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_progress_is_in_view_after_train_and_class_start_at_1280x720(new_page, tmp_path, lang):
    """At 1280×720 with the sidebar open, the progress takes the Train button's place (§2, §6, §7), and on §6
    the class start's progress shows where that button was, at the top, not a screen further down. A fresh
    server: the class start is offered only while the server has never been asked for the default run."""
    env = {"CNNLIB_CACHE_DIR": str(tmp_path / "cache"), "CNNLIB_MNIST_SOURCE": "sample"}
    seen, page = {}, new_page(1280, 720)
    with streamlit_server(env=env) as url:
        open_page(page, f"{url}/lenet-5?lang={lang}")
        assert page.locator('[data-testid="stSidebar"]').bounding_box()["width"] > 200  # the sidebar is open
        seen["§6 class start"] = box = click_and_find_progress(page, page.get_by_role("button", name=CLASS_START[lang]))
        assert_in_view(box)
        withdraw(page, lang)
        for name, path, label in (
            ("§6 Train", f"lenet-5?{LONG}&seed=1", TRAIN),
            ("§2 Train", f"conv2d-in-keras?{LONG}&seed=2", TRAIN),
            ("§7 Train", "own-images?n=300&epochs=20", TRAIN_OWN),
        ):
            open_page(page, f"{url}/{path}&lang={lang}")
            seen[name] = box = click_and_find_progress(page, page.get_by_role("button", name=label[lang], exact=True))
            assert_in_view(box)
            assert not app_errors(page)
            withdraw(page, lang)
    print(lang, {name: (round(box["top"]), box["after_ms"]) for name, box in seen.items()})  # top (px), ms after the click
