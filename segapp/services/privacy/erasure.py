"""Erasure: removing a customer from everything VoxSeg holds, with a receipt that remains.

An erasure is a :class:`PrivacyRequest` worked through in steps, each in its
own transaction and recorded in `steps_done`, so a crash (a killed worker, a
lost connection) leaves a request that resumes where it stopped: running
`dsar erase` again, the Celery task being redelivered, or the periodic
`resume_privacy_requests` task. Every step is idempotent.

Steps:
1. ``suppress``: the re-import mark, when suppression is on. It comes first:
   once it is committed the erasure waits for imports in flight (see
   :mod:`segapp.services.locks`), so rows an import wrote before the mark are
   erased below and every later row of the customer is refused.
2. ``withdraw``: out of every run (memberships and map positions, document
   results, persona quotes and representative customers, topic representative
   documents, chat answers that quoted or named them).
3. ``models``: every saved run model that was fitted with the customer is
   deleted and the run marked; a saved model keeps training vectors (UMAP,
   HDBSCAN) and cannot be edited, so it is invalidated, never left holding
   them. Customers arriving later are placed by a new run instead.
4. ``documents``: their documents, events and the vectors no other document shares.
5. ``uploads``: kept uploads (drafts, failed jobs awaiting a retry) with a row of
   the customer are deleted (:mod:`segapp.services.privacy.uploads`).
6. ``audit``: audit entries and privacy requests that named the pseudonym name
   the erasure request instead (who did what and when is kept).
7. ``customer``: the customer row and its consent history.

What remains is the receipt: the request id, times and counts; the subject
field is blanked when the request is done.
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from segapp.models import (
    AuditEvent,
    Customer,
    Document,
    DocumentResult,
    Event,
    Membership,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
    SegmentationRun,
)
from segapp.services import audit, locks
from segapp.services.privacy import suppression, uploads, withdraw
from segapp.services.segmentation.artifacts import run_folder

logger = logging.getLogger(__name__)

STEPS = ("suppress", "withdraw", "models", "documents", "uploads", "audit", "customer")
MODEL_REMOVED_NOTE = (
    "The saved model of this run was deleted by an erasure request; start a new run to place "
    "new customers."
)
MODEL_EXPIRED_NOTE = (
    "The saved model of this run was deleted when texts it was fitted on reached their "
    "retention period; start a new run to place new customers."
)
MODEL_CORRECTED_NOTE = (
    "The saved model of this run was deleted because a text it was fitted on was corrected; "
    "start a new run to place new customers."
)


def open_erasure(pseudonym: str, *, user=None, channel: str = "cli") -> PrivacyRequest:
    """The erasure request for this customer: an unfinished one is resumed, else a new one.

    The runs the customer is part of are noted now, before anything is removed,
    so their saved models can be found again when the request resumes.
    """
    pseudonym = pseudonym.strip().lower()
    unfinished = (
        PrivacyRequest.objects.filter(kind=RequestKind.ERASURE, subject=pseudonym)
        .exclude(status=RequestStatus.DONE)
        .order_by("created_at")
        .first()
    )
    if unfinished is not None:
        return unfinished
    actor = user.get_username() if getattr(user, "is_authenticated", False) else "system"
    return PrivacyRequest.objects.create(
        kind=RequestKind.ERASURE,
        subject=pseudonym,
        requested_by=actor,
        channel=channel,
        details={"runs": _runs_with(pseudonym)},
    )


def erase(request: PrivacyRequest, *, user=None) -> PrivacyRequest:
    """Work an erasure request through its remaining steps and return its receipt.

    Safe to call again on a request that crashed half-way, and on a done one
    (it returns the receipt unchanged).
    """
    request.refresh_from_db()
    if request.status == RequestStatus.DONE:
        return request
    PrivacyRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.RUNNING, started_at=request.started_at or timezone.now()
    )
    request.refresh_from_db()
    try:
        for step in STEPS:
            if step in request.steps_done:
                continue
            with transaction.atomic():
                counts = _STEP_FUNCTIONS[step](request)
                _finish_step(request, step, counts)
            if step == "suppress" and suppression.enabled():
                locks.wait_for_sharers("suppression")  # imports that missed the mark commit first
    except Exception as exc:
        PrivacyRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.FAILED, error_message=str(exc)[:2000]
        )
        logger.exception("erasure request %s failed", request.request_id)
        raise
    with transaction.atomic():
        PrivacyRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.DONE, subject="", finished_at=timezone.now(), error_message=""
        )
    request.refresh_from_db()
    audit.record(
        user,
        audit.AuditAction.ERASURE_REQUEST,
        f"request {request.request_id}",
        channel=request.channel,
        documents=request.counts.get("documents", 0),
        artifacts=artifact_count(request.counts),
    )
    return request


def artifact_count(counts: dict) -> int:
    """How many derived records and files an erasure removed or rewrote (not documents)."""
    kept_apart = ("documents", "customers", "suppression_marks")
    return sum(int(v) for k, v in counts.items() if k not in kept_apart)


def _finish_step(request: PrivacyRequest, step: str, counts: Counter) -> None:
    request.refresh_from_db()
    merged = Counter(request.counts)
    merged.update({k: int(v) for k, v in counts.items() if v})
    request.counts = dict(merged)
    request.steps_done = [*request.steps_done, step]
    request.save(update_fields=["counts", "steps_done"])


def _customer(request: PrivacyRequest) -> Customer | None:
    return Customer.objects.filter(pseudonym=request.subject).first()


def _runs_with(pseudonym: str) -> list[int]:
    memberships = Membership.objects.filter(customer__pseudonym=pseudonym)
    results = DocumentResult.objects.filter(document__customer__pseudonym=pseudonym)
    runs = set(memberships.values_list("run_id", flat=True))
    runs |= set(results.values_list("run_id", flat=True))
    return sorted(runs)


def _step_withdraw(request: PrivacyRequest) -> Counter:
    customer = _customer(request)
    if customer is None:
        return Counter()
    return withdraw.withdraw_customers([customer.pk])


def _step_models(request: PrivacyRequest) -> Counter:
    counts: Counter = Counter()
    for run in SegmentationRun.objects.filter(pk__in=request.details.get("runs", [])):
        counts["model_folders"] += invalidate_model(run)
    return counts


def invalidate_model(run: SegmentationRun, *, note: str = MODEL_REMOVED_NOTE) -> int:
    """Delete a run's saved model and mark the run with `note`; return 1 when there was one."""
    folder = run_folder(run.pk)
    had_files = folder.exists() or bool(run.artifact_dir)
    shutil.rmtree(folder, ignore_errors=True)
    if run.artifact_dir and Path(run.artifact_dir).exists():
        shutil.rmtree(run.artifact_dir, ignore_errors=True)
    notes = list(run.notes or [])
    if had_files and note not in notes:
        notes.append(note)
    SegmentationRun.objects.filter(pk=run.pk).update(
        artifact_dir="", artifact_digest="", notes=notes, privacy_changed_at=timezone.now()
    )
    return int(had_files)


