"""Access requests: everything VoxSeg holds and derived about one customer, readable.

The export has the customer's profile attributes (behavioural, other and
sensitive), their documents as stored (after redaction) with each run's topic
and sentiment, their events, the consent history, every run's segment,
membership probability and the explanation of why, the audit entries of who
viewed, exported or asked about them, and the privacy requests about them.
Other customers are never named in it (the explanations' "typical customers"
are left out). Rendered as JSON and as a self-contained HTML page.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from segapp.models import (
    AuditEvent,
    Customer,
    DocumentResult,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
    SegmentationRun,
    Topic,
)
from segapp.selectors.personas import CustomerNotFound, customer_memberships, explain_customer
from segapp.services import audit
from segapp.services.privacy.consent import consent_history
from segapp.services.sensitive import canonical_sensitive

FORMAT_VERSION = 1


def build_export(pseudonym: str) -> dict[str, Any]:
    """The access export of the customer with this pseudonym (``held`` false when none)."""
    pseudonym = pseudonym.strip().lower()
    customer = Customer.objects.filter(pseudonym=pseudonym).first()
    export: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "customer": pseudonym,
        "held": customer is not None,
    }
    if customer is None:
        export["note"] = "VoxSeg holds no data about this customer (never imported, or erased)."
        return export
    export.update(
        profile={
            "behaviour": customer.behaviour,
            "event_features": customer.event_features,
            "attributes": customer.attributes,
            "sensitive": canonical_sensitive(customer.sensitive),
            "first_seen": customer.created_at.isoformat(),
        },
        consent={
            "segmentation_consent": customer.segmentation_consent,
            "updated_at": _iso(customer.consent_updated_at),
            "history": consent_history(customer),
        },
        documents=_documents(customer),
        events=_events(customer),
        segments=_segments(customer),
        audit_log=_audit_entries(pseudonym),
        requests=_requests(pseudonym),
    )
    return export


def render_json(export: dict[str, Any]) -> str:
    """The export as indented JSON text."""
    return json.dumps(export, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def render_html(export: dict[str, Any]) -> str:
    """The export as one self-contained, printable HTML page."""
    return render_to_string("privacy/access_export.html", {"export": export})


def record_access(
    pseudonym: str, export: dict[str, Any], *, user=None, channel: str = "cli"
) -> PrivacyRequest:
    """Keep the access request (done, with counts) and write it to the audit log."""
    actor = user.get_username() if getattr(user, "is_authenticated", False) else "system"
    counts = export_counts(export)
    now = timezone.now()
    request = PrivacyRequest.objects.create(
        kind=RequestKind.ACCESS,
        status=RequestStatus.DONE,
        subject=pseudonym if export.get("held") else "",
        requested_by=actor,
        channel=channel,
        counts=counts,
        started_at=now,
        finished_at=now,
    )
    audit.record(
        user,
        audit.AuditAction.ACCESS_REQUEST,
        pseudonym,
        channel=channel,
        request=str(request.request_id),
        **counts,
    )
    return request


def export_counts(export: dict[str, Any]) -> dict[str, int]:
    """How much an export holds, for receipts and the command's summary line."""
    return {
        "documents": len(export.get("documents") or []),
        "events": len(export.get("events") or []),
        "runs": len(export.get("segments") or []),
        "audit_entries": len(export.get("audit_log") or []),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _documents(customer: Customer) -> list[dict[str, Any]]:
    documents = list(customer.documents.order_by("created_at", "pk"))
    results: dict[int, list[dict]] = {}
    rows = DocumentResult.objects.filter(document__customer=customer).values(
        "document_id", "run_id", "topic", "sentiment", "sentiment_label"
    )
    labels = _topic_labels({r["run_id"] for r in rows})
    for row in rows:
        results.setdefault(row["document_id"], []).append(
            {
                "run": row["run_id"],
                "topic": row["topic"],
                "topic_label": labels.get((row["run_id"], row["topic"]), "no topic"),
                "sentiment": row["sentiment"],
                "sentiment_label": row["sentiment_label"],
            }
        )
    return [
        {
            "document": d.pk,
            "kind": d.kind,
            "channel": d.channel,
            "created_at": _iso(d.created_at),
            "rating": d.rating,
            "text": d.text,
            "truncated": d.truncated,
            "redactions": d.redactions,
            "metadata": d.metadata,
            "results": results.get(d.pk, []),
        }
        for d in documents
    ]


def _topic_labels(run_ids: set[int]) -> dict[tuple[int, int], str]:
    rows = Topic.objects.filter(run_id__in=run_ids).values_list("run_id", "number", "label")
    return {(run, number): label for run, number, label in rows}


def _events(customer: Customer) -> list[dict[str, Any]]:
    return [
        {
            "created_at": _iso(e.created_at),
            "event_type": e.event_type,
            "amount": e.amount,
            "metadata": e.metadata,
        }
        for e in customer.events.order_by("created_at", "pk")
    ]


def _segments(customer: Customer) -> list[dict[str, Any]]:
    try:
        memberships = customer_memberships(customer.pseudonym)
    except CustomerNotFound:
        return []
    runs = SegmentationRun.objects.in_bulk([m["run"] for m in memberships])
    placed = []
    for membership in memberships:
        run = runs[membership["run"]]
        try:
            why = explain_customer(run, customer.pseudonym)
        except CustomerNotFound:
            why = {}
        why.pop("representative_customers", None)  # other people
        why.pop("customer", None)
        placed.append(
            {
                **membership,
                "run_finished_at": _iso(membership["run_finished_at"]),
                "explanation": {
                    "pulls": why.get("pulls", []),
                    "rule": why.get("rule"),
                    "topics": why.get("topics", []),
                },
            }
        )
    return placed


def _audit_entries(pseudonym: str) -> list[dict[str, Any]]:
    entries = AuditEvent.objects.filter(Q(target=pseudonym) | Q(details__icontains=pseudonym))
    return [
        {
            "at": e.created_at.isoformat(),
            "who": e.username,
            "action": e.action,
            "action_label": e.get_action_display(),
            "channel": e.channel,
        }
        for e in entries.order_by("created_at", "pk")
    ]


def _requests(pseudonym: str) -> list[dict[str, Any]]:
    return [
        {
            "request": str(r.request_id),
            "kind": r.kind,
            "status": r.status,
            "created_at": r.created_at.isoformat(),
            "finished_at": _iso(r.finished_at),
        }
        for r in PrivacyRequest.objects.filter(subject=pseudonym).order_by("created_at")
    ]
