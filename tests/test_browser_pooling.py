"""Real browser (Debian Chromium via Playwright): §5 max-pooling on a projector.

At 1280×720 with the sidebar open the window's controls, the map with its window and the output
are on one screen; the → key moves the window (the boxed output cell moves); the setting is in the
address; at 150 % zoom no label is cut.
"""

import pytest

from cnnlib.lecture import POOLING_EXAMPLE_6X6
from cnnlib.pooling import pool_step
from tests.browser import POLL_MS, app_errors, open_page, wait_drawn, wait_idle

STEP = ".st-key-pool_step"
IN_VIEW = (".st-key-pool_win", ".st-key-pool_prev", ".st-key-pool_next", ".st-key-pool_play", ".st-key-pool_in_fig",
           ".st-key-pool_out_fig")
OUT_BOX = ".st-key-pool_out_fig .layer-above .shapelayer path"  # the boxed output cell


@pytest.fixture(scope="module")
def browser_page(tabs, server):
    with tabs.page(1280, 720) as page:
        yield page


def sentence(k: int) -> str:
    """max(…) = v of window k (1-based) of the slide's map, as the page writes it."""
    step = pool_step(POOLING_EXAMPLE_6X6, 2, None, k - 1)
    return f"max({', '.join(f'{v:g}' for v in step.values)}) = {step.value:g}"


def wait_text(page, selector: str, text: str) -> None:
    page.wait_for_function("([sel, text]) => (document.querySelector(sel)?.innerText || '').includes(text)",
                           arg=[selector, text], timeout=30_000, polling=POLL_MS)


def out_box(page) -> list[str]:
    return page.evaluate("sel => Array.from(document.querySelectorAll(sel)).map(p => p.getAttribute('d'))", OUT_BOX)


@pytest.mark.parametrize(("lang", "present"), [("ko", False), ("en", False), ("en", True)])
def test_controls_map_and_output_on_one_screen_and_the_right_key_moves_the_window(server, browser_page, lang, present):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang={lang}" + ("&present=1" if present else ""))
    wait_drawn(page)
    assert not app_errors(page)
    if not present:  # presenter mode collapses the sidebar and draws the maps larger
        assert page.locator('[data-testid="stSidebar"]').bounding_box()["width"] > 200  # the sidebar is open
    page.evaluate("sel => document.querySelector(sel).scrollIntoView({block: 'center'})", STEP)
    top = page.evaluate("() => document.querySelector('[data-testid=\"stHeader\"]').getBoundingClientRect().bottom")
    for selector in (*IN_VIEW, f"{STEP} h4"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["y"] >= top and box["y"] + box["height"] <= 720 and box["x"] + box["width"] <= 1280, (selector, box)
    wait_text(page, STEP, sentence(1))
    drag = page.locator(".st-key-pool_in_fig .nsewdrag").first.bounding_box()  # the plot area: 6×6 cells
    page.mouse.move(drag["x"] + drag["width"] * 1.5 / 6, drag["y"] + drag["height"] * 3.5 / 6)  # row 4, column 2
    page.wait_for_selector(".st-key-pool_in_fig .hovertext")
    assert page.locator(".st-key-pool_in_fig .hovertext").text_content() == f"(4, 2) = {POOLING_EXAMPLE_6X6[3, 1]:g}"  # 1-based
    page.mouse.move(0, 0)
    before = out_box(page)
    assert len(before) == 1
    page.keyboard.press("ArrowRight")
    wait_text(page, STEP, sentence(2))
    wait_idle(page)
    page.wait_for_function("([sel, d]) => document.querySelector(sel)?.getAttribute('d') !== d", arg=[OUT_BOX, before[0]],
                           polling=POLL_MS)
    assert out_box(page) != before  # the boxed output cell moved one to the right
    page.keyboard.press("ArrowLeft")
    wait_text(page, STEP, sentence(1))
    wait_idle(page)
    page.keyboard.press("ArrowLeft")
    wait_text(page, STEP, sentence(9))  # from window 1, back wraps to the last
    assert not app_errors(page)


def test_space_plays_and_pauses(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang=en")
    wait_drawn(page)
    page.keyboard.press("Space")
    wait_text(page, ".st-key-pool_play", "Pause")
    assert sentence(1) in page.locator(STEP).inner_text()  # play starts from the window it was pressed on
    wait_text(page, STEP, sentence(2))  # then steps by itself
    wait_idle(page)  # between two timed steps: a key pressed while a step's run is under way can be lost (rare; Streamlit)
    page.keyboard.press("Space")
    wait_text(page, ".st-key-pool_play", "Play")
    assert not app_errors(page)


def test_the_setting_is_in_the_address_and_a_link_brings_it_back(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang=en&size=3&stride=1&digit=7&filter=vertical")
    wait_drawn(page)
    assert not app_errors(page)
    wait_text(page, STEP, "max(10, 7, 2, 1, 16, 33, 9, 22, 11) = 33")  # the first 3×3 window
    assert page.locator(".st-key-pool_digit input").input_value() == "7"
    page.locator(".st-key-pool_size label").filter(has_text="2").click()
    page.wait_for_url(lambda url: "size=" not in url)  # back to the default: left out of the address
    wait_idle(page)
    assert "stride=1" in page.url and "digit=7" in page.url and "filter=vertical" in page.url


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
