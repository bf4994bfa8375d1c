"""cnnlib.archives: zip and tar read member by member, in memory, with every limit enforced while streaming.

Every archive here is generated in memory (tests/archivehelp.py), one per case of issue 5; each
case asserts its outcome: the images that load, or the reason code and its parameters.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import tarfile
import unicodedata
import zipfile
import zlib

import numpy as np
import pytest

from cnnlib import archives
from cnnlib.image_folders import load_image_archive, load_image_tar, load_image_zip
from tests.archivehelp import (
    RNG,
    codes,
    deflate,
    encode,
    error_of,
    hand_made_zip,
    long_names_tar,
    make_tar,
    make_zip,
    png,
    reasons,
    two_classes,
)


def test_path_bytes_and_file_objects_give_the_same_set(tmp_path):
    data = make_zip(two_classes())
    path = tmp_path / "set.zip"
    path.write_bytes(data)

    class Pipe(io.RawIOBase):  # a stream that cannot seek
        def __init__(self):
            self.inner = io.BytesIO(data)

        def readable(self):
            return True

        def read(self, n=-1):
            return self.inner.read(n)

    results = [load_image_zip(s) for s in (data, bytearray(data), path, str(path), io.BytesIO(data), Pipe())]
    for other in results[1:]:
        np.testing.assert_array_equal(other.images, results[0].images)
        assert other.labels.tolist() == results[0].labels.tolist()


def test_hand_made_zip_is_a_valid_zip():
    assert load_image_zip(hand_made_zip([])).class_names == ("A", "B")


# --- bombs: the bytes that really come out are counted, the headers are never trusted ----------


def test_zip_bomb_one_member_stops_while_streaming():
    # 64 MB of zeros deflates to ~64 KB: the ratio check fires after 16 MB came out, not after 64
    zeros = bytes(1024 * 1024)
    crc = 0
    for _ in range(64):
        crc = zlib.crc32(zeros, crc)
    err = error_of(hand_made_zip([("A/bomb.png", deflate([zeros] * 64), 64 * 1024 * 1024, crc)]))
    assert err.code == "bomb"
    assert err.params == {"limit": 256, "ratio": 100}


def test_zip_bomb_many_members_and_header_sizes_are_not_trusted():
    members = [(f"A/{i}.png", bytes(5 * 1024 * 1024)) for i in range(8)]  # 40 MB → ~40 KB
    assert error_of(make_zip(members)).code == "bomb"
    # headers that say "100 bytes" (and "0 bytes") for 8 MB: reading stops at the claimed size,
    # the CRC check fails, and the member is skipped as damaged — never read past what was claimed
    liar = [("A/liar.png", deflate([bytes(8 * 1024 * 1024)]), 100, 0), ("B/zero.png", deflate([png()]), 0, 0)]
    result = load_image_zip(hand_made_zip(liar))
    assert reasons(result) == {"A/liar.png": "unreadable", "B/zero.png": "unreadable"}
    assert codes(result)["A/liar.png"] == ("damaged", {})


def test_tar_gz_bomb_stops_while_streaming():
    err = error_of(make_tar([("A/bomb.png", bytes(48 * 1024 * 1024))]), load_image_tar)
    assert err.code == "bomb"


def test_a_file_over_the_per_file_limit_is_skipped(monkeypatch):
    monkeypatch.setattr(archives, "MAX_FILE_BYTES", 2000)
    big = encode(RNG.integers(0, 256, (80, 80), dtype=np.uint8))  # noise does not compress: > 2000 bytes
    result = load_image_zip(make_zip([*two_classes(), ("A/big.png", big)]))
    assert reasons(result) == {"A/big.png": "too_large"}
    assert codes(result)["A/big.png"] == ("too_large", {"limit": 0})  # "over 0 MB"


def test_the_upload_limit_is_enforced_in_code(tmp_path):
    assert archives.MAX_UPLOAD_BYTES == archives.MAX_UPLOAD_MB * 1024 * 1024
    path = tmp_path / "huge.zip"
    with open(path, "wb") as f:
        f.truncate(archives.MAX_UPLOAD_BYTES + 1)  # sparse: no real disk used
    err = error_of(path)
    assert err.code == "too_big"
    assert err.params["limit"] == archives.MAX_UPLOAD_MB
    assert f"{err.params['size']:,.1f}" == f"{archives.MAX_UPLOAD_MB:,}.0"  # as the message shows it
    with open(path, "rb") as f:
        assert error_of(f).code == "too_big"


def test_the_code_limit_is_the_one_in_streamlit_config():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == archives.MAX_UPLOAD_MB


def test_too_many_entries_is_refused_before_zipfile_parses_them(monkeypatch):
    data = make_zip([(f"{c}/{i}.png", b"x") for c in "AB" for i in range(60)])
    monkeypatch.setattr(archives, "MAX_ENTRIES", 100)

    def no_parse(*args, **kwargs):
        raise AssertionError("zipfile should not have parsed the central directory")

    monkeypatch.setattr(archives.zipfile, "ZipFile", no_parse)
    err = error_of(data)
    assert err.code == "too_many_files" and err.params == {"limit": 100}


@pytest.mark.slow  # archives of many entries
def test_many_empty_entries_are_too_many_files_not_a_bomb_in_tar_and_zip(monkeypatch):
    """Issue 9 #12: 100,001 empty files in a tar.gz were called a zip bomb (their 512-byte headers
    compress ~100:1). Here 40,001 entries over a limit of 40,000 (the same headers, 20 MB of them)."""
    monkeypatch.setattr(archives, "MAX_ENTRIES", 40_000)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as t:
        info = tarfile.TarInfo("A/x.png")
        for i in range(40_001):
            info.name = f"A/{i}.png"
            t.addfile(info)
    data = out.getvalue()
    assert 20 * 2**20 > 100 * len(data)  # dense enough that counting headers as content said "bomb"
    err = error_of(data, load_image_tar)
    assert err.code == "too_many_files" and err.params == {"limit": 40_000}
    zipped = make_zip([(f"A/{i}.png", b"") for i in range(40_001)], zipfile.ZIP_STORED)
    err = error_of(zipped)
    assert err.code == "too_many_files" and err.params == {"limit": 40_000}


@pytest.mark.parametrize(("name_bytes", "code", "params"), [(150_000, "long_header", {"limit": 64}),
                                                          (40_000, "names_too_long", {"limit": 16})])
def test_a_tar_of_very_long_names_is_refused_early_and_holds_no_memory(name_bytes, code, params):
    """Issue 9 #5: 1,200 members with 150 KB names (2 MB as tar.gz) were all kept, names and all:
    +344 MB and 2.5 s of CPU here. One extended header may hold 64 KB (refused from its size, before
    tarfile reads it), all names together 16 MB (what a zip's central directory may), and tarfile's
    own list of members is emptied as the stream goes."""
    import tracemalloc

    data = long_names_tar(1200, name_bytes)
    assert len(data) < 3 * 2**20
    tracemalloc.start()
    try:
        err = error_of(data, load_image_tar)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.code == code and err.params == params
    assert peak < 8 * 2**20, f"{peak / 2**20:.1f} MB"


# --- what is not a plain file, or not the kind of archive asked for ----------------------------


def test_symlinks_are_skipped_in_zip_and_tar():
    link = zipfile.ZipInfo("A/link.png")
    link.create_system = 3
    link.external_attr = 0o120777 << 16
    result = load_image_zip(make_zip([*two_classes(), (link, b"/etc/passwd")]))
    assert reasons(result) == {"A/link.png": "symlink"}
    assert codes(result)["A/link.png"] == ("symlink", {})

    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as t:
        for name, data in two_classes():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        for kind, name in ((tarfile.SYMTYPE, "A/sym.png"), (tarfile.LNKTYPE, "A/hard.png"), (tarfile.FIFOTYPE, "A/f")):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, "A/0.png"
            t.addfile(info)
    result = load_image_tar(out.getvalue())
    assert reasons(result) == {"A/sym.png": "symlink", "A/hard.png": "symlink", "A/f": "special"}


def test_password_protected_members_are_skipped():
    data = png()  # flag bit 0: "encrypted" (zipfile cannot write one, so the header is made by hand)
    result = load_image_zip(hand_made_zip([("A/locked.png", deflate([data]), len(data), zlib.crc32(data), 0x1)]))
    assert reasons(result) == {"A/locked.png": "unreadable"}
    assert codes(result)["A/locked.png"] == ("encrypted", {})


def test_a_file_that_is_not_a_zip_but_is_named_zip(tmp_path):
    for data in (b"this is just text, renamed to .zip", png(), make_tar(two_classes())):
        path = tmp_path / "upload.zip"
        path.write_bytes(data)
        err = error_of(path)
        assert err.code == "not_zip" and err.params == {}
    # the same tar.gz is fine where either kind is accepted
    assert load_image_archive(make_tar(two_classes())).class_names == ("A", "B")
    assert error_of(b"plain text", load_image_archive).code == "not_archive"
    # a zip whose end was cut off (an interrupted upload)
    assert error_of(make_zip(two_classes())[:-30]).code == "not_zip"


def test_tar_climbing_names_and_a_cut_off_download():
    entries = [*two_classes("top/"), ("../evil.png", png()), ("/abs/evil.png", png())]
    result = load_image_tar(make_tar(entries))
    assert reasons(result) == {"../evil.png": "unsafe_name", "/abs/evil.png": "unsafe_name"}
    many = [(f"top/{c}/{i}.png", encode(RNG.integers(0, 256, (28, 28), dtype=np.uint8))) for c in "AB" for i in range(40)]
    data = make_tar(many)
    cut = load_image_tar(data[: len(data) * 2 // 3])
    assert 0 < len(cut.images) < 80
    assert [n.code for n in cut.notices] == ["truncated"]
    assert cut.notices[0].key == "data_notices.truncated" and 0 < cut.notices[0].params["n"] <= 80
    assert error_of(data[:30], load_image_tar).code in ("not_tar", "empty")
    assert error_of(b"not a tar at all", load_image_tar).code == "not_tar"


# --- names as the student typed them ------------------------------------------------------------


class _Cp949Info(zipfile.ZipInfo):
    """What Windows' built-in zip writes in a Korean locale: cp949 bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp949"), self.flag_bits


def test_korean_names_from_a_windows_zip_cp949_without_utf8_flag():
    entries = [(_Cp949Info(f"{c}/{i}.png"), png()) for c in ("고양이", "강아지") for i in range(2)]
    data = make_zip(entries)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not z.infolist()[0].flag_bits & 0x800  # really written without the flag
        assert z.namelist()[0] != "고양이/0.png"  # zipfile alone shows mojibake
    result = load_image_zip(data)
    assert result.class_names == ("강아지", "고양이")
    assert result.files[0] == "강아지/0.png"


def test_korean_names_from_macos_are_decomposed_and_utf8_without_flag_is_read():
    nfd = unicodedata.normalize("NFD", "고양이")

    class Utf8NoFlag(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):
            return self.filename.encode("utf-8"), self.flag_bits

    entries = [(f"{nfd}/0.png", png()), (Utf8NoFlag("고양이/1.png"), png()), ("개/0.png", png())]
    result = load_image_zip(make_zip(entries))
    assert result.class_names == ("개", "고양이")
    assert result.class_counts()["고양이"] == 2


def test_info_zip_unicode_path_field_wins_over_the_raw_name():
    raw = "ÇÜ/x.png".encode("cp437")

    class Cp437Info(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):
            return self.filename.encode("cp437"), self.flag_bits

    info = Cp437Info(raw.decode("cp437"))
    body = b"\x01" + struct.pack("<L", zlib.crc32(raw)) + "가/x.png".encode()
    info.extra = struct.pack("<HH", 0x7075, len(body)) + body
    result = load_image_zip(make_zip([(info, png()), ("나/y.png", png())]))
    assert result.class_names == ("가", "나")


def test_one_zip_may_mix_cp949_utf8_without_flag_and_flagged_names():
    """Why zipfile's metadata_encoding (one encoding per archive) is not used: names are decided one by one."""

    class Utf8NoFlag(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):
            return self.filename.encode("utf-8"), self.flag_bits

    entries = [(_Cp949Info("고양이/0.png"), png()), (Utf8NoFlag("고양이/1.png"), png()), ("개/0.png", png())]
    result = load_image_zip(make_zip(entries))
    assert result.class_counts() == {"개": 1, "고양이": 2}


# --- the house rules -----------------------------------------------------------------------------


def test_no_tensorflow_no_streamlit_and_the_datasets_reexport():
    code = (
        "import sys, cnnlib.archives, cnnlib.images, cnnlib.image_folders, cnnlib.datasets as d;"
        "assert d.load_image_zip is cnnlib.image_folders.load_image_zip;"
        "assert d.load_image is cnnlib.images.load_image;"
        "assert cnnlib.image_folders.DatasetError is d.DatasetError;"
        "bad = [m for m in ('tensorflow', 'keras', 'streamlit', 'plotly') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.path.dirname(os.path.dirname(__file__)))


@pytest.mark.parametrize("kind", ["zip", "gzip", "bz2", "xz", "tar"])
def test_the_kind_is_told_from_the_first_bytes(kind):
    data = {"zip": make_zip(two_classes()), "gzip": make_tar(two_classes()), "bz2": make_tar(two_classes(), "w:bz2"),
            "xz": make_tar(two_classes(), "w:xz"), "tar": make_tar(two_classes(), "w")}[kind]
    assert archives.sniff(io.BytesIO(data)) == kind
    assert archives.sniff(io.BytesIO(b"hello")) == "unknown"
