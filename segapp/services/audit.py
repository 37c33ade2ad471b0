"""Recording audited actions (customer views, exports) in the audit log.

Reading customer-level data is always audited, whoever reads it:

- one customer (API detail or lookup, web customer page): one entry whose
  `target` is the customer's pseudonym (`record`);
- a page of customers (API customer list, member lists, the persona page's
  members): one entry per request whose `details["customers"]` lists every
  pseudonym shown (`record_customer_list`). The privacy centre's filter by
  customer, the access export's "who saw me" and erasure's rewriting all
  search `details` as well as `target`, so "who saw customer X" is one query
  either way, without one row per customer per page.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def record_customer_list(
    user,
    pseudonyms: Iterable[str],
    *,
    listing: str,
    channel: str = "web",
    **details: Any,
) -> AuditEvent:
    """Append one entry saying that `user` read a page of customers, naming each of them.

    `listing` names what was read ("customers", "run 3 members"); the
    pseudonyms shown go to `details["customers"]` in page order.
    """
    shown = list(pseudonyms)
    return record(
        user,
        AuditAction.VIEW_CUSTOMER,
        f"{listing} ({len(shown)} customers)",
        channel=channel,
        listing=listing,
        count=len(shown),
        customers=shown,
        **details,
    )
