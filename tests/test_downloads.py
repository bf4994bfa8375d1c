"""services.downloads: the notMNIST download, served by a local http.server (no internet needed).

The server listens on 127.0.0.1 in this project's test port range (8561–8570) and serves a
generated notMNIST-like tar.gz from memory; an unreachable address stands in for "offline".
"""

from __future__ import annotations

import gzip
import io
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from PIL import Image

from cnnlib.datasets import DatasetError
from cnnlib.image_folders import load_image_tar
from services import downloads, settings
from services.downloads import NOTMNIST_FILE, NOTMNIST_URL, download, download_notmnist
from tests.browser import free_port


def notmnist_tar_gz() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for c, letter in enumerate("ABCDEFGHIJ"):
            for i in range(4):
                picture = np.zeros((28, 28), np.uint8)
                picture[4 + i : 24, 6 + c : 10 + c] = 255
                png = io.BytesIO()
                Image.fromarray(picture).save(png, "PNG")
                info = tarfile.TarInfo(f"notMNIST_small/{letter}/{letter}{i}.png")
                info.size = len(png.getvalue())
                tar.addfile(info, io.BytesIO(png.getvalue()))
        broken = tarfile.TarInfo("notMNIST_small/A/broken.png")  # like the real archive's few bad files
        broken.size = 10
        tar.addfile(broken, io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"))
    return out.getvalue()


ARCHIVE = notmnist_tar_gz()
NOT_A_TAR = gzip.compress(b"<html>a gzip, but of a web page</html>" * 50)
CUT_TAR = gzip.compress(gzip.decompress(ARCHIVE)[:5000])  # a whole gzip of a tar cut short


class Handler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Handler.hits.append(self.path)
        if self.path == "/notMNIST_small.tar.gz":
            self._send(ARCHIVE)
        elif self.path == "/chunked.tar.gz":  # no Content-Length: progress has no total
            self.send_response(200)
            self.end_headers()
            self.wfile.write(ARCHIVE)
            self.close_connection = True
        elif self.path == "/chunked-cut.tar.gz":  # chunked, and the connection drops inside a chunk
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(f"{len(ARCHIVE):x}\r\n".encode() + ARCHIVE[: len(ARCHIVE) // 2])
            self.close_connection = True
        elif self.path == "/not-a-tar.tar.gz":
            self._send(NOT_A_TAR)
        elif self.path == "/cut-tar.tar.gz":
            self._send(CUT_TAR)
        elif self.path == "/login.html":
            self._send(b"<html>please log in</html>", "text/html")
        elif self.path == "/cut.tar.gz":  # the connection drops half-way
            self.send_response(200)
            self.send_header("Content-Length", str(len(ARCHIVE)))
            self.end_headers()
            self.wfile.write(ARCHIVE[: len(ARCHIVE) // 2])
            self.close_connection = True
        else:
            self.send_error(404)

    def _send(self, body: bytes, kind: str = "application/gzip"):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # a free port on loopback
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLIB_CACHE_DIR", str(tmp_path / "cache"))
    Handler.hits.clear()
    return tmp_path / "cache"


def test_the_lectures_address_and_the_cache_folder(monkeypatch, tmp_path, server):
    assert NOTMNIST_URL == "https://raw.githubusercontent.com/blackdew/tensorflow1/master/csv/notMNIST_small.tar.gz"
    assert settings.cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("CNNLIB_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # one resolver: the run cache's, XDG included
    assert download_notmnist(url=f"{server}/notMNIST_small.tar.gz") == tmp_path / "xdg" / "cnnlib" / NOTMNIST_FILE
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert str(settings.cache_dir()).endswith("/.cache/cnnlib")


def test_download_with_progress_then_read_it_then_the_cache_answers(server, cache):
    calls = []
    path = download_notmnist(progress=lambda done, total: calls.append((done, total)), url=f"{server}/notMNIST_small.tar.gz")
    assert path == cache / NOTMNIST_FILE and path.read_bytes() == ARCHIVE
    assert calls[0] == (0, len(ARCHIVE)) and calls[-1] == (len(ARCHIVE), len(ARCHIVE))
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert sorted(p.name for p in cache.iterdir()) == [NOTMNIST_FILE]  # no temporary file left

    result = load_image_tar(download_notmnist(url=f"{server}/notMNIST_small.tar.gz"))  # as the §7 page reads it
    assert result.images.shape == (40, 28, 28, 1)
    assert result.class_names == tuple("ABCDEFGHIJ") and result.root == "notMNIST_small"
    assert {s.name: s.reason for s in result.skipped} == {"notMNIST_small/A/broken.png": "unreadable"}
    assert Handler.hits == ["/notMNIST_small.tar.gz"]  # the second call read the cache

    again = []
    download_notmnist(progress=lambda d, t: again.append((d, t)), url=f"{server}/notMNIST_small.tar.gz")
    assert again == [(len(ARCHIVE), len(ARCHIVE))] and len(Handler.hits) == 1


def test_no_content_length_still_reports_progress(server, cache):
    calls = []
    path = download(f"{server}/chunked.tar.gz", "chunked.tar.gz", lambda d, t: calls.append((d, t)))
    assert path.read_bytes() == ARCHIVE
    assert {t for _, t in calls} == {None} and calls[-1][0] == len(ARCHIVE)


def test_offline_an_unreachable_address_says_so(cache):
    url = f"http://127.0.0.1:{free_port()}/notMNIST_small.tar.gz"  # nothing listens there
    with pytest.raises(DatasetError) as info:
        download_notmnist(url=url)
    err = info.value
    assert err.key == "data_errors.offline"
    assert err.params["host"].startswith("127.0.0.1:") and err.params["reason"]
    assert not cache.exists() or list(cache.iterdir()) == []


def test_a_host_name_that_does_not_resolve(cache):
    with pytest.raises(DatasetError) as info:
        download("http://no-such-host.invalid/notMNIST_small.tar.gz", "x.tar.gz", timeout=5)
    assert info.value.code == "offline"


def test_http_errors_pages_instead_of_archives_and_cut_downloads_leave_nothing(server, cache):
    with pytest.raises(DatasetError) as info:
        download(f"{server}/missing.tar.gz", "missing.tar.gz")
    assert info.value.code == "http" and info.value.params == {"status": 404, "host": server.removeprefix("http://")}
    with pytest.raises(DatasetError) as info:
        download(f"{server}/login.html", "login.tar.gz")
    assert info.value.code == "not_gzip" and info.value.params == {}
    with pytest.raises(DatasetError) as info:
        download(f"{server}/cut.tar.gz", "cut.tar.gz")
    assert info.value.code == "cut"
    done, total = info.value.params["done"], info.value.params["total"]
    assert (f"{done:.1f}", f"{total:.1f}") == ("0.0", "0.0") and done < total  # "(0.0 of 0.0 MB)": MB, a few KB here
    assert list(cache.iterdir()) == []  # no half file, no temporary file


def test_a_download_over_the_limit_is_stopped(server, cache, monkeypatch):
    monkeypatch.setattr(downloads, "MAX_DOWNLOAD_BYTES", 1000)
    for path in ("/notMNIST_small.tar.gz", "/chunked.tar.gz"):  # told in the header, or found while reading
        with pytest.raises(DatasetError) as info:
            download(f"{server}{path}", "big.tar.gz")
        assert info.value.code == "too_big_download" and info.value.params == {"limit": 0}
    assert list(cache.iterdir()) == []


def test_a_cache_folder_that_cannot_be_made(monkeypatch, tmp_path, server):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CNNLIB_CACHE_DIR", str(blocker / "cache"))
    with pytest.raises(DatasetError) as info:
        download_notmnist(url=f"{server}/notMNIST_small.tar.gz")
    assert info.value.code == "cache" and info.value.params["path"] == str(blocker / "cache")


def test_a_mirror_can_be_named_in_the_environment(server, monkeypatch, cache):
    from services.downloads import notmnist_url

    assert notmnist_url() == NOTMNIST_URL
    monkeypatch.setenv("CNNLIB_NOTMNIST_URL", f"{server}/notMNIST_small.tar.gz")
    assert download_notmnist().read_bytes() == ARCHIVE
    assert Handler.hits == ["/notMNIST_small.tar.gz"]


def test_a_chunked_download_cut_short_says_cut(server, cache):
    """Issue 9 #10: a chunked response that stops part-way raised http.client.IncompleteRead."""
    with pytest.raises(DatasetError) as info:
        download(f"{server}/chunked-cut.tar.gz", "chunked-cut.tar.gz")
    assert info.value.code == "cut_unknown" and set(info.value.params) == {"done"}
    assert list(cache.iterdir()) == []


@pytest.mark.parametrize("path", ["/not-a-tar.tar.gz", "/cut-tar.tar.gz"])
def test_a_gzip_that_is_not_a_whole_tar_is_not_cached(server, cache, path):
    """Issue 9 #10: a gzip that is not a tar (or whose tar is cut short) was cached, then never read."""
    with pytest.raises(DatasetError) as info:
        download(f"{server}{path}", NOTMNIST_FILE)
    assert info.value.code == "damaged_download" and info.value.params == {}
    assert list(cache.iterdir()) == []  # nothing cached, no temporary file: the next try downloads


def test_a_bad_file_already_in_the_cache_is_replaced(server, cache):
    cache.mkdir(parents=True)
    (cache / NOTMNIST_FILE).write_bytes(NOT_A_TAR)  # what an older version cached
    path = download_notmnist(url=f"{server}/notMNIST_small.tar.gz")
    assert path.read_bytes() == ARCHIVE and Handler.hits == ["/notMNIST_small.tar.gz"]
    download_notmnist(url=f"{server}/notMNIST_small.tar.gz")  # verified once: the cache answers
    assert Handler.hits == ["/notMNIST_small.tar.gz"]
    downloads.discard_notmnist()
    assert list(cache.iterdir()) == []
