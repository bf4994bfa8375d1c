"""Real browser (Debian Chromium via Playwright): §5 max-pooling's step-through, computed in the browser.

The correctness contract: the pooled numbers the browser computes (``data-values`` of ``data-testid="pooled-map"``)
equal ``cnnlib.pooling.max_pool2d``, and every window's ``max(…) = v`` and sentence equal what Python writes
(``ui.pooling.sentences``), for the slide's setting and a few others loaded by link, and for 40 random settings (pool
size, stride, maps with decimals and negative values, ties, §4's carried shapes) drawn by the same module inside the
open page. Then what a student does: ← / → / play step the window 1-based and wrap, the steps are committed once they
pause, the keyboard alone works; on a projector the controls, the map and the output are on one screen; at 150 % zoom
no label is cut.
"""

import json
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from cnnlib.lecture import POOLING_EXAMPLE_6X6
from cnnlib.pooling import max_pool2d
from tests.browser import app_errors, open_page, settles, wait_committed, wait_drawn, wait_idle
from ui.pooling import sentences, step_kit
from ui.workbench import compact

STEP = ".st-key-pool_step"
IN_VIEW = ("pool-window-slider", "pool-prev", "pool-next", "pool-play", "pool-input", "pooled-map", "pool-max")
SETTINGS = 40  # random settings drawn in the open page (the issue asks for at least 30)
FONT_PX = "el => parseFloat(getComputedStyle(el).fontSize)"
# Draw settings with the page's own static/pooling.js in shadow roots of the open page (no server round trip): each
# window's lines, read by pressing "next" through all of them (which wraps back to 1), and the commits it makes.
HARNESS = """async ([url, cases, kit]) => {
  const m = await import(url);
  const results = [];
  for (const c of cases) {
    const host = document.createElement('div');
    document.body.appendChild(host);
    const shadow = host.attachShadow({mode: 'open'});
    const commits = [];
    const q = (id) => shadow.querySelector(`[data-testid="${id}"]`);
    const dispose = m.default({data: {state: c.state, kit: {...kit[c.lang], id: c.lang}, kit_id: c.lang, ack: 0,
      present: false}, parentElement: shadow, setStateValue: (name, value) => commits.push([name, value])});
    const values = q('pooled-map').dataset.values;
    const n = JSON.parse(values).flat().length;
    const lines = [];
    for (let k = 0; k < n; k++) {
      lines.push([q('pool-window').textContent, q('pool-max').textContent, q('pool-sentence').textContent,
        q('pooled-map').querySelector('.cell.now').dataset.k]);
      q('pool-next').click();
    }
    const colours = Array.from(q('pooled-map').querySelectorAll('.cell'))
      .map(e => [Number(e.dataset.value), getComputedStyle(e).backgroundColor]);
    const wrapped = q('pool-window').textContent;
    const before = commits.length;
    dispose();  // the steps' pending commit is sent as the element goes
    results.push({values, lines, wrapped, before, commits, colours});
    host.remove();
  }
  return results;
}"""


@pytest.fixture(scope="module")
def browser_page(tabs, server):
    with tabs.page(1280, 720) as page:
        yield page


def expected_lines(fmap: np.ndarray, size: int, stride: int, lang: str) -> list[list[str]]:
    n = max_pool2d(fmap, size, stride).size
    return [[str(k), *sentences(fmap, size, stride, k, lang), str(k)] for k in range(1, n + 1)]


def pooled(page) -> np.ndarray:
    return np.array(json.loads(page.get_by_test_id("pooled-map").get_attribute("data-values")), dtype=float)


def shown(page) -> list[str]:
    return [page.get_by_test_id(i).inner_text() for i in ("pool-window", "pool-max", "pool-sentence")]


def current_cell(page) -> str:
    return page.get_by_test_id("pooled-map").locator(".cell.now").get_attribute("data-k")


