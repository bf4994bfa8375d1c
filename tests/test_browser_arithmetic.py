"""Real browser: §4 on a projector — the filter's sliders and the whole map on one 1280×720 screen, arrow keys on a
focused slider, the ←/→ shortcuts, the number box that shows what the map uses, no label cut at 150 % zoom.

The input grid, the sliders, the map and the step-through are the workbench (ui/workbench.py), one component in
a shadow root: Playwright's locators pierce it; the page scripts here walk into shadow roots themselves."""

import pytest
from playwright.sync_api import expect

from tests.browser import FEATURE_MAP, app_errors, open_page, wait_idle

PATH = "convolution-arithmetic"
# the focused element's accessible name, inside shadow roots too
FOCUSED = """() => { let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a && a.getAttribute('aria-label'); }"""
# Text that does not fit its box: a leaf whose text overflows it, or that an overflow-hidden ancestor clips
# (the page's elements and the workbench's, inside its shadow root).
CUT = """() => {
  const out = [];
  const all = [];
  const walk = (root) => { for (const e of root.querySelectorAll('*')) { all.push(e); if (e.shadowRoot) walk(e.shadowRoot); } };
  walk(document.querySelector('[data-testid="stMain"]'));
  const up = (e) => e.parentElement || (e.getRootNode() && e.getRootNode().host) || null;
  for (const e of all) {
    const text = (e.innerText || e.textContent || '').trim();
    const r = e.getBoundingClientRect();
    if (!text || e.children.length || (r.width === 0 && r.height === 0)) continue;
    if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) { out.push(text); continue; }
    for (let a = up(e); a && a.dataset.testid !== 'stMain'; a = up(a)) {
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
def projector(new_page):
    return new_page(1280, 720)


def cell(page) -> str:
    return page.get_by_test_id("step-cell").inner_text().strip()


def slider(page, name: str):
    """The workbench's slider named w1 … w9 (the typed-numbers boxes below have the same names)."""
    return page.get_by_role("slider", name=name, exact=True)


def assert_one_screen(page) -> None:
    """The nine w-sliders, the whole map and the input grid inside the 1280×720 viewport."""
    parts = [slider(page, f"w{i}") for i in range(1, 10)]
    parts += [page.get_by_test_id("feature-map"), page.get_by_test_id("input-grid")]
    for part in parts:
        b = part.bounding_box()
        assert b and b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["width"] <= 1280 and b["y"] + b["height"] <= 720, (part, b)
    assert page.get_by_test_id("feature-map").bounding_box()["width"] >= 250  # the map is not squeezed to fit


def test_en_one_screen_then_arrow_keys_on_a_slider_and_the_window_shortcuts(server, projector):
    open_page(projector, f"{server}/{PATH}?lang=en")
    assert not app_errors(projector)
    assert_one_screen(projector)
    w5 = slider(projector, "w5")
    for expected in ("2.5", "3"):
        before = projector.evaluate(FEATURE_MAP)
        w5.focus()
        projector.keyboard.press("ArrowRight")
        projector.wait_for_function(f"([b]) => ({FEATURE_MAP})() !== b", arg=[before])  # redrawn in the browser at once
        assert w5.get_attribute("aria-valuetext") == expected
        assert projector.evaluate(FOCUSED) == "w5"  # focus kept
    projector.wait_for_url("**w=-1%2C-1%2C-1%2C2%2C3%2C2**")  # one commit after the keys paused
    wait_idle(projector)
    assert projector.evaluate(FOCUSED) == "w5"  # the commit's rerun keeps the focus too
    assert cell(projector) == "y1"  # the arrow moved the slider, not the window (the → shortcut stays out of it)

    projector.locator("h1").first.click()  # nothing focused: → and ← step the window
    projector.keyboard.press("ArrowRight")
    expect(projector.locator("code").filter(has_text="y2 = x2·w1")).to_have_count(1)
    assert cell(projector) == "y2"
    projector.keyboard.press("ArrowLeft")
    expect(projector.locator("code").filter(has_text="y1 = x1·w1")).to_have_count(1)


def test_ko_one_screen_then_an_out_of_range_box_shows_the_value_the_map_uses(server, projector):
    open_page(projector, f"{server}/{PATH}?lang=ko")
    assert not app_errors(projector)
    assert_one_screen(projector)
    projector.locator(".st-key-arith_numbers_open summary").click()
    field = projector.locator(".st-key-arith_w_1 input")
    expect(field).to_be_visible()
    field.fill("25")
    field.press("Enter")
    expect(field).to_have_value("10")  # not a red 25 the map does not use
    wait_idle(projector)
    expect(slider(projector, "w2")).to_have_attribute("aria-valuetext", "10")  # the workbench shows it too
    assert "w=-1%2C10%2C-1" in projector.url
    assert "특징맵도 이 값을 씁니다" in projector.locator('[data-testid="stAlert"]').first.inner_text()


def test_presenter_mode_numbers_and_formulas_at_20_px_still_on_one_screen(server, projector):
    open_page(projector, f"{server}/{PATH}?lang=ko&present=1")
    assert_one_screen(projector)
    sizes = projector.get_by_test_id("feature-map").evaluate(
        "m => Array.from(m.children).map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert len(sizes) == 36 and min(sizes) >= 20  # every number of the 6×6 map
    code = projector.locator("code").filter(has_text="y1 = x1·w1")
    assert float(code.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20
    size = projector.get_by_test_id("output-size").filter(has_text="⌊(8 − 3) / 1⌋ + 1 = 6")
    assert float(size.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20
    for name in ("w5", "x10"):  # the sliders' and the input's names at a readable size too
        label = projector.get_by_label(name, exact=True)
        assert label.is_visible()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_label_is_cut_at_150_percent_zoom(server, new_page, lang):
    page = new_page(853, 480, scale=1.5)  # 1280×720 at 150 %
    open_page(page, f"{server}/{PATH}?lang={lang}")
    assert page.evaluate(CUT) == []
    assert page.get_by_label("x10", exact=True).inner_text() == "1"  # the 0/1 labels are drawn
