"""The test session writes only into temporary folders.

At import time, before any test module imports cnnlib or Keras, every place the app could write
(the run cache, the notMNIST download, Keras' config and datasets) is pointed at one session
temporary folder. Browser tests inherit it: their `streamlit run` servers get os.environ.
A test that needs its own folder still sets it (monkeypatch.setenv wins over this default).
At the end the session fails if anything appeared or changed in the real home's caches.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault(
    "CNNLIB_WARM_TF", "0"
)  # browser tests' servers: no background TensorFlow import (~525 MB each) unless a test asks

from tests.browser import streamlit_server  # noqa: E402
from tests.isolation import changes, isolate, real_home_caches, snapshot  # noqa: E402

WATCHED = real_home_caches()  # read before isolate() replaces XDG_CACHE_HOME
BEFORE = snapshot(WATCHED)
SESSION_TMP = Path(tempfile.mkdtemp(prefix="cnnlib-tests-"))
isolate(SESSION_TMP)


@pytest.fixture(scope="module")
def server():
    """One `streamlit run` server for a browser-test module (a module that needs other settings defines its own)."""
    with streamlit_server() as url:
        yield url


def pytest_sessionfinish(session, exitstatus):
    changed = changes(BEFORE, snapshot(WATCHED))
    if changed:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        title = "the test session wrote into the real home's caches (tests must use temporary folders)"
        if reporter:
            reporter.ensure_newline()
            reporter.write_sep("=", title, red=True)
            for line in changed[:20]:
                reporter.write_line(line, red=True)
        else:
            print(title, *changed[:20], sep="\n", file=sys.stderr)
    shutil.rmtree(SESSION_TMP, ignore_errors=True)
