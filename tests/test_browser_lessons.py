"""Real browser (Debian Chromium via Playwright): the numpy lessons as a student sees them."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser import (
    FEATURE_MAP,
    SETTLED,
    app_errors,
    h1,
    open_page,
    still,
    streamlit_server,
    wait_committed,
    wait_idle,
)
from words import load_catalogue

PAGES = {  # url path → title in (ko, en)
    "": ("CNN 기초 — 강의 지도", "CNN basics — the lecture map"),
    "why-convolution": ("왜 합성곱인가", "Why convolution"),
    "convolution-arithmetic": ("합성곱 연산", "Convolution arithmetic"),
    "max-pooling": ("맥스풀링", "Max-pooling"),
}
WORDS = load_catalogue()
LECTURE_ORDER = [  # the sidebar, as the lecture (and the lecture map's cards): §1 … §5, the lab, §6, §7
    ("", "home"), ("why-convolution", "why_convolution"), ("conv2d-in-keras", "conv2d_keras"),
    ("filter-sets", "filters"), ("convolution-arithmetic", "arithmetic"), ("max-pooling", "pooling"),
    ("layer-stack-lab", "stack_lab"), ("lenet-5", "lenet5"), ("own-images", "own_images"),
]
PLAY_TICK_MS = 800  # static/workbench.js PLAY_MS: the window's pace while playing
# Resolves "moved" as soon as a script run starts or the element's text changes, else "still" after ms.
STILL_FOR = """([selector, ms]) => new Promise(resolve => {
  const app = document.querySelector('[data-testid="stApp"]');
  const element = typeof selector === 'string' ? document.querySelector(selector) : selector;
  const text = element.innerText;
  const done = (answer) => { observer.disconnect(); clearTimeout(timer); resolve(answer); };
  const observer = new MutationObserver(() => {
    if (app.dataset.testScriptState !== 'notRunning' || element.innerText !== text) done('moved');
  });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  const timer = setTimeout(() => done('still'), ms);
})"""


@pytest.fixture(scope="module")
def browser_page(tabs):
    with tabs.page() as page:
        yield page


def test_a_hangul_font_is_installed():
    fonts = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no Hangul font: Korean would render as boxes (install fonts-nanum)"


@pytest.mark.parametrize(("path", "lang_index"), [("convolution-arithmetic", 1), ("max-pooling", 0)])
def test_deep_link_on_a_fresh_server(new_page, path, lang_index):
    lang = ("ko", "en")[lang_index]
    page = new_page()
    with streamlit_server() as url:
        open_page(page, f"{url}/{path}?lang={lang}")
        assert h1(page) == PAGES[path][lang_index]
        assert not app_errors(page)
        # no "Page not found" dialog from Streamlit's legacy pages/ discovery
        assert page.locator('[role="dialog"]').count() == 0, page.locator('[role="dialog"]').inner_text()
        # the router ran: the language switch and the page list are there
        assert page.get_by_text("언어 · Language").count() == 1
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert PAGES["why-convolution"][lang_index] in nav


def test_idle_waits_for_a_widget_whose_code_arrives_after_the_run(server, browser):
    """The race behind a failed deep-link check: on a fresh browser the script run can finish before the
    sidebar radio's code has loaded, so "the script is not running" alone did not mean "drawn"."""
    context = still(browser.new_context())  # a context of its own: nothing of Streamlit's code cached yet
    page = context.new_page()
    try:
        held = []
        page.route("**/Radio.*.js", lambda route: held.append(route))  # Streamlit 1.67's lazily loaded radio widget
        with page.expect_request("**/Radio.*.js"):
            page.goto(f"{server}/max-pooling?lang=ko", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')  # the run is over...
        assert page.get_by_text("언어 · Language").count() == 0  # ...but the radio is not drawn yet
        assert held and not page.evaluate(SETTLED)
        for route in held:
            route.continue_()
        wait_idle(page)
        assert page.get_by_text("언어 · Language").count() == 1
    finally:
        context.close()


def test_every_page_in_both_languages(server, browser_page):
    page = browser_page
    for path, titles in PAGES.items():
        for i, lang in enumerate(("ko", "en")):
            open_page(page, f"{server}/{path}?lang={lang}")
            assert h1(page) == titles[i], (path, lang)
            assert not app_errors(page), (path, lang)
            assert page.locator("text=⟨").count() == 0


def test_language_switch_survives_page_changes(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/")
    assert h1(page) == PAGES[""][0]
    page.get_by_text("English", exact=True).click()
    expect(page.locator("h1").first).to_have_text(PAGES[""][1])
    wait_idle(page)
    assert h1(page) == PAGES[""][1] and "lang=en" in page.url
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Max-pooling").click()
    expect(page.locator("h1").first).to_have_text("Max-pooling")
    wait_idle(page)
    assert h1(page) == "Max-pooling" and "lang=en" in page.url


def test_edit_a_filter_cell_and_the_map_changes(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/convolution-arithmetic?lang=en")
    formula = page.locator("code").filter(has_text="y1 = 0·(-1)")
    assert formula.first.inner_text().endswith("= 1")
    drawn = page.evaluate(FEATURE_MAP)
    w5 = page.locator('input[type="range"][aria-label="w5"]')  # w5's slider, focused: End moves it to its top
    w5.focus()
    w5.press("End")
    top = float(w5.get_attribute("max"))
    expect(formula.first).to_have_text(re.compile(rf"= {1 + int(top - 2)}$"))  # 1 + (w5 − 2)·x10, x10 = 1
    page.wait_for_function(f"([before]) => ({FEATURE_MAP})() !== before", arg=[drawn])
    page.wait_for_url(f"**w=-1%2C-1%2C-1%2C2%2C{int(top)}%2C2**")  # committed once the keys paused
    wait_idle(page)


def test_click_an_input_cell(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/convolution-arithmetic?lang=ko")
    first_cell = page.get_by_role("button", name="x1", exact=True)  # the workbench's input grid
    assert first_cell.inner_text() == "0"
    first_cell.click()
    expect(first_cell).to_have_text("1")
    page.wait_for_url("**x=bits%3A**")  # the click is committed at once
    wait_idle(page)
    assert page.get_by_role("button", name="x1", exact=True).inner_text() == "1"


def test_play_walks_the_output_cells(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/convolution-arithmetic?lang=en")
    cell = page.get_by_test_id("step-cell")
    play = page.get_by_test_id("step-play")
    expect(cell).to_have_text("y1", timeout=10_000)
    expect(page.locator("code").filter(has_text="y1 = x1·w1")).to_have_count(1)
    play.click()
    expect(page.locator("code").filter(has_text="y1 = x1·w1")).to_have_count(0, timeout=10_000)  # moved on
    play.click()  # pause
    expect(play).to_contain_text("Play")
    wait_committed(page)  # the pause commits the cell it stopped on: one run, then nothing
    shown = cell.inner_text()
    # A pause is the absence of ticks, so it takes watching: over two ticks, no run starts and the cell stays.
    assert page.evaluate(STILL_FOR, [cell.element_handle(), 2 * PLAY_TICK_MS + 200]) == "still"
    assert cell.inner_text() == shown


def test_carry_the_feature_map_to_pooling(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/convolution-arithmetic?lang=en")
    page.locator(".st-key-arith_to_pool button").click()
    page.wait_for_url("**/max-pooling**")
    expect(page.locator("h1").first).to_have_text("Max-pooling")
    wait_idle(page)
    assert h1(page) == "Max-pooling"
    assert page.get_by_text("⌊(6 − 2) / 2⌋ + 1 = 3").count() == 1
    assert page.get_by_role("radio", name="The map you made on the arithmetic page").is_checked()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_sidebar_follows_the_lecture_and_each_page_has_its_tab_title(server, browser_page, lang):
    page = browser_page
    open_page(page, f"{server}/max-pooling?lang={lang}")
    links = page.locator('[data-testid="stSidebarNav"] a')
    names = [WORDS[f"common.page.{name}"][lang] for _, name in LECTURE_ORDER]
    # each link reads "<icon name>\n\n<page name>" (Material icons are ligatures): the last line is the name
    assert [a.inner_text().strip().splitlines()[-1] for a in links.all()] == names
    paths = [a.get_attribute("href").rstrip("/").rsplit("/", 1)[-1] for a in links.all()]
    assert paths[1:] == [path for path, _ in LECTURE_ORDER[1:]]  # every address unchanged
    assert page.title() == f"{WORDS['common.page.pooling'][lang]} · {WORDS['common.app_title'][lang]}"
    open_page(page, f"{server}/?lang={lang}")
    assert page.title() == f"{WORDS['common.page.home'][lang]} · {WORDS['common.app_title'][lang]}"
