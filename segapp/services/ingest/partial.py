"""Undoing what a failed import wrote, where its chunks commit on their own (SQLite).

On PostgreSQL an import's rows share one transaction, so a failure leaves
nothing to undo. On SQLite each chunk commits (see `services/transactions.py`);
when such a job fails, or starts again after its worker died, the documents,
events and row issues it wrote are deleted, and so are the customers it
created that hold nothing else (no document, event, value or result). Values
it wrote into customers that existed before stay: a customers file that failed
half way is completed by importing it again, which only changes what differs.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef

from segapp.models import Customer, Document, Event, ImportJob, ImportRowIssue, Membership
from segapp.services.ingest.progress import clear_progress
from segapp.services.transactions import commits_per_chunk


def discard_partial_import(job: ImportJob) -> None:
    """Delete what `job`'s committed chunks wrote (nothing to do where chunks do not commit)."""
    if not commits_per_chunk():
        return
    with transaction.atomic():
        Document.objects.filter(import_job=job).delete()
        Event.objects.filter(import_job=job).delete()
        ImportRowIssue.objects.filter(job=job).delete()
        if job.started_at is not None:
            _empty_customers_since(job).delete()


def _empty_customers_since(job: ImportJob):
    """Customers created since the job started that nothing refers to and hold no value."""
    return (
        Customer.objects.filter(created_at__gte=job.started_at)
        .filter(behaviour={}, event_features={}, attributes={}, sensitive={})
        .exclude(Exists(Document.objects.filter(customer=OuterRef("pk"))))
        .exclude(Exists(Event.objects.filter(customer=OuterRef("pk"))))
        .exclude(Exists(Membership.objects.filter(customer=OuterRef("pk"))))
    )


def release_failed_import(job: ImportJob) -> None:
    """Clean up after a failed job: its live progress, and the rows its chunks wrote where
    they commit on their own (customers it added or changed stay).

    The uploaded copy is kept, so the job can be retried with a corrected mapping without
    uploading again; `segapp.services.ingest.drafts` deletes it after
    VOXSEG_DRAFT_UPLOAD_HOURS, or when the retry takes it over."""
    discard_partial_import(job)
    clear_progress(job.pk)
