"""Builders shared by the archive, image and image-folder tests: every archive is generated in memory."""

from __future__ import annotations

import io
import struct
import tarfile
import zipfile
import zlib

import numpy as np
import pytest
from PIL import Image

from cnnlib.datasets import DatasetError
from cnnlib.errors import LessonError
from cnnlib.image_folders import load_image_zip

RNG = np.random.default_rng(7)


def letter(value: int = 255, size: int = 28) -> np.ndarray:
    """A bright bar on black, like a notMNIST stroke; value marks which image it is."""
    a = np.zeros((size, size), np.uint8)
    a[size // 4 : 3 * size // 4, size // 2 - 2 : size // 2 + 2] = value
    return a


def encode(image: Image.Image | np.ndarray, fmt: str = "PNG", **options) -> bytes:
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png(value: int = 255) -> bytes:
    return encode(letter(value))


def make_zip(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """entries: [(name or ZipInfo, bytes)]."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in entries:
            z.writestr(name, data)
    return out.getvalue()


def two_classes(prefix: str = "", n: int = 3) -> list[tuple[str, bytes]]:
    return [(f"{prefix}{c}/{i}.png", png(10 * i + (100 if c == "B" else 50))) for c in "AB" for i in range(n)]


def make_tar(entries, mode: str = "w:gz") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as t:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


def reasons(result_or_error) -> dict[str, str]:
    return {s.name: s.reason for s in result_or_error.skipped}


def codes(result_or_error) -> dict[str, tuple[str, dict]]:
    """Each skipped file's detailed code and parameters (what its message is made of)."""
    return {s.name: (s.code, s.params) for s in result_or_error.skipped}


def error_of(source, loader=load_image_zip) -> DatasetError:
    with pytest.raises(DatasetError) as info:
        loader(source)
    err = info.value
    assert isinstance(err, LessonError)
    assert err.key == f"data_errors.{err.code}" and err.code in DatasetError.codes
    return err


def deflate(chunks) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return b"".join(compressor.compress(c) for c in chunks) + compressor.flush()


def hand_made_zip(extra: list[tuple]) -> bytes:
    """A good two-class zip plus members (name, raw deflate data, header size, header CRC[, flags])
    written by hand, so the headers can say whatever a hostile tool would make them say."""
    members = [(n, deflate([d]), len(d), zlib.crc32(d)) for n, d in two_classes()] + extra
    out, central = io.BytesIO(), []
    for name, packed, size, crc, *flags in members:
        flag = flags[0] if flags else 0
        central.append((name.encode(), len(packed), size, crc, out.tell(), flag))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flag, 8, 0, 0, crc, len(packed), size, len(name.encode()), 0))
        out.write(name.encode() + packed)
    start = out.tell()
    for fname, packed_len, size, crc, offset, flag in central:
        out.write(
            struct.pack(
                "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flag, 8, 0, 0, crc, packed_len, size, len(fname), 0, 0, 0, 0, 0, offset
            )
        )
        out.write(fname)
    size_cd = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), size_cd, start, 0))
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width×height but carries almost no data (a decompression bomb's header)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">L", len(body)) + kind + body + struct.pack(">L", zlib.crc32(kind + body))

    ihdr = struct.pack(">LLBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(bytes(width + 1))  # one row; decoding would fail long after allocating
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def pixel_bomb(kind: str, side: int = 5000) -> bytes:
    """A side×side picture that is tiny on disk and huge decoded: '1bit' PNG, 'rgba' PNG, '16bit' PNG or
    'float' TIFF (deflate), all zeros (issue 9 #4: a 3 KB 1-bit PNG of 5000×5000 decodes to 25 MB)."""
    if kind == "1bit":
        return encode(Image.new("1", (side, side)), "PNG", optimize=True)
    if kind == "rgba":
        return encode(Image.new("RGBA", (side, side)), "PNG", compress_level=9)
    if kind == "16bit":
        return encode(Image.new("I;16", (side, side)), "PNG", compress_level=9)
    if kind == "float":
        return encode(Image.new("F", (side, side)), "TIFF", compression="tiff_adobe_deflate")
    raise ValueError(kind)


def long_names_tar(members: int = 1200, name_bytes: int = 150_000) -> bytes:
    """Issue 9 #5: a tar.gz of `members` empty files whose names are `name_bytes` long each (pax headers).
    Each name repeats its own random 1,200 characters, so the whole compresses ~60:1, as the reported
    2.8 MB archive of 1,200 names of 150 KB did (not a bomb by the ratio)."""
    out = io.BytesIO()
    alphabet = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", np.uint8)
    with tarfile.open(fileobj=out, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=6) as t:
        for i in range(members):
            seed = RNG.choice(alphabet, 1200).tobytes().decode()
            info = tarfile.TarInfo(f"A/{i:04d}" + (seed * (name_bytes // 1200 + 1))[:name_bytes] + ".png")
            t.addfile(info, io.BytesIO(b""))
    return out.getvalue()