def assert_window(page, fmap, size, stride, k, lang="en") -> None:
    expect(page.get_by_test_id("pool-window")).to_have_text(str(k))
    assert shown(page) == [str(k), *sentences(fmap, size, stride, k, lang)]
    assert current_cell(page) == str(k)  # the boxed output cell is window k's


@pytest.mark.parametrize(("query", "size", "stride"), [("", 2, 2), ("&size=3&stride=1", 3, 1), ("&stride=3", 2, 3)])
def test_the_slides_map_by_link_is_pooled_as_cnnlib(server, browser_page, query, size, stride):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang=en{query}")
    assert not app_errors(page)
    assert np.array_equal(pooled(page), max_pool2d(POOLING_EXAMPLE_6X6, size, stride))
    if query == "":
        assert pooled(page).tolist() == [[16, 42, 30], [22, 45, 41], [24, 30, 40]]  # the slide's result
    page.get_by_test_id("pool-input").focus()
    n = max_pool2d(POOLING_EXAMPLE_6X6, size, stride).size
    for k in range(1, n + 1):  # every window, stepped by → on the focused map, as Python writes it
        assert_window(page, POOLING_EXAMPLE_6X6, size, stride, k)
        page.keyboard.press("ArrowRight")
    assert_window(page, POOLING_EXAMPLE_6X6, size, stride, 1)  # past the last: back to the first
    wait_committed(page)


def random_case(rng: np.random.Generator, i: int) -> tuple[np.ndarray, int, int | None]:
    side = (6, 6, 6, 8, 4, 3, 7, 5)[i % 8]  # the slide's 6×6, and §4's carried shapes
    places = (0, 1, 2, 3, 6, 15)[i % 6]
    fmap = np.round(rng.uniform(-50, 50, (side, side)), places)
    if i % 5 == 1:
        fmap = rng.integers(-3, 3, (side, side)).astype(float)  # many ties: the first in reading order wins
    if i % 7 == 2:
        fmap[0, 0], fmap[-1, -1] = -0.0, 2.0005  # -0 is written "-0"; a third decimal that rounds
    size = int(rng.integers(2, 4))
    if size > side:
        size = 2
    return fmap, size, (None, 1, 2, 3)[i % 4]


