"""Writing validated rows to the database, one chunk at a time, idempotently.

Each writer pseudonymises ids, redacts free text (documents and any string
metadata), hashes content to skip what is already stored, and bulk-inserts.
They run inside the import's transaction; nothing here commits.

A row's consent value (a consent column) is applied after the chunk is
written, to new and existing customers alike, through
:func:`segapp.services.privacy.consent.set_consent`: one call per chunk and
value, so each change is kept as history and an opt-out withdraws the
customer from existing runs at once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import inflection
from django.utils import timezone

from nlp.redact import Redaction, Redactor
from segapp.models import Customer, Document, Event, ImportJob
from segapp.services.ingest.idmask import COUNT_NAME, IdMasker
from segapp.services.ingest.rows import CustomerRow, DocumentRow, EventRow, Row
from segapp.services.privacy import suppression
from segapp.services.privacy.consent import set_consent
from segapp.services.pseudonyms import pseudonymise

SEPARATOR = "\x1f"


@dataclass
class ChunkResult:
    """What writing one chunk did."""

    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    consent_changes: int = 0
    redactions: dict[str, int] = field(default_factory=dict)


def content_hash(*parts: object) -> str:
    """SHA-256 over the parts, joined by a separator that cannot appear in them."""
    joined = SEPARATOR.join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


def text_hash(redacted_text: str) -> str:
    """`Document.text_hash`: SHA-256 of the redacted text alone (the embedding cache key)."""
    return hashlib.sha256(redacted_text.encode()).hexdigest()


def document_content_hash(
    pseudonym: str, kind: str, channel: str, created_at: datetime | None, redacted_text: str
) -> str:
    """`Document.content_hash`: what identifies a document (owner, kind, channel, time, text)."""
    return content_hash(pseudonym, kind, channel, _iso(created_at), redacted_text)


def _name_key(name: str) -> str:
    """A name as compared across spellings ("Age", "age", "DateOfBirth" ~ "date_of_birth")."""
    return re.sub(r"[^0-9a-z]+", "_", inflection.underscore(str(name))).strip("_")


def merge_by_key(stored: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """`stored` updated with `incoming`, a name spelt differently replacing the stored spelling.

    Sensitive values are kept under a canonical spelling once declared, so a file's "Age"
    must update (or equal) the stored "age", not sit beside it.
    """
    keys = {_name_key(name) for name in incoming}
    merged = {name: value for name, value in stored.items() if _name_key(name) not in keys}
    merged.update(incoming)
    if {_name_key(k): v for k, v in merged.items()} == {_name_key(k): v for k, v in stored.items()}:
        return stored
    return merged


def event_content_hash(pseudonym: str, row: EventRow) -> str:
    """`Event.content_hash`: owner, time, amount, type, and the status when the file has one.

    Events of files without a status column hash as they always did.
    """
    parts: list[object] = [pseudonym, _iso(row.created_at), row.amount, row.event_type]
    if row.status:
        parts.append(row.status.lower())
    return content_hash(*parts)


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _add_counts(total: dict[str, int], counts: dict[str, int]) -> None:
    for name, count in counts.items():
        total[name] = total.get(name, 0) + count


class _Writer:
    """Shared machinery: pseudonyms, redaction of loose strings, customer rows."""

    def __init__(
        self, job: ImportJob, redactor: Redactor, *, consent: bool, masker: IdMasker | None = None
    ) -> None:
        self.job = job
        self.redactor = redactor
        self.consent = consent
        self.masker = masker or IdMasker()

    def mask_ids(self, text: str, external_id: str, result: ChunkResult) -> str:
        """The text with customer ids (the row's own, and id-shaped ones) replaced."""
        text, count = self.masker.mask(text, external_id)
        if count:
            _add_counts(result.redactions, {COUNT_NAME: count})
        return text

    def write(self, rows: Sequence[Row]) -> ChunkResult:
        """Store the chunk's rows, then apply the consent values they state."""
        result = self.store(rows)
        result.consent_changes = self.apply_row_consent(rows)
        return result

    def store(self, rows: Sequence[Row]) -> ChunkResult:
        """Store the rows; each file type has its own way."""
        raise NotImplementedError

    def apply_row_consent(self, rows: Sequence[Row]) -> int:
        """Set the consent the rows state (the last stated value per customer wins).

        Customers whose consent already has that value are left alone; returns
        how many changed.
        """
        stated: dict[str, bool] = {}
        for row in rows:
            if row.consent is not None:
                stated[pseudonymise(row.external_id)] = row.consent
        if not stated:
            return 0
        ids = dict(
            Customer.objects.filter(pseudonym__in=list(stated)).values_list("pseudonym", "id")
        )
        changed = 0
        for value in (True, False):
            chosen = [ids[p] for p, consented in stated.items() if consented is value and p in ids]
            changed += set_consent(
                chosen,
                value,
                source="import",
                actor=self._actor(),
                reason=f"consent column of import #{self.job.pk}",
            )
        return changed

    def _actor(self) -> str:
        user = self.job.created_by
        return user.get_username() if user is not None else "system"

    def redact_values(
        self, values: dict[str, Any], result: ChunkResult, external_id: str = ""
    ) -> dict[str, Any]:
        """Redact the string values of a metadata or attribute dict (ids and personal data)."""
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if isinstance(value, str):
                redaction = self.redactor.redact(self.mask_ids(value, external_id, result))
                _add_counts(result.redactions, redaction.counts)
                value = redaction.text
            elif isinstance(value, dict | list):
                flat = str(value)
                masked = self.mask_ids(flat, external_id, result)
                redaction = self.redactor.redact(masked)
                if redaction.counts or masked != flat:
                    _add_counts(result.redactions, redaction.counts)
                    value = redaction.text
            clean[key] = value
        return clean

    def customer_ids(self, sensitive_by_pseudonym: dict[str, dict[str, Any]]) -> dict[str, int]:
        """Ids of the customers with these pseudonyms, creating the missing ones.

        Sensitive values seen on document or event rows are merged into the customer.
        """
        pseudonyms = list(sensitive_by_pseudonym)
        ids = dict(Customer.objects.filter(pseudonym__in=pseudonyms).values_list("pseudonym", "id"))
        now = timezone.now()
        new = [
            Customer(
                pseudonym=p,
                sensitive=sensitive_by_pseudonym[p],
                segmentation_consent=self.consent,
                consent_updated_at=now,
            )
            for p in pseudonyms
            if p not in ids
        ]
        # Only customers known before and given sensitive values here can change.
        incoming = [p for p in pseudonyms if p in ids and sensitive_by_pseudonym[p]]
        changed = []
        for customer in Customer.objects.filter(pseudonym__in=incoming).only(
            "id", "pseudonym", "sensitive"
        ):
            merged = merge_by_key(customer.sensitive, sensitive_by_pseudonym[customer.pseudonym])
            if merged != customer.sensitive:
                customer.sensitive, customer.updated_at = merged, now
                changed.append(customer)
        if changed:
            Customer.objects.bulk_update(changed, ["sensitive", "updated_at"], batch_size=1000)
        if not new:
            return ids
        Customer.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        return dict(
            Customer.objects.filter(pseudonym__in=pseudonyms).values_list("pseudonym", "id")
        )


class DocumentWriter(_Writer):
    """Writes document rows: redacted text, content hash, metadata."""

    def store(self, rows: Sequence[DocumentRow]) -> ChunkResult:
        """Store the rows that are not stored yet; count the rest as duplicates."""
        result = ChunkResult()
        masked = [self.masker.mask(row.text, row.external_id) for row in rows]
        redactions = self.redactor.redact_many([text for text, _ in masked])
        prepared: dict[str, tuple[DocumentRow, str, Any]] = {}
        sensitive: dict[str, dict[str, Any]] = {}
        for row, redaction, (_, ids) in zip(rows, redactions, masked, strict=True):
            if ids:
                counts = {**redaction.counts, COUNT_NAME: redaction.counts.get(COUNT_NAME, 0) + ids}
                redaction = Redaction(redaction.text, counts)
            pseudonym = pseudonymise(row.external_id)
            digest = document_content_hash(
                pseudonym, row.kind, row.channel, row.created_at, redaction.text
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
        stored |= suppression.superseded(set(prepared) - stored)  # corrected since: kept as is
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
                    text_hash=text_hash(redaction.text),
                    content_hash=digest,
                    original_length=row.original_length,
                    truncated=row.truncated,
                    redactions=redaction.counts,
                    metadata=self.redact_values(row.metadata, result, row.external_id),
                    import_job=self.job,
                )
            )
        Document.objects.bulk_create(documents, ignore_conflicts=True, batch_size=1000)
        result.imported = len(documents)
        return result


