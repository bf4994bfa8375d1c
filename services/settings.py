"""Settings from the environment, the one place that reads every CNNLIB_* variable: where the app keeps
what it writes (the run cache, the notMNIST download), how big that may grow, what a training run may
use, which MNIST to load and where notMNIST comes from.

A value that cannot be read raises ``SettingError`` (a coded message, words in
words/setting_errors.py) instead of a bare ValueError deep inside a page, so the router's guard
shows it; an empty value counts as unset (the default).

| variable                 | default                          | what it limits                                   |
|--------------------------|----------------------------------|--------------------------------------------------|
| CNNLIB_CACHE_DIR         | $XDG_CACHE_HOME/cnnlib           | where runs and downloads are kept                |
| CNNLIB_CACHE_MAX_MB      | 256                              | the run cache's size (least recently used go)    |
| CNNLIB_RUN_MEMORY_MB     | 600                              | the memory a run (or a Keras summary) may add    |
| CNNLIB_RUN_MAX_SECONDS   | 600                              | a run's estimated and actual time                |
| CNNLIB_TF_THREADS        | 0 (= the CPUs this process may use) | TensorFlow's thread pools                     |
| CNNLIB_MNIST_SOURCE      | auto                             | auto / keras / sample                            |
| CNNLIB_NOTMNIST_URL      | (the lecture's address)          | a mirror for notMNIST (http, https or file)      |
| CNNLIB_CLASS_HOURS       | 4                                | how long a class may sit idle before it expires  |
| CNNLIB_CLASS_DB          | (SQLite in the cache folder)     | where classes are kept: a postgresql:// address  |
|                          |                                  | that several replicas share (issue 19)           |
| CNNLIB_WARM_TF           | 1 under `streamlit run`, else 0  | when TF is imported in the background: 1 once  |
|                          |                                  | a page needs it, early after any first page,     |
|                          |                                  | 0 never (the page imports it, waiting)           |
"""

from __future__ import annotations

import math
import os
import re
import urllib.parse
from pathlib import Path

from cnnlib.errors import LessonError
from cnnlib.models import RUN_MEMORY_MB

MNIST_SOURCES = (
    "auto",
    "keras",
    "sample",
)  # services.training_data.SOURCES: Keras' download with a fallback, only it, the sample
URL_SCHEMES = ("http", "https", "file")
DATABASE_SCHEMES = ("postgresql", "postgres")  # libpq's two spellings of a PostgreSQL address
# A run's time limit, estimated before it queues and timed while it trains. The slides' LeNet-5 on all
# 60,000 MNIST images (RMSprop, batch 32, 10 epochs), the longest preset × fast/slide settings, estimates
# to 89 s here (services.runs.config.estimate_seconds, calibrated with bench/training.py --calibrate);
# 600 s leaves it 6× room on a slower or busy server (under load wall time tripled here), while the
# issue's 3.5-hour run is refused.
RUN_MAX_SECONDS = 600


class SettingError(LessonError):
    """A CNNLIB_* environment variable whose value cannot be used."""

    domain = "setting_errors"
    codes = {
        "bad_number": ("name", "value"),  # not a number at all (or not finite)
        "too_small": ("name", "value", "low"),
        "bad_choice": ("name", "value", "allowed"),
        "bad_url": ("name", "value", "allowed"),
        "bad_database": ("name", "value"),  # not a postgresql:// address (a password in it is not shown)
    }


