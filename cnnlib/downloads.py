"""Lecture §7's download: notMNIST_small.tar.gz from the lecture's address, kept in a cache.

``download_notmnist(progress=...)`` streams the file into the cache folder
(``cnnlib.settings.cache_dir()``) under a temporary name and renames it only once it is complete
and looks like a gzip, so the cache never holds half a file. Offline (or any other failure) it
raises ``cnnlib.datasets.DatasetError`` with a code (offline, http, cut, not_gzip, ...); the page
then offers the embedded letters (``cnnlib.letters.make_letters``). Nothing is written outside the cache.
"""

from __future__ import annotations

import os
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from cnnlib.archives import MAX_UPLOAD_BYTES
from cnnlib.datasets import DatasetError
from cnnlib.image_folders import ImageFolderSet, load_image_tar
from cnnlib.settings import cache_dir

if TYPE_CHECKING:
    from collections.abc import Callable

# The address the lecture's notebook downloads from (shared/lecture/README.md, section 7).
NOTMNIST_URL = "https://raw.githubusercontent.com/blackdew/tensorflow1/master/csv/notMNIST_small.tar.gz"
NOTMNIST_FILE = "notMNIST_small.tar.gz"
MAX_DOWNLOAD_BYTES = MAX_UPLOAD_BYTES  # the reader refuses larger archives anyway
TIMEOUT_S = 30.0  # per network operation (connect, each read), not for the whole download
_CHUNK = 64 * 1024
MIB = 2**20

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


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
            size = target.stat().st_size
            if progress:
                progress(size, size)
            return target
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DatasetError("cache", path=str(folder), reason=_reason(err)) from None
        partial = folder / f".{filename}.{os.getpid()}.{threading.get_ident()}.part"
        try:
            _fetch(url, partial, progress, timeout, host)
            with open(partial, "rb") as f:
                if f.read(2) != b"\x1f\x8b":
                    raise DatasetError("not_gzip")
            os.replace(partial, target)  # atomic: the cache holds a whole file or none
        finally:
            partial.unlink(missing_ok=True)
    return target


def _fetch(url: str, partial: Path, progress, timeout: float, host: str) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "cnnlib (CNN lecture dashboard)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) URL constant)
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > MAX_DOWNLOAD_BYTES:
                raise DatasetError("too_big_download", limit=MAX_DOWNLOAD_BYTES // MIB)
            done = 0
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
    except urllib.error.HTTPError as err:
        raise DatasetError("http", status=err.code, host=host) from None
    except urllib.error.URLError as err:
        raise DatasetError("offline", host=host, reason=_reason(err.reason)) from None
    except (TimeoutError, socket.timeout, OSError) as err:  # a connection reset or a read timing out
        raise DatasetError("offline", host=host, reason=_reason(err)) from None


def _reason(err) -> str:
    text = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return str(text)[:120]


def notmnist_url() -> str:
    """The lecture's address, unless $CNNLIB_NOTMNIST_URL names a mirror (tests use a local server)."""
    from cnnlib.settings import notmnist_url as mirror  # the one reader of CNNLIB_* (SettingError for a bad value)

    return mirror() or NOTMNIST_URL


def download_notmnist(progress: Callable[[int, int | None], None] | None = None, url: str | None = None) -> Path:
    """notMNIST_small.tar.gz, from the cache or downloaded with progress(bytes so far, total)."""
    return download(url or notmnist_url(), NOTMNIST_FILE, progress)


def load_notmnist(progress: Callable[[int, int | None], None] | None = None, url: str | None = None) -> ImageFolderSet:
    """notMNIST_small as the lecture reads it: (18724, 28, 28, 1), labels A–J, unreadable files skipped."""
    return load_image_tar(download_notmnist(progress, url))
