"""Benchmark (issue 5): 20,000 PNGs of 28×28 in a zip → (20000, 28, 28, 1) in ≤ 5 s and ≤ 300 MB extra.

Prints the safe loader (``cnnlib.image_folders.load_image_zip``: streaming, bomb caps, every
check) against a plain baseline in the same process — ``zipfile`` read + ``PIL`` decode with
no checks at all — plus the same set as notMNIST's tar.gz. Memory is the peak resident set
size above the level just before each run, sampled every 2 ms from /proc (Linux), and —
in a second, slower pass — tracemalloc's peak for what Python and numpy allocated.

    python bench/image_zip.py [N]
    python bench/image_zip.py --hostile    # issue 9 #4/#5: pixel bombs and long names vs a normal upload

``--hostile`` loads each hostile upload in a fresh process and prints its CPU seconds
(``time.process_time``) and peak RSS above the level before loading (sampled every 2 ms),
as ratios against a normal upload (300 letters, 28×28 PNG) loaded the same way.
"""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
import tracemalloc
import zipfile

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from cnnlib.image_folders import load_image_tar, load_image_zip
from cnnlib.letters import make_letters

TIME_LIMIT_S = 5.0
MEMORY_LIMIT_MB = 300.0
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE / 2**20
    except OSError:  # not Linux: no sampling, the tracemalloc figure still prints
        return 0.0


