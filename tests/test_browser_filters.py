"""Real browser (Debian Chromium via Playwright): §3's filter set is edited and seen on one projector screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import app_errors, h1, open_page, settles, wait_committed, wait_idle

TITLE = {"ko": "필터: 필터셋은 3차원", "en": "Filters: a filter set is 3-D"}
PROJECTOR = (1280, 720)
# the browser's editor (static/filtersets.js): the channel chooser, the three filters, the partial maps and their sum
BENCH = ["channel-chooser", "filter-0", "filter-1", "filter-2", "partial-map-R", "partial-map-G", "partial-map-B",
         "feature-map"]
# Scroll so that `el` sits just below Streamlit's fixed header; returns the header's height.
SCROLL_BELOW_HEADER = """el => {
  const header = document.querySelector('[data-testid="stHeader"]');
  const top = header ? header.getBoundingClientRect().bottom : 0;
  el.style.scrollMarginTop = top + 'px';
  el.scrollIntoView({block: 'start'});
  return top;
}"""
FONT_PX = "e => parseFloat(getComputedStyle(e).fontSize)"


@pytest.fixture(scope="module")
def browser_page(tabs):
    with tabs.page(*PROJECTOR) as page:
        yield page


def one_screen(page, k: int) -> list[str]:
    """What of the editor (size, preset, channel chooser, every slider) and the four maps lies outside the
    viewport once the work area's first row is scrolled just below the header; [] when all is in view."""
    top = page.locator(".st-key-filt_size").evaluate(SCROLL_BELOW_HEADER)
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    wanted = [page.locator(".st-key-filt_size"), page.locator(".st-key-filt_preset_choice")]
    wanted += [page.get_by_test_id(i) for i in BENCH] + [page.get_by_test_id(f"w{i + 1}") for i in range(k * k)]
    outside = []
    for where in wanted:
        box = where.bounding_box()
        if (
            box is None
            or box["y"] < top - 1
            or box["y"] + box["height"] > height + 1
            or box["x"] < 0
            or box["x"] + box["width"] > width
        ):
            outside.append(f"{where}: {box}")
    return outside


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("k", [3, 5])
def test_editor_and_maps_fit_one_projector_screen(server, browser_page, lang, k):
    page = browser_page
    open_page(page, f"{server}/filter-sets?lang={lang}&k={k}")
    assert h1(page) == TITLE[lang] and not app_errors(page)
    assert page.locator('[data-testid="stSidebar"]').is_visible()  # with the sidebar open
    expect(page.get_by_role("slider")).to_have_count(k * k)  # one channel's editor at a time
    assert settles(lambda: one_screen(page, k)) == []


