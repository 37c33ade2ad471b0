"""Rectification: correcting what VoxSeg holds about a customer (attributes, document texts).

A correction is one transaction: the customer's attributes and documents
change, a :class:`PrivacyRequest` (kind rectification, done) keeps the
receipt, and the audit log says who corrected what. The receipt and the
audit entry name the fields and documents that changed, never their old or
new values.

Attributes go where an import would put them: sensitive ones (declared
sensitive, sensitive by name as the import judges it, or already held as
sensitive; spellings matched as `services.sensitive` matches them) to
`Customer.sensitive` under their canonical key, every other spelling of them
removed; numeric behavioural columns to `Customer.behaviour`; the rest to
`Customer.attributes` (text redacted, as on import). A corrected text goes
through the import's own redaction and hashing, so it is stored exactly as if
it had been imported; the old text's embedding goes when no other document
shares it, and stored chat quotes of the document show the corrected text.
Past runs keep their per-document results (they describe the old text); later
runs read the corrected data, and their input fingerprint changes, so nothing
is reused from before. The runs the customer is in are marked changed
(`privacy_changed_at`), so their bias audits are recomputed with a corrected
sensitive value when next read, and API caches see the corrected quotes. A
corrected text also deletes those runs' saved models (which keep their
training texts' words), as an erasure does; the runs stay readable and a new
run places new customers.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nlp.fairness import attribute_match, best_spelling
from segapp.models import (
    AuditAction,
    ChatMessage,
    Customer,
    Document,
    Membership,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
    SegmentationRun,
)
from segapp.services import audit
from segapp.services.ingest.cells import as_behaviour_number, clip_text, plain_value
from segapp.services.ingest.columns import IDENTIFIER_NAME, normalise_name
from segapp.services.ingest.names import is_sensitive_name
from segapp.services.ingest.service import shared_redactor
from segapp.services.ingest.writers import document_content_hash, text_hash
from segapp.services.privacy import suppression, withdraw
from segapp.services.privacy.consent import UnknownCustomer, customer_by_pseudonym
from segapp.services.sensitive import declared_sensitive_names, sensitive_key

PLACES = ("behaviour", "attributes", "sensitive")
MAX_NAME_CHARS = 100
MAX_DOCUMENT_ID = 2**63 - 1
_MIN_TEXT_MATCH = 24  # shorter old texts are corrected in chat quotes by document id only

__all__ = [
    "Correctable",
    "RectificationError",
    "UnknownCustomer",
    "UnknownDocument",
    "correctable",
    "rectify",
    "rectify_customer",
    "rectify_document",
]


class RectificationError(ValueError):
    """A correction that cannot be made as asked; the message says why, for people."""


class UnknownDocument(LookupError):
    """The customer has no document with this id."""


@dataclass
class _Outcome:
    """What one rectification changed: names and ids only, never values."""

    fields: dict[str, list[str]] = field(default_factory=dict)  # place -> names set
    removed: list[str] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def names(self) -> list[str]:
        return sorted({n for names in self.fields.values() for n in names} | set(self.removed))

    def changed_fields(self) -> int:
        return len(self.names())


@dataclass(frozen=True)
class Correctable:
    """What a rectification can correct about one customer, as now stored."""

    customer: Customer
    attributes: list[tuple[str, str, Any]]  # (place, name, value), by place then name
    derived: dict[str, float]  # event features: shown, corrected through the events
    documents: Any  # the customer's documents, newest first (a queryset)


def correctable(pseudonym: str) -> Correctable:
    """The customer's attributes and documents, for a correction form; UnknownCustomer if none."""
    customer = customer_by_pseudonym(pseudonym)
    attributes = [
        (place, name, value)
        for place in PLACES
        for name, value in sorted((getattr(customer, place) or {}).items())
    ]
    documents = customer.documents.order_by("-created_at", "-id").only(
        "pk", "kind", "channel", "created_at", "text", "truncated", "redactions"
    )
    return Correctable(customer, attributes, dict(customer.event_features or {}), documents)


