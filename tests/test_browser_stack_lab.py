"""Real browser (Debian Chromium via Playwright): the layer-stack lab and the filters page.

Build a stack by clicking, and with the keyboard alone, in the layer editor (static/stacklab.js) and watch the total,
the link and the code change; compare two presets; open the shared link in a new page to get the same stack back.
"""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from cnnlib.architecture import count_params, preset
from cnnlib.stack_text import decode_stack, encode_stack
from tests.browser import POLL_MS, app_errors, h1, open_page, settles, wait_committed, wait_idle
from ui.stack_lab import NEW_LAYER

TOTAL = '[data-testid="lab-total"]'  # the stack's total, in the layer editor (static/stacklab.js)
METRIC = '[data-testid="stMetricValue"]'  # the compared models' totals
ROW = '[data-testid="lab-row"]'  # one per layer


@pytest.fixture(scope="module")
def browser_page(tabs, server):
    with tabs.page() as page:
        yield page


def wait_count(page, selector: str, n: int, timeout: float = 30_000) -> None:
    """Elements arrive after the script run ends (images, charts): wait until n of them are there."""
    page.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length >= n", arg=[selector, n], timeout=timeout,
                           polling=POLL_MS)


def total(page) -> str:
    """The stack's total once the editor has no edit pending and the page is idle."""
    expect(page.locator(TOTAL)).not_to_have_text("", timeout=30_000)
    wait_committed(page)
    return page.locator(TOTAL).inner_text().strip()


def compared(page, n: int) -> list[str]:
    wait_count(page, METRIC, n)
    wait_idle(page)
    return [e.inner_text().strip() for e in page.query_selector_all(METRIC)]


def click(page, key: str) -> None:
    """Press a Streamlit button; the caller then waits for what the press changes."""
    page.locator(f".st-key-{key} button").first.click()


def then_total(page, value: str) -> None:
    """After an action: wait until the stack's total reads value and the run that drew it has finished."""
    expect(page.locator(TOTAL)).to_have_text(value, timeout=30_000)  # a shared 2-core machine can be slow
    wait_committed(page)


def row_button(page, row: int, kind: str):
    """Layer `row`'s (0-based) move up / move down / remove button."""
    return page.locator(ROW).nth(row).get_by_test_id(f"lab-{kind}")


def link_stack(page) -> list[dict]:
    """The stack the address holds now."""
    return decode_stack(parse_qs(urlparse(page.url).query)["stack"][0])[0]


