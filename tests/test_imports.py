"""House rules that keep the numpy pages fast: cnnlib never imports the UI, TensorFlow loads lazily."""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NUMPY_PAGES = [
    "lessons/0_home.py", "lessons/1_why.py", "lessons/3_filters.py", "lessons/4_arithmetic.py", "lessons/5_pooling.py",
    "lessons/2_stack_lab.py",  # until a student asks for the real Keras summary
]


def imported_modules(path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def cnnlib_modules() -> list[Path]:
    """Every module of cnnlib, its subpackages (cnnlib/runs/) included."""
    return sorted((ROOT / "cnnlib").rglob("*.py"))


def test_cnnlib_never_imports_streamlit_or_plotly():
    for path in cnnlib_modules():
        assert not imported_modules(path, top_level_only=False) & {"streamlit", "plotly"}, path.relative_to(ROOT)


def test_only_the_command_line_takes_words_and_only_from_the_catalogue():
    """The logic never imports ui/; the command line (cnnlib/__main__.py) reads the words of its
    messages from ui.strings, which is plain data and loads no Streamlit, and a page's link from
    ui.page_links (with the codec ui.link_codec), which load no Streamlit either."""
    for path in cnnlib_modules():
        if path.name != "__main__.py":
            assert "ui" not in imported_modules(path, top_level_only=False), path.relative_to(ROOT)
    tree = ast.parse((ROOT / "cnnlib" / "__main__.py").read_text(encoding="utf-8"))
    from_ui = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ui")}
    assert from_ui <= {"ui.strings", "ui.page_links"}, from_ui
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, ui.strings, ui.link_codec, ui.page_links; ui.strings.load_catalogue(); "
         "ui.page_links.page_links(); print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert loaded == "[]"
    for name in ("link_codec.py", "page_links.py"):
        assert not imported_modules(ROOT / "ui" / name, top_level_only=False) & {"streamlit", "plotly"}, name


def test_the_notebook_command_loads_no_streamlit(tmp_path):
    script = ("import sys; from cnnlib.__main__ import main; "
              "status = main(['notebook', 'lenet-5', '--query', 'epochs=2&stack=i28x28x1_c3-k3_f_d10-softmax', '-o', sys.argv[1]]); "
              "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly', 'tensorflow', 'keras')); "
              "print('HEAVY', heavy, file=sys.stderr); sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "l.ipynb")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "HEAVY []" in done.stderr


def test_cnnlib_imports_tensorflow_only_inside_functions():
    assert (ROOT / "cnnlib" / "runs" / "fit.py") in cnnlib_modules()
    for path in cnnlib_modules():
        assert not imported_modules(path, top_level_only=True) & {"tensorflow", "keras"}, path.relative_to(ROOT)


def test_numpy_pages_never_load_tensorflow():
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from tests.apphelp import open_page
        for page in {NUMPY_PAGES!r}:
            for lang in ("ko", "en"):
                at = open_page(page, lang)
                assert not at.exception, (page, lang)
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
        print("HEAVY", heavy)
        sys.exit(1 if heavy else 0)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "HEAVY []" in result.stdout
