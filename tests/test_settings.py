"""cnnlib.settings: one answer for where cnnlib writes, how much it keeps, what a run may use."""

from __future__ import annotations

from cnnlib import settings


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLIB_CACHE_DIR", str(tmp_path / "here"))
    assert settings.cache_dir() == tmp_path / "here"
    monkeypatch.delenv("CNNLIB_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert settings.cache_dir() == tmp_path / "cnnlib"


def test_limits_have_defaults_and_follow_the_environment(monkeypatch):
    for name in ("CNNLIB_CACHE_MAX_MB", "CNNLIB_RUN_MEMORY_MB", "CNNLIB_TF_THREADS"):
        monkeypatch.delenv(name, raising=False)
    assert (settings.cache_max_bytes(), settings.run_memory_mb(), settings.tf_threads()) == (256_000_000, 600, 0)
    monkeypatch.setenv("CNNLIB_CACHE_MAX_MB", "0.5")
    monkeypatch.setenv("CNNLIB_RUN_MEMORY_MB", "2000")
    monkeypatch.setenv("CNNLIB_TF_THREADS", "3")
    assert (settings.cache_max_bytes(), settings.run_memory_mb(), settings.tf_threads()) == (500_000, 2000, 3)
