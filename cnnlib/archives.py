"""Reading an archive a student (or a stranger) uploads: zip or tar(.gz/.bz2/.xz), member by member.

- nothing is ever written to disk: members are read one at a time, in memory, in chunks;
- the kind is told from the first bytes, never from the name (names lie);
- a zip bomb is caught WHILE streaming, by counting the bytes that really come out
  (the sizes in the headers are never trusted);
- zip names come back as the student typed them (cp949 from Windows, UTF-8 without the flag
  from macOS tools, the Info-ZIP Unicode Path field).

An archive that cannot be read at all raises ``cnnlib.dataset.DatasetError``; a member that cannot
be used raises ``Skip`` when it is read, and the caller lists it (``cnnlib.image_folders``).
Standard library only.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import stat
import struct
import tarfile
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from cnnlib.dataset import DatasetError, Notice

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

MIB = 1024 * 1024

# --- Limits (each one is a message a student can read, never a crash) ---------------------
MAX_UPLOAD_MB = 50  # = .streamlit/config.toml [server] maxUploadSize (a test keeps them equal)
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * MIB
MAX_UNPACKED_BYTES = 256 * MIB  # all members together, as really decompressed
MAX_RATIO = 100  # unpacked bytes / archive bytes, checked once RATIO_FLOOR_BYTES came out
RATIO_FLOOR_BYTES = 16 * MIB  # small archives of BMPs may compress well: no ratio below this
MAX_FILE_BYTES = 32 * MIB  # one member (one image file)
# Files in one archive: notMNIST_small has 18,724. Walking a tar's headers costs ~25 µs of CPU each
# (100,001 empty entries took 2.5 s, issue 9 #12), so 50,000 keeps even that walk near 1 s.
MAX_ENTRIES = 50_000
MAX_CENTRAL_DIRECTORY_BYTES = 16 * MIB  # what zipfile would parse into memory up front
# All member names of a tar together: the same 16 MB a zip's names get through its central directory
# (notMNIST_small's 18,724 names take 0.8 MB). 1,200 names of 150 KB cost 1.5 s of CPU to parse (#5).
MAX_NAME_CHARS_TOTAL = 16 * MIB
# One tar extended header (pax, GNU long name), refused before tarfile reads it into memory: names
# over 1 KB are skipped anyway, and one header of a 100 MB name cost 1 s of CPU and ~300 MB.
MAX_TAR_HEADER_BYTES = 64 * 1024
_CHUNK = MIB

ZIP_KINDS = ("zip",)
TAR_KINDS = ("gzip", "bz2", "xz", "tar")


class Skip(Exception):
    """One file that cannot be used; ``code`` + ``params`` become its ``SkippedFile``."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


# --- The source: a path, bytes or a file object ---------------------------------------------


