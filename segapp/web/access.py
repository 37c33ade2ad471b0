"""What every page door checks first: the role's capability, and that the run exists."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from segapp.models import SegmentationRun
from segapp.selectors.runs import RunNotFound, get_run
from segapp.services.accounts import can


def require(request: HttpRequest, capability: str) -> None:
    """Refuse (403, the friendly page) unless the user's role has `capability`."""
    if not can(request.user, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability.replace('_', ' ')}).")


def run_or_404(ref: str | int) -> SegmentationRun:
    """The run by id or "latest", else a 404 saying why."""
    try:
        return get_run(ref)
    except RunNotFound as exc:
        raise Http404(str(exc)) from None