def test_random_settings_are_pooled_and_written_as_python(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang=en")
    rng = np.random.default_rng(5)
    cases, expected = [], []
    for i in range(SETTINGS):
        fmap, size, stride = random_case(rng, i)
        s = stride or size
        lang = ("en", "ko")[i % 2]
        h, w = fmap.shape
        cases.append({"lang": lang, "state": {"map": compact(fmap), "h": h, "w": w, "size": size, "stride": s,
                                              "win": 1, "playing": False}})
        expected.append((fmap, size, s, lang))
    got = page.evaluate(HARNESS, [f"{server}/app/static/pooling.js", cases, {lang: step_kit(lang) for lang in ("en", "ko")}])
    for i, ((fmap, size, stride, lang), result) in enumerate(zip(expected, got, strict=True)):
        want = max_pool2d(fmap, size, stride)
        values = np.array(json.loads(result["values"]), dtype=float)
        assert values.shape == want.shape and np.array_equal(values, want), (i, values, want)
        assert result["lines"] == expected_lines(fmap, size, stride, lang), i
        assert result["wrapped"] == "1"  # → from the last window wraps to the first
        assert result["before"] == 0  # stepping in the browser sent nothing yet…
        assert result["commits"] == [["commit", {"seq": 1, "win": 1, "playing": False, "kit": lang}]], i  # …then once
        for value, colour in result["colours"]:  # blue < 0 < red, white at 0 (ui/charts.py DIVERGING)
            r, _, b = map(int, re.findall(r"\d+", colour)[:3])
            assert (r > b) if value > 0 else (b > r) if value < 0 else (r == b), (i, value, colour)
    assert not app_errors(page)


@pytest.mark.parametrize(("lang", "present"), [("ko", False), ("en", False), ("en", True)])
def test_controls_map_and_output_on_one_screen_and_the_right_key_moves_the_window(server, browser_page, lang, present):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang={lang}" + ("&present=1" if present else ""))
    wait_drawn(page)
    assert not app_errors(page)
    if not present:  # presenter mode collapses the sidebar and draws the maps larger
        assert page.locator('[data-testid="stSidebar"]').bounding_box()["width"] > 200  # the sidebar is open

    def outside() -> list:
        page.evaluate("sel => document.querySelector(sel).scrollIntoView({block: 'center'})", STEP)
        top = page.evaluate("() => document.querySelector('[data-testid=\"stHeader\"]').getBoundingClientRect().bottom")
        boxes = [(test_id, page.get_by_test_id(test_id).bounding_box()) for test_id in IN_VIEW]
        return [(test_id, box) for test_id, box in boxes
                if not (box and box["y"] >= top and box["y"] + box["height"] <= 720 and box["x"] + box["width"] <= 1280)]

    assert settles(outside) == []
    if present:  # the projector's sizes: the formula, the sentence and the buttons at least 20 px
        for test_id in ("pool-max", "pool-sentence", "pool-next"):
            assert page.get_by_test_id(test_id).evaluate(FONT_PX) >= 20, test_id
        assert page.get_by_test_id("pooled-map").locator(".cell").first.evaluate(FONT_PX) >= 20
    assert_window(page, POOLING_EXAMPLE_6X6, 2, 2, 1, lang)
    page.get_by_test_id("pool-input").locator('[data-k="20"]').hover()  # row 4, column 2: 1-based
    expect(page.get_by_test_id("pool-tip")).to_have_text(f"(4, 2) = {POOLING_EXAMPLE_6X6[3, 1]:g}")
    page.mouse.move(0, 0)
    expect(page.get_by_test_id("pool-tip")).to_be_hidden()
    page.keyboard.press("ArrowRight")  # focus on no control: the page's → steps the window (a presenter's clicker)
    assert_window(page, POOLING_EXAMPLE_6X6, 2, 2, 2, lang)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # from window 1, back wraps to the last
    assert_window(page, POOLING_EXAMPLE_6X6, 2, 2, 9, lang)
    wait_committed(page)
    assert not app_errors(page)


def test_steps_are_committed_once_they_pause(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang=en")
    url = page.url
    next_button = page.get_by_test_id("pool-next")
    next_button.evaluate("b => { b.click(); b.click(); b.click(); }")  # three quick steps: within one pause
    assert_window(page, POOLING_EXAMPLE_6X6, 2, 2, 4)
    wait_committed(page)
    root = next_button.evaluate("b => { const r = b.closest('.wb').dataset; return [r.sent, r.ack]; }")
    assert root == ["1", "1"]  # one commit (its number 1) sent, and the server applied it
    assert page.url == url  # the link keeps no window
    assert_window(page, POOLING_EXAMPLE_6X6, 2, 2, 4)  # the server's window is the browser's: nothing jumps back


def test_space_plays_and_pauses(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang=en")
    wait_drawn(page)
    play = page.get_by_test_id("pool-play")
    expect(play).to_have_attribute("aria-pressed", "false")  # the step-through is drawn (its module has loaded)
    page.keyboard.press("Space")  # focus on no control: the page's space plays (a presenter's clicker)
    expect(play).to_have_attribute("aria-pressed", "true")
    expect(play).to_contain_text("Pause")
    expect(page.get_by_test_id("pool-window")).to_have_text("2", timeout=10_000)  # play steps by itself from window 1
    page.keyboard.press("Space")
    expect(play).to_have_attribute("aria-pressed", "false")
    expect(play).to_contain_text("Play")
    stopped = page.get_by_test_id("pool-window").inner_text()
    wait_committed(page)  # play and pause: two commits, the server holds the window it stopped on
    assert page.get_by_test_id("pool-window").inner_text() == stopped
    assert not app_errors(page)


def test_the_keyboard_alone(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang=ko")
    page.get_by_test_id("pool-window-slider").focus()
    names = []
    for _ in range(4):
        page.keyboard.press("Tab")
        names.append(page.evaluate("""() => { let a = document.activeElement;
          while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
          return a ? a.getAttribute('data-testid') : ''; }"""))
    assert names == ["pool-prev", "pool-next", "pool-play", "pool-input"]
    page.keyboard.press("ArrowRight")  # the focused map: → steps the window
    assert_window(page, POOLING_EXAMPLE_6X6, 2, 2, 2, "ko")
    page.keyboard.press("Space")
    expect(page.get_by_test_id("pool-play")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Space")
    expect(page.get_by_test_id("pool-play")).to_have_attribute("aria-pressed", "false")
    wait_committed(page)
    page.get_by_test_id("pool-window-slider").focus()  # the focused slider: its arrows move it, and the window
    before = int(page.get_by_test_id("pool-window").inner_text())
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("pool-window")).to_have_text(str(before % 9 + 1))
    page.get_by_test_id("pool-prev").focus()
    page.keyboard.press("Enter")  # a focused button: Enter presses it
    expect(page.get_by_test_id("pool-window")).to_have_text(str(before))
    wait_committed(page)
    assert not app_errors(page)


def test_the_setting_is_in_the_address_and_a_link_brings_it_back(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang=en&size=3&stride=1&digit=7&filter=vertical")
    wait_drawn(page)
    assert not app_errors(page)
    expect(page.get_by_test_id("pool-max")).to_have_text("max(10, 7, 2, 1, 16, 33, 9, 22, 11) = 33")  # the first 3×3
    assert page.locator(".st-key-pool_digit input").input_value() == "7"
    page.locator(".st-key-pool_size label").filter(has_text="2").click()
    page.wait_for_url(lambda url: "size=" not in url)  # back to the default: left out of the address
    wait_idle(page)
    assert "stride=1" in page.url and "digit=7" in page.url and "filter=vertical" in page.url
    expect(page.get_by_test_id("pool-max")).to_have_text("max(10, 7, 1, 16) = 16")  # 2×2, stride 1: 25 windows
    assert pooled(page).shape == (5, 5)


def test_the_pooled_map_saves_as_a_png(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang=en")
    button = page.get_by_test_id("pool-png")
    expect(button).to_have_text("Save as PNG")
    with page.expect_download() as info:
        button.click()  # drawn in the browser, offline (Plotly's camera did this before)
    assert info.value.suggested_filename == "pooled.png"
    with open(info.value.path(), "rb") as picture:  # Playwright's own temporary folder
        assert picture.read(8) == b"\x89PNG\r\n\x1a\n"


CUT = """(root) => Array.from(root.querySelectorAll('button, .title, code.max, .sentence, .winbox'))
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_at_150_percent_zoom_no_label_is_cut(server, new_page, lang):
    # a 1280×720 screen zoomed to 150 %: 853×480 CSS pixels at a pixel ratio of 1.5
    zoomed = new_page(853, 480, scale=1.5)
    open_page(zoomed, f"{server}/max-pooling" + ("?lang=en" if lang == "en" else ""))
    wait_drawn(zoomed)
    assert not app_errors(zoomed)
    cut = zoomed.evaluate("""() => Array.from(document.querySelectorAll(
            '[data-testid="stMain"] button p, [data-testid="stMetricLabel"] p, [data-testid="stWidgetLabel"] p,'
            + ' [data-testid="stTab"] p, [data-testid="stMarkdownContainer"] h4'))
        .filter(e => e.offsetParent !== null && e.closest('[class*="st-key-take_home"]') === null)
        .filter(e => e.scrollWidth > e.clientWidth + 1)
        .map(e => e.innerText)""")
    assert cut == []
    assert zoomed.get_by_test_id("pooled-map").evaluate(f"m => ({CUT})(m.getRootNode())") == []  # the step-through's
