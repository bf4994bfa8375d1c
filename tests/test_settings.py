"""services.settings: one answer for where cnnlib writes, how much it keeps, what a run may use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services import settings
from services.settings import SettingError
from words import words

ROOT = Path(__file__).resolve().parents[1]


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLIB_CACHE_DIR", str(tmp_path / "here"))
    assert settings.cache_dir() == tmp_path / "here"
    monkeypatch.delenv("CNNLIB_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert settings.cache_dir() == tmp_path / "cnnlib"


def test_limits_have_defaults_and_follow_the_environment(monkeypatch):
    for name in ("CNNLIB_CACHE_MAX_MB", "CNNLIB_RUN_MEMORY_MB", "CNNLIB_TF_THREADS", "CNNLIB_RUN_MAX_SECONDS",
                 "CNNLIB_MNIST_SOURCE", "CNNLIB_NOTMNIST_URL"):
        monkeypatch.delenv(name, raising=False)
    assert (settings.cache_max_bytes(), settings.run_memory_mb(), settings.tf_threads()) == (256_000_000, 600, 0)
    assert settings.run_max_seconds() == settings.RUN_MAX_SECONDS
    assert (settings.mnist_source(), settings.notmnist_url()) == ("auto", None)
    monkeypatch.setenv("CNNLIB_CACHE_MAX_MB", "0.5")
    monkeypatch.setenv("CNNLIB_RUN_MEMORY_MB", "2000")
    monkeypatch.setenv("CNNLIB_TF_THREADS", "3")
    monkeypatch.setenv("CNNLIB_RUN_MAX_SECONDS", " 120 ")
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")
    monkeypatch.setenv("CNNLIB_NOTMNIST_URL", "http://127.0.0.1:8000/notMNIST_small.tar.gz")
    assert (settings.cache_max_bytes(), settings.run_memory_mb(), settings.tf_threads()) == (500_000, 2000, 3)
    assert (settings.run_max_seconds(), settings.mnist_source()) == (120.0, "sample")
    assert settings.notmnist_url() == "http://127.0.0.1:8000/notMNIST_small.tar.gz"


def test_the_class_database_is_sqlite_unless_a_postgresql_address_is_set(monkeypatch):
    monkeypatch.delenv("CNNLIB_CLASS_DB", raising=False)
    assert settings.class_db() is None
    for value in ("postgresql://cnnlib@db.example:5432/classes", "postgres:///classes", "postgresql://u:pw@h/db?sslmode=require"):
        monkeypatch.setenv("CNNLIB_CLASS_DB", f" {value} ")
        assert settings.class_db() == value


def test_a_bad_class_database_never_shows_its_password(monkeypatch):
    monkeypatch.setenv("CNNLIB_CLASS_DB", "mysql://teacher:s3cret@db.example/classes")
    with pytest.raises(SettingError) as info:
        settings.class_db()
    assert info.value.params["value"] == "mysql://teacher:***@db.example/classes"
    assert all("s3cret" not in words(info.value, lang) for lang in ("ko", "en"))


def test_class_hours_default_and_environment(monkeypatch):
    monkeypatch.delenv("CNNLIB_CLASS_HOURS", raising=False)
    assert settings.class_hours() == 4.0
    monkeypatch.setenv("CNNLIB_CLASS_HOURS", "1.5")
    assert settings.class_hours() == 1.5


@pytest.mark.parametrize(("name", "value", "code", "read"), [
    ("CNNLIB_CACHE_MAX_MB", "lots", "bad_number", settings.cache_max_bytes),
    ("CNNLIB_CACHE_MAX_MB", "nan", "bad_number", settings.cache_max_bytes),
    ("CNNLIB_CACHE_MAX_MB", "-5", "too_small", settings.cache_max_bytes),
    ("CNNLIB_RUN_MEMORY_MB", "600MB", "bad_number", settings.run_memory_mb),
    ("CNNLIB_RUN_MEMORY_MB", "0", "too_small", settings.run_memory_mb),
    ("CNNLIB_RUN_MAX_SECONDS", "ten minutes", "bad_number", settings.run_max_seconds),
    ("CNNLIB_RUN_MAX_SECONDS", "inf", "bad_number", settings.run_max_seconds),
    ("CNNLIB_RUN_MAX_SECONDS", "0", "too_small", settings.run_max_seconds),
    ("CNNLIB_TF_THREADS", "2.5", "bad_number", settings.tf_threads),
    ("CNNLIB_TF_THREADS", "-1", "too_small", settings.tf_threads),
    ("CNNLIB_MNIST_SOURCE", "bogus", "bad_choice", settings.mnist_source),
    ("CNNLIB_CLASS_HOURS", "all day", "bad_number", settings.class_hours),
    ("CNNLIB_CLASS_HOURS", "0", "too_small", settings.class_hours),
    ("CNNLIB_NOTMNIST_URL", "ftp://example.com/x.tar.gz", "bad_url", settings.notmnist_url),
    ("CNNLIB_NOTMNIST_URL", "not a url", "bad_url", settings.notmnist_url),
    ("CNNLIB_CLASS_DB", "sqlite:///classes.db", "bad_database", settings.class_db),
    ("CNNLIB_CLASS_DB", "postgresql://host:port/db", "bad_database", settings.class_db),
    ("CNNLIB_CLASS_DB", "localhost", "bad_database", settings.class_db),
])
def test_a_bad_value_is_a_coded_message_in_both_languages(monkeypatch, name, value, code, read):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError) as info:
        read()
    err = info.value
    assert err.code == code and err.params["name"] == name and err.params["value"] == value
    en, ko = words(err, "en"), words(err, "ko")
    assert name in en and name in ko and repr(value) in en and en != ko


def test_every_cnnlib_variable_is_read_only_here():
    """No other module reads CNNLIB_* from the environment: one place for defaults and bad values."""
    readers = [path.relative_to(ROOT).as_posix() for folder in ("cnnlib", "ui") for path in (ROOT / folder).rglob("*.py")
               if re.search(r"(environ|getenv)\W[^\n]*CNNLIB_", path.read_text(encoding="utf-8"))]
    assert readers == []
    variables = set(re.findall(r"\"(CNNLIB_[A-Z_]+)\"", (ROOT / "services/settings.py").read_text(encoding="utf-8")))
    assert variables == {"CNNLIB_CACHE_DIR", "CNNLIB_CACHE_MAX_MB", "CNNLIB_RUN_MEMORY_MB", "CNNLIB_RUN_MAX_SECONDS",
                         "CNNLIB_TF_THREADS", "CNNLIB_MNIST_SOURCE", "CNNLIB_NOTMNIST_URL", "CNNLIB_CLASS_HOURS",
                         "CNNLIB_CLASS_DB", "CNNLIB_WARM_TF"}


def test_load_mnist_and_the_notmnist_address_read_the_settings(monkeypatch):
    from services.downloads import NOTMNIST_URL, notmnist_url
    from services.training_data import load_mnist

    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "bogus")
    with pytest.raises(SettingError):
        load_mnist()
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "")
    monkeypatch.setenv("CNNLIB_NOTMNIST_URL", "")
    assert settings.mnist_source() == "auto" and notmnist_url() == NOTMNIST_URL, "empty = unset"
    monkeypatch.setenv("CNNLIB_NOTMNIST_URL", "gopher://old")
    with pytest.raises(SettingError):
        notmnist_url()


@pytest.mark.parametrize(("text", "expected"), [("", None), ("1", "on"), ("ON", "on"), ("0", "off"), ("no", "off"),
                                              ("Early", "early")])
def test_warm_tf_reads_on_early_and_off(monkeypatch, text, expected):
    monkeypatch.setenv("CNNLIB_WARM_TF", text)
    assert settings.warm_tf() == expected


def test_an_unreadable_warm_tf_is_a_coded_error_and_no_warm_up(monkeypatch):
    from ui import warmup

    monkeypatch.setenv("CNNLIB_WARM_TF", "maybe")
    with pytest.raises(settings.SettingError) as caught:
        settings.warm_tf()
    assert caught.value.code == "bad_choice" and caught.value.params["name"] == "CNNLIB_WARM_TF"
    assert warmup.enabled() is False  # the page never fails for it
