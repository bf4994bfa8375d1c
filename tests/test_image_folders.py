"""cnnlib.image_folders: every archive here is generated in memory, one per case of issue 5.

Each case asserts its outcome: the images that load, or the reason code and the exact
message (Korean and English) a student would read.
"""

from __future__ import annotations

import builtins
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
from PIL import Image

from cnnlib import image_folders as imf
from cnnlib.errors import LessonError
from cnnlib.image_folders import (
    DatasetError,
    load_image,
    load_image_archive,
    load_image_tar,
    load_image_zip,
)

RNG = np.random.default_rng(7)


# --- builders ---------------------------------------------------------------------------


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


def error_of(source, loader=load_image_zip) -> DatasetError:
    with pytest.raises(DatasetError) as info:
        loader(source)
    err = info.value
    assert isinstance(err, LessonError)
    assert err.text("ko") and err.text("en") and err.text("ko") != err.text("en")
    return err


# --- what a good archive gives ----------------------------------------------------------


def test_class_folders_at_the_root_give_the_lectures_tensor():
    result = load_image_zip(make_zip(two_classes()))
    assert result.images.shape == (6, 28, 28, 1)
    assert result.images.dtype == np.uint8
    assert result.class_names == ("A", "B")
    assert result.labels.tolist() == ["A"] * 3 + ["B"] * 3
    assert result.label_indices.tolist() == [0, 0, 0, 1, 1, 1]
    assert result.class_counts() == {"A": 3, "B": 3}
    assert result.files[0] == "A/0.png"
    assert result.skipped == () and result.notices == () and result.root == ""
    # a 28×28 grey PNG comes back pixel for pixel
    np.testing.assert_array_equal(result.images[4, :, :, 0], letter(110))
    as_float = result.as_float()
    assert as_float.dtype == np.float32 and as_float.max() == pytest.approx(120 / 255)


def test_class_folders_inside_one_top_level_folder():
    result = load_image_zip(make_zip(two_classes("notMNIST_small/")))
    assert result.class_names == ("A", "B") and result.root == "notMNIST_small"
    deeper = load_image_zip(make_zip(two_classes("data/letters/")))
    assert deeper.class_names == ("A", "B") and deeper.root == "data/letters"


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


def test_pd_get_dummies_columns_are_the_class_names():
    import pandas as pd
    result = load_image_zip(make_zip(two_classes()))
    assert tuple(pd.get_dummies(result.labels).columns) == result.class_names


# --- hostile and broken input -------------------------------------------------------------


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


def test_hand_made_zip_is_a_valid_zip():
    assert load_image_zip(hand_made_zip([])).class_names == ("A", "B")


def test_zip_bomb_one_member_stops_while_streaming():
    # 64 MB of zeros deflates to ~64 KB: the ratio check fires after 16 MB came out, not after 64
    zeros = bytes(1024 * 1024)
    crc = 0
    for _ in range(64):
        crc = zlib.crc32(zeros, crc)
    err = error_of(hand_made_zip([("A/bomb.png", deflate([zeros] * 64), 64 * 1024 * 1024, crc)]))
    assert err.code == "bomb"
    assert err.en == "It unpacks to more than 256 MB or 100× its own size: reading stopped, as it may be a zip bomb."
    assert err.ko == "압축을 풀면 256 MB 또는 원래 크기의 100배를 넘습니다: 압축 폭탄일 수 있어 읽기를 멈췄습니다."


def test_zip_bomb_many_members_and_header_sizes_are_not_trusted():
    members = [(f"A/{i}.png", bytes(5 * 1024 * 1024)) for i in range(8)]  # 40 MB → ~40 KB
    assert error_of(make_zip(members)).code == "bomb"
    # headers that say "100 bytes" (and "0 bytes") for 8 MB: reading stops at the claimed size,
    # the CRC check fails, and the member is skipped as damaged — never read past what was claimed
    liar = [("A/liar.png", deflate([bytes(8 * 1024 * 1024)]), 100, 0), ("B/zero.png", deflate([png()]), 0, 0)]
    result = load_image_zip(hand_made_zip(liar))
    assert reasons(result) == {"A/liar.png": "unreadable", "B/zero.png": "unreadable"}
    assert result.skipped[0].text("en") == "its compressed data is damaged"


