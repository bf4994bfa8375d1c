"""AppTest helpers shared by the page tests.

Importing this module (conftest does, and so do the tests' own subprocesses and the benchmarks) makes every AppTest
of the process share one scan for Streamlit components and one compiled copy of each script, as one `streamlit run`
server does: see ``scan_components_once`` and ``compile_scripts_once``.
"""

from __future__ import annotations

import contextlib
import functools
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
NUMPY_PAGES = [  # the pages that never need TensorFlow (tests/test_warmup.py checks they load none)
    "lessons/0_home.py", "lessons/1_why.py", "lessons/3_filters.py", "lessons/4_arithmetic.py", "lessons/5_pooling.py",
    "lessons/2_stack_lab.py",  # until a student asks for the real Keras summary
]
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "latex", "text")
LABELLED = (
    "button",
    "radio",
    "selectbox",
    "number_input",
    "slider",
    "text_area",
    "toggle",
    "checkbox",
    "expander",
    "tabs",
    "multiselect",
    "text_input",
    "select_slider",
)


def scan_components_once() -> None:
    """Each new AppTest scans every installed package's metadata for Components v2 manifests (about a second
    here, most of a page test's time); a `streamlit run` server scans once when it starts. The installed
    packages do not change while tests run, so the process scans once and hands every AppTest the same list
    (each AppTest still registers the components itself)."""
    from streamlit.components.v2 import manifest_scanner

    if getattr(manifest_scanner.scan_component_manifests, "scans_once", False):
        return
    scan = functools.lru_cache(maxsize=None)(manifest_scanner.scan_component_manifests)

    def scan_component_manifests(max_workers=None):
        return list(scan(max_workers))

    scan_component_manifests.scans_once = True
    manifest_scanner.scan_component_manifests = scan_component_manifests


def compile_scripts_once() -> None:
    """Each AppTest run makes a new ScriptCache, so every run compiles the router and the page again (and rewrites
    them for magic): 3 ms of a 11 ms §4 rerun, 16 of a 48 ms §3 one. A server keeps one ScriptCache for its life,
    compiling each script once. The scripts do not change while tests run (AppTest.from_string names its file by
    the script's hash), so the process shares one cache. Streamlit internals: if either name moves, this fails."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    if getattr(app_test.ScriptCache, "shared", False):
        return
    for module in (app_test, local_script_runner):
        if getattr(module, "ScriptCache", None) is not ScriptCache:
            raise RuntimeError(f"{module.__name__} no longer makes its own ScriptCache: see tests/apphelp.py")
    cache = ScriptCache()

    def shared() -> ScriptCache:
        return cache

    shared.shared = True
    app_test.ScriptCache = local_script_runner.ScriptCache = shared


scan_components_once()
compile_scripts_once()


def open_page(page: str, lang: str = "ko", timeout: float = 30, query: dict | None = None, state: dict | None = None) -> AppTest:
    """Run the router, then switch to `page` (a path like 'lessons/4_arithmetic.py')."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    return at


def texts(at: AppTest) -> list[str]:
    """Every visible string AppTest can see: text elements and widget labels/options."""
    out: list[str] = []
    for kind in TEXT_KINDS:
        out += [str(getattr(e, "value", "") or getattr(e, "body", "")) for e in getattr(at, kind)]
    for kind in LABELLED:
        for e in getattr(at, kind):
            out.append(str(getattr(e, "label", "") or ""))
            out += [str(o) for o in getattr(e, "options", []) or []]
    return out


def assert_clean(at: AppTest) -> None:
    """No exception and no raw catalogue key on screen."""
    assert not at.exception, [e.value for e in at.exception]
    raw = [s for s in texts(at) if "⟨" in s]
    assert not raw, raw


def page_record(at: AppTest, page: str):
    """The page's setting as the session keeps it (ui/page_setting.py), e.g. page_record(at, "convolution-arithmetic").x."""
    return at.session_state["page_settings"][page].record


def settings_state(records: dict) -> dict:
    """Session state in which pages already hold these records (as if the student had set them), by the
    page's address: open_page(PAGE, state=settings_state({"layer-stack-lab": Lab(stack=…)}))."""
    from ui.page_setting import KEY, Held

    return {KEY: {page: Held(record) for page, record in records.items()}}


