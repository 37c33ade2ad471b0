"""Writing validated rows to the database, one chunk at a time, idempotently.

Each writer pseudonymises ids, redacts free text (documents and any string
metadata), hashes content to skip what is already stored, and bulk-inserts.
They run inside the import's transaction; nothing here commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from nlp.redact import Redactor
from segapp.models import Customer, Document, Event, ImportJob
from segapp.services.ingest.rows import CustomerRow, DocumentRow, EventRow
from segapp.services.pseudonyms import pseudonymise

SEPARATOR = "\x1f"


@dataclass
class ChunkResult:
    """What writing one chunk did."""

    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    redactions: dict[str, int] = field(default_factory=dict)


def content_hash(*parts: object) -> str:
    """SHA-256 over the parts, joined by a separator that cannot appear in them."""
    joined = SEPARATOR.join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _add_counts(total: dict[str, int], counts: dict[str, int]) -> None:
    for name, count in counts.items():
        total[name] = total.get(name, 0) + count


class _Writer:
    """Shared machinery: pseudonyms, redaction of loose strings, customer rows."""

    def __init__(self, job: ImportJob, redactor: Redactor, *, consent: bool) -> None:
        self.job = job
        self.redactor = redactor
        self.consent = consent

    def redact_values(self, values: dict[str, Any], result: ChunkResult) -> dict[str, Any]:
        """Redact the string values of a metadata or attribute dict."""
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if isinstance(value, str):
                redaction = self.redactor.redact(value)
                _add_counts(result.redactions, redaction.counts)
                value = redaction.text
            elif isinstance(value, dict | list):
                redaction = self.redactor.redact(str(value))
                if redaction.counts:
                    _add_counts(result.redactions, redaction.counts)
                    value = redaction.text
            clean[key] = value
        return clean

    def customer_ids(self, sensitive_by_pseudonym: dict[str, dict[str, Any]]) -> dict[str, int]:
        """Ids of the customers with these pseudonyms, creating the missing ones.

        Sensitive values seen on document or event rows are merged into the customer.
        """
        pseudonyms = list(sensitive_by_pseudonym)
        existing = {c.pseudonym: c for c in Customer.objects.filter(pseudonym__in=pseudonyms)}
        now = timezone.now()
        new = [
            Customer(
                pseudonym=p,
                sensitive=sensitive_by_pseudonym[p],
                segmentation_consent=self.consent,
                consent_updated_at=now,
            )
            for p in pseudonyms
            if p not in existing
        ]
        if new:
            Customer.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        changed = []
        for pseudonym, customer in existing.items():
            merged = {**customer.sensitive, **sensitive_by_pseudonym[pseudonym]}
            if merged != customer.sensitive:
                customer.sensitive, customer.updated_at = merged, now
                changed.append(customer)
        if changed:
            Customer.objects.bulk_update(changed, ["sensitive", "updated_at"], batch_size=1000)
        return dict(
            Customer.objects.filter(pseudonym__in=pseudonyms).values_list("pseudonym", "id")
        )


class DocumentWriter(_Writer):
    """Writes document rows: redacted text, content hash, metadata."""

    def write(self, rows: Sequence[DocumentRow]) -> ChunkResult:
        """Store the rows that are not stored yet; count the rest as duplicates."""
        result = ChunkResult()
        redactions = self.redactor.redact_many([row.text for row in rows])
        prepared: dict[str, tuple[DocumentRow, str, Any]] = {}
        sensitive: dict[str, dict[str, Any]] = {}
        for row, redaction in zip(rows, redactions, strict=True):
            pseudonym = pseudonymise(row.external_id)
            digest = content_hash(
                pseudonym, row.kind, row.channel, _iso(row.created_at), redaction.text
            )
            if digest in prepared:
                result.duplicates += 1
                continue
            prepared[digest] = (row, pseudonym, redaction)
            sensitive.setdefault(pseudonym, {}).update(row.sensitive)
        stored = set(
            Document.objects.filter(content_hash__in=list(prepared)).values_list(
                "content_hash", flat=True
            )
        )
        result.duplicates += len(stored)
        fresh = {digest: item for digest, item in prepared.items() if digest not in stored}
        if not fresh:
            return result
        ids = self.customer_ids({p: sensitive[p] for _, p, _ in fresh.values()})
        documents = []
        for digest, (row, pseudonym, redaction) in fresh.items():
            _add_counts(result.redactions, redaction.counts)
            documents.append(
                Document(
                    customer_id=ids[pseudonym],
                    kind=row.kind,
                    channel=row.channel,
                    created_at=row.created_at,
                    rating=row.rating,
                    text=redaction.text,
                    text_hash=hashlib.sha256(redaction.text.encode()).hexdigest(),
                    content_hash=digest,
                    original_length=row.original_length,
                    truncated=row.truncated,
                    redactions=redaction.counts,
                    metadata=self.redact_values(row.metadata, result),
                    import_job=self.job,
                )
            )
        Document.objects.bulk_create(documents, ignore_conflicts=True, batch_size=1000)
        result.imported = len(documents)
        return result


class EventWriter(_Writer):
    """Writes event rows keyed by (customer, time, amount, type)."""

    def write(self, rows: Sequence[EventRow]) -> ChunkResult:
        """Store the events that are not stored yet; count the rest as duplicates."""
        result = ChunkResult()
        prepared: dict[str, tuple[EventRow, str]] = {}
        sensitive: dict[str, dict[str, Any]] = {}
        for row in rows:
            pseudonym = pseudonymise(row.external_id)
            digest = content_hash(pseudonym, _iso(row.created_at), row.amount, row.event_type)
            if digest in prepared:
                result.duplicates += 1
                continue
            prepared[digest] = (row, pseudonym)
            sensitive.setdefault(pseudonym, {}).update(row.sensitive)
        stored = set(
            Event.objects.filter(content_hash__in=list(prepared)).values_list(
                "content_hash", flat=True
            )
        )
        result.duplicates += len(stored)
        fresh = {digest: item for digest, item in prepared.items() if digest not in stored}
        if not fresh:
            return result
        ids = self.customer_ids({p: sensitive[p] for _, p in fresh.values()})
        events = [
            Event(
                customer_id=ids[pseudonym],
                created_at=row.created_at,
                amount=row.amount,
                event_type=row.event_type,
                content_hash=digest,
                metadata=self.redact_values(row.metadata, result),
                import_job=self.job,
            )
            for digest, (row, pseudonym) in fresh.items()
        ]
        Event.objects.bulk_create(events, ignore_conflicts=True, batch_size=1000)
        result.imported = len(events)
        return result


class CustomerWriter(_Writer):
    """Upserts customer rows: new customers are created, changed ones updated."""

    def write(self, rows: Sequence[CustomerRow]) -> ChunkResult:
        """Create or update the customers; identical rows are duplicates."""
        result = ChunkResult()
        latest: dict[str, CustomerRow] = {}
        for row in rows:
            pseudonym = pseudonymise(row.external_id)
            if pseudonym in latest:
                result.duplicates += 1  # the later row of the same customer wins
            row.attributes = self.redact_values(row.attributes, result)
            latest[pseudonym] = row
        existing = {c.pseudonym: c for c in Customer.objects.filter(pseudonym__in=list(latest))}
        now = timezone.now()
        new, changed = [], []
        for pseudonym, row in latest.items():
            customer = existing.get(pseudonym)
            if customer is None:
                new.append(
                    Customer(
                        pseudonym=pseudonym,
                        behaviour=row.behaviour,
                        attributes=row.attributes,
                        sensitive=row.sensitive,
                        segmentation_consent=self.consent,
                        consent_updated_at=now,
                    )
                )
                continue
            merged = (
                {**customer.behaviour, **row.behaviour},
                {**customer.attributes, **row.attributes},
                {**customer.sensitive, **row.sensitive},
            )
            if merged == (customer.behaviour, customer.attributes, customer.sensitive):
                result.duplicates += 1
                continue
            customer.behaviour, customer.attributes, customer.sensitive = merged
            customer.updated_at = now
            changed.append(customer)
        Customer.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        Customer.objects.bulk_update(
            changed, ["behaviour", "attributes", "sensitive", "updated_at"], batch_size=1000
        )
        result.imported = len(new) + len(changed)
        result.updated = len(changed)
        return result