def test_tar_gz_bomb_stops_while_streaming():
    err = error_of(make_tar([("A/bomb.png", bytes(48 * 1024 * 1024))]), load_image_tar)
    assert err.code == "bomb"


def test_climbing_and_absolute_names_are_skipped_and_nothing_is_written(monkeypatch, tmp_path):
    entries = two_classes() + [
        ("../evil.png", png()),
        ("A/../../evil2.png", png()),
        ("/etc/evil3.png", png()),
        ("C:\\Windows\\evil4.png", png()),
    ]
    data = make_zip(entries)
    real_open = builtins.open

    def read_only_open(file, mode="r", *args, **kwargs):
        assert not any(m in mode for m in "wax+"), f"tried to write {file!r}"
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only_open)
    monkeypatch.chdir(tmp_path)
    result = load_image_zip(data)
    assert result.class_names == ("A", "B") and len(result.images) == 6
    assert set(reasons(result).values()) == {"unsafe_name"} and len(result.skipped) == 4
    skip = result.skipped[0]
    assert skip.text("en") == "unsafe path (../ or an absolute path)"
    assert skip.text("ko") == "안전하지 않은 경로입니다 (../ 또는 절대 경로)"
    assert list(tmp_path.iterdir()) == []


def test_symlinks_are_skipped_in_zip_and_tar():
    link = zipfile.ZipInfo("A/link.png")
    link.create_system = 3
    link.external_attr = 0o120777 << 16
    result = load_image_zip(make_zip([*two_classes(), (link, b"/etc/passwd")]))
    assert reasons(result) == {"A/link.png": "symlink"}
    assert result.skipped[0].text("en") == "a link, not a real file"

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


def test_nested_folders_and_loose_files_are_skipped_with_their_reason():
    result = load_image_zip(make_zip([*two_classes(), ("A/deeper/x.png", png()), ("loose.png", png())]))
    assert reasons(result) == {"A/deeper/x.png": "nested_folder", "loose.png": "no_class_folder"}
    texts = {s.name: s.text("en") for s in result.skipped}
    assert texts["A/deeper/x.png"].startswith("inside a sub-folder of a class folder")
    assert texts["loose.png"].startswith("not inside a class folder")


def test_system_files_are_skipped():
    junk = ["__MACOSX/A/._0.png", "A/.DS_Store", "B/Thumbs.db", "A/._1.png", "desktop.ini", ".git/config"]
    result = load_image_zip(make_zip([*two_classes(), *[(name, b"\x00\x05junk") for name in junk]]))
    assert reasons(result) == dict.fromkeys(junk, "system_file")
    assert result.skipped[0].text("ko").startswith("시스템 파일")
    assert len(result.images) == 6


