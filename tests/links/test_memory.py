"""Scanning threads share malloc arenas, so a worker's memory follows what it holds."""

import ctypes

import pytest

from dashboard.links.memory import limit_malloc_arenas


def test_glibc_takes_the_arena_limit_when_the_environment_sets_none(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    if not hasattr(ctypes.CDLL(None), "mallopt"):
        # macOS and musl have no mallopt: there the limit is a no-op, by design.
        # Debian (the dev and CI machines, the Docker image) always runs this.
        pytest.skip("not glibc: this C library has no arena limit to set")

    assert limit_malloc_arenas() is True


def test_the_environment_wins_over_the_built_in_limit(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")

    assert limit_malloc_arenas() is False
