
"""The suite writes only into temporary folders (tests/conftest.py, tests/isolation.py).

conftest also fails the whole session if the real home's caches changed; this file checks that the
folders it isolates are the ones the app writes to, with a home folder of its own.
"""

import os
import site
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from tests.isolation import FOLDERS, isolated_env, isolated_server_env

ROOT = Path(__file__).resolve().parent.parent
WRITING_PAGES = ["lessons/2_stack_lab.py", "lessons/2_conv2d_keras.py"]  # the training service's cache, Keras' home


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_this_session_caches_in_a_temporary_folder():
    from services.settings import cache_dir

    temp = Path(tempfile.gettempdir()).resolve()
    for name in FOLDERS:
        assert temp in Path(os.environ[name]).resolve().parents, (name, os.environ[name])
    assert temp in cache_dir().resolve().parents


def test_a_server_keeps_its_temporary_files_in_its_own_folder(tmp_path):
    """What a server's libraries put in the temporary folder (autograph's modules) goes with the server's folder."""
    env = {**os.environ, **isolated_server_env(tmp_path / "caches")}
    code = "import tempfile; print(tempfile.mkstemp(prefix='__autograph_generated_file', suffix='.py')[1])"
    made = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert Path(made.strip()).parent == tmp_path / "caches" / "tmp"


@pytest.mark.slow  # a fresh Python with Keras
@pytest.mark.tf
def test_pages_write_nothing_into_the_home_folder(tmp_path):
    home, caches = tmp_path / "home", tmp_path / "caches"
    home.mkdir()
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        import keras  # writes keras.json into its home on import
        from tests.apphelp import open_page
        for page in {WRITING_PAGES!r}:
            at = open_page(page, "en", timeout=120)
            assert not at.exception, (page, [e.value for e in at.exception])
        """
    )
    env = {**os.environ, **isolated_env(caches), "HOME": str(home), "PYTHONUSERBASE": site.getuserbase()}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert files_under(home) == []
    written = files_under(caches)
    assert "keras/keras.json" in written and "cnnlib-cache/runs" in written, written  # the check is not vacuous