def test_build_a_stack_by_clicking_and_the_total_changes(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/layer-stack-lab?lang=en")
    assert h1(page) == "Layer-stack lab: model.summary()"
    assert total(page) == "203,068"
    click(page, "lab_preset_two_conv_pool")
    then_total(page, "9,532")
    assert total(page) == "9,532"
    page.get_by_test_id("lab-add").click()  # Conv2D(8, 3) is the default choice; it goes before the Flatten
    added = f"{78 + 456 + 8 * (3 * 3 * 6 + 1) + 84 * (2 * 2 * 8 + 1) + 850:,}"
    then_total(page, added)
    assert total(page) == added
    assert page.locator(ROW).count() == 8
    assert [layer["type"] for layer in link_stack(page)][4:6] == ["Conv2D", "Flatten"]
    row_button(page, 4, "remove").click()  # the new Conv2D
    then_total(page, "9,532")
    assert total(page) == "9,532" and page.locator(ROW).count() == 7
    box = page.get_by_label("Kernel size").first
    box.fill("30")
    box.press("Enter")
    expect(page.locator('[data-testid="stAlert"]').first).to_contain_text("30×30", timeout=30_000)
    wait_committed(page)
    assert "30×30" in page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "30×30" in page.locator(ROW).first.get_by_test_id("lab-out").inner_text()  # under the layer that breaks
    assert total(page) == "—"
    assert not app_errors(page)
    box.fill("5")
    box.press("Enter")
    then_total(page, "9,532")
    assert total(page) == "9,532"


def deep_focus(page) -> dict:
    """The focused control, through shadow roots: its test id and accessible name."""
    return page.evaluate("""() => { let e = document.activeElement;
      while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
      return {id: e ? e.getAttribute('data-testid') : null, name: e ? e.getAttribute('aria-label') || '' : ''}; }""")


def tab_to(page, test_id: str, name: str = "", back: bool = False, most: int = 80) -> None:
    """Press Tab (Shift+Tab: back) until the control with this test id (and a name containing `name`) has the focus."""
    for _ in range(most):
        now = deep_focus(page)
        if now["id"] == test_id and name in now["name"]:
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {test_id} {name!r}; last {deep_focus(page)}")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_editor_works_with_the_keyboard_alone(server, browser_page, lang):
    page = browser_page
    words = {"en": ("Layer 1", "Layer 2", "Filters"), "ko": ("1번째 층", "2번째 층", "필터셋 수")}[lang]
    first, second, filters = words
    open_page(page, f"{server}/layer-stack-lab?lang={lang}")
    assert total(page) == "203,068"
    page.locator('[data-testid="stRadio"] input').first.focus()  # the input shape, the last control above the editor
    # add: the kind by typing its name on the closed select, then Enter on "add layer"
    tab_to(page, "lab-add-type")
    page.keyboard.type("Dense")
    tab_to(page, "lab-add")
    page.keyboard.press("Enter")
    dense = [*preset("two_conv")[0][:-1], NEW_LAYER["Dense"], preset("two_conv")[0][-1]]  # before the softmax layer
    then_total(page, f"{count_params(dense, (28, 28, 1)):,}")
    assert deep_focus(page)["id"] == "lab-add"  # the focus stays: Enter again adds another
    assert [layer["type"] for layer in link_stack(page)] == ["Conv2D", "Conv2D", "Flatten", "Dense", "Dense", "Dense"]
    assert link_stack(page)[4]["units"] == 32
    # edit: layer 1's filters typed, then Enter
    tab_to(page, "lab-filters", first)
    page.keyboard.press("Control+A")
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    expect(page.locator(TOTAL)).not_to_have_text(f"{count_params(dense, (28, 28, 1)):,}", timeout=30_000)
    wait_committed(page)
    assert link_stack(page)[0]["filters"] == 4
    stack = link_stack(page)
    assert total(page) == f"{count_params(stack, (28, 28, 1)):,}"
    assert "tf.keras.layers.Conv2D(4, kernel_size=5" in page.locator('[data-testid="stCode"]').first.inner_text()
    # move: layer 1 down; the focus follows the layer (now layer 2)
    tab_to(page, "lab-down", first)
    page.keyboard.press("Enter")
    wait_committed(page)
    expect(page.locator(ROW).nth(1).get_by_test_id("lab-filters")).to_have_value("4")
    assert deep_focus(page)["id"] == "lab-down" and second in deep_focus(page)["name"]
    assert [layer["filters"] for layer in link_stack(page)[:2]] == [6, 4]
    # remove: the layer now second; the focus goes to the next layer's ✕
    tab_to(page, "lab-remove", second)
    page.keyboard.press("Enter")
    expect(page.locator(ROW)).to_have_count(5, timeout=30_000)
    wait_committed(page)
    assert deep_focus(page)["id"] == "lab-remove" and second in deep_focus(page)["name"]
    stack = link_stack(page)
    assert [layer["type"] for layer in stack] == ["Conv2D", "Flatten", "Dense", "Dense", "Dense"]
    assert stack[0]["filters"] == 6
    assert total(page) == f"{count_params(stack, (28, 28, 1)):,}"
    assert re.search(r"stack=i28x28x1_c6-k5", page.url)
    assert filters  # the row's boxes are named in the page's language (tab_to found them by it)
    assert not app_errors(page)


def test_compare_two_presets(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/layer-stack-lab?lang=en")
    click(page, "lab_cmp_story")
    assert compared(page, 2) == ["203,068", "9,532"]
    assert page.get_by_text("21.3 times as many parameters").count() == 1
    assert page.locator('[class*="st-key-lab_cmp_bars_"]').count() == 2
    assert not app_errors(page)


def test_shared_link_opens_the_same_stack(server, browser_page, new_page):
    page = browser_page
    open_page(page, f"{server}/layer-stack-lab?lang=ko")
    click(page, "lab_preset_lenet5")
    then_total(page, "61,706")
    click(page, "lab_cmp_story")
    compared(page, 2)
    row_button(page, 1, "remove").click()  # drop the first pooling
    expect(page.locator(TOTAL)).not_to_have_text("61,706", timeout=30_000)
    mine = total(page)
    assert mine != "61,706" and compared(page, 2) == ["203,068", "9,532"]
    assert "stack=" in page.url and "cmp=" in page.url
    other = new_page()  # a page of its own (its own session): like a classmate opening the link
    open_page(other, page.url)
    assert total(other) == mine and compared(other, 2) == ["203,068", "9,532"]
    assert h1(other) == "층 쌓기 실험실: model.summary()"
    assert not app_errors(other)


def test_filters_page_in_both_languages(server, browser_page):
    page = browser_page
    for lang, title in (("ko", "필터: 필터셋은 3차원"), ("en", "Filters: a filter set is 3-D")):
        open_page(page, f"{server}/filter-sets?lang={lang}&k=5")
        assert h1(page) == title
        assert not app_errors(page)
        assert page.get_by_text("(5, 5, 3)").count() == 1  # the filter set is a 3-D block
        # the picture and the digit as images; the filters and maps as figures (§3 draws them as Plotly charts since
        # issue 10, how many is §3's own business: tests/test_browser_filters.py)
        wait_count(page, '[data-testid="stImage"]', 2)
        wait_count(page, '[data-testid="stPlotlyChart"]', 1)


def test_a_link_above_the_limits_is_a_notice_and_the_lab_works(server, browser_page):
    # issue 9 #2: c1000 raised StreamlitValueAboveMaxError, and the error stuck until a preset was clicked
    page = browser_page
    open_page(page, f"{server}/layer-stack-lab?lang=en&stack=i28x28x1_c1000-k5_f_d10")
    assert total(page) == "203,068"
    assert "could not be read" in page.locator('[data-testid="stAlert"]').first.inner_text()
    page.get_by_test_id("lab-add").click()
    expect(page.locator(TOTAL)).not_to_have_text("203,068", timeout=30_000)
    wait_committed(page)
    assert not app_errors(page)


PROJECTOR = {"width": 1280, "height": 720}


def box_in_view(page, box: dict | None) -> bool:
    """The box lies wholly inside the viewport."""
    size = page.viewport_size
    return (box is not None and box["width"] > 0 and box["height"] > 0 and 0 <= box["x"]
            and box["x"] + box["width"] <= size["width"] and 0 <= box["y"] and box["y"] + box["height"] <= size["height"])


def in_view(page, locator) -> dict:
    """The element's box, asserted to lie wholly inside the viewport."""
    box = locator.bounding_box()
    assert box_in_view(page, box), (box, page.viewport_size)
    return box


def rows_with_controls_in_view(page, bar: dict) -> list[int]:
    """The layers whose move and remove buttons are all on screen and not under the stuck bar."""
    shown = []
    for row in range(page.locator(ROW).count()):
        boxes = [row_button(page, row, kind).bounding_box() for kind in ("up", "down", "remove")]
        if all(box_in_view(page, b) and b["y"] >= bar["y"] + bar["height"] - 1 for b in boxes):
            shown.append(row)
    return shown


def edit_controls_in_view(page) -> list[int]:
    """The total, "add layer" and at least one layer's move and remove buttons are on screen together."""
    def measure():
        bar = page.get_by_test_id("lab-bar").bounding_box()
        if not (box_in_view(page, bar) and box_in_view(page, page.locator(TOTAL).bounding_box())
                and box_in_view(page, page.get_by_test_id("lab-add").bounding_box())):
            return []
        return rows_with_controls_in_view(page, bar)

    shown = settles(lambda: [] if measure() else ["not yet"]) or measure()
    assert shown, "no layer's move/remove buttons in view with the total and add layer"
    return shown


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_total_stays_in_view_while_layers_are_added_removed_and_moved(server, browser_page, lang):
    # issue 10: at 1280×720 "add layer" was at y 1308 and the total at y 1712
    page = browser_page
    page.set_viewport_size(PROJECTOR)
    try:
        stack, shape = preset("lenet5")
        open_page(page, f"{server}/layer-stack-lab?lang={lang}&stack={encode_stack(stack, shape)}")
        assert total(page) == "61,706"
        assert 0 in edit_controls_in_view(page)  # as the page opens: the first layer
        last = page.locator(ROW).count() - 1
        page.locator(ROW).nth(last).scroll_into_view_if_needed()
        assert last in edit_controls_in_view(page)  # scrolled to the last layer: the bar has stuck at the top
        page.get_by_test_id("lab-add").click()  # Conv2D(8, 3) goes before the Flatten
        added = f"{count_params(stack[:4] + [NEW_LAYER['Conv2D']] + stack[4:], shape):,}"
        then_total(page, added)
        assert added != "61,706"
        edit_controls_in_view(page)
        row_button(page, 4, "remove").click()  # the new layer goes
        then_total(page, "61,706")
        edit_controls_in_view(page)
        row_button(page, 1, "down").click()  # the pooling one down
        moved = [stack[0], stack[2], stack[1], *stack[3:]]
        then_total(page, f"{count_params(moved, shape):,}")
        edit_controls_in_view(page)
        assert not app_errors(page)
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})


