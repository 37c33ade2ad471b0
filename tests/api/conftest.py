"""API test fixtures: each test starts with fresh request-rate counters."""

from __future__ import annotations

import pytest
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture(autouse=True)
def _fresh_rate_counters(monkeypatch):
    """Throttle history in a private in-memory cache, so no test sees another's requests."""
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache(f"throttle-{id(monkeypatch)}", {}))