def test_a_click_on_another_channel_shows_its_weights_and_keeps_the_edit(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/filter-sets?lang=en&fset=red_only")
    w5 = page.get_by_role("slider", name="w5", exact=True)
    expect(w5).to_have_value("1")
    w5.fill("-3.5")  # as a drag ends: the value, then the change
    wait_committed(page)
    assert "fset=custom" in page.url
    page.get_by_test_id("channel-chooser").locator("label").filter(has_text="G").click()
    expect(w5).to_have_value("0")  # G's w5: red_only passes nothing of G
    wait_committed(page)
    assert page.locator(".st-key-filt_w_1_typed").count() == 1  # the typed numbers follow the chosen channel
    page.get_by_test_id("channel-chooser").locator("label").filter(has_text="R").click()
    expect(w5).to_have_value("-3.5")  # R's edit stayed in R
    wait_committed(page)
    assert not app_errors(page)


# Every label, option text and figure of the §3 work area that is wider than the box that shows it.
CUT = """() => {
  const cut = [];
  const area = ['filt_size', 'filt_preset_choice', 'filt_bias', 'filt_row', 'filt_col']
    .map(k => document.querySelector('.st-key-' + k));
  for (const box of area) {
    if (!box) { cut.push('missing'); continue; }
    for (const el of box.querySelectorAll('[data-testid="stWidgetLabel"] p, label p, button p, input[role="combobox"]')) {
      if (el.scrollWidth > el.clientWidth + 1)
        cut.push((el.value || el.innerText) + ' in ' + box.className.split(' ').find(c => c.startsWith('st-key')));
    }
  }
  return cut;
}"""
# the same in the browser's editor (its shadow root), and whether it is wider than the page's main column
BENCH_CUT = """root => {
  const main = document.querySelector('[data-testid="stMain"]').getBoundingClientRect();
  const cut = Array.from(root.querySelectorAll('.title, legend, .chan, .whead, .fc'))
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent);
  for (const e of root.querySelectorAll('canvas, .fgrid, input'))
    if (e.getBoundingClientRect().right > main.right + 1) cut.push('beyond the page: ' + e.dataset.testid);
  return cut;
}"""


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_nothing_is_cut_at_150_percent_zoom(server, new_page, lang):
    page = new_page(853, 480, scale=1.5)  # 150 % zoom lays out 1280×720 as 853×480 CSS pixels
    for query in ("", "&k=5&fset=brightness"):
        open_page(page, f"{server}/filter-sets?lang={lang}{query}")
        assert not app_errors(page)
        assert page.evaluate(CUT) == []
        assert page.get_by_test_id("feature-map").evaluate(f"m => ({BENCH_CUT})(m.getRootNode())") == []


@pytest.mark.parametrize("k", [3, 5])
def test_presenter_mode_large_numbers_on_one_screen(server, browser_page, k):
    page = browser_page
    open_page(page, f"{server}/filter-sets?lang=ko&k={k}&present=1")
    expect(page.locator('[data-testid="stSidebar"]')).not_to_be_visible()  # collapsed while presenting
    wait_idle(page)
    formula = page.locator('[data-testid="stAlertContainer"] p').filter(has_text=re.compile(r"^y\(\d+, \d+\) = "))
    assert float(formula.evaluate(FONT_PX)) >= 20
    chooser = page.get_by_test_id("channel-chooser")
    assert chooser.locator("legend").evaluate(FONT_PX) >= 20
    assert page.get_by_test_id("filter-0").locator("..").locator(".title").evaluate(FONT_PX) >= 20
    numbers = page.get_by_test_id("filter-0").locator(".fc").all_inner_texts()
    assert all(numbers) if k == 3 else not any(numbers)  # a 5×5 filter's cells are too small for 20 px: colours only
    if k == 3:
        assert page.get_by_test_id("filter-0").locator(".fc").first.evaluate(FONT_PX) >= 20
    assert settles(lambda: one_screen(page, k)) == []
    assert not app_errors(page)


# The window drawn on the picture's channels: each box's [x0, y0, size], (x0, y0) in 1-based cells
# (ui/filtersets.channel_pictures); null while a rerun has the chart away (between two drawings).
WINDOW_BOXES = """() => {
  const plot = document.querySelector('.st-key-filt_channels .js-plotly-plot');
  return plot && plot.layout && plot.layout.shapes ? plot.layout.shapes.map(s => [s.x0, s.y0, s.x1 - s.x0]) : null;
}"""


def test_the_channels_show_the_window_the_editor_explains(server, browser_page):
    """The picture's channels are drawn outside the editor's fragment: a weight's commit leaves them, a moved window
    (the explained cell, the filter's size) redraws them."""
    page = browser_page
    open_page(page, f"{server}/filter-sets?lang=en")
    assert page.evaluate(WINDOW_BOXES) == [[15.5, 15.5, 3]] * 3  # cell (16, 16): the window's corner at pixel (16, 16)
    row = page.locator(".st-key-filt_row input")
    row.fill("5")
    row.press("Enter")
    boxes_become(page, [[15.5, 4.5, 3]] * 3)
    page.locator(".st-key-filt_size").get_by_text("5×5").click()
    boxes_become(page, [[15.5, 4.5, 5]] * 3)
    w5 = page.get_by_role("slider", name="w5", exact=True)
    w5.fill("-3.5")  # a weight's commit: the window stays where it is
    wait_committed(page)
    assert "fset=custom" in page.url and page.evaluate(WINDOW_BOXES) == [[15.5, 4.5, 5]] * 3
    assert not app_errors(page)


def boxes_become(page, boxes) -> None:
    page.wait_for_function(f"want => JSON.stringify(({WINDOW_BOXES})()) === JSON.stringify(want)", arg=boxes)
