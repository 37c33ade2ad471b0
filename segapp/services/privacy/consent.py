"""Segmentation consent: recording it, changing it, and what an opt-out does at once.

An opt-out takes effect immediately: the customer is left out of new runs
(`services.segmentation.inputs` reads consenting customers only) and is
withdrawn from every existing run (:mod:`segapp.services.privacy.withdraw`):
their memberships, map positions, document results, quotes and representative
mentions go; the runs' stored aggregates are kept and marked as counting
customers withdrawn since. Opting in again applies to new runs only.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from segapp.models import ConsentEvent, Customer
from segapp.services import audit
from segapp.services.privacy import withdraw

SOURCES = ("web", "api", "cli", "import")


class UnknownCustomer(LookupError):
    """No customer has this pseudonym."""


def customer_by_pseudonym(pseudonym: str) -> Customer:
    """The customer with this pseudonym, or UnknownCustomer."""
    customer = Customer.objects.filter(pseudonym=str(pseudonym).strip().lower()).first()
    if customer is None:
        raise UnknownCustomer("No customer has this id.")
    return customer


def set_consent(
    customer_ids: Iterable[int],
    consented: bool,
    *,
    source: str,
    actor: str = "system",
    reason: str = "",
) -> int:
    """Set segmentation consent for these customers; return how many changed.

    Each change is kept as a :class:`ConsentEvent`. Customers whose consent
    already has this value are left alone (no event). Opted-out customers are
    withdrawn from existing runs in the same transaction.
    """
    if source not in SOURCES:
        raise ValueError(f"Unknown consent source {source!r}.")
    ids = sorted(set(int(i) for i in customer_ids))
    if not ids:
        return 0
    with transaction.atomic():
        changing = list(
            Customer.objects.select_for_update()
            .filter(pk__in=ids)
            .exclude(segmentation_consent=consented)
            .values_list("pk", flat=True)
        )
        if not changing:
            return 0
        now = timezone.now()
        Customer.objects.filter(pk__in=changing).update(
            segmentation_consent=consented, consent_updated_at=now, updated_at=now
        )
        ConsentEvent.objects.bulk_create(
            [
                ConsentEvent(
                    customer_id=pk,
                    consented=consented,
                    source=source,
                    actor=actor[:150],
                    reason=reason[:300],
                )
                for pk in changing
            ],
            batch_size=1000,
        )
        if not consented:
            withdraw.withdraw_customers(changing)
    return len(changing)


def change_consent(
    pseudonym: str, consented: bool, *, user=None, channel: str = "web", reason: str = ""
) -> bool:
    """Record one customer's consent decision from the UI, API or CLI; True when it changed.

    The change is written to the audit log with who made it.
    """
    customer = customer_by_pseudonym(pseudonym)
    actor = user.get_username() if getattr(user, "is_authenticated", False) else "system"
    changed = bool(
        set_consent([customer.pk], consented, source=channel, actor=actor, reason=reason)
    )
    audit.record(
        user,
        audit.AuditAction.CONSENT_CHANGE,
        customer.pseudonym,
        channel=channel,
        consented=consented,
        changed=changed,
    )
    return changed


def consent_history(customer: Customer) -> list[dict]:
    """The customer's consent changes, oldest first."""
    return [
        {
            "consented": event.consented,
            "source": event.source,
            "actor": event.actor,
            "reason": event.reason,
            "at": event.created_at.isoformat(),
        }
        for event in customer.consent_events.all()
    ]
