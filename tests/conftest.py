"""The test session: temporary folders only, markers that cannot be forgotten, shared browser resources.

Under pytest-xdist (pytest.ini: -n 2) each worker is a session of its own: its own temporary folders, server,
Chromium, notebook runner and template run.

Folders. At import time, before any test module imports cnnlib or Keras, every place the app could write
(the run cache, the notMNIST download, Keras' config and datasets) is pointed at one session temporary
folder, and every test then gets a cache folder of its own (CNNLIB_CACHE_DIR under its tmp_path: its own
run cache and its own class store, services.class_store.get_store keeps one store per path). A test that
needs another folder still sets it (its monkeypatch.setenv comes later and wins). Browser tests' servers
get folders of their own (tests/browser.py). At the end the session fails if anything appeared or changed
in the real home's caches.

Markers (pytest.ini; README, "Run the tests"): ``browser`` is put on every test in test_browser_*.py here,
and a test elsewhere that uses a browser or server fixture, or a module that starts servers or browsers
itself, must carry it or collection fails. ``tf`` is checked while the suite runs: a test that imports
TensorFlow without the marker fails (seen when it is the first to import it, as in
``-m "not tf"``). ``slow`` marks what the inner loop skips; it is put here on every test that runs
notebooks (their runner is a fresh Python process that starts TensorFlow). ``postgres`` is put here on
every test that uses the throwaway PostgreSQL (the ``pg_cluster`` fixture, or a ``class_db`` parameter
"postgres"); xdist keeps them on one worker, so one cluster serves them all.

PostgreSQL (issue 19): ``pg_cluster`` starts a private cluster for the session (tests/pghelp.py) and stops
and deletes it at the end; ``pg_database`` is a fresh database for one test, dropped after it. Without
PostgreSQL's binaries those tests fail, saying what to install.

Threads. A test must not leave a training service's worker (a ``cnnlib-training`` thread) running:
the ``training_services`` fixture stops every service made during the test, and a check fails any test
that leaves one alive.
"""

import gc
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault(
    "CNNLIB_WARM_TF", "0"
)  # browser tests' servers: no background TensorFlow import (~525 MB each) unless a test asks

from tests.browser import Tabs, launch_chromium, streamlit_server  # noqa: E402
from tests.isolation import changes, isolate, real_home_caches, snapshot  # noqa: E402

WATCHED = real_home_caches()  # read before isolate() replaces XDG_CACHE_HOME
BEFORE = snapshot(WATCHED)
SESSION_TMP = Path(tempfile.mkdtemp(prefix="cnnlib-tests-"))
isolate(SESSION_TMP)

import tests.apphelp  # noqa: E402, F401 - every AppTest of the session shares one component scan (apphelp)

# ---- the collector's garbage --------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    """No garbage collection while the test modules are imported, then everything collected so far is frozen
    (gc.freeze: never traversed again). Importing and assertion-rewriting ~80 modules makes millions of short-lived
    objects, and each full collection walked the whole heap (Streamlit, numpy, pandas) again: collection 12.1/11.5 s
    → 9.9/7.7 s of CPU per worker; inner loop 92/95 s → 85/88 s, alternating on the 2-core machine."""
    gc.disable()
    try:
        return (yield)
    finally:
        gc.enable()
        gc.collect()
        gc.freeze()


# ---- markers --------------------------------------------------------------------------------------

EXPECT_MS = 30_000  # Playwright's expect(...) waits at most this long (its default: 5 s)
BROWSER_FIXTURES = {"server", "browser", "tabs", "new_page"}  # and every fixture built on them
STARTS_BROWSERS = ("streamlit_server(", "sync_playwright", "launch_chromium(")  # a module that starts its own


def _uses_browser_fixture(item) -> bool:
    """Whether the test uses (directly or through another fixture) this conftest's server, browser or new_page
    (a module's own fixture of the same name, such as test_downloads' HTTP server, is not one of them)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    for name in BROWSER_FIXTURES & set(info.names_closure):
        defs = info.name2fixturedefs.get(name, ())
        if defs and defs[-1].func.__module__.rpartition(".")[2] == "conftest":
            return True
    return False


