"""Class mode on two replicas (issue 19), on this machine, with one command:

    python bench/replicas.py [--port 8500] [--no-proxy] [--shared-cache]

- PostgreSQL: $CNNLIB_CLASS_DB when it is set, else a private throwaway cluster (tests/pghelp.py, from Debian's
  `postgresql` binaries; deleted on exit);
- two `streamlit run` servers (replica 1 and 2) with that CNNLIB_CLASS_DB, each with its own cache folder
  (tests/pghelp.py's replicas_on, as the two-server browser test starts them: temporary folders, deleted on exit);
  with --shared-cache both use one CNNLIB_CACHE_DIR (a temporary folder): a run trained on one replica is
  replayed on the other;
- HAProxy (Debian's `haproxy`) on http://127.0.0.1:PORT in front of them, with sticky sessions: its cookie
  CNNLIB_REPLICA keeps each browser on the replica it first reached, where its Streamlit session (a WebSocket)
  lives. Another browser may land on the other replica: the class follows through PostgreSQL either way.

Without `haproxy` on the PATH, or with --no-proxy, the two replicas are used directly (their addresses are
printed). Ctrl-C stops everything. bench/classroom.py's `replicas` benchmark uses ``replicas()`` without a proxy.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import free_port  # noqa: E402
from tests.pghelp import MISSING, Cluster, bin_dir, replicas_on  # noqa: E402

HAPROXY = """global
    maxconn 2000
defaults
    mode http
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
frontend class
    bind 127.0.0.1:{port}
    default_backend replicas
backend replicas
    balance roundrobin
    cookie CNNLIB_REPLICA insert indirect nocache httponly
    option httpchk GET /_stcore/health
{servers}
"""


@contextlib.contextmanager
def database():
    """$CNNLIB_CLASS_DB, else a fresh database in a throwaway cluster (stopped and deleted afterwards)."""
    if os.environ.get("CNNLIB_CLASS_DB", "").strip():
        yield os.environ["CNNLIB_CLASS_DB"].strip()
        return
    folder = bin_dir()
    if folder is None:
        raise SystemExit(MISSING)
    cluster = Cluster(folder).start()
    try:
        yield cluster.create_database()
    finally:
        cluster.stop()


@contextlib.contextmanager
def replicas(count: int = 2, env: dict | None = None):
    """`count` app servers on one class database: yields (the database's address, their base addresses)."""
    with database() as url, replicas_on(url, count, env) as servers:
        yield url, servers


def healthy(url: str, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)  # between polls of a proxy that has no readiness signal to wait on
    return False


@contextlib.contextmanager
def haproxy(servers: list[str], port: int):
    """HAProxy on 127.0.0.1:port in front of `servers`, sticky by its cookie; yields its address."""
    lines = "\n".join(f"    server r{i} {base.split('://', 1)[1]} check cookie r{i}" for i, base in enumerate(servers, 1))
    with tempfile.TemporaryDirectory(prefix="cnnlib-haproxy-") as folder:
        config = Path(folder) / "haproxy.cfg"
        config.write_text(HAPROXY.format(port=port, servers=lines))
        with open(Path(folder) / "haproxy.log", "w") as log:
            proc = subprocess.Popen([shutil.which("haproxy"), "-db", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            if not healthy(url):
                raise SystemExit(f"haproxy did not start:\n{(Path(folder) / 'haproxy.log').read_text()[-3000:]}")
            yield url
        finally:
            proc.terminate()
            proc.wait(10)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # a SIGTERM stops everything as Ctrl-C does (servers, proxy, the throwaway cluster)


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    args = sys.argv[1:]
    port = int(args[args.index("--port") + 1]) if "--port" in args else free_port()
    proxy = "--no-proxy" not in args and shutil.which("haproxy") is not None
    env = {"CNNLIB_WARM_TF": os.environ.get("CNNLIB_WARM_TF", "1")}
    with (tempfile.TemporaryDirectory(prefix="cnnlib-shared-cache-") if "--shared-cache" in args
          else contextlib.nullcontext()) as shared, \
            replicas(2, env={**env, "CNNLIB_CACHE_DIR": shared} if shared else env) as (url, servers), \
            (haproxy(servers, port) if proxy else contextlib.nullcontext()) as front:
        print(f"class database: {url}")
        if shared:
            print(f"one cache folder for both replicas: {shared}")
        for i, base in enumerate(servers, 1):
            print(f"replica {i}: {base}")
        if front:
            print(f"open {front} (HAProxy, sticky sessions by the cookie CNNLIB_REPLICA); Ctrl-C stops everything")
        else:
            print("no proxy (install Debian's haproxy for one): open the replicas directly; Ctrl-C stops everything")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping")


if __name__ == "__main__":
    main()
