"""Real browser: §4 on a projector — the filter's sliders and the whole map on one 1280×720 screen, arrow keys on a
focused slider, the ←/→ shortcuts, the number box that shows what the map uses, no label cut at 150 % zoom."""

import pytest
from playwright.sync_api import expect

from tests.browser import POLL_MS, app_errors, open_page, wait_idle

PATH = "convolution-arithmetic"
MAP_Z = "() => JSON.stringify(document.querySelector('.st-key-arith_y_fig .js-plotly-plot').data[0].z)"
# Text that does not fit its box: a leaf whose text overflows it, or that an overflow-hidden ancestor clips.
CUT = """() => {
  const out = [];
  for (const e of document.querySelectorAll('[data-testid="stMain"] *')) {
    const text = (e.innerText || '').trim();
    const r = e.getBoundingClientRect();
    if (!text || e.children.length || (r.width === 0 && r.height === 0)) continue;
    if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) { out.push(text); continue; }
    for (let a = e.parentElement; a && a.dataset.testid !== 'stMain'; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'hidden' || s.overflowX === 'clip') {
        const b = a.getBoundingClientRect();
        if (r.left < b.left - 1 || r.right > b.right + 1) out.push(text);
        break;
      }
    }
  }
  return out;
}"""


@pytest.fixture
def projector(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    yield page
    page.close()


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def cell(page) -> str:
    return page.locator(".st-key-arith_cell [data-testid='stSliderThumbValue']").inner_text().strip()


def assert_one_screen(page) -> None:
    """The nine w-sliders, the whole map and the input grid inside the 1280×720 viewport."""
    parts = [f".st-key-arith_w_s{i}" for i in range(9)] + [".st-key-arith_y_fig", ".st-key-arith_x_grid"]
    for selector in parts:
        b = box(page, selector)
        assert b and b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["width"] <= 1280 and b["y"] + b["height"] <= 720, (selector, b)
    assert box(page, ".st-key-arith_y_fig")["width"] >= 250  # the map is not squeezed to fit


def test_en_one_screen_then_arrow_keys_on_a_slider_and_the_window_shortcuts(server, projector):
    open_page(projector, f"{server}/{PATH}?lang=en")
    assert not app_errors(projector)
    assert_one_screen(projector)
    slider = projector.locator(".st-key-arith_w_s4 input[type=range]")
    for expected in ("2.5", "3"):
        before = projector.evaluate(MAP_Z)
        slider.focus()
        projector.keyboard.press("ArrowRight")
        projector.wait_for_function(f"([b]) => ({MAP_Z})() !== b", arg=[before], polling=POLL_MS)
        wait_idle(projector)
        assert slider.get_attribute("aria-valuetext") == expected
        assert projector.evaluate("() => document.activeElement.getAttribute('aria-label')") == "w5"  # focus kept
    assert "w=-1%2C-1%2C-1%2C2%2C3%2C2" in projector.url
    assert cell(projector) == "y1"  # the arrow moved the slider, not the window (the → shortcut stays out of it)

    projector.locator("h1").first.click()  # nothing focused: → and ← step the window
    projector.keyboard.press("ArrowRight")
    expect(projector.locator("code").filter(has_text="y2 = x2·w1")).to_have_count(1)
    wait_idle(projector)
    assert cell(projector) == "y2"
    projector.keyboard.press("ArrowLeft")
    expect(projector.locator("code").filter(has_text="y1 = x1·w1")).to_have_count(1)


def test_ko_one_screen_then_an_out_of_range_box_shows_the_value_the_map_uses(server, projector):
    open_page(projector, f"{server}/{PATH}?lang=ko")
    assert not app_errors(projector)
    assert_one_screen(projector)
    projector.locator(".st-key-arith_w_typed summary").click()
    field = projector.locator(".st-key-arith_w_1 input")
    expect(field).to_be_visible()
    field.fill("25")
    field.press("Enter")
    expect(field).to_have_value("10")  # not a red 25 the map does not use
    wait_idle(projector)
    assert projector.locator(".st-key-arith_w_s1 input[type=range]").get_attribute("aria-valuetext") == "10"
    assert "w=-1%2C10%2C-1" in projector.url
    assert "특징맵도 이 값을 씁니다" in projector.locator('[data-testid="stAlert"]').first.inner_text()


def test_presenter_mode_numbers_and_formulas_at_20_px_still_on_one_screen(server, projector):
    open_page(projector, f"{server}/{PATH}?lang=ko&present=1")
    assert_one_screen(projector)
    labels = ".st-key-arith_y_fig .heatmap-label text"
    projector.wait_for_function(f"() => document.querySelectorAll('{labels}').length === 36",
                                polling=POLL_MS)  # Plotly draws after the run
    sizes = projector.evaluate(
        f"() => Array.from(document.querySelectorAll('{labels}')).map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert len(sizes) == 36 and min(sizes) >= 20  # every number of the 6×6 map
    code = projector.locator("code").filter(has_text="y1 = x1·w1")
    assert float(code.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20
    size = projector.locator(".st-key-arith_size p").filter(has_text="⌊(8 − 3) / 1⌋ + 1 = 6")
    assert float(size.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_label_is_cut_at_150_percent_zoom(server, browser, lang):
    page = browser.new_page(viewport={"width": 853, "height": 480}, device_scale_factor=1.5)  # 1280×720 at 150 %
    try:
        open_page(page, f"{server}/{PATH}?lang={lang}")
        assert page.evaluate(CUT) == []
        assert page.locator(".st-key-arith_x_cell_1_1 button").first.inner_text() == "1"  # the 0/1 labels are drawn
    finally:
        page.close()
