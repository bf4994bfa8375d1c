"""Lecture §7, your own images: a folder tree (label = folder name) → images (N, 28, 28, 1).

The lecture reads notMNIST with ``glob`` + ``plt.imread`` and names each picture after its
folder. Here the same tree arrives as an upload (a .zip) or as notMNIST's .tar.gz, so the
reader must also survive anything a student (or a stranger) can put in an archive:

- nothing is ever written to disk: members are read one at a time, in memory, in chunks;
- a zip bomb is caught WHILE streaming, by counting the bytes that really come out
  (the sizes in the headers are never trusted);
- every file that is not used is listed with its reason (``SkippedFile``), in Korean and English;
- an archive that cannot be used at all raises ``DatasetError``: a subclass of
  ``cnnlib.datasets.DatasetError`` (itself a ``LessonError``), so one ``except`` catches MNIST
  and archive problems alike.

Images come back as **uint8, 0–255, shape (N, 28, 28, 1)**, pixels as the picture has them
(notMNIST: a white letter on black). ``ImageFolderSet.as_float()`` gives float32 in [0, 1],
which is what ``plt.imread`` gives the lecture for a PNG.

numpy + Pillow only: no TensorFlow here.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import os
import re
import stat
import struct
import tarfile
import threading
import unicodedata
import zipfile
import zlib
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
from PIL import Image, UnidentifiedImageError

from cnnlib.datasets import Dataset, register_dataset
from cnnlib.datasets import DatasetError as _AnyDatasetError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

SIZE = 28  # the lecture's images are 28×28

# --- Limits (each one is a message a student can read, never a crash) ---------------------
MAX_UPLOAD_MB = 50  # = .streamlit/config.toml [server] maxUploadSize (a test keeps them equal)
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # all members together, as really decompressed
MAX_RATIO = 100  # unpacked bytes / archive bytes, checked once RATIO_FLOOR_BYTES came out
RATIO_FLOOR_BYTES = 16 * 1024 * 1024  # small archives of BMPs may compress well: no ratio below this
MAX_FILE_BYTES = 32 * 1024 * 1024  # one image file
MAX_IMAGE_PIXELS = 25_000_000  # width × height, checked from the header BEFORE decoding
MAX_ENTRIES = 100_000  # files in one archive (notMNIST_small has 18,724)
MAX_CENTRAL_DIRECTORY_BYTES = 16 * 1024 * 1024  # what zipfile would parse into memory up front
MAX_CLASSES = 50
MIN_IMAGES_PER_CLASS = 2  # fewer: a notice (it cannot be both trained and tested on)
_CHUNK = 1024 * 1024

# Every format Pillow can open, except EPS: Pillow hands EPS to Ghostscript (a subprocess).
# Pillow tries them in this order, so the common ones go first (PNG first: ~2× faster opens).
Image.init()
_COMMON = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP")
_FORMATS = tuple(f for f in _COMMON if f in Image.OPEN) + tuple(
    sorted(f for f in Image.OPEN if f not in _COMMON and f != "EPS")
)

_SYSTEM_NAMES = {".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r", ".localized"}
_SYSTEM_FOLDERS = {"__macosx", "@eadir", "$recycle.bin", "system volume information", ".trashes"}
_IMAGE_SUFFIXES = {
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".dib", ".tif", ".tiff", ".webp", ".ppm", ".pgm",
    ".pbm", ".pnm", ".ico", ".tga", ".psd", ".jp2", ".j2k", ".avif", ".qoi", ".pcx", ".sgi",
}  # fmt: skip


class DatasetError(_AnyDatasetError):
    """An archive that cannot be used at all; ``code`` says why, ``skipped`` what was left out.

    >>> DatasetError("empty", ko="비어 있음", en="empty").code
    'empty'
    """

    def __init__(self, code: str, ko: str, en: str, skipped: tuple[SkippedFile, ...] = ()):
        super().__init__(ko=ko, en=en)
        self.code = code
        self.skipped = tuple(skipped)


@dataclass(frozen=True)
class SkippedFile:
    """One file of the archive that is not in the data set, and why (``reason`` is a code)."""

    name: str
    reason: str  # system_file, not_image, unreadable, too_large, unsafe_name, symlink, ...
    ko: str
    en: str

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class Notice:
    """Something the student should know before training (the data set is still usable)."""

    code: str  # small_class, case_clash, truncated
    ko: str
    en: str

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass
class ImageFolderSet:
    """A folder tree read as the lecture reads notMNIST: one picture per row, label = folder name.

    images: (N, 28, 28, 1) uint8 0–255 · labels: (N,) class names · class_names: sorted, as
    ``pd.get_dummies(labels)`` orders its columns · files: the archive name of each image.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    files: tuple[str, ...]
    skipped: tuple[SkippedFile, ...] = ()
    notices: tuple[Notice, ...] = ()
    root: str = ""  # the top-level folder the class folders sit in ("" = at the root)
    extra: dict = field(default_factory=dict)

    def as_float(self) -> np.ndarray:
        """The images as float32 in [0, 1] (what ``plt.imread`` gives for a PNG), shape (N, 28, 28, 1)."""
        return self.images.astype(np.float32) / np.float32(255)

    @property
    def label_indices(self) -> np.ndarray:
        """Each image's class as its index in ``class_names``: (N,) int64."""
        index = {name: i for i, name in enumerate(self.class_names)}
        return np.array([index[label] for label in self.labels], dtype=np.int64)

    def class_counts(self) -> dict[str, int]:
        counts = Counter(self.labels.tolist())
        return {name: counts[name] for name in self.class_names}

    def skipped_by_reason(self) -> dict[str, int]:
        return dict(Counter(s.reason for s in self.skipped))