def _step_documents(request: PrivacyRequest) -> Counter:
    customer = _customer(request)
    if customer is None:
        return Counter()
    counts: Counter = Counter()
    documents = Document.objects.filter(customer=customer)
    hashes = set(documents.values_list("text_hash", flat=True))
    counts["documents"] = documents.delete()[0]
    counts["embeddings"] = withdraw.delete_orphan_embeddings(hashes)
    counts["events"] = Event.objects.filter(customer=customer).delete()[0]
    return counts


def _step_audit(request: PrivacyRequest) -> Counter:
    """Entries that named the customer keep who, what and when, and name the request instead."""
    pseudonym = request.subject
    replacement = f"erased customer (request {request.request_id})"
    entries = AuditEvent.objects.filter(Q(target=pseudonym) | Q(details__icontains=pseudonym))
    changed = 0
    for entry in entries.only("pk", "target", "details").iterator():
        details = _replace_in(entry.details, pseudonym, replacement)
        target = entry.target.replace(pseudonym, replacement)[:200]
        # The audit log is append-only for its users; erasure rewrites the one value it must.
        AuditEvent.objects.filter(pk=entry.pk).update(target=target, details=details)
        changed += 1
    others = PrivacyRequest.objects.filter(subject=pseudonym).exclude(pk=request.pk)
    changed += others.update(subject="")
    return Counter({"audit_entries": changed})


def _replace_in(value, needle: str, replacement: str):
    if isinstance(value, str):
        return value.replace(needle, replacement)
    if isinstance(value, list):
        return [_replace_in(v, needle, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _replace_in(v, needle, replacement) for k, v in value.items()}
    return value


def _step_uploads(request: PrivacyRequest) -> Counter:
    return Counter({"uploads": uploads.delete_uploads_holding(request.subject)})


def _step_customer(request: PrivacyRequest) -> Counter:
    deleted = Customer.objects.filter(pseudonym=request.subject).delete()[1]
    return Counter({"customers": deleted.get("segapp.Customer", 0)})


def _step_suppress(request: PrivacyRequest) -> Counter:
    """Mark the erased customer against re-import (not an id that was never held)."""
    held = request.counts.get("customers") or (
        request.subject and Customer.objects.filter(pseudonym=request.subject).exists()
    )
    if not held:
        return Counter()
    return Counter({"suppression_marks": int(suppression.suppress(request.subject))})


_STEP_FUNCTIONS = {
    "withdraw": _step_withdraw,
    "models": _step_models,
    "documents": _step_documents,
    "uploads": _step_uploads,
    "audit": _step_audit,
    "customer": _step_customer,
    "suppress": _step_suppress,
}


def erase_customer(pseudonym: str, *, user=None, channel: str = "cli") -> PrivacyRequest:
    """Erase one customer everywhere (resuming an unfinished request) and return the receipt."""
    return erase(open_erasure(pseudonym, user=user, channel=channel), user=user)


def resume_unfinished() -> list[PrivacyRequest]:
    """Finish every erasure request left pending, running or failed (after a crash)."""
    finished = []
    unfinished = PrivacyRequest.objects.filter(kind=RequestKind.ERASURE).exclude(
        status=RequestStatus.DONE
    )
    for request in unfinished.order_by("created_at"):
        try:
            finished.append(erase(request))
        except Exception:  # noqa: BLE001 - one failing request must not stop the others
            continue
    return finished
