"""Real browser (Debian Chromium via Playwright), offline: §4's feature map saves as a PNG through the workbench's
own button (drawn on a canvas in the browser, no network), and the notebook button downloads the page's notebook.
"""

import json

from tests.browser import app_errors, open_page, wait_idle

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_feature_map_saves_as_png_and_the_notebook_downloads(server, new_page, tmp_path):
    url, page = server, new_page(1280, 720)
    open_page(page, f"{url}/convolution-arithmetic?lang=en&pad=same")
    button = page.get_by_role("button", name="Save as PNG")
    button.scroll_into_view_if_needed()
    with page.expect_download() as png:
        button.click()
    path = tmp_path / "map.png"
    png.value.save_as(path)
    assert png.value.suggested_filename == "feature-map.png"
    assert path.read_bytes()[:8] == PNG_MAGIC

    button = page.locator(".st-key-take_home_notebook_convolution-arithmetic button").first
    button.scroll_into_view_if_needed()
    with page.expect_download() as notebook:
        button.click()
    saved = tmp_path / notebook.value.suggested_filename
    notebook.value.save_as(saved)
    assert saved.name == "convolution-arithmetic.ipynb"
    nb = json.loads(saved.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "'same'" in code or '"same"' in code  # the link's padding, as on screen
    wait_idle(page)
    assert not app_errors(page)