def rectify_customer(
    pseudonym: str, changes: dict[str, Any], *, user=None, channel: str = "cli"
) -> PrivacyRequest:
    """Correct a customer's attributes; a value of None or "" removes the attribute.

    Raises UnknownCustomer, or RectificationError (nothing written) for an
    unknown attribute or a value that does not fit it.
    """
    if not changes:
        raise RectificationError("Nothing to correct: name at least one attribute.")
    return rectify(pseudonym, changes=changes, user=user, channel=channel)


def rectify_document(
    pseudonym: str, document_id: int, new_text: str, *, user=None, channel: str = "cli"
) -> PrivacyRequest:
    """Correct the text of one of the customer's documents (redacted and hashed as on import).

    Raises UnknownCustomer, UnknownDocument, or RectificationError (nothing written).
    """
    return rectify(pseudonym, texts={document_id: new_text}, user=user, channel=channel)


def rectify(
    pseudonym: str,
    *,
    changes: dict[str, Any] | None = None,
    texts: dict[int | str, str] | None = None,
    user=None,
    channel: str = "cli",
) -> PrivacyRequest:
    """Correct attributes and document texts of one customer in one transaction; the receipt."""
    if not changes and not texts:
        raise RectificationError("Nothing to correct: give attributes or a document text.")
    customer = customer_by_pseudonym(pseudonym)
    started = timezone.now()
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        outcome = _Outcome()
        if changes:
            _correct_attributes(customer, changes, outcome)
        for document_id, new_text in (texts or {}).items():
            _correct_document(customer, document_id, new_text, outcome)
        if outcome.changed_fields() or outcome.documents:
            _mark_runs_of(customer)
        request = _receipt(customer, outcome, user=user, channel=channel, started=started)
    if outcome.documents:
        _forget_models_fitted_on_old_texts(customer, request)
    return request


def _forget_models_fitted_on_old_texts(customer: Customer, request: PrivacyRequest) -> None:
    """Delete the saved models of the customer's runs (after the correction commits).

    A saved topic model keeps its training texts' words (vocabulary, representative
    documents) and cannot be edited, so, as on erasure, it is invalidated rather
    than left holding the old text; the receipt counts the folders removed.
    """
    from segapp.services.privacy.erasure import MODEL_CORRECTED_NOTE, invalidate_model

    removed = sum(
        invalidate_model(run, note=MODEL_CORRECTED_NOTE)
        for run in SegmentationRun.objects.filter(pk__in=_run_ids_of(customer))
    )
    if removed:
        request.counts = {**request.counts, "model_folders": removed}
        request.save(update_fields=["counts"])


def _mark_runs_of(customer: Customer) -> None:
    """Runs the customer is in changed now: their bias audits are recomputed when next read,
    and API caches (ETag, Last-Modified) see new data; no customer left them."""
    withdraw.mark_runs(Counter(), touched=_run_ids_of(customer))


def _run_ids_of(customer: Customer) -> set[int]:
    """The runs the customer is a member of."""
    return set(Membership.objects.filter(customer=customer).values_list("run_id", flat=True))


# --- attributes ---------------------------------------------------------------------------


def _correct_attributes(customer: Customer, changes: dict[str, Any], outcome: _Outcome) -> None:
    held = {place: dict(getattr(customer, place) or {}) for place in PLACES}
    declared = declared_sensitive_names()
    for raw_name, value in changes.items():
        name = _checked_name(raw_name)
        key = _sensitive_key_of(name, held, declared)
        if key is not None:
            _correct_sensitive(held, name, key, value, outcome)
            continue
        if _is_blank(value):
            place = next((p for p in PLACES if name in held[p]), None)
            if place is None:
                _place_of(customer, name)  # an unknown name is an error, a missing one is not
                continue
            del held[place][name]
            outcome.removed.append(name)
            continue
        place = _place_of(customer, name)
        if place == "sensitive":  # held as sensitive by other customers under this spelling
            _correct_sensitive(held, name, sensitive_key(name), value, outcome)
            continue
        clean = _value_for(place, name, value, outcome)
        moved = [p for p in PLACES if p != place and name in held[p]]
        for other in moved:
            del held[other][name]
        if held[place].get(name) == clean and not moved:
            continue
        held[place][name] = clean
        outcome.fields.setdefault(place, []).append(name)
    if outcome.changed_fields():
        for place in PLACES:
            setattr(customer, place, held[place])
        customer.full_clean(validate_unique=False)
        customer.save(update_fields=[*PLACES, "updated_at"])