# --- Messages ---------------------------------------------------------------------------

_SKIP_TEXT = {
    "system_file": (
        "시스템 파일 (macOS·Windows가 만든 숨은 파일)",
        "a system file (a hidden file made by macOS or Windows)",
    ),
    "not_image": (
        "이미지가 아닙니다 (Pillow가 읽을 수 있는 형식이 아님)",
        "not an image (no format Pillow can read)",
    ),
    "unreadable": ("이미지를 읽을 수 없습니다 (손상되었거나 잘린 파일)", "unreadable image (corrupt or truncated)"),
    "damaged": ("압축된 데이터가 손상되었습니다", "its compressed data is damaged"),
    "encrypted": ("암호가 걸린 파일입니다", "password-protected"),
    "unsupported": ("이 압축 방식은 읽을 수 없습니다", "compressed with a method that cannot be read"),
    "too_large": ("파일이 너무 큽니다 ({limit} MB 초과)", "file too large (over {limit} MB)"),
    "too_many_pixels": (
        "이미지가 너무 큽니다: {w}×{h} 픽셀 (최대 {limit} 메가픽셀)",
        "image too large: {w}×{h} pixels (at most {limit} megapixels)",
    ),
    "too_many_pixels_header": (
        "이미지가 너무 큽니다 (최대 {limit} 메가픽셀)",
        "image too large (at most {limit} megapixels)",
    ),
    "unsafe_name": ("안전하지 않은 경로입니다 (../ 또는 절대 경로)", "unsafe path (../ or an absolute path)"),
    "symlink": ("링크입니다 (실제 파일이 아님)", "a link, not a real file"),
    "special": ("일반 파일이 아닙니다", "not a regular file"),
    "nested_folder": (
        "클래스 폴더 안의 하위 폴더에 있습니다 (클래스 폴더 바로 아래의 파일만 씁니다)",
        "inside a sub-folder of a class folder (only files directly in a class folder are used)",
    ),
    "no_class_folder": (
        "클래스 폴더 밖에 있습니다 (라벨로 쓸 폴더 이름이 없음)",
        "not inside a class folder (no folder name to use as its label)",
    ),
    "duplicate_name": (
        "같은 이름이 압축 파일에 두 번 들어 있습니다 (앞의 것만 씁니다)",
        "the same name appears twice in the archive (the first one is used)",
    ),
}
# Several detailed texts share one reason code, so a report can group them in four plain words.
_SKIP_CODE = {"damaged": "unreadable", "encrypted": "unreadable", "unsupported": "unreadable",
              "too_many_pixels": "too_large", "too_many_pixels_header": "too_large"}  # fmt: skip


def _skip(name: str, what: str, **fmt) -> SkippedFile:
    ko, en = _SKIP_TEXT[what]
    return SkippedFile(name, _SKIP_CODE.get(what, what), ko.format(**fmt), en.format(**fmt))


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f}"


def _error(code: str, skipped=(), **fmt) -> DatasetError:
    ko, en = _ERROR_TEXT[code]
    return DatasetError(code, ko.format(**fmt), en.format(**fmt), skipped)