# Text that does not fit its box, in the editor's shadow root (scope "") or in Streamlit's elements of a scope: a box's value
# or a select's chosen option measured in its own font against its inner width (a select's arrow takes 20 px), any
# other text by its scroll width.
CUT = """(scope) => {
  const ctx = document.createElement('canvas').getContext('2d');
  const cut = [];
  const roots = [document];
  for (const e of document.querySelectorAll('*')) if (e.shadowRoot) roots.push(e.shadowRoot);
  const inside = (root, sel) => root === document ? (scope ? document.querySelectorAll(scope + ' ' + sel) : [])
    : (!scope && root.querySelector('[data-testid="lab-editor"]') ? root.querySelectorAll(sel) : []);
  for (const root of roots) {
    for (const e of inside(root, 'input, select')) {
      if (!e.getClientRects().length || ['radio', 'checkbox'].includes(e.type)) continue;
      const cs = getComputedStyle(e);
      ctx.font = cs.font;
      const text = e.tagName === 'SELECT' ? e.options[e.selectedIndex].text : e.value;
      const inner = e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - (e.tagName === 'SELECT' ? 20 : 0);
      if (ctx.measureText(text).width > inner + 1) cut.push(text + ' in ' + Math.round(inner) + ' px');
    }
    for (const e of inside(root, '[data-testid="stWidgetLabel"] p, button, button p, .field-label, .out, .total-value, '
                                 + '[data-testid="stMarkdownContainer"] p')) {
      if (e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
        cut.push(e.textContent + ' ' + e.scrollWidth + '>' + e.clientWidth);
    }
  }
  return cut;
}"""
EVERY_KIND = "i28x28x1_c6-k5-same_m2_c16-k5_a2_f_d120_r0.5_d84_d10-softmax"


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("size", "scale"), [((1280, 720), 1), ((853, 480), 1.5)], ids=["projector", "zoom150"])
def test_no_layer_setting_is_cut(server, new_page, lang, size, scale):
    # issue 10: the MaxPool strides select read "= po…"; at 150 % zoom every select of a row was cut.
    # 150 % zoom is what a 1280×720 browser lays out at 150 %: 853×480 CSS px drawn at 1.5 device px each
    page = new_page(*size, scale=scale)
    open_page(page, f"{server}/layer-stack-lab?lang={lang}&stack={EVERY_KIND}")
    expect(page.locator(ROW)).to_have_count(9, timeout=30_000)
    pool = page.locator(ROW).nth(1).get_by_test_id("lab-strides")  # the MaxPool's strides
    assert pool.evaluate("e => e.options[e.selectedIndex].text") == {"ko": "= 풀링 크기", "en": "= pool size"}[lang]
    for scope in ("", ".st-key-lab_preset_lenet5"):
        assert settles(lambda scope=scope: page.evaluate(CUT, scope)) == [], scope
    width = page.viewport_size["width"]
    for row in range(9):  # nothing of a row beyond the page's right edge
        box = row_button(page, row, "remove").bounding_box()
        assert box["x"] + box["width"] <= width, (row, box)
    assert not app_errors(page)


def test_presenter_mode_shows_the_total_large_and_keeps_the_layer_counts(server, browser_page):
    page = browser_page
    page.set_viewport_size(PROJECTOR)
    try:
        open_page(page, f"{server}/layer-stack-lab?lang=ko&present=1")
        assert total(page) == "203,068"
        size = page.locator(TOTAL).evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 48, size  # larger than every other number on the page (presenter mode's metrics are 40 px)
        in_view(page, page.locator(TOTAL))
        # every text of the editor at least 20 px: the words, the boxes, the selects, the buttons, the lines
        small = page.get_by_test_id("lab-editor").evaluate("""root => [...root.querySelectorAll('*')]
            .filter(e => e.getClientRects().length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()
                    || ['INPUT', 'SELECT'].includes(e.tagName)))
            .map(e => [e.tagName + ' ' + (e.textContent || e.value).slice(0, 20), parseFloat(getComputedStyle(e).fontSize)])
            .filter(([, px]) => px < 20)""")
        assert small == [], small
        # each layer's output line is content, not a caption that presenter mode trims
        assert page.get_by_text("→ 출력 (None, 24, 24, 3), 파라미터 78개").is_visible()
        assert not app_errors(page)
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})
