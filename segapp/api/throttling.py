"""Request rates: per token for integrations, per user for the UI, per address when anonymous.

Every throttle counts in fixed windows of the rate's period with one atomic
increment in the shared cache, so requests arriving at the same time, on any
thread or process, can never all read the same old count (DRF's own
throttles read a list of timestamps, append and write it back, which lets
concurrent requests through far past the rate). Each caller's windows start
at their first request (the anchor, kept a day), so a burst is never split
by a clock boundary into two windows' worth. Redis (INCR), local memory
and memcached increment atomically; the file cache of the embedded mode does
not, so there the count is taken under an exclusive lock on a file in the
cache folder, shared by every process of the machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

# Backends whose add() and incr() are atomic on their own.
ATOMIC_BACKENDS = (RedisCache, LocMemCache, BaseMemcachedCache)
LOCK_FILE = ".throttle.lock"
ANCHOR_SECONDS = 24 * 3600
_process_lock = threading.Lock()  # other backends: atomic within one process only


def count_hit(cache: BaseCache, key: str, *, ttl: int) -> int:
    """Add one to the counter `key` (created at 0, expiring after `ttl` seconds) and return
    the new count, atomically: concurrent callers each get a different count."""
    with _exclusive(cache):
        cache.add(key, 0, ttl)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, ttl)
            return 1


def first_value(cache: BaseCache, key: str, value, *, ttl: int):
    """The value stored under `key`, storing `value` first when there is none, atomically:
    concurrent callers all get the value of whichever of them came first."""
    with _exclusive(cache):
        cache.add(key, value, ttl)
        return cache.get(key, value)


@contextlib.contextmanager
def _exclusive(cache: BaseCache) -> Iterator[None]:
    """Nothing for atomic backends; an exclusive file lock for the file cache (threads and
    processes alike); a process lock for anything else."""
    if isinstance(cache, ATOMIC_BACKENDS):
        yield
        return
    if isinstance(cache, FileBasedCache):
        os.makedirs(cache._dir, exist_ok=True)
        descriptor = os.open(os.path.join(cache._dir, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock
        return
    with _process_lock:
        yield


class AtomicRateThrottle(SimpleRateThrottle):
    """SimpleRateThrottle counted in fixed windows with :func:`count_hit`.

    At most `num_requests` requests pass per window of `duration` seconds
    (window n covers [n·duration, (n+1)·duration)); the refused ones are told
    to wait until the window ends. The rate is read from the settings at call
    time, so a changed setting applies at once.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        anchor = self._anchor()
        window = int((self.now - anchor) // self.duration)
        self.window_end = anchor + (window + 1) * self.duration
        # Twice the window: the counter never expires while its window is still current.
        key = f"{self.key}:{anchor:.0f}:{window}"
        count = count_hit(self.cache, key, ttl=2 * int(self.duration) + 1)
        return count <= self.num_requests

    def _anchor(self) -> float:
        """When this caller's first window began (set once by whoever adds it first)."""
        key = f"{self.key}:anchor"
        anchor = self.cache.get(key)
        if anchor is None:  # the file cache's add is not atomic: set it under the lock
            anchor = first_value(self.cache, key, float(int(self.now)), ttl=ANCHOR_SECONDS)
        return float(anchor)

    def wait(self) -> float | None:
        """Seconds until the current window ends."""
        end = getattr(self, "window_end", None)
        return None if end is None else max(0.0, end - self.timer())


class AnonymousThrottle(AtomicRateThrottle, AnonRateThrottle):
    """Anonymous requests, by client address (`anon` rate; API_THROTTLE_ANON)."""


class SessionUserThrottle(AtomicRateThrottle, UserRateThrottle):
    """Requests of signed-in users of the web UI, per user (`user` rate; API_THROTTLE_USER)."""

    def allow_request(self, request, view):
        if isinstance(request.auth, Token):
            return True  # token requests are counted by IntegrationThrottle
        return super().allow_request(request, view)


class IntegrationThrottle(AtomicRateThrottle, UserRateThrottle):
    """Requests authenticated by an API token, per user (`integration` rate;
    API_THROTTLE_INTEGRATION)."""

    scope = "integration"

    def allow_request(self, request, view):
        if not isinstance(request.auth, Token):
            return True
        return super().allow_request(request, view)
