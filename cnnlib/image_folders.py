"""Lecture §7, your own images: a folder tree (label = folder name) → images (N, 28, 28, 1).

The lecture reads notMNIST with ``glob`` + ``plt.imread`` and names each picture after its
folder. Here the same tree arrives as an upload (a .zip) or as notMNIST's .tar.gz:
``cnnlib.archives`` walks the archive safely, ``cnnlib.images`` turns each file into 28×28 grey,
and this module decides which files are in the data set and what their labels are:

- every file that is not used is listed with its reason (``SkippedFile``: a code + parameters);
- an archive that cannot be used at all raises ``cnnlib.dataset.DatasetError`` (a ``LessonError``),
  so one ``except`` catches MNIST and archive problems alike;
- a usable set may carry notices (``cnnlib.dataset.Notice``): a class too small, names that
  differ only by case, an archive cut short.

Images come back as **uint8, 0–255, shape (N, 28, 28, 1)**, pixels as the picture has them
(notMNIST: a white letter on black). ``ImageFolderSet.as_float()`` gives float32 in [0, 1],
which is what ``plt.imread`` gives the lecture for a PNG. numpy + Pillow only: no TensorFlow here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from cnnlib import archives
from cnnlib.archives import Skip
from cnnlib.dataset import Dataset, DatasetError, Notice
from cnnlib.errors import Coded
from cnnlib.images import SIZE, PixelBudget, decode

if TYPE_CHECKING:
    from collections.abc import Iterator

MAX_CLASSES = 50
# A path component longer than 255 bytes cannot exist on any disk a student zips from (NAME_MAX on
# ext4, APFS, NTFS); the lecture's layout is at most top/class/file, so 4 such parts fit 1,024 bytes.
# Longer names are skipped and shown cut (a tar.gz of 1,200 names of 150 KB held 900 MB, issue 9 #5).
MAX_NAME_PART_BYTES = 255
MAX_NAME_BYTES = 1024
NAME_SHOWN = 120  # characters of an over-long name kept for the skipped list ("…" after them)
# Skipped files listed by name: a table a student reads; beyond it only a count per reason is kept.
MAX_SKIPPED_LISTED = 1000
MIN_IMAGES_PER_CLASS = 2  # fewer: a notice (it cannot be both trained and tested on)
TEST_FRACTION = 0.2  # each class's share of test images

_SYSTEM_NAMES = {".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r", ".localized"}
_SYSTEM_FOLDERS = {"__macosx", "@eadir", "$recycle.bin", "system volume information", ".trashes"}
# Several detailed codes share one reason, so a report can group them in a few plain words.
_REASON = {"damaged": "unreadable", "encrypted": "unreadable", "unsupported": "unreadable",
           "too_many_pixels": "too_large", "too_many_pixels_header": "too_large", "too_much_memory": "too_large",
           "pixel_budget": "too_large"}  # fmt: skip


@dataclass(frozen=True)
class SkippedFile(Coded):
    """One file of the archive that is not in the data set: ``code`` says why in detail, ``reason`` in
    one of a few words (system_file, not_image, unreadable, too_large, unsafe_name, symlink, ...)."""

    domain: ClassVar[str] = "data_skipped"
    codes: ClassVar[dict[str, tuple[str, ...]]] = {
        "system_file": (),
        "not_image": (),
        "unreadable": (),
        "damaged": (),
        "encrypted": (),
        "unsupported": (),
        "too_large": ("limit",),
        "too_many_pixels": ("w", "h", "limit"),
        "too_many_pixels_header": ("limit",),
        "too_much_memory": ("w", "h", "limit"),  # decoded bytes, MB
        "pixel_budget": ("limit",),  # the archive's pixels, megapixels
        "unsafe_name": (),
        "long_name": ("limit",),  # bytes
        "symlink": (),
        "special": (),
        "nested_folder": (),
        "no_class_folder": (),
        "duplicate_name": (),
    }
    name: str
    code: str
    params: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return _REASON.get(self.code, self.code)


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
    skipped_counts: dict[str, int] = field(default_factory=dict)  # reason → files, ALL of them

    @property
    def skipped_total(self) -> int:
        """How many files were skipped (``skipped`` lists only the first MAX_SKIPPED_LISTED)."""
        return sum(self.skipped_counts.values()) if self.skipped_counts else len(self.skipped)

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


# --- Loading ----------------------------------------------------------------------------------


def load_image_zip(source) -> ImageFolderSet:
    """A .zip of class folders (``A/*.png, B/*.png`` or ``top/A/*.png``) → ImageFolderSet.

    source: a path, bytes, or a binary file object (a Streamlit upload works as is).
    """
    return _load(source, archives.ZIP_KINDS, wrong_kind="not_zip")


def load_image_tar(source) -> ImageFolderSet:
    """A .tar(.gz/.bz2/.xz) of class folders, e.g. ``notMNIST_small.tar.gz`` → ImageFolderSet."""
    return _load(source, archives.TAR_KINDS, wrong_kind="not_tar")


def load_image_archive(source) -> ImageFolderSet:
    """A zip or a tar(.gz), told apart by their first bytes rather than by their names."""
    return _load(source, archives.ZIP_KINDS + archives.TAR_KINDS, wrong_kind="not_archive")


def _load(source, kinds: tuple[str, ...], wrong_kind: str) -> ImageFolderSet:
    notices: list[Notice] = []
    with archives.members(source, kinds, wrong_kind, notices) as members:
        return _collect(members, notices)


class _SkipList:
    """The skipped files: the first MAX_SKIPPED_LISTED by name, every one counted by reason."""

    def __init__(self):
        self.listed: list[SkippedFile] = []
        self.counts: Counter[str] = Counter()

    def add(self, name: str, code: str, params: dict | None = None) -> None:
        file = SkippedFile(name, code, params or {})
        self.counts[file.reason] += 1
        if len(self.listed) < MAX_SKIPPED_LISTED:
            self.listed.append(file)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _collect(members: Iterator[archives.Member], notices: list[Notice]) -> ImageFolderSet:
    skipped = _SkipList()
    found: list[tuple[list[str], str, np.ndarray]] = []  # (parts, display name, 28×28)
    seen: set[str] = set()
    budget = PixelBudget()
    entries = 0  # everything but folders
    for member in members:
        if member.kind == "dir":
            continue
        entries += 1
        if _too_long(member.name):
            skipped.add(member.name[:NAME_SHOWN] + "…", "long_name", {"limit": MAX_NAME_BYTES})
            continue
        name = unicodedata.normalize("NFC", member.name)  # macOS stores Korean names decomposed (NFD)
        parts = _split_safe(name)
        if parts is None or not parts:
            skipped.add(name, "unsafe_name")
        elif max(len(p.encode()) for p in parts) > MAX_NAME_PART_BYTES:
            skipped.add(name, "long_name", {"limit": MAX_NAME_PART_BYTES})
        elif member.kind in ("symlink", "special"):
            skipped.add(name, member.kind)
        elif _is_system(parts):
            skipped.add(name, "system_file")
        elif "/".join(parts) in seen:
            skipped.add(name, "duplicate_name")
        else:
            seen.add("/".join(parts))
            try:
                found.append((parts, name, decode(member.read(), name, budget)))
            except Skip as problem:
                skipped.add(name, problem.code, problem.params)
    if entries == 0:
        raise DatasetError("empty")
    if not found:
        reasons = ", ".join(f"{k} ×{v}" for k, v in skipped.counts.items()) or "-"
        raise DatasetError("no_images", skipped=skipped.listed, n=skipped.total, reasons=reasons)
    return _arrange(found, skipped, notices)


def _too_long(name: str) -> bool:
    return len(name) > MAX_NAME_BYTES or len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES


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


def _arrange(found, skipped: _SkipList, notices: list[Notice]) -> ImageFolderSet:
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
            skipped.add(name, "no_class_folder")
        elif len(rest) > 2:
            skipped.add(name, "nested_folder")
        else:
            kept.append((rest[0], name, picture))
    if not kept:
        raise DatasetError("no_class_folders", skipped=skipped.listed)
    class_names = tuple(sorted({label for label, _, _ in kept}))
    if len(class_names) < 2:
        raise DatasetError("one_class", skipped=skipped.listed, name=class_names[0])
    if len(class_names) > MAX_CLASSES:
        raise DatasetError("too_many_classes", skipped=skipped.listed, n=len(class_names), limit=MAX_CLASSES)
    kept.sort(key=lambda item: (item[0], item[1]))
    counts = Counter(label for label, _, _ in kept)
    for label in class_names:
        if counts[label] < MIN_IMAGES_PER_CLASS:
            notices.append(Notice("small_class", {"name": label, "n": counts[label]}))
    by_folded: dict[str, list[str]] = {}
    for label in class_names:
        by_folded.setdefault(label.casefold(), []).append(label)
    for same in by_folded.values():
        if len(same) > 1:
            notices.append(Notice("case_clash", {"names": ", ".join(f"'{s}'" for s in same)}))
    images = np.empty((len(kept), SIZE, SIZE, 1), dtype=np.uint8)
    for i, (_, _, picture) in enumerate(kept):
        images[i, :, :, 0] = picture
    return ImageFolderSet(
        images=images,
        labels=np.array([label for label, _, _ in kept], dtype=object),
        class_names=class_names,
        files=tuple(name for _, name, _ in kept),
        skipped=tuple(skipped.listed),
        notices=tuple(notices),
        root="/".join(root),
        skipped_counts=dict(skipped.counts),
    )


# --- From a folder set to a training run ------------------------------------------------------


def to_dataset(folder_set: ImageFolderSet, source: str, seed: int = 0) -> Dataset:
    """Split into training and test images, class by class (each class keeps its TEST_FRACTION), and
    name the result after its content, so the training service can cache runs on it: ``images-<hash>``.

    A class of one image goes to training only; every other class has at least one test image.
    DatasetError("no_test_images") when that leaves no test image at all (every class has one image).
    """
    rng = np.random.default_rng(seed)
    indices = folder_set.label_indices
    train, test = [], []
    for k in range(len(folder_set.class_names)):
        members = rng.permutation(np.flatnonzero(indices == k))
        n_test = 0 if len(members) < 2 else min(len(members) - 1, max(1, round(TEST_FRACTION * len(members))))
        test.append(members[:n_test])
        train.append(members[n_test:])
    train_idx, test_idx = rng.permutation(np.concatenate(train)), np.sort(np.concatenate(test))
    if len(test_idx) == 0:  # every class has one image: Keras would evaluate on nothing and fail (#11)
        raise DatasetError("no_test_images", n=len(indices))
    digest = hashlib.sha256()
    for part in (folder_set.images.tobytes(), indices.tobytes(), "\n".join(folder_set.class_names).encode()):
        digest.update(part)
    digest.update(f"{TEST_FRACTION}/{seed}".encode())  # as before the fraction was fixed: cached runs keep their names
    return Dataset(
        name=f"images-{digest.hexdigest()[:16]}",
        source=source,
        x_train=folder_set.images[train_idx, :, :, 0],
        y_train=indices[train_idx].astype(np.uint8),
        x_test=folder_set.images[test_idx, :, :, 0],
        y_test=indices[test_idx].astype(np.uint8),
        class_names=tuple(folder_set.class_names),
    )
