"""Real browser: presenter mode (?present=1 and the sidebar toggle), the uploader's words, a mistyped address."""

import pytest
from playwright.sync_api import expect

from tests.browser import POLL_MS, app_errors, open_page, streamlit_server, wait_idle

LANGS = ("ko", "en")
PRESENT = {"ko": "발표 모드", "en": "Presenter mode"}
FORMULA = '[data-testid="stMain"] code'  # §4's formula for the window, y1 = x1·w1 + …
FONT_PX = "el => parseFloat(getComputedStyle(el).fontSize)"


@pytest.fixture(scope="module")
def browser_page(tabs):
    with tabs.page(1280, 720) as page:
        yield page


def collapsed(page) -> bool:
    return page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "true"


def formula(page):
    return page.locator(FORMULA).filter(has_text="y1 =").first


def visible_captions(page) -> int:
    return page.locator('[data-testid="stCaptionContainer"]:visible').count()


def flip_presenter(page, lang: str) -> None:
    """Open the sidebar if it is collapsed, then click the presenter toggle."""
    if collapsed(page):
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]').dataset.collapsed === 'false'",
                               polling=POLL_MS)
    page.locator('[data-testid="stSidebar"]').get_by_text(PRESENT[lang], exact=True).click()


@pytest.mark.parametrize("lang", LANGS)
def test_present_link_on_arithmetic_and_the_toggle(server, browser_page, lang):
    page = browser_page
    open_page(page, f"{server}/convolution-arithmetic?present=1&lang={lang}")
    page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]').dataset.collapsed === 'true'",
                           polling=POLL_MS)
    assert formula(page).evaluate(FONT_PX) >= 20
    assert visible_captions(page) == 0
    assert not app_errors(page)
    assert "present=1" in page.url

    flip_presenter(page, lang)  # off
    page.wait_for_url(lambda url: "present=1" not in url)
    wait_idle(page)
    expect(page.locator('[data-testid="stCaptionContainer"]').first).to_be_visible()
    assert formula(page).evaluate(FONT_PX) < 20
    assert not collapsed(page)

    flip_presenter(page, lang)  # on again: the sidebar folds away by itself
    page.wait_for_url(lambda url: "present=1" in url)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]').dataset.collapsed === 'true'",
                           polling=POLL_MS)
    wait_idle(page)
    assert formula(page).evaluate(FONT_PX) >= 20
    assert visible_captions(page) == 0
    # the click that folded it is not remembered by the browser for a later, normal session
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('stSidebarCollapsed-'))") == []


def test_presenter_mode_is_kept_across_page_changes(server, browser_page):
    page = browser_page
    open_page(page, f"{server}/convolution-arithmetic?present=1&lang=en")
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Max-pooling").click()
    page.wait_for_url("**/max-pooling**")
    expect(page.locator("h1").first).to_have_text("Max-pooling")
    wait_idle(page)
    page.wait_for_url(lambda url: "present=1" in url and "lang=en" in url)
    assert visible_captions(page) == 0
    assert page.locator('[data-testid="stSidebar"]').get_by_role("switch").is_checked()


@pytest.mark.parametrize(
    ("lang", "button", "limit", "drop"),
    [
        ("ko", "파일 올리기", "파일 하나에 50MB까지", "여기에 파일을 놓으세요"),
        ("en", "Upload", "Up to 50 MB per file", "Drop the file here"),
    ],
)
def test_the_uploaders_words_are_in_the_pages_language(server, browser_page, lang, button, limit, drop):
    page = browser_page
    open_page(page, f"{server}/filter-sets?lang={lang}")
    page.locator('[data-testid="stMain"] [role="radiogroup"]').first.locator("label").nth(1).click()  # source: upload
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    expect(zone).to_have_count(1)
    wait_idle(page)
    shown_button = zone.locator('button [data-testid="stMarkdownContainer"] p')
    assert shown_button.evaluate("el => getComputedStyle(el, '::after').content") == f'"{button}"'
    assert shown_button.evaluate(FONT_PX) == 0  # Streamlit's own "Upload" takes no room
    instructions = page.locator('[data-testid="stFileUploaderDropzoneInstructions"] span').first
    assert instructions.evaluate("el => getComputedStyle(el, '::before').content") == f'"{limit}"'
    assert instructions.evaluate(FONT_PX) == 0  # "50MB per file" is not shown
    dragged = page.evaluate_handle("() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'a.png')); return d; }")
    zone.dispatch_event("dragenter", {"dataTransfer": dragged})  # a file dragged over the uploader
    hint = zone.locator(":scope > div:not([data-testid]) > span")
    expect(hint).to_have_count(1)
    assert hint.evaluate("el => getComputedStyle(el, '::after').content") == f'"{drop}"'
    assert hint.evaluate(FONT_PX) == 0  # "Drag and drop a file here" is not shown
    zone.dispatch_event("dragleave", {"dataTransfer": dragged})


@pytest.mark.parametrize(("lang", "words"), [("ko", "해당하는 페이지가 없어"), ("en", "There is no page at")])
def test_a_mistyped_address_says_so_in_the_pages_language(browser_page, lang, words):
    page = browser_page
    with streamlit_server() as url:  # a fresh server: the first run of all
        open_page(page, f"{url}/convolution-arithmetc?lang={lang}")
        notice = page.locator('[data-testid="stAlertContainer"]').filter(has_text=words)
        expect(notice).to_have_count(1)
        assert "/convolution-arithmetc" in notice.inner_text()
        expect(page.locator('[role="dialog"]')).to_have_count(0)  # Streamlit's English dialog is closed
        assert not app_errors(page)