def _text(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _number(name: str, default: float, low: float, *, whole: bool = False) -> float:
    """The variable as a number ≥ low (a whole one if whole), the default when unset."""
    text = _text(name)
    if text is None:
        return default
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        raise SettingError("bad_number", name=name, value=text) from None
    if not math.isfinite(value):
        raise SettingError("bad_number", name=name, value=text)
    if value < low:
        raise SettingError("too_small", name=name, value=text, low=low)
    return value


def cache_dir() -> Path:
    """$CNNLIB_CACHE_DIR, else $XDG_CACHE_HOME/cnnlib, else ~/.cache/cnnlib."""
    text = _text("CNNLIB_CACHE_DIR")
    if text is not None:
        return Path(text).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnnlib"


def cache_max_bytes() -> int:
    """$CNNLIB_CACHE_MAX_MB (default 256): the run cache evicts least recently used runs beyond it."""
    return int(_number("CNNLIB_CACHE_MAX_MB", 256, 0) * 1e6)


def run_memory_mb() -> int:
    """$CNNLIB_RUN_MEMORY_MB (default 600): the most a training run may add to the server's memory."""
    return int(_number("CNNLIB_RUN_MEMORY_MB", RUN_MEMORY_MB, 1, whole=True))


def run_max_seconds() -> float:
    """$CNNLIB_RUN_MAX_SECONDS (default RUN_MAX_SECONDS): the longest a run may take, estimated before and timed during."""
    return float(_number("CNNLIB_RUN_MAX_SECONDS", RUN_MAX_SECONDS, 1))


def tf_threads() -> int:
    """$CNNLIB_TF_THREADS: TensorFlow's thread-pool size; 0 (the default) = the CPUs this process may use."""
    return int(_number("CNNLIB_TF_THREADS", 0, 0, whole=True))


def mnist_source() -> str:
    """$CNNLIB_MNIST_SOURCE (default auto): auto (Keras' download, else the sample), keras or sample."""
    text = _text("CNNLIB_MNIST_SOURCE")
    if text is None:
        return "auto"
    if text not in MNIST_SOURCES:
        raise SettingError("bad_choice", name="CNNLIB_MNIST_SOURCE", value=text, allowed=", ".join(MNIST_SOURCES))
    return text


def notmnist_url() -> str | None:
    """$CNNLIB_NOTMNIST_URL: a mirror of notMNIST (tests use a local server); None = the lecture's address."""
    text = _text("CNNLIB_NOTMNIST_URL")
    if text is None:
        return None
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in URL_SCHEMES or not (parts.netloc or parts.scheme == "file"):
        raise SettingError("bad_url", name="CNNLIB_NOTMNIST_URL", value=text, allowed=", ".join(URL_SCHEMES))
    return text


def class_hours() -> float:
    """$CNNLIB_CLASS_HOURS (default 4): a class nobody touched for this long has expired (services.class_store)."""
    return float(_number("CNNLIB_CLASS_HOURS", 4, 0.001))


WARM_TF_CHOICES = {"1": "on", "true": "on", "yes": "on", "on": "on", "0": "off", "false": "off", "no": "off", "off": "off",
                   "early": "early"}


def warm_tf() -> str | None:
    """$CNNLIB_WARM_TF: when TensorFlow is imported in a background thread (ui/warmup.py), None when unset
    (ui/warmup decides: "on" in a `streamlit run` server, "off" elsewhere):

    - "on" (1, on, yes, true): once a page needs it (a finished run's model on §2/§6/§7, the lab's Keras
      summary); that page draws everything else at once and fills those parts in when the import is done;
    - "early": after the server's first page of any kind (before issue 18: about 500 MB more from then on,
      and the first TensorFlow page is complete at once);
    - "off" (0, off, no, false): never; a page that needs TensorFlow imports it in its own run (seconds).
    """
    text = _text("CNNLIB_WARM_TF")
    if text is None:
        return None
    if text.lower() not in WARM_TF_CHOICES:
        raise SettingError("bad_choice", name="CNNLIB_WARM_TF", value=text, allowed="1, early, 0")
    return WARM_TF_CHOICES[text.lower()]


def class_db() -> str | None:
    """$CNNLIB_CLASS_DB: the PostgreSQL database that keeps the classes, shared by several replicas
    (``postgresql://user@host:5432/db``, any libpq address); None (unset) = SQLite in the cache folder."""
    text = _text("CNNLIB_CLASS_DB")
    if text is None:
        return None
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in DATABASE_SCHEMES or not (parts.netloc or parts.path.strip("/") or parts.query):
        raise SettingError("bad_database", name="CNNLIB_CLASS_DB", value=_without_password(text))
    return text


def _without_password(text: str) -> str:
    """An address as it may be shown: a password in it becomes ***."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", text)
