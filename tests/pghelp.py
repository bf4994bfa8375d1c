"""A throwaway PostgreSQL for the tests (issue 19): a private cluster in a temporary folder on a free port.

``Cluster.start()`` runs Debian's (or any) PostgreSQL binaries: ``initdb`` and ``pg_ctl`` refuse to run as
root, so as root (CI) they run as the ``postgres`` user (``runuser``) on a folder it owns; as anyone else they
run directly. The cluster trusts local connections, listens on 127.0.0.1 only, and skips fsync (nothing in it
must outlive the session). ``stop()`` stops it and deletes the folder. Binaries that are missing FAIL the
tests that need them, with what to install (.ci/run installs Debian's ``postgresql``): never a skip.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

MISSING = ("PostgreSQL's server binaries (initdb, pg_ctl, postgres) were not found: the class store's PostgreSQL tests "
           "need them. Install Debian's `postgresql` package (apt-get install -y postgresql; .ci/run does it in CI) "
           "or put a PostgreSQL bin folder in CNNLIB_TEST_PG_BIN.")


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: $CNNLIB_TEST_PG_BIN, else the newest /usr/lib/postgresql/*/bin, else PATH."""
    candidates = [os.environ.get("CNNLIB_TEST_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name) if
                         Path(p).parent.name.isdigit() else 0, reverse=True)
    found = shutil.which("pg_ctl")
    candidates.append(str(Path(found).parent) if found else "")
    for folder in candidates:
        if folder and all((Path(folder) / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One private PostgreSQL server: ``url(db)``, ``create_database()``, ``drop_database()``, ``restart()``."""

    def __init__(self, bin_folder: Path):
        self.bin = bin_folder
        self.folder = Path(tempfile.mkdtemp(prefix="cnnlib-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.root = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.root:  # initdb and postgres refuse root: run them as the postgres user
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> Cluster:
        if self.root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self.up()
        return self

    def up(self) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        done = self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "-t", "60",
                         "start", check=False)
        if done.returncode != 0:
            log = (self.folder / "log").read_text(errors="replace")[-2000:] if (self.folder / "log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {done.stdout}{done.stderr}\n{log}")

    def down(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def restart(self) -> None:
        """Stop (every connection drops) and start again on the same port, data kept."""
        self.down()
        self.up()

    def stop(self) -> None:
        self.down("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(sql)

    def create_database(self) -> str:
        """A fresh, empty database: its address."""
        name = "t_" + secrets.token_hex(6)
        self._admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


@contextlib.contextmanager
def replicas_on(url: str, count: int = 2, env: dict | None = None):
    """`count` app servers (tests/browser.py's streamlit_server) on the class database `url`: yields their base
    addresses. The two-server browser test and bench/replicas.py (which adds the proxy) both start them so."""
    from tests.browser import streamlit_server

    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(streamlit_server(env={**(env or {}), "CNNLIB_CLASS_DB": url})) for _ in range(count)]
