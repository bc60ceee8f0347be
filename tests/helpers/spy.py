"""Test spies shared by several test modules."""

from __future__ import annotations

import pytest

from readq.search import cache


def spy_index_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the size of every search index `cache.load_or_build` builds (instead of loading a saved one)."""
    calls: list[int] = []
    real = cache.SearchIndex.__init__

    def init(self, papers, **kw):  # type: ignore[no-untyped-def]
        calls.append(len(papers))
        real(self, papers, **kw)

    monkeypatch.setattr(cache.SearchIndex, "__init__", init)
    return calls
