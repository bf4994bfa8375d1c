"""Screenshots of every page in both languages, for a person to look at (kept out of git).

    python bench/screenshots.py [OUTDIR] [path ...]

The server runs with temporary caches (tests/browser.py): pages that train show their untrained state.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import app_errors, chromium, open_page, streamlit_server, wait_drawn  # noqa: E402

DEFAULT_PATHS = [
    "", "why-convolution", "conv2d-in-keras", "filter-sets", "convolution-arithmetic", "max-pooling",
    "layer-stack-lab", "lenet-5", "own-images",
]

if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots")
    paths = sys.argv[2:] or DEFAULT_PATHS
    out.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as url, chromium(height=2600) as page:
        for path in paths:
            for lang in ("ko", "en"):
                open_page(page, f"{url}/{path}?lang={lang}")
                wait_drawn(page)  # charts, pictures and fonts, not a fixed pause
                name = out / f"{path.replace('/', '_') or 'root'}-{lang}.png"
                page.screenshot(path=str(name), full_page=True)
                print(name, "errors:", app_errors(page))