def open_source(source, max_bytes: int) -> tuple[BinaryIO, int, bool]:
    """(a seekable binary file, its size, whether we opened it), refusing anything over max_bytes."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        _check_size(len(data), max_bytes)
        return io.BytesIO(data), len(data), True
    if isinstance(source, (str, os.PathLike)):
        size = os.stat(source).st_size
        _check_size(size, max_bytes)
        return open(source, "rb"), size, True  # noqa: SIM115 (the caller closes what we opened)
    if hasattr(source, "read"):
        if getattr(source, "seekable", lambda: False)():
            start = source.tell()
            size = source.seek(0, io.SEEK_END) - start
            source.seek(start)
            _check_size(size, max_bytes)
            if start == 0:
                return source, size, False
        data = source.read(max_bytes + 1)  # never more than the limit, even from a pipe
        _check_size(len(data), max_bytes)
        return io.BytesIO(data), len(data), True
    raise TypeError(f"expected a path, bytes or a binary file object, got {type(source).__name__}")


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise DatasetError("too_big", size=size / MIB, limit=max_bytes // MIB)


def sniff(fileobj: BinaryIO) -> str:
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


@dataclass
class Member:
    """One entry of an archive; ``read()`` gives its bytes or raises ``Skip``."""

    name: str  # decoded, "/"-separated as stored (not yet checked for ../)
    kind: str  # file, dir, symlink, special
    read: Callable[[], bytes] | None = None


@contextmanager
def members(source, kinds: tuple[str, ...], wrong_kind: str, notices: list[Notice]) -> Iterator[Iterator[Member]]:
    """The members of a zip or tar (one of `kinds`, else DatasetError(wrong_kind)), read lazily.

    A tar cut short ends the walk early with a "truncated" notice appended to `notices`.
    """
    fileobj, nbytes, ours = open_source(source, MAX_UPLOAD_BYTES)
    try:
        if nbytes == 0:
            raise DatasetError("empty")
        kind = sniff(fileobj)
        if kind not in kinds:
            raise DatasetError(wrong_kind)
        budget = _Budget(nbytes)
        if kind == "zip":
            yield _zip_members(fileobj, nbytes, budget)
        else:
            yield _tar_members(fileobj, kind, budget, notices)
    finally:
        if ours:
            fileobj.close()


class _Budget:
    """Counts the bytes that really come out of the archive; stops a bomb as soon as it shows.

    Two counts: every byte out of the decompressor (``add``: a tar's headers too) against
    MAX_UNPACKED_BYTES, and the members' data (``add_content``) against MAX_RATIO × the archive.
    Headers stay out of the ratio: 100,001 empty files in a tar.gz are 51 MB of headers that
    compress 500:1, and they are "too many files", not a bomb (issue 9 #12).
    """

    def __init__(self, archive_bytes: int):
        self.archive_bytes = max(archive_bytes, 1)
        self.unpacked = 0
        self.content = 0

    def add(self, n: int) -> None:
        self.unpacked += n
        if self.unpacked > MAX_UNPACKED_BYTES:
            self._bomb()

    def add_content(self, n: int) -> None:
        self.content += n
        if self.content > RATIO_FLOOR_BYTES and self.content > MAX_RATIO * self.archive_bytes:
            self._bomb()

    def _bomb(self):
        raise DatasetError("bomb", limit=MAX_UNPACKED_BYTES // MIB, ratio=MAX_RATIO)


def _read_capped(read: Callable[[int], bytes], budget: _Budget | None) -> bytes:
    """All of one member, read in chunks; Skip("too_large") past MAX_FILE_BYTES (what was read still counts)."""
    chunks, n = [], 0
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        n += len(chunk)
        if budget is not None:
            budget.add(len(chunk))
            budget.add_content(len(chunk))
        if n > MAX_FILE_BYTES:
            raise Skip("too_large", limit=MAX_FILE_BYTES // MIB)
        chunks.append(chunk)


# --- zip ------------------------------------------------------------------------------------


def zip_name(info: zipfile.ZipInfo) -> str:
    """The name as the student typed it: UTF-8 flag, Info-ZIP Unicode field, else UTF-8/cp949 guess.

    Windows' built-in zip (Korean locale) writes names in cp949 without the UTF-8 flag;
    zipfile then decodes them as cp437 (mojibake). The cp437 text maps back to the raw bytes.
    (zipfile's ``metadata_encoding`` cannot do this: it decodes every name of an archive with one
    encoding, fails on the first name that does not fit, and never reads the Unicode Path field.)
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
        raise DatasetError("too_many_files", limit=MAX_ENTRIES)


def _zip_members(fileobj: BinaryIO, size: int, budget: _Budget) -> Iterator[Member]:
    _check_central_directory(fileobj, size)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
        raise DatasetError("not_zip") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise DatasetError("too_many_files", limit=MAX_ENTRIES)
        for info in infos:
            name = zip_name(info)
            mode = info.external_attr >> 16 if info.create_system == 3 else 0  # Unix mode bits
            if info.is_dir() or (mode and stat.S_ISDIR(mode)):
                yield Member(name, "dir")
            elif mode and stat.S_ISLNK(mode):
                yield Member(name, "symlink")
            elif mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                yield Member(name, "special")
            else:
                yield Member(name, "file", lambda info=info: _read_zip_member(archive, info, budget))


def _read_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> bytes:
    try:
        with archive.open(info) as member:
            return _read_capped(member.read, budget)
    except (DatasetError, Skip):
        raise
    except RuntimeError:  # "File is encrypted, password required for extraction"
        raise Skip("encrypted") from None
    except NotImplementedError:  # an exotic compression method (AES, deflate64, ...)
        raise Skip("unsupported") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error, lzma.LZMAError):
        raise Skip("damaged") from None  # bad CRC, a broken local header, cut short


# --- tar ------------------------------------------------------------------------------------


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


class _BoundedTarInfo(tarfile.TarInfo):
    """A tar header whose extended header is refused from its size, before tarfile reads its body."""

    def _proc_pax(self, tarfile):
        _check_header(self.size)
        return super()._proc_pax(tarfile)

    def _proc_gnulong(self, tarfile):
        _check_header(self.size)
        return super()._proc_gnulong(tarfile)


def _check_header(size: int) -> None:
    if size > MAX_TAR_HEADER_BYTES:
        raise DatasetError("long_header", limit=MAX_TAR_HEADER_BYTES // 1024)


_TAR_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError, struct.error)


def _tar_members(fileobj: BinaryIO, kind: str, budget: _Budget, notices: list[Notice]) -> Iterator[Member]:
    """A tar (gz/bz2/xz) read as a stream: one pass, no random access, nothing extracted."""
    opener = {"gzip": lambda f: gzip.GzipFile(fileobj=f, mode="rb"), "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}.get(kind)
    stream = _CountingReader(opener(fileobj) if opener else fileobj, budget)
    try:
        archive = tarfile.open(fileobj=stream, mode="r|", tarinfo=_BoundedTarInfo)  # noqa: SIM115 (read to its end below)
    except DatasetError:
        raise
    except tarfile.ReadError as err:
        if "empty file" in str(err):
            raise DatasetError("empty") from None
        raise DatasetError("not_tar") from None
    except _TAR_ERRORS:
        raise DatasetError("not_tar") from None
    count = names = 0
    try:
        # archive.next() rather than iterating: tarfile keeps every TarInfo it read in .members (its
        # name too: 1,200 names of 150 KB held 180 MB, issue 9 #5); a stream never goes back to them
        while (info := archive.next()) is not None:
            archive.members.clear()
            count += 1
            names += len(info.name)
            if count > MAX_ENTRIES:
                raise DatasetError("too_many_files", limit=MAX_ENTRIES)
            if names > MAX_NAME_CHARS_TOTAL:
                raise DatasetError("names_too_long", limit=MAX_NAME_CHARS_TOTAL // MIB)
            if info.isdir():
                yield Member(info.name, "dir")
            elif info.issym() or info.islnk():
                yield Member(info.name, "symlink")
            elif not info.isfile():
                yield Member(info.name, "special")
            else:
                budget.add_content(info.size)  # a tar stream gives exactly the size its header says
                yield Member(info.name, "file", lambda info=info: _read_tar_member(archive, info))
    except DatasetError:
        raise
    except _TAR_ERRORS:
        notices.append(Notice("truncated", {"n": count}))


def _read_tar_member(archive: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    try:
        member = archive.extractfile(info)
        if member is None:
            raise Skip("damaged")
        return _read_capped(member.read, None)  # the stream under tarfile already counts every byte
    except (DatasetError, Skip):
        raise
    except _TAR_ERRORS:
        raise Skip("damaged") from None  # the next step of the stream reports it cut short
