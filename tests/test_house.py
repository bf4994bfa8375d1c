"""The house rules, as checks: the import graph drawn from the code (layers, no circles), the pages' bans.

Layers, lowest first (README, "Layout"): an import may point to its own folder or to a lower layer, never
up, never sideways to another folder of its layer, and no chain of imports may come back to where it
started. Entry points (the router, the lessons, any ``__main__.py``) sit on top and nothing imports them.
There is no whitelist: a new arrow that breaks the order fails here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = (  # lowest first; folders on one line are one layer and may not import each other
    ("cnnlib",),  # the lecture's maths and data: pure functions
    ("services",),  # state, disk and network: runs, the class store, training data, downloads, settings
    ("words", "links", "notebooks"),  # the ko/en catalogue; each page's link; notebooks to take home
    ("ui",),  # Streamlit
    ("entry",),  # streamlit_app.py, lessons/*.py, cnnlib/__main__.py
)
FOLDERS = ("cnnlib", "services", "words", "links", "notebooks", "ui", "lessons")
STREAMLIT_FREE = ("cnnlib", "services", "words", "links", "notebooks")


def module_files() -> dict[str, Path]:
    """Every module of the app by dotted name (lessons by their file stem, e.g. ``lessons.4_arithmetic``)."""
    files = [ROOT / "streamlit_app.py"] + [p for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))]
    out = {}
    for path in files:
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = module_files()


def layer_of(name: str) -> tuple[int, str]:
    """(layer index, folder) of a module: entry points on top."""
    top = name.split(".")[0]
    if top in ("streamlit_app", "lessons") or name.endswith(".__main__"):
        return len(LAYERS) - 1, "entry"
    for index, folders in enumerate(LAYERS):
        if top in folders:
            return index, top
    raise AssertionError(f"{name}: a folder that no layer names (add it to LAYERS and to the README's layout)")


def _resolve(dotted: str) -> str | None:
    """The app module a dotted name lands in (``ui.grids`` → ui.grids; ``services.runs.X`` → its module)."""
    while dotted and dotted not in MODULES:
        dotted = dotted.rpartition(".")[0]
    return dotted or None


def imports_of(name: str, path: Path) -> dict[str, set[str]]:
    """{"app": the app's modules it imports, "other": the top-level names of everything else} — anywhere
    in the file, inside functions too (an import inside a function is an arrow all the same)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    app, other = set(), set()
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        for target in targets:
            found = _resolve(target)
            if found is None:
                other.add(target.split(".")[0])
            elif found != name:
                app.add(found)
    return {"app": app, "other": other}


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def test_every_folder_is_a_layer_and_the_readme_names_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in MODULES:
        layer_of(name)
    for folder in FOLDERS:
        assert f"\n{folder}/" in readme, f"README's layout has no line for {folder}/"


def test_imports_only_point_down():
    wrong = []
    for name, found in GRAPH.items():
        mine, my_folder = layer_of(name)
        for target in found["app"]:
            theirs, their_folder = layer_of(target)
            if their_folder == "entry":
                wrong.append(f"{name} → {target}: nothing imports an entry point")
            elif theirs > mine or (theirs == mine and their_folder != my_folder):
                wrong.append(f"{name} ({my_folder}) → {target} ({their_folder})")
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(wrong))


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, groups, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_no_import_circles():
    assert _circles({name: found["app"] for name, found in GRAPH.items()}) == []


def test_the_circle_finder_finds_circles():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_only_ui_and_the_entry_points_use_streamlit_or_plotly():
    for name, found in GRAPH.items():
        if name.split(".")[0] in STREAMLIT_FREE and not name.endswith(".__main__"):
            assert not found["other"] & {"streamlit", "plotly"}, name


def test_words_are_plain_data():
    for name, found in GRAPH.items():
        if name.split(".")[0] == "words":
            assert not found["app"] and found["other"] <= {"__future__", "functools", "importlib", "pkgutil"}, (name, found)


def test_no_test_module_imports_another():
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for imported in names:
                assert not imported.split(".")[-1].startswith("test_"), f"{path.name} imports {imported}: share it in a helper"


def _calls_st_stop(tree: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "stop"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "st"
        for node in ast.walk(tree)
    )


def test_no_st_stop_in_pages_or_ui():
    """st.stop() makes every later st call in the run raise, so the router's work after the page is skipped:
    a page ends with ui.guard.end_page() (docs/streamlit.md)."""
    assert _calls_st_stop(ast.parse("import streamlit as st\nif x:\n    st.stop()"))
    for path in [ROOT / "streamlit_app.py", *(ROOT / "lessons").glob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        assert not _calls_st_stop(ast.parse(path.read_text(encoding="utf-8"))), path.relative_to(ROOT)


def test_nothing_cites_a_file_outside_the_repository():
    """A fact the code relies on lives in docs/ (the shared notes are not part of the repository)."""
    outside = ("STREAMLIT-NOTES", "../shared", "shared/lecture", "STYLE.md")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for rel in tracked:
        if rel.endswith((".py", ".md", ".toml", ".txt", ".in", ".ini")) and not rel.startswith("tests/"):
            text = (ROOT / rel).read_text(encoding="utf-8")
            assert not any(mark in text for mark in outside), rel


def test_cnnlib_imports_tensorflow_only_inside_functions():
    assert any(name.startswith("services.runs.fit") for name in MODULES)
    for name, path in MODULES.items():
        if name.split(".")[0] in ("cnnlib", "services"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            top = {alias.name.split(".")[0] for node in tree.body if isinstance(node, ast.Import) for alias in node.names}
            top |= {node.module.split(".")[0] for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}
            assert not top & {"tensorflow", "keras"}, name


def test_the_command_line_loads_no_streamlit(tmp_path):
    script = (
        "import sys; from cnnlib.__main__ import main; "
        "status = main(['notebook', 'lenet-5', '--query', 'epochs=2&stack=i28x28x1_c3-k3_f_d10-softmax', '-o', sys.argv[1]]); "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly', 'tensorflow', 'keras')); "
        "print('HEAVY', heavy, file=sys.stderr); sys.exit(status)"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "l.ipynb")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "HEAVY []" in done.stderr