def component(at: AppTest, key: str):
    """The Components v2 element with this key (AppTest sees it as an UnknownElement: its proto and id)."""
    found = [e for e in at.get("bidi_component") if e.key == key]
    assert len(found) == 1, f"{len(found)} components keyed {key!r}"
    return found[0]


def component_data(at: AppTest, key: str) -> dict:
    """The data the page gave the component in the last run."""
    return json.loads(component(at, key).proto.json)


def send_state(at: AppTest, key: str, state: dict) -> AppTest:
    """Rerun as after the browser's setStateValue: the component's new state goes with the widgets' (its
    on_<name>_change callbacks run first). AppTest cannot set a component's state itself: setting
    at.session_state[key] changes the value but runs no callback, so the page would not see the edit."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=component(at, key).proto.id, json_value=json.dumps(state)))
    return at._run(states)


def commit_component(at: AppTest, key: str, commit: dict) -> AppTest:
    """A workbench (ui/workbench.py) commits `commit` as the browser does when an edit ends: with the next number
    and the kit it has."""
    data = component_data(at, key)
    return send_state(at, key, {"commit": {**commit, "seq": data["ack"] + 1, "kit": data["kit_id"]}})


def commit_bench(at: AppTest, **changes) -> AppTest:
    """§4's workbench commits its state with `changes` (x, w as flat lists; pad, stride, act, cell), as the browser
    does when an edit ends: the state the page gave it with the changes."""
    return commit_component(at, "arith_bench", {**component_data(at, "arith_bench")["state"], **changes})


def commit_window(at: AppTest, win: int, playing: bool = False) -> AppTest:
    """§5's step-through commits its window (1-based) and whether it plays, as static/pooling.js does once the
    steps pause, or when play starts or pauses."""
    return commit_component(at, "pool_bench", {"win": win, "playing": playing})


def window_state(at: AppTest) -> dict:
    """What §5's step-through was given to show: map (flat), h, w, size, stride, win, playing."""
    return component_data(at, "pool_bench")["state"]


def bench_state(at: AppTest) -> dict:
    """What §4's workbench was given to show (x and w as flat lists)."""
    return component_data(at, "arith_bench")["state"]


@contextlib.contextmanager
def fragment_reruns(at: AppTest):
    """Inside this block each run of `at` reruns only the page's one fragment, as a server does after an interaction
    with an element inside it (the browser names the fragment; Streamlit runs the fragment's function alone: no
    router, no rest of the page). AppTest alone always runs the whole script, and builds a new PagesManager for every
    run where a server keeps one per session (st.page_link in a fragment's rerun needs the pages st.navigation
    registered). Here one PagesManager serves every run of the block, filled by one full run as the block starts,
    and each later run names the fragment. The tree then holds only what the fragment drew: run `at` again after the
    block before reading the rest of the page. Streamlit internals: fails loudly if the names move."""
    from unittest import mock

    from streamlit.testing.v1 import app_test, local_script_runner

    make_pages, make_rerun = app_test.PagesManager, local_script_runner.RerunData
    if not hasattr(at, "_fragment_storage") or "fragment_id_queue" not in make_rerun.__dataclass_fields__:
        raise RuntimeError("AppTest no longer keeps fragments between runs: see tests/apphelp.py fragment_reruns")
    shared, fragment = [], []

    def pages(*args, **kwargs):
        if not shared:
            shared.append(make_pages(*args, **kwargs))
        return shared[0]

    def rerun(**kwargs):
        if fragment:  # the runner's initial request too: a full one pending would absorb the fragment's
            kwargs["fragment_id_queue"] = list(fragment)
        return make_rerun(**kwargs)

    with mock.patch.object(app_test, "PagesManager", pages), mock.patch.object(local_script_runner, "RerunData", rerun):
        at.run()  # the pages registered in the shared PagesManager, the fragment in the storage
        ids = list(at._fragment_storage._fragments)
        assert len(ids) == 1, f"{len(ids)} fragments on the page"
        fragment.extend(ids)
        yield at
