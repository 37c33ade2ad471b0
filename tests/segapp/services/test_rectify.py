"""Rectification: corrected attributes and texts land where an import would put them, atomically."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from segapp.models import (
    AuditAction,
    AuditEvent,
    ChatMessage,
    Conversation,
    Customer,
    Document,
    DocumentResult,
    Embedding,
    PrivacyRequest,
)
from segapp.services.ingest.service import ImportOptions, create_import_job, run_import_job
from segapp.services.privacy.rectify import (
    RectificationError,
    UnknownCustomer,
    UnknownDocument,
    rectify,
    rectify_customer,
    rectify_document,
)
from segapp.services.pseudonyms import pseudonymise
from segapp.services.segmentation.embeddings import embed_missing
from segapp.services.segmentation.inputs import load_run_inputs
from segapp.services.segmentation.reuse import input_fingerprint
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db

NEW_TEXT = "Refills arrived broken twice. Write to me at jane.doe@example.com please."


@pytest.fixture
def built(db):
    built = build_persona_run()
    customer = Customer.objects.get(pseudonym=pseudonymise("p-1"))
    customer.attributes = {"tier": "gold"}
    customer.sensitive = {"region": "North"}
    customer.event_features = {"recency_days": 12.0}
    customer.save()
    return built


def p1() -> Customer:
    return Customer.objects.get(pseudonym=pseudonymise("p-1"))


def fingerprint() -> str:
    return input_fingerprint(load_run_inputs(), {"seed": 1}, "model", {})


def stored_json(request: PrivacyRequest) -> str:
    entry = AuditEvent.objects.get(action=AuditAction.RECTIFICATION)
    audited = {k: v for k, v in entry.details.items() if k != "request"}  # a random uuid
    return json.dumps({"counts": request.counts, "details": request.details, "audit": audited})


def test_attributes_are_corrected_where_an_import_puts_them(built, alice):
    request = rectify_customer(
        p1().pseudonym,
        {"spend_12m": "1,250.50", "tier": "Silver, ask Jane at jane@example.org", "age": "34"},
        user=alice,
        channel="api",
    )
    customer = p1()
    assert customer.behaviour["spend_12m"] == 1250.5
    assert customer.attributes["tier"] == "Silver, ask [NAME] at [EMAIL]"  # redacted as on import
    assert customer.sensitive == {"region": "North", "age": "34"}
    assert (request.kind, request.status, request.channel) == ("rectification", "done", "api")
    assert request.subject == customer.pseudonym and request.requested_by == "alice"
    assert request.details["fields"] == {
        "behaviour": ["spend_12m"],
        "attributes": ["tier"],
        "sensitive": ["age"],
    }
    assert request.counts["fields"] == 3 and request.counts["documents"] == 0
    entry = AuditEvent.objects.get(action=AuditAction.RECTIFICATION)
    assert entry.username == "alice" and entry.target == customer.pseudonym
    assert entry.details["fields"] == ["age", "spend_12m", "tier"]
    # which fields changed, never the values (old or new)
    dumped = stored_json(request)
    for value in ("gold", "Silver", "1250", "101.0", "34", "North"):
        assert value not in dumped


def test_none_or_empty_removes_an_attribute(built):
    request = rectify_customer(p1().pseudonym, {"tier": None, "region": "", "coupon_share": " "})
    customer = p1()
    assert customer.attributes == {} and customer.sensitive == {}
    assert "coupon_share" not in customer.behaviour and "spend_12m" in customer.behaviour
    assert request.details["removed"] == ["coupon_share", "region", "tier"]
    assert request.counts["fields"] == 3


def test_an_unchanged_value_is_not_a_change(built):
    spend = p1().behaviour["spend_12m"]
    request = rectify_customer(p1().pseudonym, {"spend_12m": spend, "tier": "gold"})
    assert request.counts["fields"] == 0 and request.details["fields"] == {}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"spend_12m": 5, "favourite_colour": "red"}, "Unknown attribute 'favourite_colour'"),
        ({"tier": "bronze", "spend_12m": "lots"}, "spend_12m: 'lots' is not a number"),
        ({"spend_12m": float("inf")}, "must be a number or text"),
        ({"tier": {"nested": 1}}, "must be a number or text"),
        ({"email": "a@b.c"}, "'email' is a direct identifier"),
        ({"recency_days": 3}, "derived from the customer's events"),
        ({"  ": 3}, "An attribute name is empty"),
        ({}, "Nothing to correct"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(built, changes, message):
    before = p1()
    with pytest.raises(RectificationError, match=message):
        rectify_customer(before.pseudonym, changes)
    after = p1()
    assert (after.behaviour, after.attributes, after.sensitive) == (
        before.behaviour,
        before.attributes,
        before.sensitive,
    )
    assert not PrivacyRequest.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.RECTIFICATION).exists()


def test_a_known_attribute_of_the_data_set_may_be_added(built):
    other = Customer.objects.get(pseudonym=pseudonymise("p-2"))
    request = rectify_customer(other.pseudonym, {"tier": "bronze"})
    assert Customer.objects.get(pk=other.pk).attributes == {"tier": "bronze"}
    assert request.details["fields"] == {"attributes": ["tier"]}


def test_unknown_customer(built):
    with pytest.raises(UnknownCustomer):
        rectify_customer("0" * 64, {"spend_12m": 1})


def _embed(text_hash: str) -> None:
    Embedding.objects.create(text_hash=text_hash, model_id="m", vector=b"\x00" * 8)


def test_a_corrected_text_is_redacted_and_hashed_exactly_as_import_does(built, write_file):
    document = built.documents[pseudonymise("p-1")][0]
    old_text, old_hash = document.text, document.text_hash
    _embed(old_hash)
    results_before = DocumentResult.objects.filter(document=document).count()
    started = time.perf_counter()
    request = rectify_document(p1().pseudonym, document.pk, f"  {NEW_TEXT}  ")
    print(f"\nrectify_document: {1000 * (time.perf_counter() - started):.1f} ms")
    document.refresh_from_db()
    redacted = "Refills arrived broken twice. Write to me at [EMAIL] please."
    assert document.text == redacted
    assert document.redactions == {"EMAIL": 1}
    assert document.text_hash == hashlib.sha256(redacted.encode()).hexdigest() != old_hash
    assert (document.original_length, document.truncated) == (len(NEW_TEXT), False)
    # the old text and its (now orphaned) vector are gone from the database
    assert not Document.objects.filter(text=old_text).exists()
    assert not Embedding.objects.filter(text_hash=old_hash).exists()
    # the shared test data folder may hold another test's model under this run id
    counts = {k: v for k, v in request.counts.items() if k != "model_folders"}
    assert counts == {"fields": 0, "documents": 1, "embeddings": 1, "redacted_email": 1}
    assert request.details["documents"] == [document.pk]
    # past runs keep their results of the document
    assert DocumentResult.objects.filter(document=document).count() == results_before == 1
    # importing the same text for the same customer, kind, channel and time is a duplicate:
    # the content hash is the one the import computes
    row = f"p-1,{NEW_TEXT},review,web,{document.created_at.isoformat()}\n"
    path = write_file("again.csv", "customer_id,text,kind,channel,created_at\n" + row)
    job = create_import_job(
        file_type="documents",
        original_filename=path.name,
        options=ImportOptions(),
        source="test",
        path=path,
    )
    job = run_import_job(job.pk)
    assert (job.rows_imported, job.rows_duplicate) == (0, 1)


def test_a_shared_old_text_keeps_its_vector(built):
    document = built.documents[pseudonymise("p-1")][1]
    twin = built.documents[pseudonymise("p-2")][1]
    Document.objects.filter(pk=twin.pk).update(text=document.text, text_hash=document.text_hash)
    _embed(document.text_hash)
    request = rectify_document(p1().pseudonym, document.pk, "Corrected words")
    assert Embedding.objects.filter(text_hash=document.text_hash).exists()
    assert "embeddings" not in request.counts


def test_a_long_corrected_text_is_truncated_like_import(built, settings):
    settings.VOXSEG_MAX_TEXT_CHARS = 20
    document = built.documents[pseudonymise("p-1")][0]
    rectify_document(p1().pseudonym, document.pk, "x" * 45)
    document.refresh_from_db()
    assert (document.text, document.original_length, document.truncated) == ("x" * 20, 45, True)


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("   ", RectificationError, "the text is empty"),
        (None, RectificationError, "must be text"),
    ],
)
def test_bad_text_is_refused(built, text, error, message):
    document = built.documents[pseudonymise("p-1")][0]
    with pytest.raises(error, match=message):
        rectify_document(p1().pseudonym, document.pk, text)
    assert Document.objects.get(pk=document.pk).text == document.text


def test_a_document_of_another_customer_is_not_found_and_nothing_changes(built):
    theirs = built.documents[pseudonymise("p-2")][0]
    spend = p1().behaviour["spend_12m"]
    with pytest.raises(UnknownDocument):
        rectify(p1().pseudonym, changes={"spend_12m": 1}, texts={theirs.pk: "hijacked"})
    assert Document.objects.get(pk=theirs.pk).text == theirs.text
    assert p1().behaviour["spend_12m"] == spend  # the whole correction rolled back
    assert not PrivacyRequest.objects.exists()


def test_stored_chat_quotes_show_the_corrected_text(built, alice):
    document = built.documents[pseudonymise("p-1")][0]
    conversation = Conversation.objects.create(user=alice, run=built.run)
    quoted = ChatMessage.objects.create(
        conversation=conversation,
        question="What do they say?",
        response={
            "answer": "1 quote below.",
            "quotes": [{"document": document.pk, "text": document.text}],
        },
    )
    other = ChatMessage.objects.create(
        conversation=conversation, question="Sizes?", response={"answer": "3 segments."}
    )
    request = rectify_document(p1().pseudonym, document.pk, "Corrected words")
    quoted.refresh_from_db()
    assert quoted.response["quotes"] == [{"document": document.pk, "text": "Corrected words"}]
    assert document.text not in json.dumps(quoted.response)
    assert ChatMessage.objects.get(pk=other.pk).response == {"answer": "3 segments."}
    assert request.counts["chat_messages"] == 1


def test_later_runs_read_the_corrected_data_and_reuse_nothing(built):
    document = built.documents[pseudonymise("p-1")][0]
    before = fingerprint()
    rectify_customer(p1().pseudonym, {"spend_12m": 999})
    inputs = load_run_inputs()
    assert inputs.behaviour.loc[p1().pseudonym, "spend_12m"] == 999
    after_behaviour = fingerprint()
    assert after_behaviour != before
    rectify_document(p1().pseudonym, document.pk, "Corrected words")
    inputs = load_run_inputs()
    row = inputs.documents.set_index("document_id").loc[document.pk]
    assert row["text"] == "Corrected words"
    assert row["text_hash"] == hashlib.sha256(b"Corrected words").hexdigest()
    assert fingerprint() not in (before, after_behaviour)
    # the next run embeds the corrected text (the old vector is not reused)
    embedder = _RecordingEmbedder()
    assert embed_missing([row["text_hash"]], embedder) == 1
    assert embedder.seen == ["Corrected words"]


class _RecordingEmbedder:
    """Stands in for the sentence embedder: remembers what it was asked to embed."""

    model_id = "recording"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts):
        import numpy as np

        self.seen.extend(texts)
        return np.ones((len(texts), 4))


def test_text_attributes_and_sensitive_values_are_no_run_input(built):
    """Runs never read them (sensitive attributes are audit-only), so reuse stays right."""
    before = fingerprint()
    rectify_customer(p1().pseudonym, {"tier": "bronze", "region": "South"})
    assert fingerprint() == before


def test_re_importing_the_original_text_does_not_undo_a_correction(built, write_file):
    original = "The refill I bought on Monday arrived with a cracked lid."
    path = write_file("reviews.csv", f"customer_id,text,kind\np-1,{original},review\n")

    def import_file():
        job = create_import_job(
            file_type="documents", original_filename=path.name, options=ImportOptions(),
            source="test", path=path,
        )  # fmt: skip
        return run_import_job(job.pk)

    assert import_file().rows_imported == 1
    document = Document.objects.get(text=original)
    rectify_document(p1().pseudonym, document.pk, "The refill I bought on Monday arrived fine.")
    again = import_file()
    assert (again.rows_imported, again.rows_duplicate) == (0, 1)
    assert not Document.objects.filter(text=original).exists()
    document.refresh_from_db()
    assert document.text == "The refill I bought on Monday arrived fine."


def _saved_model(run) -> Path:
    from segapp.services.segmentation.artifacts import run_folder

    folder = run_folder(run.pk)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "topic_model.bin").write_bytes(b"vocabulary with the old words")
    run.artifact_dir = str(folder)
    run.save(update_fields=["artifact_dir"])
    return folder


def test_a_corrected_text_deletes_the_saved_models_fitted_on_the_old_one(built):
    from segapp.services.privacy.erasure import MODEL_CORRECTED_NOTE

    folder = _saved_model(built.run)
    rectify_customer(p1().pseudonym, {"spend_12m": 5})
    assert folder.exists()  # attributes: the model holds no attribute values
    document = built.documents[pseudonymise("p-1")][0]
    receipt = rectify_document(p1().pseudonym, document.pk, "Corrected words")
    built.run.refresh_from_db()
    assert not folder.exists() and built.run.artifact_dir == ""
    assert MODEL_CORRECTED_NOTE in built.run.notes
    assert receipt.counts["model_folders"] == 1


# --- sensitive names: one canonical key in `sensitive`, whatever the spelling ------------------


def test_a_name_declared_sensitive_is_corrected_into_sensitive_under_its_key(built, alice):
    """A later write left the declared name in another customer's behaviour under its raw
    spelling; correcting it by that spelling still lands in `sensitive`, canonically keyed."""
    from segapp.services.sensitive import declare_sensitive

    declare_sensitive(["Loyalty Member"])
    other = Customer.objects.exclude(pk=p1().pk).first()
    other.behaviour = {**other.behaviour, "Loyalty Member": 1.0}
    other.save()

    request = rectify_customer(p1().pseudonym, {"Loyalty Member": "1"}, user=alice)

    customer = p1()
    assert customer.sensitive == {"region": "North", "loyalty_member": "1"}
    assert not any("loyal" in name.lower() for name in customer.behaviour)
    assert not any("loyal" in name.lower() for name in customer.attributes)
    assert request.details["fields"] == {"sensitive": ["loyalty_member"]}


@pytest.mark.parametrize("spelling", ["LoyaltyMember", "loyalty member", "LOYALTY_MEMBER"])
def test_a_declared_name_held_elsewhere_moves_into_sensitive_by_any_spelling(built, spelling):
    from segapp.services.sensitive import declare_sensitive

    declare_sensitive(["loyalty_member"])
    customer = p1()
    customer.behaviour = {**customer.behaviour, "LoyaltyMember": 0.0}  # written after declaring
    customer.save()

    rectify_customer(customer.pseudonym, {spelling: 1})

    customer = p1()
    assert customer.sensitive == {"region": "North", "loyalty_member": 1}
    assert "LoyaltyMember" not in customer.behaviour and "spend_12m" in customer.behaviour


def test_a_name_sensitive_by_name_joins_the_spelling_already_held(built):
    """Gender is sensitive by name (the import's rule): "Gender" and "gender" are one value."""
    customer = p1()
    customer.sensitive = {"region": "North", "gender": "f"}
    customer.save()

    rectify_customer(customer.pseudonym, {"Gender": "m", "AgeBand": "30-39"})

    assert p1().sensitive == {"region": "North", "gender": "m", "age_band": "30-39"}


def test_removing_a_declared_name_by_another_spelling_removes_its_value(built):
    from segapp.services.sensitive import declare_sensitive

    declare_sensitive(["Loyalty Member"])
    customer = p1()
    customer.sensitive = {**customer.sensitive, "loyalty_member": "yes"}
    customer.save()

    request = rectify_customer(customer.pseudonym, {"LoyaltyMember": None})

    assert p1().sensitive == {"region": "North"}
    assert request.details["removed"] == ["loyalty_member"]
