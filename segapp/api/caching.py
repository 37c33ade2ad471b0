"""ETag and Last-Modified for run results, with 304 answers to conditional requests.

The results of a finished run change only when customers are withdrawn
(`privacy_changed_at`) or placed after it by its model (`PlacementPass`), so
a run's id, status, finished_at and those two times identify every
representation of them; the request's path and
query string, its Accept header, the caller's roles (which decide what is
hidden) and the privacy policy of the caller's API token (noisy figures, see
segapp.services.dp) complete the ETag. A run that is still queued or running gets neither
header: its progress changes under the client.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from segapp.models import PlacementPass, SegmentationRun
from segapp.selectors.runs import RunNotFound, get_run, runs
from segapp.services.accounts import roles_of
from segapp.services.dp import token_policy


def lookup_run(request, ref: str) -> SegmentationRun:
    """The run a path names (an id or `latest`), looked up once per request.

    Raises RunNotFound.
    """
    cache = request.__dict__.setdefault("_voxseg_runs_by_ref", {})
    if ref not in cache:
        try:
            cache[ref] = get_run(ref)
        except RunNotFound as exc:
            cache[ref] = exc
    if isinstance(cache[ref], RunNotFound):
        raise cache[ref]
    return cache[ref]


def _finished_run(request, run: str | None = None, **kwargs) -> SegmentationRun | None:
    """The finished run a request is about, or None."""
    try:
        found = lookup_run(request, run)
    except RunNotFound:
        return None
    return found if found.is_finished else None


def _variant(request) -> str:
    roles = ",".join(sorted(roles_of(request.user)))
    policy = token_policy(getattr(request, "auth", None))
    private = "" if policy is None else f"|dp:{policy.pk}:{policy.epsilon!r}:{policy.delta!r}"
    return f"{request.get_full_path()}|{request.META.get('HTTP_ACCEPT', '')}|{roles}{private}"


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]


def run_etag(request, *args, **kwargs) -> str | None:
    """ETag of a finished run's results as this caller sees them."""
    found = _finished_run(request, **kwargs)
    if found is None:
        return None
    return _digest(
        found.pk,
        found.status,
        found.finished_at,
        found.privacy_changed_at,
        _placed_at(request, found),
        _variant(request),
    )


def run_last_modified(request, *args, **kwargs) -> datetime | None:
    """When a finished run's results were written."""
    found = _finished_run(request, **kwargs)
    if found is None:
        return None
    changes = (found.finished_at, found.privacy_changed_at, _placed_at(request, found))
    return max(filter(None, changes), default=None)


def _placed_at(request, run: SegmentationRun) -> datetime | None:
    """When customers were last placed after the run (members and counts changed), once
    per request."""
    cache = request.__dict__.setdefault("_voxseg_placed_at", {})
    if run.pk not in cache:
        cache[run.pk] = (
            PlacementPass.objects.filter(run_id=run.pk).values_list("placed_at", flat=True).first()
        )
    return cache[run.pk]


def _all_finished(request) -> list[tuple] | None:
    cache = request.__dict__
    if "_voxseg_runs" not in cache:
        rows = list(runs().order_by("id").values_list("id", "status", "finished_at"))
        finished = {"succeeded", "failed", "cancelled"}
        every = all(status in finished and at is not None for _, status, at in rows)
        cache["_voxseg_runs"] = rows if every else None
    return cache["_voxseg_runs"]


def run_list_etag(request, *args, **kwargs) -> str | None:
    """ETag of the run list while no run is in progress."""
    rows = _all_finished(request)
    return None if rows is None else _digest(rows, _variant(request))


def run_list_last_modified(request, *args, **kwargs) -> datetime | None:
    """The newest finish time, while no run is in progress."""
    rows = _all_finished(request)
    return max((at for _, _, at in rows), default=None) if rows else None


def conditional(etag_func: Callable, last_modified_func: Callable) -> Callable:
    """Decorate an API view's `get`: 304 when the client's copy is current, and ETag and
    Last-Modified on successful answers (never on errors).

    Like Django's `condition`, but it runs inside the view, after DRF has
    authenticated the caller and checked permissions and rates.
    """

    def decorator(method: Callable) -> Callable:
        @wraps(method)
        def get(view, request, *args, **kwargs):
            etag = etag_func(request, *args, **kwargs)
            etag = quote_etag(etag) if etag else None
            modified = last_modified_func(request, *args, **kwargs)
            timestamp = int(modified.timestamp()) if modified else None
            response = get_conditional_response(request, etag=etag, last_modified=timestamp)
            if response is not None:
                return response
            response = method(view, request, *args, **kwargs)
            if response.status_code == 200:
                if etag:
                    response.headers.setdefault("ETag", etag)
                if timestamp is not None:
                    response.headers.setdefault("Last-Modified", http_date(timestamp))
            return response

        return get

    return decorator


# Decorators for the `get` methods of API views.
run_results_cache = conditional(run_etag, run_last_modified)
run_list_cache = conditional(run_list_etag, run_list_last_modified)
