"""Recency / frequency / monetary features derived from customers' events.

Purchases are events with a positive amount whose type is not a return and
whose status (when the file had a status column) names a purchase or nothing
known: cancelled, failed, declined, voided and pending orders are not
purchases (see :mod:`.outcomes`). Returns are events typed as returns or
refunds, with a refunded/returned status, or with a negative amount; they are
counted (`returns`) and summed as positive money (`return_amount`), never as
spend.
Recency and tenure are counted in days back from the latest event in the
data (not from today), so figures do not drift while nothing new arrives.
"""

from __future__ import annotations

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Abs

from segapp.models import Customer, Event
from segapp.services.ingest.outcomes import PURCHASE, RETURN, UNKNOWN

RETURN_TYPES = ("return", "returns", "returned", "refund", "refunded", "chargeback")
FEATURE_NAMES = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "return_share",
    "events_total",
    "returns",
    "return_amount",
    "tenure_days",
    "purchases_per_month",
)


def refresh_event_features() -> int:
    """Recompute the event features of every customer with events; return how many changed."""
    reference = Event.objects.aggregate(latest=Max("created_at"))["latest"]
    if reference is None:
        return 0
    is_return = Q(event_type__in=RETURN_TYPES) | Q(amount__lt=0) | Q(outcome=RETURN)
    is_purchase = (
        Q(amount__gt=0) & ~Q(event_type__in=RETURN_TYPES) & Q(outcome__in=(PURCHASE, UNKNOWN))
    )
    rows = (
        Event.objects.values("customer_id")
        .annotate(
            events_total=Count("id"),
            purchases=Count("id", filter=is_purchase),
            returns=Count("id", filter=is_return),
            monetary=Sum("amount", filter=is_purchase),
            return_amount=Sum(Abs("amount"), filter=is_return),
            last_purchase=Max("created_at", filter=is_purchase),
            last_event=Max("created_at"),
            first_event=Min("created_at"),
        )
        .order_by()
    )
    features = {row["customer_id"]: _features(row, reference) for row in rows.iterator()}
    changed = [
        customer
        for customer in Customer.objects.filter(id__in=list(features)).only("id", "event_features")
        if customer.event_features != features[customer.id]
    ]
    for customer in changed:
        customer.event_features = features[customer.id]
    Customer.objects.bulk_update(changed, ["event_features"], batch_size=1000)
    return len(changed)


def _features(row: dict, reference) -> dict[str, float]:
    purchases = row["purchases"]
    monetary = float(row["monetary"] or 0.0)
    last = row["last_purchase"] or row["last_event"]
    tenure_days = (reference - row["first_event"]).total_seconds() / 86400
    months = max(tenure_days / 30.4375, 1.0)
    return {
        "recency_days": round((reference - last).total_seconds() / 86400, 2),
        "frequency": float(purchases),
        "monetary": round(monetary, 2),
        "avg_order_value": round(monetary / purchases, 2) if purchases else 0.0,
        "return_share": round(row["returns"] / purchases, 4) if purchases else 0.0,
        "events_total": float(row["events_total"]),
        "returns": float(row["returns"]),
        "return_amount": round(float(row["return_amount"] or 0.0), 2),
        "tenure_days": round(tenure_days, 2),
        "purchases_per_month": round(purchases / months, 4),
    }