_ERROR_TEXT = {
    "too_big": (
        "파일이 {size} MB입니다: 업로드 한도는 {limit} MB입니다.",
        "The file is {size} MB; the upload limit is {limit} MB.",
    ),
    "not_zip": (
        "zip 파일이 아닙니다 (이름만 .zip이거나 손상된 파일입니다). 클래스별 폴더를 zip으로 압축해 올려 주세요.",
        "This is not a zip file (it is only named .zip, or it is damaged). Upload a zip of class folders.",
    ),
    "not_tar": (
        "tar.gz 파일이 아닙니다 (이름만 .tar.gz이거나 손상된 파일입니다).",
        "This is not a tar.gz file (it is only named so, or it is damaged).",
    ),
    "not_archive": (
        "zip이나 tar.gz 압축 파일이 아닙니다. 클래스별 폴더를 zip으로 압축해 올려 주세요.",
        "This is neither a zip nor a tar.gz archive. Upload a zip of class folders.",
    ),
    "empty": ("압축 파일이 비어 있습니다.", "The archive is empty."),
    "bomb": (
        "압축을 풀면 {limit} MB 또는 원래 크기의 {ratio}배를 넘습니다: 압축 폭탄일 수 있어 읽기를 멈췄습니다.",
        "It unpacks to more than {limit} MB or {ratio}× its own size: reading stopped, as it may be a zip bomb.",
    ),
    "too_many_files": (
        "압축 파일에 파일이 너무 많습니다 (최대 {limit:,}개).",
        "The archive holds too many files (at most {limit:,}).",
    ),
    "damaged": (
        "압축 파일이 손상되어 읽을 수 없습니다.",
        "The archive is damaged and cannot be read.",
    ),
    "no_images": (
        "읽을 수 있는 이미지가 없습니다 (건너뛴 파일 {n}개: {reasons}).",
        "No readable images were found ({n} files skipped: {reasons}).",
    ),
    "no_class_folders": (
        "이미지가 폴더 안에 있지 않습니다: 클래스마다 폴더를 하나씩 만들고 (예: A/, B/) 그 안에 이미지를 넣으세요.",
        "The images are not in folders: make one folder per class (e.g. A/, B/) and put its images inside.",
    ),
    "one_class": (
        "클래스가 하나뿐입니다 ('{name}'): 분류하려면 클래스 폴더가 2개 이상 있어야 합니다.",
        "Only one class ('{name}'): a classifier needs at least two class folders.",
    ),
    "too_many_classes": (
        "클래스가 {n}개입니다: 최대 {limit}개까지 쓸 수 있습니다.",
        "{n} classes: at most {limit} can be used.",
    ),
    "forgotten": (
        "이 데이터는 더 이상 메모리에 없습니다: 페이지를 다시 열어 데이터를 다시 읽어 주세요.",
        "This data set is no longer in memory: open the page again to read it again.",
    ),
    "image_not_image": (
        "이미지 파일이 아닙니다 (Pillow가 읽을 수 있는 형식이 아님).",
        "This is not an image file (no format Pillow can read).",
    ),
    "image_unreadable": (
        "이미지를 읽을 수 없습니다 (손상되었거나 잘린 파일).",
        "The image cannot be read (corrupt or truncated).",
    ),
    "image_too_large": (
        "이미지가 너무 큽니다 (최대 {limit} 메가픽셀).",
        "The image is too large (at most {limit} megapixels).",
    ),
}


# --- Reading the source (a path, bytes or a file object) ---------------------------------


def _open_source(source) -> tuple[BinaryIO, int, bool]:
    """(a seekable binary file, its size, whether we opened it) — refusing anything over the upload limit."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        _check_upload_size(len(data))
        return io.BytesIO(data), len(data), True
    if isinstance(source, (str, os.PathLike)):
        size = os.stat(source).st_size
        _check_upload_size(size)
        return open(source, "rb"), size, True  # closed by _load
    if hasattr(source, "read"):
        if getattr(source, "seekable", lambda: False)():
            start = source.tell()
            size = source.seek(0, io.SEEK_END) - start
            source.seek(start)
            _check_upload_size(size)
            if start == 0:
                return source, size, False
        data = source.read(MAX_UPLOAD_BYTES + 1)  # never more than the limit, even from a pipe
        _check_upload_size(len(data))
        return io.BytesIO(data), len(data), True
    raise TypeError(f"expected a path, bytes or a binary file object, got {type(source).__name__}")


def _check_upload_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise _error("too_big", size=_mb(size), limit=MAX_UPLOAD_MB)


def _sniff(fileobj: BinaryIO) -> str:
    """'zip', 'gzip', 'bz2', 'xz', 'tar' or 'unknown', from the first bytes (names lie)."""
    start = fileobj.tell()
    head = fileobj.read(512)
    fileobj.seek(start)
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "zip"
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:3] == b"BZh":
        return "bz2"
    if head[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    return "unknown"


class _Budget:
    """Counts the bytes that really come out of the archive; stops a bomb as soon as it shows."""

    def __init__(self, archive_bytes: int):
        self.archive_bytes = max(archive_bytes, 1)
        self.unpacked = 0

    def add(self, n: int) -> None:
        self.unpacked += n
        too_much = self.unpacked > MAX_UNPACKED_BYTES
        too_dense = self.unpacked > RATIO_FLOOR_BYTES and self.unpacked > MAX_RATIO * self.archive_bytes
        if too_much or too_dense:
            raise _error("bomb", limit=MAX_UNPACKED_BYTES // (1024 * 1024), ratio=MAX_RATIO)


class _TooLarge(Exception):
    pass


def _read_capped(read: Callable[[int], bytes], budget: _Budget | None) -> bytes:
    """All of one member, read in chunks; _TooLarge past MAX_FILE_BYTES (what was read still counts)."""
    chunks, n = [], 0
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        n += len(chunk)
        if budget is not None:
            budget.add(len(chunk))
        if n > MAX_FILE_BYTES:
            raise _TooLarge
        chunks.append(chunk)


# --- Names ------------------------------------------------------------------------------


@dataclass
class _Member:
    name: str  # decoded, "/"-separated, NFC
    kind: str  # file, dir, symlink, special
    read: Callable[[], bytes] | None = None  # raises _TooLarge or _MemberError


class _MemberError(Exception):
    def __init__(self, what: str):
        self.what = what


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The name as the student typed it: UTF-8 flag, Info-ZIP Unicode field, else UTF-8/cp949 guess.

    Windows' built-in zip (Korean locale) writes names in cp949 without the UTF-8 flag;
    zipfile then decodes them as cp437 (mojibake). The cp437 text maps back to the raw bytes.
    """
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.orig_filename.encode("cp437", errors="replace")
    unicode_path = _info_zip_unicode_path(info.extra, raw)
    if unicode_path is not None:
        return unicode_path
    for encoding in ("utf-8", "cp949"):  # macOS tools write UTF-8 without the flag
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return info.orig_filename


