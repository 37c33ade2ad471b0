"""Template context every page gets: which navigation the user's role opens."""

from __future__ import annotations

from django.http import HttpRequest

from segapp.services.accounts import can


def navigation(request: HttpRequest) -> dict[str, bool]:
    """Flags for the top bar (links a role cannot open are not shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_privacy": False}
    return {"can_privacy": can(user, "manage_privacy") or can(user, "view_audit_log")}