def _uses_postgres(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    callspec = getattr(item, "callspec", None)
    return bool(info and {"pg_cluster", "pg_database"} & set(info.names_closure)) or (
        callspec is not None and callspec.params.get("class_db") == "postgres")


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(config, items):
    unmarked, sources = [], {}
    for item in items:
        path = Path(str(item.fspath))
        if path.name.startswith("test_browser_"):
            item.add_marker(pytest.mark.browser)
        if path not in sources:
            sources[path] = path.read_text(encoding="utf-8") if path.suffix == ".py" else ""
        drives = _uses_browser_fixture(item) or any(mark in sources[path] for mark in STARTS_BROWSERS)
        if drives and item.get_closest_marker("browser") is None:
            unmarked.append(item.nodeid)
        # pytest-xdist (--dist loadgroup): a browser module with a page of its own (a module-scoped fixture) runs on
        # one worker; the notebook runs share one runner process (one TensorFlow start); the inner loop's other
        # TensorFlow tests share one worker (one import, ~10 s of CPU, and one tiny_run: inner loop 93/88 s → 82/75 s,
        # alternating). The other tests go wherever a worker is free (each worker has its server, Chromium and
        # shared contexts).
        if item.get_closest_marker("browser") is not None and 'scope="module"' in sources[path]:
            item.add_marker(pytest.mark.xdist_group(path.stem))
        elif "run_notebooks(" in sources[path] and item.get_closest_marker("tf") is not None:
            item.add_marker(pytest.mark.xdist_group("notebooks"))
            item.add_marker(pytest.mark.slow)  # the runner is a fresh Python process that starts TensorFlow
        elif all((item.get_closest_marker("tf"), not item.get_closest_marker("browser"),
                  not item.get_closest_marker("slow"))):
            item.add_marker(pytest.mark.xdist_group("tensorflow"))  # the inner loop imports it and trains tiny_run once
        if _uses_postgres(item):
            item.add_marker(pytest.mark.postgres)
            if item.get_closest_marker("browser") is None:
                item.add_marker(pytest.mark.xdist_group("postgres"))  # one worker, one throwaway cluster
    if unmarked:
        raise pytest.UsageError(
            "these tests drive a browser or a streamlit server but are not marked browser "
            "(add pytestmark = pytest.mark.browser, or name the module test_browser_*.py):\n  " + "\n  ".join(unmarked)
        )


@pytest.fixture(autouse=True)
def _tf_needs_its_marker(request):
    """A test that imports TensorFlow (Keras imports it too) in this process must be marked tf; the first test
    that does is seen. A stand-in ``keras`` module in sys.modules (tests/test_training_data.py) is not TensorFlow."""
    before = "tensorflow" in sys.modules
    yield
    if not before and "tensorflow" in sys.modules and request.node.get_closest_marker("tf") is None:
        pytest.fail("this test imported TensorFlow/Keras but is not marked tf (pytest.mark.tf)", pytrace=False)


# ---- folders --------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path, monkeypatch):
    """Each test its own CNNLIB_CACHE_DIR: its own runs, downloads and class store."""
    monkeypatch.setenv("CNNLIB_CACHE_DIR", str(tmp_path / "cnnlib-cache"))
    monkeypatch.delenv("CNNLIB_CLASS_DB", raising=False)  # classes in SQLite there, unless a test names a PostgreSQL


# ---- PostgreSQL (issue 19) ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_cluster():
    """A private PostgreSQL for the session (the worker), deleted at its end; FAILS without PostgreSQL's binaries."""
    from tests.pghelp import MISSING, Cluster, bin_dir

    folder = bin_dir()
    if folder is None:
        pytest.fail(MISSING, pytrace=False)
    cluster = Cluster(folder).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_database(pg_cluster):
    """A fresh database in the session's cluster (its address), dropped after the test."""
    url = pg_cluster.create_database()
    yield url
    pg_cluster.drop_database(url)


# ---- training services ----------------------------------------------------------------------------


def training_threads() -> list[threading.Thread]:
    """The training services' worker threads alive now (services.runs.service names them cnnlib-training)."""
    return [thread for thread in threading.enumerate() if thread.name == "cnnlib-training"]


def stop_services() -> None:
    """Stop and forget every service get_service() made (imported only if some test loaded the services)."""
    if "services.runs.service" in sys.modules:
        from tests.runhelp import stop_services as stop

        stop()


@pytest.fixture(autouse=True)
def _no_training_thread_left():
    """Fail a test that leaves a training service's worker thread running (and stop it for the next test)."""
    before = set(training_threads())
    yield
    left = [thread for thread in training_threads() if thread not in before]
    if left:
        for thread in left:  # the worker's target is its service's bound _work: stop that service
            thread._target.__self__.shutdown()
        stop_services()
        pytest.fail(
            f"the test left {len(left)} cnnlib-training thread(s) running: stop its services "
            "(the training_services fixture, or TrainingService.shutdown())",
            pytrace=False,
        )


@pytest.fixture
def training_services():
    """Stop every training service get_service() made during the test (and forget it), after the test."""
    yield
    stop_services()


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """``tiny_run(cache_dir)``: tests.runhelp.tiny()'s run (LeNet-5, 300 sample images, 1 epoch) put finished into
    cache_dir, as if trained there; trained once per session (by the service, as a page's request would) and
    copied into each test that asks; returns the run's configuration."""
    from services.runs.service import TrainingService
    from tests.runhelp import copy_run, tiny

    template, config = tmp_path_factory.mktemp("tiny-run-template"), tiny()
    svc = TrainingService(template)
    try:
        snap = svc.train_now(config, 300)
    finally:
        svc.shutdown()
    assert snap.state == "done", snap.error

    def put(cache_dir) -> object:
        copy_run(template, config.key, cache_dir)
        return config

    return put


@pytest.fixture
def held_runs(monkeypatch):
    """Runs that stay in training until released or cancelled (tests.runhelp.Holds): ``held_runs.hold(config)``."""
    from services.runs.progress import Run
    from tests.runhelp import Holds

    holds = Holds()
    monkeypatch.setattr(Run, "_batch_end", holds.wrap(Run._batch_end))
    yield holds
    holds.release_all()


# ---- browsers and servers -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session (the worker); tests take pages from ``tabs`` or ``new_page``."""
    from playwright.sync_api import expect, sync_playwright

    # expect(...) waits for a condition; its default 5 s is a speed, and a loaded 2-core machine misses it (a
    # rerun behind a training run): the same bound against a hang as the tests' explicit waits
    expect.set_options(timeout=EXPECT_MS)
    with sync_playwright() as p:
        chromium = launch_chromium(p)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def tabs(browser):
    """Pages in the session's shared browser contexts (tests.browser.Tabs): ``tabs.page(...)`` for a module's page."""
    shared = Tabs(browser)
    yield shared
    shared.close()


@pytest.fixture
def new_page(tabs):
    """``new_page(width, height, locale, scale)``: a page of its own (its own Streamlit session) for this test, in
    the session's shared context for that locale and pixel ratio; given back after the test."""
    pages = []

    def make(width: int = 1400, height: int = 1000, locale: str = "ko-KR", scale: float = 1):
        pages.append(tabs.open(width, height, locale, scale))
        return pages[-1]

    yield make
    for page in pages:
        tabs.give_back(page)


@pytest.fixture(scope="session")
def server():
    """One `streamlit run` server for the session's (the worker's) browser tests (its own cache folder; the shipped MNIST
    sample, so a run trains the same digits offline or not). A test that needs a fresh server starts one."""
    with streamlit_server(env={"CNNLIB_MNIST_SOURCE": "sample"}) as url:
        yield url


def pytest_sessionfinish(session, exitstatus):
    if "tests.notebookhelp" in sys.modules:
        sys.modules["tests.notebookhelp"].close_runner()
    stop_services()
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