def _info_zip_unicode_path(extra: bytes, raw_name: bytes) -> str | None:
    """The Info-ZIP Unicode Path extra field (0x7075), if present and matching the raw name."""
    pos = 0
    while pos + 4 <= len(extra):
        field_id, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + size]
        matches = len(body) >= 5 and body[0] == 1 and struct.unpack_from("<L", body, 1)[0] == zlib.crc32(raw_name)
        if field_id == 0x7075 and matches:
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        pos += 4 + size
    return None


_DRIVE = re.compile(r"^[A-Za-z]:")


def _split_safe(name: str) -> list[str] | None:
    """The path's parts, or None for an absolute path or one that climbs out with '..'."""
    name = name.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        return None
    return parts


def _is_system(parts: list[str]) -> bool:
    if any(p.lower() in _SYSTEM_FOLDERS for p in parts[:-1]):
        return True
    if any(p.startswith(".") for p in parts):  # .DS_Store, ._AppleDouble, .git/, .ipynb_checkpoints/
        return True
    return parts[-1].lower() in _SYSTEM_NAMES


# --- Archive formats: each yields _Member records, read one at a time ----------------------


def _check_central_directory(fileobj: BinaryIO, size: int) -> None:
    """Refuse a zip whose central directory alone would fill memory, before zipfile parses it."""
    tail_len = min(size, 22 + 65535)
    fileobj.seek(size - tail_len)
    tail = fileobj.read(tail_len)
    fileobj.seek(0)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + 22 > len(tail):
        return  # zipfile will say it is not a zip
    entries, cd_size = struct.unpack_from("<HL", tail, pos + 10)
    if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and pos >= 20 + 56:  # ZIP64: record before locator
        record = tail[pos - 20 - 56 : pos - 20]
        if record[:4] == b"PK\x06\x06":
            entries, cd_size = struct.unpack_from("<QQ", record, 32)
    if entries > MAX_ENTRIES or cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise _error("too_many_files", limit=MAX_ENTRIES)


def _zip_members(fileobj: BinaryIO, size: int, budget: _Budget) -> Iterator[_Member]:
    _check_central_directory(fileobj, size)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
        raise _error("not_zip") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _error("too_many_files", limit=MAX_ENTRIES)
        for info in infos:
            name = _zip_name(info)
            mode = info.external_attr >> 16 if info.create_system == 3 else 0  # Unix mode bits
            if info.is_dir() or (mode and stat.S_ISDIR(mode)):
                yield _Member(name, "dir")
            elif mode and stat.S_ISLNK(mode):
                yield _Member(name, "symlink")
            elif mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                yield _Member(name, "special")
            else:
                yield _Member(name, "file", lambda info=info: _read_zip_member(archive, info, budget))


def _read_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> bytes:
    try:
        with archive.open(info) as member:
            return _read_capped(member.read, budget)
    except (DatasetError, _TooLarge):
        raise
    except RuntimeError:  # "File is encrypted, password required for extraction"
        raise _MemberError("encrypted") from None
    except NotImplementedError:  # an exotic compression method (AES, deflate64, ...)
        raise _MemberError("unsupported") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error, lzma.LZMAError):
        raise _MemberError("damaged") from None  # bad CRC, a broken local header, cut short