def timed(fn):
    """(result, seconds, peak RSS above the level at the start, in MB) — no tracing, true speed."""
    gc.collect()
    start_rss, peak = rss_mb(), [0.0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    peak[0] = max(peak[0], rss_mb())
    return result, seconds, max(0.0, peak[0] - start_rss)


def traced_peak_mb(fn) -> float:
    """Peak of what Python and numpy allocated during fn (tracemalloc: slow, so a separate pass)."""
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def baseline(data: bytes):
    """What a notebook would do: read every member, decode it, no checks, no limits."""
    pictures, labels = [], []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            with Image.open(io.BytesIO(archive.read(info))) as image:
                pictures.append(np.asarray(image.convert("L")))
            labels.append(info.filename.split("/")[-2])
    return np.stack(pictures).reshape(-1, 28, 28, 1), labels


def build(n: int) -> tuple[bytes, bytes]:
    per_class = n // 10
    letters = make_letters(per_class=per_class, seed=2024)
    zip_out, tar_out = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(zip_out, "w", zipfile.ZIP_DEFLATED) as z, tarfile.open(fileobj=tar_out, mode="w:gz") as t:
        for picture, name in zip(letters.images[..., 0], letters.files, strict=True):
            buffer = io.BytesIO()
            Image.fromarray(picture).save(buffer, "PNG")
            png = buffer.getvalue()
            letter, _, index = name.split("/")
            member = f"notMNIST_small/{letter}/{index}.png"
            z.writestr(member, png)
            info = tarfile.TarInfo(member)
            info.size = len(png)
            t.addfile(info, io.BytesIO(png))
    return zip_out.getvalue(), tar_out.getvalue()


def hostile_upload(kind: str) -> bytes:
    """The uploads of issue 9 #4 and #5 (tiny on disk), and a normal one to compare them with."""
    from tests.archivehelp import long_names_tar, make_tar, make_zip, pixel_bomb, two_classes

    if kind == "normal":
        letters = make_letters(per_class=30, seed=1)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for picture, name in zip(letters.images[..., 0], letters.files, strict=True):
                buffer = io.BytesIO()
                Image.fromarray(picture).save(buffer, "PNG")
                letter, _, index = name.split("/")
                z.writestr(f"{letter}/{index}.png", buffer.getvalue())
        return out.getvalue()
    if kind == "1bit×200":
        bomb = pixel_bomb("1bit")
        return make_zip([*two_classes(), *[(f"A/bomb{i}.png", bomb) for i in range(200)]])
    if kind in ("rgba", "16bit", "float"):
        return make_zip([*two_classes(), ("A/bomb.png", pixel_bomb(kind))])
    if kind == "long names":  # 1,200 members whose names are 150 KB each
        return long_names_tar(1200, 150_000)
    if kind == "names 40 KB":  # under the header limit: the names' total stops it
        return long_names_tar(1200, 40_000)
    if kind == "100 MB name":  # one pax header of 100 MB
        return make_tar([*two_classes(), ("A/" + "x" * 100_000_000 + ".png", b"")])
    raise ValueError(kind)


def _measure_one(path: str) -> None:
    from cnnlib.image_folders import load_image_archive

    with open(path, "rb") as f:
        data = f.read()
    kind = os.path.basename(path)

    def load():
        try:
            result = load_image_archive(data)
            return f"{len(result.images)} images, {getattr(result, 'skipped_total', len(result.skipped))} skipped"
        except Exception as err:  # noqa: BLE001 - a refusal is an outcome too
            return f"refused: {getattr(err, 'code', type(err).__name__)}"

    t0 = time.process_time()
    outcome, _, rss = timed(load)
    cpu = time.process_time() - t0
    print(json.dumps({"kind": kind, "bytes": len(data), "cpu": cpu, "rss": rss, "outcome": outcome}))


def hostile() -> int:
    import tempfile

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("normal", "1bit×200", "rgba", "16bit", "float", "long names", "names 40 KB", "100 MB name"):
            path = os.path.join(folder, kind)
            with open(path, "wb") as f:
                f.write(hostile_upload(kind))  # built here: the bomb's own making is not measured
            out = subprocess.run([sys.executable, __file__, "--one", path], capture_output=True, text=True, check=True)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    normal = rows[0]
    print(f"{'upload':12} {'size':>9} {'CPU s':>7} {'×normal':>8} {'peak RSS +MB':>13} {'×normal':>8}  outcome")
    for row in rows:
        print(f"{row['kind']:12} {row['bytes'] / 1024:7.0f}KB {row['cpu']:7.2f} {row['cpu'] / max(normal['cpu'], 1e-3):8.1f} "
              f"{row['rss']:13.1f} {row['rss'] / max(normal['rss'], 1.0):8.1f}  {row['outcome']}")
    return 0


def main() -> int:
    if sys.argv[1:2] == ["--one"]:
        _measure_one(sys.argv[2])
        return 0
    if sys.argv[1:2] == ["--hostile"]:
        return hostile()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    zip_bytes, tar_bytes = build(n)
    print(f"{n:,} PNGs of 28×28: zip {len(zip_bytes) / 2**20:.1f} MB, tar.gz {len(tar_bytes) / 2**20:.1f} MB")
    # our loader first, in a fresh process: its RSS growth is then not hidden by memory a
    # previous run left behind (the baseline's figure is a lower bound for the same reason)
    ours, ours_s, ours_rss = timed(lambda: load_image_zip(zip_bytes))
    plain, plain_s, plain_rss = timed(lambda: baseline(zip_bytes))
    tar, tar_s, tar_rss = timed(lambda: load_image_tar(tar_bytes))
    assert ours.images.shape == (n, 28, 28, 1) == plain[0].shape == tar.images.shape
    same = np.sort(ours.images.reshape(n, -1), axis=0), np.sort(plain[0].reshape(n, -1), axis=0)
    assert np.array_equal(*same), "the loader must give the baseline's pixels"
    ours_py = traced_peak_mb(lambda: load_image_zip(zip_bytes))
    plain_py = traced_peak_mb(lambda: baseline(zip_bytes))
    tar_py = traced_peak_mb(lambda: load_image_tar(tar_bytes))
    rows = [
        ("load_image_zip (all checks)", ours_s, ours_rss, ours_py),
        ("baseline: zipfile + PIL, no checks", plain_s, plain_rss, plain_py),
        ("load_image_tar (same set, tar.gz)", tar_s, tar_rss, tar_py),
    ]
    print(f"{'':38} {'seconds':>8} {'images/s':>9} {'peak RSS +MB':>13} {'traced MB':>10}")
    for label, seconds, rss, traced in rows:
        print(f"{label:38} {seconds:8.2f} {n / seconds:9,.0f} {rss:13.1f} {traced:10.1f}")
    print(f"time vs baseline: zip ×{ours_s / plain_s:.2f}, tar.gz ×{tar_s / plain_s:.2f}")
    print(f"traced memory vs baseline: zip ×{ours_py / plain_py:.2f}, tar.gz ×{tar_py / plain_py:.2f}")
    ok = ours_s <= TIME_LIMIT_S and max(ours_rss, ours_py) <= MEMORY_LIMIT_MB
    print(f"target ≤ {TIME_LIMIT_S:.0f} s and ≤ {MEMORY_LIMIT_MB:.0f} MB extra: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
