"""Retention: data older than its type's retention period is removed, through the erasure machinery.

Periods come from `settings.VOXSEG_RETENTION_DAYS` (days per data type; 0
keeps forever):
- ``documents``: by the date the text was written (`created_at`, else when it
  was imported). They leave every run like an erased customer's documents do
  (results, quotes, topic examples, chat answers), the saved models fitted on
  them are invalidated, and vectors no other document shares are deleted.
- ``events``: by their date.
- ``run_artifacts``: runs finished before the cutoff are deleted with
  everything they derived (segments, memberships, topics, document results,
  bias audits, releases) and their files.
- ``audit_log``: entries older than the cutoff. The retention task is the only
  remover of audit entries.
- uploads waiting longer than ``VOXSEG_DRAFT_UPLOAD_HOURS``: drafts never
  imported (with their files) and the kept files of failed imports
  (:mod:`segapp.services.ingest.drafts`), whatever the periods above.

Each sweep is a :class:`PrivacyRequest` of kind retention whose counts say
what it removed, and an audit entry. Running it again removes only what has
aged out since.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from segapp.models import (
    AuditEvent,
    Document,
    DocumentResult,
    Event,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
    SegmentationRun,
)
from segapp.services import audit
from segapp.services.privacy import erasure, withdraw
from segapp.services.segmentation.artifacts import delete_files

DATA_TYPES = ("documents", "events", "run_artifacts", "audit_log")


def periods() -> dict[str, int]:
    """Retention in days per data type (0: kept forever)."""
    configured = getattr(settings, "VOXSEG_RETENTION_DAYS", {}) or {}
    return {kind: max(0, int(configured.get(kind, 0) or 0)) for kind in DATA_TYPES}


def cutoffs(now: datetime | None = None) -> dict[str, datetime | None]:
    """The oldest time kept per data type (None when it is kept forever)."""
    now = now or timezone.now()
    return {kind: (now - timedelta(days=d)) if d else None for kind, d in periods().items()}


def enforce(*, now: datetime | None = None, user=None, channel: str = "beat") -> PrivacyRequest:
    """Remove everything older than its retention period; return the sweep's receipt."""
    limits = cutoffs(now)
    actor = user.get_username() if getattr(user, "is_authenticated", False) else "system"
    started = timezone.now()
    request = PrivacyRequest.objects.create(
        kind=RequestKind.RETENTION,
        status=RequestStatus.RUNNING,
        requested_by=actor,
        channel=channel,
        started_at=started,
        details={"periods_days": periods()},
    )
    counts: Counter = Counter()
    try:
        if limits["documents"]:
            counts += _expire_documents(limits["documents"])
        if limits["events"]:
            with transaction.atomic():
                counts["events"] = Event.objects.filter(created_at__lt=limits["events"]).delete()[0]
        if limits["run_artifacts"]:
            counts += _expire_runs(limits["run_artifacts"])
        if limits["audit_log"]:
            with transaction.atomic():
                old = AuditEvent.objects.filter(created_at__lt=limits["audit_log"])
                counts["audit_entries"] = old.delete()[0]
        counts += _expire_uploads(now)
    except Exception as exc:
        PrivacyRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.FAILED, counts=dict(counts), error_message=str(exc)[:2000]
        )
        raise
    counts = +counts  # only what was removed
    PrivacyRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.DONE, counts=dict(counts), finished_at=timezone.now()
    )
    request.refresh_from_db()
    audit.record(
        user,
        audit.AuditAction.RETENTION_SWEEP,
        f"request {request.request_id}",
        channel=channel,
        **{k: int(v) for k, v in counts.items()},
    )
    return request


def _expire_uploads(now: datetime | None) -> Counter:
    """Uploads waiting past VOXSEG_DRAFT_UPLOAD_HOURS: drafts never imported, failed jobs' files."""
    from segapp.services.ingest.drafts import expire_uploads

    expired = expire_uploads(now=now)
    return Counter(draft_imports=expired.drafts, failed_import_uploads=expired.failed_uploads)


def status() -> dict:
    """What the privacy centre shows: periods, the oldest data held, the last sweep."""
    last = PrivacyRequest.objects.filter(kind=RequestKind.RETENTION).order_by("-created_at").first()
    oldest_document = Document.objects.order_by("created_at").values_list("created_at", flat=True)
    oldest_run = SegmentationRun.objects.exclude(finished_at=None).order_by("finished_at")
    oldest_audit = AuditEvent.objects.order_by("created_at").values_list("created_at", flat=True)
    oldest_event = Event.objects.order_by("created_at").values_list("created_at", flat=True)
    return {
        "periods": periods(),
        "oldest": {
            "documents": oldest_document.exclude(created_at=None).first(),
            "events": oldest_event.first(),
            "run_artifacts": oldest_run.values_list("finished_at", flat=True).first(),
            "audit_log": oldest_audit.first(),
        },
        "last_sweep": last,
    }


def _expire_documents(cutoff: datetime) -> Counter:
    counts: Counter = Counter()
    old = Document.objects.filter(
        Q(created_at__lt=cutoff) | Q(created_at__isnull=True, imported_at__lt=cutoff)
    )
    ids = list(old.values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        batch = ids[start : start + 2000]
        runs = set(
            DocumentResult.objects.filter(document_id__in=batch).values_list("run_id", flat=True)
        )
        with transaction.atomic():
            counts += withdraw.withdraw_documents(batch)
            for run in SegmentationRun.objects.filter(pk__in=runs):
                counts["model_folders"] += erasure.invalidate_model(
                    run, note=erasure.MODEL_EXPIRED_NOTE
                )
            documents = Document.objects.filter(pk__in=batch)
            hashes = set(documents.values_list("text_hash", flat=True))
            counts["documents"] += documents.delete()[0]
            counts["embeddings"] += withdraw.delete_orphan_embeddings(hashes)
    return counts


def _expire_runs(cutoff: datetime) -> Counter:
    counts: Counter = Counter()
    for run in SegmentationRun.objects.filter(finished_at__lt=cutoff):
        with transaction.atomic():
            pk = run.pk
            run.delete()
            counts["runs"] += 1
        delete_files(pk)
    return counts
