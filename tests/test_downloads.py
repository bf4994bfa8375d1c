"""services.downloads: the notMNIST download, served by a local http.server (no internet needed).

The server listens on 127.0.0.1 in this project's test port range (8561–8570) and serves a
generated notMNIST-like tar.gz from memory; an unreachable address stands in for "offline".
"""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import pytest

from cnnlib.datasets import DatasetError
from cnnlib.image_folders import load_image_tar
from services import downloads, settings
from services.downloads import NOTMNIST_FILE, NOTMNIST_URL, download, download_notmnist
from tests.browser import free_port
from tests.downloadhelp import ARCHIVE, NOT_A_TAR, Handler


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
