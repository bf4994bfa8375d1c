"""Lecture §7's download: notMNIST_small.tar.gz from the lecture's address, kept in a cache.

``download_notmnist(progress=...)`` streams the file into the cache folder
(``services.settings.cache_dir()``) under a temporary name and renames it only once it is complete
and verified (a gzip whose tar can be walked to its end, CRC included), so the cache never holds
half a file; a cached file found bad later is deleted and downloaded again. Offline (or any other
failure) it raises ``cnnlib.dataset.DatasetError`` with a code (offline, http, cut, not_gzip,
damaged_download, ...); the page then offers a retry and the embedded letters
(``cnnlib.letters.make_letters``). Nothing is written outside the cache.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import tarfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from cnnlib import archives
from cnnlib.archives import MAX_UPLOAD_BYTES
from cnnlib.datasets import DatasetError
from services.settings import cache_dir

if TYPE_CHECKING:
    from collections.abc import Callable

# The address the lecture's own notebook downloads notMNIST from (its section 7, "using your own images").
NOTMNIST_URL = "https://raw.githubusercontent.com/blackdew/tensorflow1/master/csv/notMNIST_small.tar.gz"
NOTMNIST_FILE = "notMNIST_small.tar.gz"
MAX_DOWNLOAD_BYTES = MAX_UPLOAD_BYTES  # the reader refuses larger archives anyway
TIMEOUT_S = 30.0  # per network operation (connect, each read), not for the whole download
_CHUNK = 64 * 1024
MIB = 2**20

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()
_verified: set[tuple[str, int, int]] = set()  # (path, size, mtime_ns) of cached files already walked


def _lock_for(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(str(path), threading.Lock())


def download(
    url: str,
    filename: str,
    progress: Callable[[int, int | None], None] | None = None,
    timeout: float = TIMEOUT_S,
) -> Path:
    """The cached copy of url (downloaded first if needed); progress(bytes so far, total or None)."""
    folder = cache_dir()
    target = folder / filename
    host = urllib.parse.urlsplit(url).netloc or url
    with _lock_for(target):  # two sessions asking at once: one download, the other waits for it
        if target.is_file():
            try:
                verify_cached(target)
                size = target.stat().st_size
                if progress:
                    progress(size, size)
                return target
            except DatasetError:
                discard(target)  # a bad file in the cache (an older version's, a disk error): fetch again
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DatasetError("cache", path=str(folder), reason=_reason(err)) from None
        partial = folder / f".{filename}.{os.getpid()}.{threading.get_ident()}.part"
        try:
            _fetch(url, partial, progress, timeout, host)
            verify(partial)
            os.replace(partial, target)  # atomic: the cache holds a whole file or none
            stat = target.stat()
            _verified.add((str(target), stat.st_size, stat.st_mtime_ns))
        finally:
            partial.unlink(missing_ok=True)
    return target


def _fetch(url: str, partial: Path, progress, timeout: float, host: str) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "cnnlib (CNN lecture dashboard)"})
    done, total = 0, None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) URL constant)
            length = response.headers.get("Content-Length")
            total = int(length) if length and re.fullmatch(r"[0-9]{1,15}", length) else None  # ASCII digits only
            if total is not None and total > MAX_DOWNLOAD_BYTES:
                raise DatasetError("too_big_download", limit=MAX_DOWNLOAD_BYTES // MIB)
            if progress:
                progress(0, total)
            try:
                out = open(partial, "wb")  # noqa: SIM115 (closed below; errors here are cache errors)
            except OSError as err:
                raise DatasetError("cache", path=str(partial.parent), reason=_reason(err)) from None
            with out:
                while chunk := response.read(_CHUNK):
                    done += len(chunk)
                    if done > MAX_DOWNLOAD_BYTES:
                        raise DatasetError("too_big_download", limit=MAX_DOWNLOAD_BYTES // MIB)
                    out.write(chunk)
                    if progress:
                        progress(done, total)
            if total is not None and done < total:  # http.client returns short reads silently
                raise DatasetError("cut", done=done / MIB, total=total / MIB)
    except http.client.IncompleteRead:  # a chunked response that stopped part-way (issue 9 #10)
        if total:
            raise DatasetError("cut", done=done / MIB, total=total / MIB) from None
        raise DatasetError("cut_unknown", done=done / MIB) from None
    except http.client.HTTPException as err:  # a malformed chunk, a bad status line
        raise DatasetError("offline", host=host, reason=_reason(err)) from None
    except urllib.error.HTTPError as err:
        raise DatasetError("http", status=err.code, host=host) from None
    except urllib.error.URLError as err:
        raise DatasetError("offline", host=host, reason=_reason(err.reason)) from None
    except (TimeoutError, OSError) as err:  # a connection reset or a read timing out
        raise DatasetError("offline", host=host, reason=_reason(err)) from None


def verify(path: Path) -> None:
    """A whole tar.gz: gzip magic, then every tar header walked and the gzip read to its end (its CRC
    and length are checked there). DatasetError("not_gzip") or ("damaged_download") otherwise."""
    with open(path, "rb") as f:
        if f.read(2) != b"\x1f\x8b":
            raise DatasetError("not_gzip")
        f.seek(0)
        # the archive reader's counting stream: a gzip bomb from a mirror stops at its limits too
        stream = archives._CountingReader(gzip.GzipFile(fileobj=f, mode="rb"), archives._Budget(os.path.getsize(path)))
        try:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                members = 0
                while tar.next() is not None:
                    tar.members.clear()
                    members += 1
            while stream.read(MIB):  # the rest of the gzip: its CRC check comes at its very end
                pass
        except (tarfile.TarError, EOFError, OSError, ValueError, gzip.BadGzipFile, zlib.error):
            raise DatasetError("damaged_download") from None
    if members == 0:
        raise DatasetError("damaged_download")


def verify_cached(path: Path) -> None:
    """``verify`` a cached file once per process (and again if it changed)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _verified:
        verify(path)
        _verified.add(key)


def discard(path: Path) -> None:
    """Delete a cached download found bad, so the next try downloads it again."""
    with _locks_guard:
        for key in [k for k in _verified if k[0] == str(path)]:
            _verified.discard(key)
    path.unlink(missing_ok=True)


def discard_notmnist() -> None:
    """The cached notMNIST could not be read: delete it (the page then offers the download again)."""
    discard(cache_dir() / NOTMNIST_FILE)


def _reason(err) -> str:
    text = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return str(text)[:120]


def notmnist_url() -> str:
    """The lecture's address, unless $CNNLIB_NOTMNIST_URL names a mirror (tests use a local server)."""
    from services.settings import notmnist_url as mirror  # the one reader of CNNLIB_* (SettingError for a bad value)

    return mirror() or NOTMNIST_URL


def download_notmnist(progress: Callable[[int, int | None], None] | None = None, url: str | None = None) -> Path:
    """notMNIST_small.tar.gz, from the cache or downloaded with progress(bytes so far, total)."""
    return download(url or notmnist_url(), NOTMNIST_FILE, progress)