class EventWriter(_Writer):
    """Writes event rows keyed by (customer, time, amount, type)."""

    def store(self, rows: Sequence[EventRow]) -> ChunkResult:
        """Store the events that are not stored yet; count the rest as duplicates."""
        result = ChunkResult()
        prepared: dict[str, tuple[EventRow, str]] = {}
        sensitive: dict[str, dict[str, Any]] = {}
        for row in rows:
            pseudonym = pseudonymise(row.external_id)
            digest = event_content_hash(pseudonym, row)
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
                status=row.status,
                outcome=row.outcome,
                content_hash=digest,
                metadata=self.redact_values(row.metadata, result, row.external_id),
                import_job=self.job,
            )
            for digest, (row, pseudonym) in fresh.items()
        ]
        Event.objects.bulk_create(events, ignore_conflicts=True, batch_size=1000)
        result.imported = len(events)
        return result


class CustomerWriter(_Writer):
    """Upserts customer rows: new customers are created, changed ones updated.

    A row that changes nothing but the customer's consent counts as an update.
    """

    def store(self, rows: Sequence[CustomerRow]) -> ChunkResult:
        """Create or update the customers; identical rows are duplicates."""
        result = ChunkResult()
        latest: dict[str, CustomerRow] = {}
        for row in rows:
            pseudonym = pseudonymise(row.external_id)
            earlier = latest.get(pseudonym)
            if earlier is not None:
                result.duplicates += 1  # the later row of the same customer wins
                if row.consent is None:
                    row.consent = earlier.consent
            row.attributes = self.redact_values(row.attributes, result, row.external_id)
            latest[pseudonym] = row
        existing = {c.pseudonym: c for c in Customer.objects.filter(pseudonym__in=list(latest))}
        now = timezone.now()
        new, changed = [], []
        consent_only = 0
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
                merge_by_key(customer.sensitive, row.sensitive),
            )
            if merged == (customer.behaviour, customer.attributes, customer.sensitive):
                if row.consent is None or row.consent == customer.segmentation_consent:
                    result.duplicates += 1
                else:
                    consent_only += 1
                continue
            customer.behaviour, customer.attributes, customer.sensitive = merged
            customer.updated_at = now
            changed.append(customer)
        Customer.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        Customer.objects.bulk_update(
            changed, ["behaviour", "attributes", "sensitive", "updated_at"], batch_size=1000
        )
        result.imported = len(new) + len(changed) + consent_only
        result.updated = len(changed) + consent_only
        return result
