"""Real browser: upload a zip of class folders on the §7 page, read the report, train a tiny run,
see the confusion matrix. The server has its own cache folder, so the run really trains here."""

from __future__ import annotations

import io
import zipfile

import numpy as np
from PIL import Image

from cnnlib.letters import make_letters
from tests.browser import app_errors, h1, open_page, wait_idle


def letters_zip(path) -> None:
    letters = make_letters(8, seed=21)
    with zipfile.ZipFile(path, "w") as z:
        for picture, name in zip(letters.images[..., 0], letters.files, strict=True):
            if name[0] in "ABCD":
                out = io.BytesIO()
                Image.fromarray(255 - picture).save(out, "PNG")  # black on white, as a student's scans
                z.writestr(f"scans/{name[0]}/{name.rsplit('/', 1)[1]}.png", out.getvalue())
        z.writestr("scans/A/Thumbs.db", b"junk")
        z.writestr("scans/readme.txt", b"my letters")
        z.writestr("../escape.png", b"x")
        big = np.zeros((300, 100), np.uint8)  # any size: kept in proportion and padded
        big[50:250, 40:60] = 255
        out = io.BytesIO()
        Image.fromarray(255 - big).save(out, "JPEG")
        z.writestr("scans/B/tall_photo.jpg", out.getvalue())


def test_upload_report_train_and_confusion_matrix(server, new_page, tmp_path):
    archive = tmp_path / "scans.zip"
    letters_zip(archive)
    url, page = server, new_page()
    open_page(page, f"{url}/own-images?lang=en&src=upload&epochs=1")
    assert page.locator('[role="dialog"]').count() == 0
    assert h1(page) == "7 · Train on your own images"
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(archive))
    page.get_by_text("Report before training").wait_for(timeout=60_000)
    wait_idle(page)
    assert not app_errors(page)
    metrics = [" ".join(m.split()) for m in page.locator('[data-testid="stMetric"]').all_inner_texts()]
    assert metrics == ["Images 33", "Classes 4", "Skipped files 3", "독립 (tensor shape) (33, 28, 28, 1)"], metrics
    assert page.get_by_text("4 columns: A, B, C, D. First 5 rows:").count() == 1
    assert page.get_by_text("The class folders sit inside 'scans/'.").count() == 1

    page.get_by_role("button", name="Start training").click()
    page.get_by_text("Confusion matrix (row = true, column = predicted)").wait_for(timeout=240_000)
    wait_idle(page, 60_000)
    assert not app_errors(page)
    assert page.get_by_text("Test accuracy").count() == 1
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.filter(has=page.locator("text.xtitle", has_text="Epoch")).count() == 1  # the curves, as on §6
    confusion = charts.filter(has=page.locator("text.xtitle", has_text="Predicted"))  # §6's figure, one for both
    confusion.scroll_into_view_if_needed()
    def svg_texts(selector: str) -> list[str]:
        return confusion.locator(selector).evaluate_all("els => els.map(e => e.textContent)")

    assert sorted(svg_texts("text.xtitle, text.ytitle")) == ["Predicted", "True label"]
    assert svg_texts("g.xtick text") == ["A", "B", "C", "D"]
    rows = confusion.locator("g.ytick text").evaluate_all(
        "els => els.map(e => [e.textContent, e.getBoundingClientRect().top])")
    assert [name for name, _ in sorted(rows, key=lambda r: r[1])] == ["A", "B", "C", "D"]  # row 1 (A) on top
    cells = [int(n) for n in svg_texts("g.heatmap-label text")]
    assert len(cells) == 16 and sum(cells) == 8  # 20 % of 8 or 9 images per class = 2 test images each
    page.screenshot(path=str(tmp_path / "own_images_browser.png"), full_page=True)  # kept in the test's own folder


def test_folder_names_are_drawn_as_plain_text(server, new_page, tmp_path):
    """Issue 9 #12 in a real browser: Streamlit's own Markdown draws the escaped names as typed."""
    evil, bold = "[x](javascript:alert(1))", "**B** <b>"
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"{evil}/0.png", _png(np.zeros((28, 28), np.uint8)))
        for i in range(3):
            z.writestr(f"{bold}/{i}.png", _png(np.full((28, 28), 40 * i, np.uint8)))
    url, page = server, new_page()
    open_page(page, f"{url}/own-images?lang=en&src=upload")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(archive))
    page.get_by_text("Report before training").wait_for(timeout=60_000)
    wait_idle(page)
    assert not app_errors(page)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('a[href^="javascript"], a:has-text("x")').count() == 0
    bold_texts = main.locator("strong, b").evaluate_all("els => els.map(e => e.textContent)")
    assert "B" not in bold_texts and " <b>" not in "".join(bold_texts), bold_texts  # only the page's own headings
    notice = main.locator('[data-testid="stAlert"]').filter(has_text="has only 1 image").inner_text()
    assert f"Class '{evil}' has only 1 image(s)" in notice
    assert main.get_by_text(f"2 columns: {bold}, {evil}. First 5 rows:").count() == 1


def _png(picture: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(picture).save(out, "PNG")
    return out.getvalue()