class _CountingReader(io.RawIOBase):
    """A decompressed stream that counts what comes out and stops a bomb (reads ≤ 1 MiB at a time)."""

    def __init__(self, stream, budget: _Budget):
        self.stream, self.budget = stream, budget

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        out, wanted = [], n if n is not None and n >= 0 else float("inf")
        got = 0
        while got < wanted:
            chunk = self.stream.read(int(min(_CHUNK, wanted - got)))
            if not chunk:
                break
            self.budget.add(len(chunk))
            out.append(chunk)
            got += len(chunk)
        return b"".join(out)


def _tar_members(fileobj: BinaryIO, kind: str, budget: _Budget, notices: list[Notice]) -> Iterator[_Member]:
    """A tar (gz/bz2/xz) read as a stream: one pass, no random access, nothing extracted."""
    opener = {"gzip": lambda f: gzip.GzipFile(fileobj=f, mode="rb"), "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}.get(kind)
    stream = _CountingReader(opener(fileobj) if opener else fileobj, budget)
    errors = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError, struct.error)
    try:
        archive = tarfile.open(fileobj=stream, mode="r|")  # noqa: SIM115 (a stream, read to its end below)
    except DatasetError:
        raise
    except tarfile.ReadError as err:
        if "empty file" in str(err):
            raise _error("empty") from None
        raise _error("not_tar") from None
    except errors:
        raise _error("not_tar") from None
    count = 0
    try:
        for info in archive:
            count += 1
            if count > MAX_ENTRIES:
                raise _error("too_many_files", limit=MAX_ENTRIES)
            if info.isdir():
                yield _Member(info.name, "dir")
            elif info.issym() or info.islnk():
                yield _Member(info.name, "symlink")
            elif not info.isfile():
                yield _Member(info.name, "special")
            else:
                yield _Member(info.name, "file", lambda info=info: _read_tar_member(archive, info))
    except DatasetError:
        raise
    except errors:
        notices.append(_notice("truncated", n=count))


def _read_tar_member(archive: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    try:
        member = archive.extractfile(info)
        if member is None:
            raise _MemberError("damaged")
        return _read_capped(member.read, None)  # the stream under tarfile already counts every byte
    except (DatasetError, _TooLarge, _MemberError):
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError, struct.error):
        raise _MemberError("damaged") from None  # the next step of the stream reports it cut short


# --- One picture → 28×28 grey --------------------------------------------------------------


class _ImageProblem(Exception):
    def __init__(self, what: str, **fmt):
        self.what, self.fmt = what, fmt