def test_non_image_corrupt_and_truncated_files_are_skipped():
    good = png()
    entries = [
        *two_classes(),
        ("A/notes.txt", b"hello, these are my notes"),
        ("A/garbage.png", bytes(RNG.integers(0, 256, 500, dtype=np.uint8))),
        ("A/truncated.png", encode(RNG.integers(0, 256, (28, 28), dtype=np.uint8))[:200]),
        ("B/cut.jpg", encode(RNG.integers(0, 256, (64, 64), dtype=np.uint8), "JPEG")[:300]),
        ("B/ok.png", good),
    ]
    result = load_image_zip(make_zip(entries))
    assert reasons(result) == {
        "A/notes.txt": "not_image",
        "A/garbage.png": "unreadable",
        "A/truncated.png": "unreadable",
        "B/cut.jpg": "unreadable",
    }
    texts = {s.name: (s.text("ko"), s.text("en")) for s in result.skipped}
    assert texts["A/notes.txt"] == ("이미지가 아닙니다 (Pillow가 읽을 수 있는 형식이 아님)", "not an image (no format Pillow can read)")
    assert texts["A/garbage.png"] == ("이미지를 읽을 수 없습니다 (손상되었거나 잘린 파일)", "unreadable image (corrupt or truncated)")
    assert "B/ok.png" in result.files


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width×height but carries almost no data (a decompression bomb's header)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">L", len(body)) + kind + body + struct.pack(">L", zlib.crc32(kind + body))

    ihdr = struct.pack(">LLBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(bytes(width + 1))  # one row; decoding would fail long after allocating
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_huge_dimensions_are_refused_before_decoding():
    entries = [*two_classes(), ("A/big.png", _png_header_only(10_000, 5_000)), ("A/vast.png", _png_header_only(60_000, 60_000))]
    result = load_image_zip(make_zip(entries))
    assert reasons(result) == {"A/big.png": "too_large", "A/vast.png": "too_large"}
    texts = {s.name: s.text("en") for s in result.skipped}
    assert texts["A/big.png"] == "image too large: 10000×5000 pixels (at most 25 megapixels)"
    assert texts["A/vast.png"] == "image too large (at most 25 megapixels)"


def test_a_file_over_the_per_file_limit_is_skipped(monkeypatch):
    monkeypatch.setattr(imf, "MAX_FILE_BYTES", 2000)
    big = encode(RNG.integers(0, 256, (80, 80), dtype=np.uint8))  # noise does not compress: > 2000 bytes
    result = load_image_zip(make_zip([*two_classes(), ("A/big.png", big)]))
    assert reasons(result) == {"A/big.png": "too_large"}
    assert result.skipped[0].text("en") == "file too large (over 0 MB)"


def test_16_bit_cmyk_palette_and_1_bit_images_become_grey():
    ramp16 = (np.arange(28 * 28).reshape(28, 28) * 83).astype(np.uint16)  # up to 65,071
    cmyk = Image.new("CMYK", (28, 28), (0, 0, 0, 0))  # white paper
    cmyk.paste((0, 0, 0, 255), (10, 4, 18, 24))  # black ink
    palette = Image.fromarray(letter(200)).convert("P")
    bilevel = Image.fromarray(letter(255)).convert("1")
    entries = [
        ("A/16bit.png", encode(Image.fromarray(ramp16))),
        ("A/cmyk.jpg", encode(cmyk, "JPEG", quality=95)),
        ("A/cmyk.tif", encode(cmyk, "TIFF")),
        ("B/palette.png", encode(palette)),
        ("B/bilevel.png", encode(bilevel)),
        ("B/rgb.webp", encode(Image.fromarray(letter(255)).convert("RGB"), "WEBP", lossless=True)),
    ]
    result = load_image_zip(make_zip(entries))
    assert result.skipped == ()
    pictures = {name: result.images[i, :, :, 0].astype(int) for i, name in enumerate(result.files)}
    # 16-bit is scaled by 257, not clipped at 255
    np.testing.assert_allclose(pictures["A/16bit.png"], np.rint(ramp16 / 257), atol=1)
    assert pictures["A/16bit.png"].min() == 0 and pictures["A/16bit.png"].max() == 253
    for name in ("A/cmyk.jpg", "A/cmyk.tif"):  # black ink on white paper, both ends visible
        assert pictures[name][14, 14] < 30 and pictures[name][2, 2] > 225, name
    np.testing.assert_array_equal(pictures["B/palette.png"], letter(200))
    np.testing.assert_array_equal(pictures["B/bilevel.png"], letter(255))
    np.testing.assert_array_equal(pictures["B/rgb.webp"], letter(255))


def test_transparent_letters_stay_visible():
    mask = letter(255)
    dark_ink = np.zeros((28, 28, 4), np.uint8)
    dark_ink[..., 3] = mask  # black letter on a clear background
    light_ink = np.full((28, 28, 4), 255, np.uint8)
    light_ink[..., 3] = mask  # white letter on a clear background
    la = Image.fromarray(np.stack([np.zeros_like(mask), mask], axis=-1), "LA")
    palette = Image.fromarray(dark_ink, "RGBA").convert("P")  # a palette with a transparent entry
    entries = [
        ("A/dark.png", encode(Image.fromarray(dark_ink, "RGBA"))),
        ("A/light.png", encode(Image.fromarray(light_ink, "RGBA"))),
        ("B/la.png", encode(la)),
        ("B/palette.gif", encode(palette, "GIF", transparency=palette.info.get("transparency", 0))),
    ]
    result = load_image_zip(make_zip(entries))
    assert result.skipped == ()
    pictures = {name: result.images[i, :, :, 0] for i, name in enumerate(result.files)}
    np.testing.assert_array_equal(pictures["A/dark.png"], 255 - mask)  # black ink → white paper
    np.testing.assert_array_equal(pictures["A/light.png"], mask)  # white ink → black paper
    np.testing.assert_array_equal(pictures["B/la.png"], 255 - mask)
    gif = pictures["B/palette.gif"].astype(int)
    assert gif[14, 14] < 30 and gif[0, 0] > 225  # the letter is dark on light, not lost in black


def test_any_size_keeps_its_aspect_ratio_and_is_padded_with_its_background():
    wide = np.zeros((40, 80), np.uint8)
    wide[5:35, 5:75] = 255  # a white bar with a black frame, twice as wide as high
    photo = RNG.integers(0, 256, (1200, 1800, 3), dtype=np.uint8)
    paper = np.full((10, 30), 255, np.uint8)
    paper[3:7, 10:20] = 0  # small, black on white: padding must be white, not black
    entries = [
        ("A/wide.png", encode(wide)),
        ("A/photo.jpg", encode(photo, "JPEG")),
        ("B/paper.bmp", encode(paper, "BMP")),
        ("B/tiny.png", encode(np.full((3, 3), 200, np.uint8))),
    ]
    result = load_image_zip(make_zip(entries))
    assert result.skipped == ()
    pictures = {name: result.images[i, :, :, 0] for i, name in enumerate(result.files)}
    w = pictures["A/wide.png"]
    assert (w[:7] == 0).all() and (w[21:] == 0).all()  # 28×14 picture, 7 rows of padding above and below
    assert (w[11:17, 4:24] > 200).all()
    assert pictures["A/photo.jpg"].shape == (28, 28)
    p = pictures["B/paper.bmp"]
    assert (p[:9] == 255).all() and (p[19:] == 255).all() and p[14, 14] < 50
    assert (pictures["B/tiny.png"] == 200).all()  # grown to 28×28, no padding needed


def test_an_empty_zip_and_a_zip_of_folders_only():
    for data in (make_zip([]), make_zip([("A/", b""), ("B/", b"")]), b""):
        err = error_of(data)
        assert err.code == "empty"
        assert (err.ko, err.en) == ("압축 파일이 비어 있습니다.", "The archive is empty.")


def test_nothing_readable_says_what_was_skipped():
    err = error_of(make_zip([("A/a.txt", b"text"), ("B/.DS_Store", b"x")]))
    assert err.code == "no_images"
    assert err.en == "No readable images were found (2 files skipped: not_image ×1, system_file ×1)."
    assert err.ko == "읽을 수 있는 이미지가 없습니다 (건너뛴 파일 2개: not_image ×1, system_file ×1)."
    assert reasons(err) == {"A/a.txt": "not_image", "B/.DS_Store": "system_file"}


def test_images_without_folders():
    err = error_of(make_zip([("0.png", png()), ("1.png", png())]))
    assert err.code == "no_class_folders"
    assert err.en.startswith("The images are not in folders")


def test_one_class_only():
    for prefix in ("", "top/"):
        err = error_of(make_zip([(f"{prefix}A/{i}.png", png()) for i in range(3)]))
        assert err.code == "one_class"
        assert err.en == "Only one class ('A'): a classifier needs at least two class folders."
        assert err.ko == "클래스가 하나뿐입니다 ('A'): 분류하려면 클래스 폴더가 2개 이상 있어야 합니다."


def test_a_class_with_one_image_loads_with_a_notice():
    result = load_image_zip(make_zip([*two_classes(), ("C/only.png", png())]))
    assert result.class_counts() == {"A": 3, "B": 3, "C": 1}
    assert [n.code for n in result.notices] == ["small_class"]
    assert result.notices[0].text("en") == "Class 'C' has only 1 image(s): too few to both train and test on."
    assert result.notices[0].text("ko") == "클래스 'C'에는 이미지가 1장뿐입니다: 학습과 평가에 모두 쓰기에는 부족합니다."


def test_more_than_50_classes():
    tiny = png()
    fifty = load_image_zip(make_zip([(f"c{i:02d}/x.png", tiny) for i in range(50)]))
    assert len(fifty.class_names) == 50
    err = error_of(make_zip([(f"c{i:02d}/x.png", tiny) for i in range(51)]))
    assert err.code == "too_many_classes"
    assert (err.ko, err.en) == ("클래스가 51개입니다: 최대 50개까지 쓸 수 있습니다.", "51 classes: at most 50 can be used.")


def test_a_file_that_is_not_a_zip_but_is_named_zip(tmp_path):
    for data in (b"this is just text, renamed to .zip", png(), make_tar(two_classes())):
        path = tmp_path / "upload.zip"
        path.write_bytes(data)
        err = error_of(path)
        assert err.code == "not_zip"
        assert err.en.startswith("This is not a zip file")
    # the same tar.gz is fine where either kind is accepted
    assert load_image_archive(make_tar(two_classes())).class_names == ("A", "B")
    assert error_of(b"plain text", load_image_archive).code == "not_archive"
    # a zip whose end was cut off (an interrupted upload)
    assert error_of(make_zip(two_classes())[:-30]).code == "not_zip"


def test_names_differing_only_by_case():
    entries = [("cat/x.png", png()), ("Cat/y.png", png()), ("dog/a.png", png()), ("dog/A.png", png(9))]
    result = load_image_zip(make_zip(entries))
    assert result.class_names == ("Cat", "cat", "dog")
    assert result.class_counts() == {"Cat": 1, "cat": 1, "dog": 2}  # two files a.png/A.png: both kept
    clash = [n for n in result.notices if n.code == "case_clash"]
    assert clash[0].text("en").startswith("Class names 'Cat', 'cat' differ only by case")
    # the very same name twice in one archive: the first one is used
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = make_zip([*two_classes(), ("A/0.png", png(1))])
    assert reasons(load_image_zip(data)) == {"A/0.png": "duplicate_name"}


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


def test_password_protected_members_are_skipped():
    data = png()  # flag bit 0: "encrypted" (zipfile cannot write one, so the header is made by hand)
    result = load_image_zip(hand_made_zip([("A/locked.png", deflate([data]), len(data), zlib.crc32(data), 0x1)]))
    assert reasons(result) == {"A/locked.png": "unreadable"}
    assert result.skipped[0].text("en") == "password-protected"


def test_the_upload_limit_is_enforced_in_code(tmp_path):
    assert imf.MAX_UPLOAD_BYTES == imf.MAX_UPLOAD_MB * 1024 * 1024
    path = tmp_path / "huge.zip"
    with open(path, "wb") as f:
        f.truncate(imf.MAX_UPLOAD_BYTES + 1)  # sparse: no real disk used
    err = error_of(path)
    assert err.code == "too_big"
    assert err.en == f"The file is {imf.MAX_UPLOAD_MB:,}.0 MB; the upload limit is {imf.MAX_UPLOAD_MB} MB."
    assert err.ko == f"파일이 {imf.MAX_UPLOAD_MB:,}.0 MB입니다: 업로드 한도는 {imf.MAX_UPLOAD_MB} MB입니다."
    with open(path, "rb") as f:
        assert error_of(f).code == "too_big"


def test_too_many_entries_is_refused_before_zipfile_parses_them(monkeypatch):
    data = make_zip([(f"{c}/{i}.png", b"x") for c in "AB" for i in range(60)])
    monkeypatch.setattr(imf, "MAX_ENTRIES", 100)

    def no_parse(*args, **kwargs):
        raise AssertionError("zipfile should not have parsed the central directory")

    monkeypatch.setattr(imf.zipfile, "ZipFile", no_parse)
    err = error_of(data)
    assert err.code == "too_many_files" and err.en == "The archive holds too many files (at most 100)."


# --- notMNIST's tar.gz goes through the same checks -----------------------------------------


def test_notmnist_tar_gz_layout():
    entries = [(f"notMNIST_small/{c}/{c}{i}.png", png(20 * i + 5)) for c in "ABCDEFGHIJ" for i in range(3)]
    entries += [("notMNIST_small/A/broken.png", b"\x89PNG\r\n\x1a\n broken"), ("notMNIST_small/B/.DS_Store", b"x")]
    result = load_image_tar(make_tar(entries))
    assert result.images.shape == (30, 28, 28, 1)
    assert result.class_names == tuple("ABCDEFGHIJ") and result.root == "notMNIST_small"
    assert reasons(result) == {"notMNIST_small/A/broken.png": "unreadable", "notMNIST_small/B/.DS_Store": "system_file"}
    for mode in ("w:bz2", "w:xz", "w"):
        assert load_image_tar(make_tar(entries, mode)).images.shape == (30, 28, 28, 1)


def test_tar_climbing_names_and_a_cut_off_download():
    entries = [*two_classes("top/"), ("../evil.png", png()), ("/abs/evil.png", png())]
    result = load_image_tar(make_tar(entries))
    assert reasons(result) == {"../evil.png": "unsafe_name", "/abs/evil.png": "unsafe_name"}
    many = [(f"top/{c}/{i}.png", encode(RNG.integers(0, 256, (28, 28), dtype=np.uint8))) for c in "AB" for i in range(40)]
    data = make_tar(many)
    cut = load_image_tar(data[: len(data) * 2 // 3])
    assert 0 < len(cut.images) < 80
    assert [n.code for n in cut.notices] == ["truncated"]
    assert cut.notices[0].text("en").startswith("The archive is cut short")
    assert error_of(data[:30], load_image_tar).code in ("not_tar", "empty")
    assert error_of(b"not a tar at all", load_image_tar).code == "not_tar"


# --- one picture (the page's "predict my image") ---------------------------------------------


def test_load_image_single_picture():
    picture = load_image(encode(np.full((50, 100), 255, np.uint8)))
    assert picture.shape == (28, 28, 1) and picture.dtype == np.uint8
    assert error_of(b"text", load_image).code == "image_not_image"
    assert error_of(_png_header_only(9000, 9000), load_image).en == "The image is too large (at most 25 megapixels)."
    assert error_of(png()[:60], load_image).code == "image_unreadable"


# --- the house rules -----------------------------------------------------------------------


def test_no_tensorflow_no_streamlit_and_the_datasets_reexport():
    code = (
        "import sys, cnnlib.image_folders, cnnlib.datasets as d;"
        "assert d.load_image_zip is cnnlib.image_folders.load_image_zip;"
        "assert issubclass(cnnlib.image_folders.DatasetError, d.DatasetError);"
        "bad = [m for m in ('tensorflow', 'keras', 'streamlit', 'plotly') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.path.dirname(os.path.dirname(__file__)))


# --- from a folder set to a training run ---------------------------------------------------


def test_to_dataset_splits_each_class_and_names_the_content():
    from cnnlib.datasets import get_dataset
    from cnnlib.image_folders import register_for_training, to_dataset

    entries = [(f"{c}/{i}.png", png(i + 10 * k)) for k, c in enumerate("ABC") for i in range(10)]
    entries.append(("D/only.png", png(7)))
    folder_set = load_image_zip(make_zip(entries))
    data = to_dataset(folder_set, "upload")
    assert data.name.startswith("images-") and data.source == "upload"
    assert data.class_names == ("A", "B", "C", "D")
    assert data.x_train.shape[1:] == (28, 28) and data.x_train.dtype == np.uint8
    assert np.bincount(data.y_test, minlength=4).tolist() == [2, 2, 2, 0]  # 20 % of each, none of a lone image
    assert np.bincount(data.y_train, minlength=4).tolist() == [8, 8, 8, 1]
    # nothing lost, nothing twice
    every = np.concatenate([data.x_train, data.x_test]).reshape(31, -1)
    assert len({row.tobytes() for row in every}) == len({img.tobytes() for img in folder_set.images})
    # the same content and seed → the same name and split; another seed → another name
    again = to_dataset(load_image_zip(make_zip(entries)), "upload")
    assert again.name == data.name and np.array_equal(again.x_test, data.x_test)
    assert to_dataset(folder_set, "upload", seed=1).name != data.name
    registered = register_for_training(folder_set, "upload")
    assert get_dataset(registered.name) is registered


def test_match_background_inverts_a_picture_drawn_the_other_way_round():
    from cnnlib.image_folders import match_background

    white_on_black = np.stack([letter()[..., None]] * 3)
    black_on_white = 255 - letter()[..., None]
    fixed, inverted = match_background(black_on_white, white_on_black)
    assert inverted and np.array_equal(fixed[..., 0], letter())
    same, inverted = match_background(letter()[..., None], white_on_black)
    assert not inverted and np.array_equal(same[..., 0], letter())


def test_with_classes_per_class_accuracy_and_probabilities():
    from cnnlib.architecture import count_params, preset
    from cnnlib.image_folders import per_class_accuracy, probabilities, with_classes

    stack, shape = preset("lenet5")
    four = with_classes(stack, 4)
    assert four[-1] == {"type": "Dense", "units": 4, "activation": "softmax"} and stack[-1]["units"] == 10
    assert count_params(stack, shape) - count_params(four, shape) == 6 * (84 + 1)  # 61,706 − 6 outputs' weights
    assert with_classes([{"type": "Flatten"}], 3)[-1]["units"] == 3
    np.testing.assert_allclose(per_class_accuracy([[3, 1], [0, 0]]), [0.75, np.nan])
    np.testing.assert_allclose(probabilities([[0.2, 0.8]]), [[0.2, 0.8]])
    np.testing.assert_allclose(probabilities([[0.0, np.log(3.0)]]), [[0.25, 0.75]])


def test_only_the_most_recent_own_data_sets_stay_registered(monkeypatch):
    from cnnlib.datasets import get_dataset
    from cnnlib.image_folders import register_for_training

    monkeypatch.setattr(imf, "MAX_REGISTERED", 2)
    monkeypatch.setattr(imf, "_registered", imf.OrderedDict())
    names = [register_for_training(load_image_zip(make_zip(two_classes(n=n))), "upload").name for n in (2, 3, 4)]
    assert get_dataset(names[2]).name == names[2] and get_dataset(names[1]).name == names[1]
    with pytest.raises(DatasetError) as info:
        get_dataset(names[0])
    assert info.value.code == "forgotten" and info.value.en.startswith("This data set is no longer in memory")


def test_the_code_limit_is_the_one_in_streamlit_config():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == imf.MAX_UPLOAD_MB
