"""A notMNIST-like mirror in memory: an http.server handler for the download tests (services.downloads, §7's page)."""

from __future__ import annotations

import gzip
import io
import tarfile
from http.server import BaseHTTPRequestHandler

import numpy as np
from PIL import Image


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
