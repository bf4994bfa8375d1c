"""Real browser (Debian Chromium via Playwright): §3's filter set is edited and seen on one projector screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import POLL_MS, app_errors, h1, open_page, wait_idle

TITLE = {"ko": "필터: 필터셋은 3차원", "en": "Filters: a filter set is 3-D"}
PROJECTOR = (1280, 720)
MAPS = [".st-key-filt_w_fig", ".st-key-filt_maps"]  # the three filters; the partial maps and their sum (one figure each)
# The numbers a chart draws (null while Plotly redraws it): selector → JSON of its traces' z.
PLOTLY_Z = """selector => {
  const plot = document.querySelector(selector + ' .js-plotly-plot');
  return plot && plot.data ? JSON.stringify(plot.data.map(trace => trace.z)) : null;
}"""
# Scroll so that `el` sits just below Streamlit's fixed header; returns the header's height.
SCROLL_BELOW_HEADER = """el => {
  const header = document.querySelector('[data-testid="stHeader"]');
  const top = header ? header.getBoundingClientRect().bottom : 0;
  el.style.scrollMarginTop = top + 'px';
  el.scrollIntoView({block: 'start'});
  return top;
}"""


@pytest.fixture(scope="module")
def browser_page(tabs):
    with tabs.page(*PROJECTOR) as page:
        yield page


def one_screen(page, k: int) -> list[str]:
    """What of the editor (size, preset, channel chooser, every slider) and the four maps lies outside the
    viewport once the work area's first row is scrolled just below the header; [] when all is in view."""
    top = page.locator(".st-key-filt_size").evaluate(SCROLL_BELOW_HEADER)
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    wanted = [".st-key-filt_size", ".st-key-filt_preset_choice", ".st-key-filt_channel"]
    wanted += [f".st-key-filt_w_0_s{i}" for i in range(k * k)] + MAPS
    outside = []
    for selector in wanted:
        box = page.locator(selector).bounding_box()
        if (
            box is None
            or box["y"] < top - 1
            or box["y"] + box["height"] > height + 1
            or box["x"] < 0
            or box["x"] + box["width"] > width
        ):
            outside.append(f"{selector}: {box}")
    return outside


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("k", [3, 5])
def test_editor_and_maps_fit_one_projector_screen(server, browser_page, lang, k):
    page = browser_page
    open_page(page, f"{server}/filter-sets?lang={lang}&k={k}")
    assert h1(page) == TITLE[lang] and not app_errors(page)
    assert page.locator('[data-testid="stSidebar"]').is_visible()  # with the sidebar open
    assert page.locator('[data-testid="stSlider"]').count() == k * k  # one channel's editor at a time
    assert one_screen(page, k) == []


def test_a_slider_stepped_with_the_keyboard_changes_the_map(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/filter-sets?lang=en")
    drawn = page.evaluate(PLOTLY_Z, ".st-key-filt_maps")
    assert drawn is not None
    thumb = page.locator('.st-key-filt_w_0_s4 input[type="range"]')  # w5 of the R channel (react-aria's slider input)
    expect(thumb).to_have_value("2")
    thumb.focus()
    page.keyboard.press("ArrowRight")
    expect(thumb).to_have_value("2.5")
    page.wait_for_function(
        f"before => {{ const now = ({PLOTLY_Z})('.st-key-filt_maps'); return now !== null && now !== before; }}", arg=drawn,
        polling=POLL_MS,
    )
    wait_idle(page)
    assert "fset=custom" in page.url
    expect(page.locator('.st-key-filt_preset_choice [role="combobox"]')).to_have_value("Custom")
    # the focus stays on the slider: the next arrow steps it again
    page.keyboard.press("ArrowRight")
    expect(thumb).to_have_value("3")
    wait_idle(page)
    assert not app_errors(page)
    # another channel's editor: its own numbers (the R edit stays in R)
    page.locator(".st-key-filt_channel button").filter(has_text="G").click()
    expect(page.locator('.st-key-filt_w_1_s4 input[type="range"]')).to_have_value("2")
    wait_idle(page)
    assert page.locator(".st-key-filt_w_0_s4").count() == 0
    assert "w=" in page.url and not app_errors(page)


# Every label, option text and figure of the §3 work area that is wider than the box that shows it.
CUT = """() => {
  const cut = [];
  const area = ['filt_size', 'filt_preset_choice', 'filt_bias', 'filt_channel', 'filt_w_fig', 'filt_maps', 'filt_row', 'filt_col']
    .map(k => document.querySelector('.st-key-' + k))
    .concat(Array.from(document.querySelectorAll('[class*="st-key-filt_w_0_s"]')));
  for (const box of area) {
    if (!box) { cut.push('missing'); continue; }
    for (const el of box.querySelectorAll('[data-testid="stWidgetLabel"] p, label p, button p, input[role="combobox"]')) {
      if (el.scrollWidth > el.clientWidth + 1)
        cut.push((el.value || el.innerText) + ' in ' + box.className.split(' ').find(c => c.startsWith('st-key')));
    }
    const plot = box.querySelector('.js-plotly-plot');
    if (plot && plot._fullLayout.width > box.getBoundingClientRect().width + 1) cut.push('figure ' + box.className);
  }
  return cut;
}"""


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_nothing_is_cut_at_150_percent_zoom(server, new_page, lang):
    page = new_page(853, 480, scale=1.5)  # 150 % zoom lays out 1280×720 as 853×480 CSS pixels
    for query in ("", "&k=5&fset=brightness"):
        open_page(page, f"{server}/filter-sets?lang={lang}{query}")
        assert not app_errors(page)
        assert page.evaluate(CUT) == []


@pytest.mark.parametrize("k", [3, 5])
def test_presenter_mode_large_numbers_on_one_screen(server, browser_page, k):
    page = browser_page
    open_page(page, f"{server}/filter-sets?lang=ko&k={k}&present=1")
    expect(page.locator('[data-testid="stSidebar"]')).not_to_be_visible()  # collapsed while presenting
    wait_idle(page)
    formula = page.locator('[data-testid="stAlertContainer"] p').filter(has_text=re.compile(r"^y\(\d+, \d+\) = "))
    assert float(formula.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20
    sizes = page.evaluate(
        "() => document.querySelector('.st-key-filt_w_fig .js-plotly-plot').data.map(t => t.textfont && t.textfont.size)"
    )
    assert sizes == (
        [20, 20, 20] if k == 3 else [None, None, None]
    )  # a 5×5 thumbnail's cells are too small for 20 px: colours only
    assert one_screen(page, k) == []
    assert not app_errors(page)
