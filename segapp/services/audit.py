"""Recording audited actions (customer views, exports) in the audit log."""

from __future__ import annotations

from typing import Any

from segapp.models.audit import AuditAction, AuditEvent


def record(
    user, action: AuditAction | str, target: str, *, channel: str = "web", **details: Any
) -> AuditEvent:
    """Append one entry saying that `user` did `action` to `target` now.

    `user` may be None for actions run from the command line without a user;
    the entry then names the system.
    """
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "system",
        action=str(action),
        target=str(target)[:200],
        channel=channel,
        details=details,
    )
