"""Keep tests (and the servers they start) out of the real home: every cache goes to a temporary folder.

Used by tests/conftest.py for the whole session, by tests/browser.py for `streamlit run`
servers (their temporary files too), and by bench/.
"""

from __future__ import annotations

import os
from pathlib import Path

# what the app and its libraries would otherwise write under the home folder
FOLDERS = {
    "CNNLIB_CACHE_DIR": "cnnlib-cache",  # training runs and the notMNIST download (services.settings)
    "XDG_CACHE_HOME": "xdg-cache",  # the fallback of the above, and any other XDG-minded library
    "KERAS_HOME": "keras",  # keras.json, written when Keras is imported; datasets/ for mnist.load_data()
    # matplotlib (a test requirement: the notebooks' plotting cells) writes its config and font cache
    # on import; TensorFlow imports it when it is installed
    "MPLCONFIGDIR": "matplotlib",
}


def isolated_env(root: Path | str) -> dict[str, str]:
    """The environment variables that send every cache under root (folders not created yet)."""
    return {name: str(Path(root) / sub) for name, sub in FOLDERS.items()}


def isolated_server_env(root: Path | str) -> dict[str, str]:
    """isolated_env, and a temporary folder of its own under root (created): for a server the tests end by a signal.

    Streamlit does not catch SIGTERM, so a `streamlit run` server ended by it runs no exit handlers, and what its
    libraries meant to delete at exit stays: TensorFlow's autograph writes a module per traced function into the
    temporary folder (4 were left in /tmp by each run of tests/test_browser_training.py). Here they go with root.
    """
    temp = Path(root) / "tmp"
    temp.mkdir(parents=True, exist_ok=True)
    return {**isolated_env(root), "TMPDIR": str(temp)}


def isolate(root: Path | str) -> dict[str, str]:
    """Point this process (and every subprocess it starts afterwards) at caches under root."""
    env = isolated_env(root)
    os.environ.update(env)
    return env


def real_home_caches() -> list[Path]:
    """The real folders the suite must never touch (read before isolate() changes the environment)."""
    home = Path.home()
    xdg = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache")
    return sorted({home / ".cache" / "cnnlib", xdg / "cnnlib", home / ".keras"})


def snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Every file and folder under folders, with its size and modification time."""
    seen = {}
    for folder in folders:
        if not folder.exists():
            continue
        for path in [folder, *folder.rglob("*")]:
            try:
                stat = path.stat()
            except OSError:  # removed while we looked
                continue
            seen[str(path)] = (0 if path.is_dir() else stat.st_size, stat.st_mtime_ns)
    return seen


def changes(before: dict, after: dict) -> list[str]:
    """What appeared, changed or vanished between two snapshots, one line each."""
    out = [f"new: {p}" for p in sorted(after.keys() - before.keys())]
    out += [f"changed: {p}" for p in sorted(after.keys() & before.keys()) if after[p] != before[p]]
    out += [f"removed: {p}" for p in sorted(before.keys() - after.keys())]
    return out