def _sensitive_key_of(
    name: str, held: dict[str, dict[str, Any]], declared: dict[str, str]
) -> str | None:
    """The key in `sensitive` a corrected name goes under, or None when it is not sensitive.

    A name is sensitive when it is declared sensitive, when the import would
    make it sensitive by its name (age, gender, region …), or when the customer
    already holds it as sensitive; spellings match as `services.sensitive`
    matches them (case, spaces, underscores, camelCase). The key is the
    declared one, else the canonical key of the best spelling.
    """
    match = attribute_match(name)
    if match in declared:
        return declared[match]
    spellings = [n for n in held["sensitive"] if attribute_match(n) == match]
    if spellings or is_sensitive_name(name):
        return sensitive_key(best_spelling([*spellings, name]))
    return None


def _correct_sensitive(
    held: dict[str, dict[str, Any]], name: str, key: str, value: Any, outcome: _Outcome
) -> None:
    """Write (or remove) a sensitive value under `key`, dropping every other spelling of it."""
    match = attribute_match(name)
    found = {(p, n): v for p in PLACES for n, v in held[p].items() if attribute_match(n) == match}
    if _is_blank(value):
        for place, spelling in found:
            del held[place][spelling]
        if found:
            outcome.removed.append(key)
        return
    clean = _value_for("sensitive", name, value, outcome)
    if found == {("sensitive", key): clean}:
        return
    for place, spelling in found:
        del held[place][spelling]
    held["sensitive"][key] = clean
    outcome.fields.setdefault("sensitive", []).append(key)


def _checked_name(raw_name: Any) -> str:
    name = str(raw_name).strip() if isinstance(raw_name, str) else ""
    if not name:
        raise RectificationError("An attribute name is empty.")
    if any(ord(c) < 32 for c in name):
        raise RectificationError("An attribute name contains control characters.")
    if len(name) > MAX_NAME_CHARS:
        raise RectificationError(f"Attribute names are at most {MAX_NAME_CHARS} characters.")
    if IDENTIFIER_NAME.match(normalise_name(name)):
        raise RectificationError(
            f"{name!r} is a direct identifier; VoxSeg never stores those, so there is nothing "
            "to correct."
        )
    return name


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _place_of(customer: Customer, name: str) -> str:
    """Where an attribute lives: where the customer holds it, else where the data set does."""
    for place in ("behaviour", "attributes"):
        if name in (getattr(customer, place) or {}):
            return place
    if name in (customer.event_features or {}):
        raise RectificationError(
            f"{name!r} is derived from the customer's events; correct the events instead."
        )
    for place in PLACES:
        if Customer.objects.filter(**{f"{place}__has_key": name}).exists():
            return place
    raise RectificationError(
        f"Unknown attribute {name!r}: no customer has it. Attributes come from customer files; "
        "correct one the customer or the data set already has."
    )


def _value_for(place: str, name: str, value: Any, outcome: _Outcome) -> Any:
    if isinstance(value, dict | list) or (isinstance(value, float) and not math.isfinite(value)):
        raise RectificationError(f"{name}: the value must be a number or text.")
    if isinstance(value, str) and "\x00" in value:
        raise RectificationError(f"{name}: the value contains a NUL character.")
    if place == "behaviour":
        try:
            number = as_behaviour_number(value)
        except OverflowError:
            number = None
        if number is None or not math.isfinite(number):
            raise RectificationError(
                f"{name}: {_short(value)} is not a number, and {name} is a behavioural "
                "(numeric) attribute."
            )
        return number
    clean = plain_value(value)
    if place == "attributes" and isinstance(clean, str):
        redaction = shared_redactor().redact(clean)  # as the import redacts attribute text
        outcome.counts.update({f"redacted_{k.lower()}": v for k, v in redaction.counts.items()})
        clean = redaction.text
    return clean


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


# --- documents ----------------------------------------------------------------------------


