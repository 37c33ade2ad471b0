"""Role-based API permissions, backed by `segapp.services.accounts.can`."""

from __future__ import annotations

from rest_framework.exceptions import Throttled
from rest_framework.permissions import BasePermission

from segapp.api.throttling import AnonymousThrottle
from segapp.services.accounts import can


def _count_anonymous(request, view) -> None:
    """Rate-limit anonymous callers here: DRF checks rates only after permissions, which
    refuse them first, so without this an anonymous caller could probe unthrottled."""
    if request.user and request.user.is_authenticated:
        return
    throttle = AnonymousThrottle()
    if not throttle.allow_request(request, view):
        raise Throttled(throttle.wait())


def require(capability: str) -> type[BasePermission]:
    """A permission class granting access to users whose role has `capability`."""

    class HasCapability(BasePermission):
        message = f"Your role does not allow this ({capability.replace('_', ' ')})."

        def has_permission(self, request, view) -> bool:
            _count_anonymous(request, view)
            return bool(request.user and can(request.user, capability))

    HasCapability.__name__ = f"Can{capability.title().replace('_', '')}"
    return HasCapability


class ImportPermission(BasePermission):
    """Reading jobs needs view_imports; starting one needs import_data."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        _count_anonymous(request, view)
        capability = (
            "view_imports" if request.method in ("GET", "HEAD", "OPTIONS") else "import_data"
        )
        return can(request.user, capability)
