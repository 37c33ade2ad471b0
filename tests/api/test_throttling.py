"""Request rates hold under concurrency: parallel requests never pass beyond the rate."""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from segapp.api.throttling import IntegrationThrottle, count_hit

THREADS = 32


def _rates(settings, **rates) -> None:
    merged = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged}


def _cache(kind: str, tmp_path):
    if kind == "configured":
        return caches["default"]  # what this test run configured (CACHE_URL)
    if kind == "file":
        return FileBasedCache(str(tmp_path / "cache"), {})
    return LocMemCache(f"throttle-test-{secrets.token_hex(4)}", {})


class _Ping(APIView):
    """A view counted by the integration throttle only."""

    permission_classes: list = []
    authentication_classes: list = []
    throttle_classes = [IntegrationThrottle]

    def get(self, request):
        return Response({"ok": True})


def _in_parallel(call, n: int) -> list:
    start = threading.Barrier(THREADS)

    def job(i: int):
        if i < THREADS:
            start.wait()  # the first wave starts together
        return call()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(job, range(n)))


@pytest.mark.parametrize("kind", ["configured", "file", "memory"])
def test_parallel_token_requests_never_pass_beyond_the_integration_rate(
    kind, tmp_path, settings, monkeypatch
):
    monkeypatch.setattr(SimpleRateThrottle, "cache", _cache(kind, tmp_path))
    _rates(settings, integration="40/min")
    user = get_user_model()(pk=10_000 + secrets.randbelow(10**9), username="dave")
    view = _Ping.as_view()
    factory = APIRequestFactory()

    def call() -> int:
        request = factory.get("/ping/")
        force_authenticate(request, user=user, token=Token(key="k", user=user))
        return view(request).status_code

    codes = _in_parallel(call, 400)
    assert codes.count(200) == 40
    assert codes.count(429) == 360


def test_a_refused_request_is_told_how_long_to_wait(settings, monkeypatch, tmp_path):
    monkeypatch.setattr(SimpleRateThrottle, "cache", _cache("memory", tmp_path))
    _rates(settings, integration="1/min")
    user = get_user_model()(pk=42, username="dave")
    factory = APIRequestFactory()
    responses = []
    for _ in range(2):
        request = factory.get("/ping/")
        force_authenticate(request, user=user, token=Token(key="k", user=user))
        responses.append(_Ping.as_view()(request))
    assert [r.status_code for r in responses] == [200, 429]
    assert 0 < int(responses[1]["Retry-After"]) <= 60


@pytest.mark.django_db(transaction=True)
def test_parallel_guessed_tokens_never_pass_beyond_the_anon_rate(settings, monkeypatch, tmp_path):
    monkeypatch.setattr(SimpleRateThrottle, "cache", _cache("file", tmp_path))
    _rates(settings, anon="20/min")

    def call() -> int:
        try:
            client = APIClient(REMOTE_ADDR="203.0.113.9")
            client.credentials(HTTP_AUTHORIZATION=f"Token {secrets.token_hex(20)}")
            return client.get("/api/v1/runs/").status_code
        finally:
            connection.close()

    codes = _in_parallel(call, 160)
    assert codes.count(401) == 20  # refused tokens that were looked up
    assert codes.count(429) == 140  # the rest: past the rate, 429 whatever the token


def test_counting_is_atomic_in_the_file_cache_across_threads(tmp_path):
    cache = _cache("file", tmp_path)
    counts = _in_parallel(lambda: count_hit(cache, "hits", ttl=60), 300)
    assert sorted(counts) == list(range(1, 301))