def _correct_document(customer: Customer, document_id: Any, new_text: Any, outcome: _Outcome):
    document = _document_of(customer, document_id)
    if not isinstance(new_text, str):
        raise RectificationError("The corrected text must be text.")
    if "\x00" in new_text:
        raise RectificationError("The corrected text contains a NUL character.")
    text, length, truncated, problem = clip_text(new_text, settings.VOXSEG_MAX_TEXT_CHARS)
    if text is None:
        raise RectificationError(f"Document {document.pk}: {problem}.")
    redaction = shared_redactor().redact(text)
    new_hash = text_hash(redaction.text)
    if new_hash == document.text_hash:
        return
    digest = document_content_hash(
        customer.pseudonym, document.kind, document.channel, document.created_at, redaction.text
    )
    if Document.objects.filter(content_hash=digest).exclude(pk=document.pk).exists():
        raise RectificationError(
            f"Document {document.pk}: the customer already has a document with this text, "
            "kind, channel and time."
        )
    old_text, old_hash = document.text, document.text_hash
    suppression.supersede(document.content_hash)  # a re-import of the original is a duplicate
    document.text, document.text_hash, document.content_hash = redaction.text, new_hash, digest
    document.original_length, document.truncated = length, truncated
    document.redactions = redaction.counts
    document.save(
        update_fields=[
            "text", "text_hash", "content_hash", "original_length", "truncated", "redactions",
        ]
    )  # fmt: skip
    outcome.documents.append(document.pk)
    outcome.counts["embeddings"] += withdraw.delete_orphan_embeddings({old_hash})
    outcome.counts["chat_messages"] += _correct_chat_quotes(document.pk, old_text, redaction.text)
    outcome.counts.update({f"redacted_{k.lower()}": v for k, v in redaction.counts.items()})


def _document_of(customer: Customer, document_id: Any) -> Document:
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        raise UnknownDocument(f"{str(document_id)[:40]!r} is not a document id.") from None
    if not 0 < pk <= MAX_DOCUMENT_ID:
        raise UnknownDocument(f"This customer has no document {pk}.")
    document = Document.objects.select_for_update().filter(pk=pk, customer=customer).first()
    if document is None:
        raise UnknownDocument(f"This customer has no document {pk}.")
    return document


def _correct_chat_quotes(document_id: int, old_text: str, new_text: str) -> int:
    """Stored chat answers that quoted the document now quote the corrected text."""
    needle = old_text.strip() if len(old_text.strip()) >= _MIN_TEXT_MATCH else ""
    changed = 0
    for message in ChatMessage.objects.only("pk", "response").iterator(chunk_size=500):
        response = message.response or {}
        quoted = any(
            isinstance(q, dict) and q.get("document") == document_id
            for q in response.get("quotes") or []
        )
        named = bool(needle) and needle in json.dumps(response, ensure_ascii=False, default=str)
        if not (quoted or named):
            continue
        corrected = _replace_text(response, document_id, needle, new_text)
        ChatMessage.objects.filter(pk=message.pk).update(response=corrected)
        changed += 1
    return changed


def _replace_text(value: Any, document_id: int, needle: str, new_text: str) -> Any:
    if isinstance(value, dict):
        if value.get("document") == document_id and isinstance(value.get("text"), str):
            return {**value, "text": new_text}
        return {k: _replace_text(v, document_id, needle, new_text) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_text(v, document_id, needle, new_text) for v in value]
    if needle and isinstance(value, str):
        return value.replace(needle, new_text)
    return value


# --- receipt ------------------------------------------------------------------------------


def _receipt(customer: Customer, outcome: _Outcome, *, user, channel: str, started):
    actor = user.get_username() if getattr(user, "is_authenticated", False) else "system"
    counts = {
        "fields": outcome.changed_fields(),
        "documents": len(outcome.documents),
        **{k: v for k, v in sorted(outcome.counts.items()) if v},
    }
    details = {
        "fields": {place: sorted(names) for place, names in outcome.fields.items()},
        "removed": sorted(outcome.removed),
        "documents": sorted(outcome.documents),
    }
    request = PrivacyRequest.objects.create(
        kind=RequestKind.RECTIFICATION,
        status=RequestStatus.DONE,
        subject=customer.pseudonym,
        requested_by=actor,
        channel=channel,
        counts=counts,
        details=details,
        started_at=started,
        finished_at=timezone.now(),
    )
    audit.record(
        user,
        AuditAction.RECTIFICATION,
        customer.pseudonym,
        channel=channel,
        request=str(request.request_id),
        fields=outcome.names(),
        documents=sorted(outcome.documents),
    )
    return request