def _decode(data: bytes, name: str, size: int = SIZE) -> np.ndarray:
    """Bytes of any image Pillow reads → (size, size) uint8, aspect ratio kept, padded with its background."""
    try:
        image = Image.open(io.BytesIO(data), formats=_FORMATS)
    except UnidentifiedImageError:
        raise _ImageProblem("unreadable" if _looks_like_image(name) else "not_image") from None
    except Image.DecompressionBombError:
        raise _ImageProblem("too_many_pixels_header", limit=MAX_IMAGE_PIXELS // 1_000_000) from None
    except Exception:  # noqa: BLE001 (a malformed header can raise almost anything inside a plugin)
        raise _ImageProblem("unreadable") from None
    with image:
        w, h = image.size
        if w <= 0 or h <= 0:
            raise _ImageProblem("unreadable")
        if w * h > MAX_IMAGE_PIXELS:  # checked on the header's size, before a single pixel is decoded
            raise _ImageProblem("too_many_pixels", w=w, h=h, limit=MAX_IMAGE_PIXELS // 1_000_000)
        try:
            if image.format == "JPEG" and max(w, h) > 4 * size:
                image.draft(None, (2 * size, 2 * size))  # decode a JPEG photo at 1/2…1/8 scale
            image.load()
            grey = _to_grey(image)
        except Exception:  # noqa: BLE001 (truncated data, a broken chunk, an odd mode: a skip, not a crash)
            raise _ImageProblem("unreadable") from None
    return _fit(grey, size)


def _looks_like_image(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in _IMAGE_SUFFIXES


def _to_grey(image: Image.Image) -> np.ndarray:
    """Any mode → 2-D uint8 grey. 16-bit is scaled (not clipped); transparency is composited
    on the background that contrasts with the ink, so a black letter on clear stays visible."""
    mode = image.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        values = np.asarray(image, dtype=np.float64)
        if mode.startswith("I;16"):
            values = values / 257.0
        else:
            lo, hi = float(values.min()), float(values.max())
            if lo < 0 or hi > 255:
                values = (values - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(values)
        return np.clip(np.rint(values), 0, 255).astype(np.uint8)
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if not has_alpha:
        return np.asarray(image.convert("L"))
    la = np.asarray(image.convert("RGBA").convert("LA"), dtype=np.float32)
    grey, alpha = la[..., 0], la[..., 1] / 255.0
    ink = alpha.sum()
    mean_ink = float((grey * alpha).sum() / ink) if ink > 0 else 255.0
    background = 0.0 if mean_ink >= 128 else 255.0  # light ink → black paper; dark ink → white paper
    return np.clip(np.rint(grey * alpha + background * (1 - alpha)), 0, 255).astype(np.uint8)


def _fit(grey: np.ndarray, size: int) -> np.ndarray:
    """Shrink (or grow) so the longer side is `size`, then pad the shorter side with the border's colour."""
    h, w = grey.shape
    if (h, w) == (size, size):
        return np.ascontiguousarray(grey)
    scale = size / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    picture = Image.fromarray(grey, "L").resize((nw, nh), Image.Resampling.LANCZOS, reducing_gap=3.0)
    small = np.asarray(picture)
    if (nh, nw) == (size, size):
        return small.copy()
    border = np.concatenate([small[0], small[-1], small[:, 0], small[:, -1]])
    out = np.full((size, size), int(np.median(border)), dtype=np.uint8)
    top, left = (size - nh) // 2, (size - nw) // 2
    out[top : top + nh, left : left + nw] = small
    return out


def load_image(source, size: int = SIZE) -> np.ndarray:
    """One picture (a path, bytes or a file object) → (size, size, 1) uint8, as the data set's images."""
    if isinstance(source, (str, os.PathLike)):
        if os.stat(source).st_size > MAX_FILE_BYTES:
            raise _error("too_big", size=_mb(os.stat(source).st_size), limit=MAX_FILE_BYTES // (1024 * 1024))
        with open(source, "rb") as f:
            data = f.read()
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        data = source.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _error("too_big", size=_mb(len(data)), limit=MAX_FILE_BYTES // (1024 * 1024))
    name = getattr(source, "name", str(source) if isinstance(source, (str, os.PathLike)) else "")
    try:
        return _decode(data, name, size)[..., None]
    except _ImageProblem as problem:
        if problem.what.startswith("too_many_pixels"):
            raise _error("image_too_large", limit=MAX_IMAGE_PIXELS // 1_000_000) from None
        raise _error("image_not_image" if problem.what == "not_image" else "image_unreadable") from None


# --- The folder tree -------------------------------------------------------------------


_NOTICE_TEXT = {
    "small_class": (
        "클래스 '{name}'에는 이미지가 {n}장뿐입니다: 학습과 평가에 모두 쓰기에는 부족합니다.",
        "Class '{name}' has only {n} image(s): too few to both train and test on.",
    ),
    "case_clash": (
        "클래스 이름 {names}은(는) 대소문자만 다릅니다: 서로 다른 클래스로 둡니다 (같은 클래스라면 폴더 이름을 맞추세요).",
        (
            "Class names {names} differ only by case: they are kept as separate classes "
            "(rename the folders if they are the same class)."
        ),
    ),
    "truncated": (
        "압축 파일이 중간에 끊겨 있어 앞부분의 파일 {n}개만 읽었습니다.",
        "The archive is cut short: only its first {n} files were read.",
    ),
}


def _notice(code: str, **fmt) -> Notice:
    ko, en = _NOTICE_TEXT[code]
    return Notice(code, ko.format(**fmt), en.format(**fmt))


def load_image_zip(source, size: int = SIZE) -> ImageFolderSet:
    """A .zip of class folders (``A/*.png, B/*.png`` or ``top/A/*.png``) → ImageFolderSet.

    source: a path, bytes, or a binary file object (a Streamlit upload works as is).
    """
    return _load(source, size, allowed=("zip",), wrong_kind="not_zip")


def load_image_tar(source, size: int = SIZE) -> ImageFolderSet:
    """A .tar(.gz/.bz2/.xz) of class folders, e.g. ``notMNIST_small.tar.gz`` → ImageFolderSet."""
    return _load(source, size, allowed=("gzip", "bz2", "xz", "tar"), wrong_kind="not_tar")


def load_image_archive(source, size: int = SIZE) -> ImageFolderSet:
    """A zip or a tar(.gz), told apart by their first bytes rather than by their names."""
    return _load(source, size, allowed=("zip", "gzip", "bz2", "xz", "tar"), wrong_kind="not_archive")


def _load(source, size: int, allowed: tuple[str, ...], wrong_kind: str) -> ImageFolderSet:
    fileobj, nbytes, ours = _open_source(source)
    try:
        if nbytes == 0:
            raise _error("empty")
        kind = _sniff(fileobj)
        if kind not in allowed:
            raise _error(wrong_kind)
        budget, notices = _Budget(nbytes), []
        if kind == "zip":
            members = _zip_members(fileobj, nbytes, budget)
        else:
            members = _tar_members(fileobj, kind, budget, notices)
        return _collect(members, size, notices)
    finally:
        if ours:
            fileobj.close()


def _collect(members: Iterator[_Member], size: int, notices: list[Notice]) -> ImageFolderSet:
    skipped: list[SkippedFile] = []
    found: list[tuple[list[str], str, np.ndarray]] = []  # (parts, display name, 28×28)
    seen: set[str] = set()
    entries = 0  # everything but folders
    for member in members:
        name = unicodedata.normalize("NFC", member.name)  # macOS stores Korean names decomposed (NFD)
        if member.kind == "dir":
            continue
        entries += 1
        parts = _split_safe(name)
        if parts is None or not parts:
            skipped.append(_skip(name, "unsafe_name"))
        elif member.kind in ("symlink", "special"):
            skipped.append(_skip(name, member.kind))
        elif _is_system(parts):
            skipped.append(_skip(name, "system_file"))
        elif "/".join(parts) in seen:
            skipped.append(_skip(name, "duplicate_name"))
        else:
            seen.add("/".join(parts))
            try:
                found.append((parts, name, _decode(member.read(), name, size)))
            except _TooLarge:
                skipped.append(_skip(name, "too_large", limit=MAX_FILE_BYTES // (1024 * 1024)))
            except _MemberError as problem:
                skipped.append(_skip(name, problem.what))
            except _ImageProblem as problem:
                skipped.append(_skip(name, problem.what, **problem.fmt))
    if entries == 0:
        raise _error("empty")
    if not found:
        reasons = ", ".join(f"{k} ×{v}" for k, v in Counter(s.reason for s in skipped).items()) or "-"
        raise _error("no_images", skipped, n=len(skipped), reasons=reasons)
    return _arrange(found, skipped, notices, size)


def _arrange(found, skipped: list[SkippedFile], notices: list[Notice], size: int) -> ImageFolderSet:
    """Find where the class folders are (root, or inside one wrapping folder), then label by folder."""
    root: list[str] = []
    in_folders = [parts for parts, _, _ in found if len(parts) >= 2]
    while in_folders and all(len(p) >= len(root) + 3 for p in in_folders):
        heads = {p[len(root)] for p in in_folders}
        if len(heads) != 1:
            break
        root.append(heads.pop())
    kept: list[tuple[str, str, np.ndarray]] = []
    for parts, name, picture in found:
        rest = parts[len(root) :] if parts[: len(root)] == root else parts
        if len(rest) == 1 or (parts[: len(root)] != root and root):
            skipped.append(_skip(name, "no_class_folder"))
        elif len(rest) > 2:
            skipped.append(_skip(name, "nested_folder"))
        else:
            kept.append((rest[0], name, picture))
    if not kept:
        raise _error("no_class_folders", skipped)
    class_names = tuple(sorted({label for label, _, _ in kept}))
    if len(class_names) < 2:
        raise _error("one_class", skipped, name=class_names[0])
    if len(class_names) > MAX_CLASSES:
        raise _error("too_many_classes", skipped, n=len(class_names), limit=MAX_CLASSES)
    kept.sort(key=lambda item: (item[0], item[1]))
    counts = Counter(label for label, _, _ in kept)
    for label in class_names:
        if counts[label] < MIN_IMAGES_PER_CLASS:
            notices.append(_notice("small_class", name=label, n=counts[label]))
    by_folded: dict[str, list[str]] = {}
    for label in class_names:
        by_folded.setdefault(label.casefold(), []).append(label)
    for same in by_folded.values():
        if len(same) > 1:
            notices.append(_notice("case_clash", names=", ".join(f"'{s}'" for s in same)))
    images = np.empty((len(kept), size, size, 1), dtype=np.uint8)
    for i, (_, _, picture) in enumerate(kept):
        images[i, :, :, 0] = picture
    return ImageFolderSet(
        images=images,
        labels=np.array([label for label, _, _ in kept], dtype=object),
        class_names=class_names,
        files=tuple(name for _, name, _ in kept),
        skipped=tuple(skipped),
        notices=tuple(notices),
        root="/".join(root),
    )


# --- From a folder set to a training run ------------------------------------------------------

TEST_FRACTION = 0.2


def to_dataset(folder_set: ImageFolderSet, source: str, test_fraction: float = TEST_FRACTION, seed: int = 0) -> Dataset:
    """Split into training and test images, class by class (each class keeps its share), and name the
    result after its content, so the training service can cache runs on it: ``images-<hash>``.

    A class of one image goes to training only; every other class has at least one test image.
    """
    rng = np.random.default_rng(seed)
    indices = folder_set.label_indices
    train, test = [], []
    for k in range(len(folder_set.class_names)):
        members = rng.permutation(np.flatnonzero(indices == k))
        n_test = 0 if len(members) < 2 else min(len(members) - 1, max(1, round(test_fraction * len(members))))
        test.append(members[:n_test])
        train.append(members[n_test:])
    train_idx, test_idx = rng.permutation(np.concatenate(train)), np.sort(np.concatenate(test))
    digest = hashlib.sha256()
    for part in (folder_set.images.tobytes(), indices.tobytes(), "\n".join(folder_set.class_names).encode()):
        digest.update(part)
    digest.update(f"{test_fraction}/{seed}".encode())
    return Dataset(
        name=f"images-{digest.hexdigest()[:16]}",
        source=source,
        x_train=folder_set.images[train_idx, :, :, 0],
        y_train=indices[train_idx].astype(np.uint8),
        x_test=folder_set.images[test_idx, :, :, 0],
        y_test=indices[test_idx].astype(np.uint8),
        class_names=tuple(folder_set.class_names),
    )


MAX_REGISTERED = 8  # own data sets kept in memory for the training service (each ≤ ~80 MB)
_registered: OrderedDict[str, None] = OrderedDict()
_registered_lock = threading.Lock()


def register_for_training(folder_set: ImageFolderSet, source: str, seed: int = 0) -> Dataset:
    """``to_dataset`` + ``cnnlib.datasets.register_dataset``: a RunConfig can now name it.

    Only the MAX_REGISTERED most recent are kept: an older name then says it must be reloaded
    (a page registers its data again on every rerun, so only a forgotten queued run notices).
    """
    dataset = to_dataset(folder_set, source, seed=seed)
    with _registered_lock:
        register_dataset(dataset.name, lambda: dataset)
        _registered[dataset.name] = None
        _registered.move_to_end(dataset.name)
        while len(_registered) > MAX_REGISTERED:
            old, _ = _registered.popitem(last=False)
            register_dataset(old, _forgotten)
    return dataset


def _forgotten() -> Dataset:
    raise _error("forgotten")


def _paper(images: np.ndarray) -> float:
    """The median border pixel of (H, W) or (N, H, W) pictures: the colour of the paper."""
    a = np.asarray(images)
    a = a.reshape(-1, a.shape[-2], a.shape[-1])
    return float(np.median(np.concatenate([a[:, 0], a[:, -1], a[:, :, 0], a[:, :, -1]], axis=1)))


def match_background(picture: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, bool]:
    """Invert one (28, 28, 1) picture when its paper is the opposite of the data set's (N, 28, 28, 1)
    (black ink on white for a model trained white on black). Returns (picture, inverted?)."""
    picture = np.asarray(picture)
    if (_paper(picture[..., 0]) > 127) != (_paper(np.asarray(reference)[..., 0]) > 127):
        return (255 - picture).astype(np.uint8), True
    return picture, False


def with_classes(stack: list[dict], classes: int) -> list[dict]:
    """A copy of a layer stack whose last layer is Dense(classes, softmax): LeNet-5's Dense(10) for
    ten digits becomes Dense(4) for four folders."""
    stack = [dict(layer) for layer in stack]
    if stack and stack[-1].get("type") == "Dense":
        stack[-1].update(units=classes, activation="softmax")
    else:
        stack.append({"type": "Dense", "units": classes, "activation": "softmax"})
    return stack


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """Right answers / test images, per class (a row of the confusion matrix); NaN for a class with none."""
    confusion = np.asarray(confusion, dtype=float)
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / totals, np.nan)


def probabilities(scores: np.ndarray) -> np.ndarray:
    """A model's outputs as probabilities: kept when already softmax, else softmax of the logits."""
    scores = np.asarray(scores, dtype=np.float64)
    if (scores >= 0).all() and np.allclose(scores.sum(axis=-1), 1.0, atol=1e-3):
        return scores
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def classify(model, pictures: np.ndarray, scaling: str = "scaled") -> np.ndarray:
    """Class probabilities for (N, 28, 28, 1) uint8 pictures from a trained Keras model, with the
    run's input scaling ("scaled": ÷255 as in training, "raw": the slides' 0–255)."""
    x = np.asarray(pictures, dtype=np.float32) * (np.float32(1 / 255) if scaling == "scaled" else np.float32(1))
    return probabilities(model.predict(x, verbose=0))
