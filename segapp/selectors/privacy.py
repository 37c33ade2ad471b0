"""What the privacy centre and its API read: requests, receipts, consent figures, audit log."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from segapp.models import AuditEvent, ConsentEvent, Customer, PrivacyRequest

AUDIT_FILTERS = ("user", "action", "target", "channel", "since", "until")


class FilterError(ValueError):
    """An audit-log filter that cannot be read."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def requests(*, kind: str | None = None, status: str | None = None) -> QuerySet[PrivacyRequest]:
    """Privacy requests, newest first, optionally of one kind and status."""
    found = PrivacyRequest.objects.all()
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    return found.order_by("-created_at", "-id")


def request_by_id(request_id: str) -> PrivacyRequest | None:
    """The request with this public id (a UUID), or None."""
    try:
        return PrivacyRequest.objects.filter(request_id=request_id).first()
    except (ValueError, TypeError):
        return None


def receipt(request: PrivacyRequest) -> dict[str, Any]:
    """A request as its receipt: id, kind, state, who, when and counts (never the subject)."""
    return {
        "request": str(request.request_id),
        "kind": request.kind,
        "status": request.status,
        "requested_by": request.requested_by,
        "channel": request.channel,
        "created_at": request.created_at,
        "finished_at": request.finished_at,
        "counts": {k: int(v) for k, v in (request.counts or {}).items()},
        "error": request.error_message,
    }


def consent_figures(*, days: int = 30) -> dict[str, int]:
    """Customers consenting and opted out now, and consent changes in the last `days` days."""
    totals = Customer.objects.aggregate(
        consenting=Count("pk", filter=Q(segmentation_consent=True)),
        opted_out=Count("pk", filter=Q(segmentation_consent=False)),
    )
    since = timezone.now() - timedelta(days=days)
    recent = ConsentEvent.objects.filter(created_at__gte=since).aggregate(
        opt_outs=Count("pk", filter=Q(consented=False)),
        opt_ins=Count("pk", filter=Q(consented=True)),
    )
    return {**totals, **{f"{k}_{days}d": v for k, v in recent.items()}, "days": days}


def audit_entries(params) -> QuerySet[AuditEvent]:
    """Audit entries, newest first, filtered by user, action, target, channel, since, until."""
    entries = AuditEvent.objects.all()
    if params.get("user"):
        entries = entries.filter(username=params["user"])
    if params.get("action"):
        entries = entries.filter(action=params["action"])
    if params.get("target"):  # the target, or a customer named in the details (chat questions)
        about = params["target"]
        entries = entries.filter(Q(target__icontains=about) | Q(details__icontains=about))
    if params.get("channel"):
        entries = entries.filter(channel=params["channel"])
    if params.get("since"):
        entries = entries.filter(created_at__gte=_moment(params["since"], "since", end=False))
    if params.get("until"):
        entries = entries.filter(created_at__lte=_moment(params["until"], "until", end=True))
    return entries.order_by("-created_at", "-id")


def audit_row(entry: AuditEvent) -> dict[str, Any]:
    """One audit entry as the API and page show it."""
    return {
        "id": entry.pk,
        "at": entry.created_at,
        "user": entry.username,
        "action": entry.action,
        "action_label": entry.get_action_display(),
        "target": entry.target,
        "channel": entry.channel,
        "details": entry.details,
    }


def audit_actions() -> list[tuple[str, str]]:
    """Every audit action as (value, label), for filters."""
    return list(AuditEvent._meta.get_field("action").choices)


def _moment(value: str, field: str, *, end: bool) -> datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise FilterError(field, f"{value!r} is not a date (YYYY-MM-DD) or date-time.")
        moment = datetime.combine(day, time.max if end else time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
