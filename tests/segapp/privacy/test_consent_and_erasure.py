"""Consent, withdrawal from runs and erasure on a run built in the database."""

from __future__ import annotations

import pytest

from segapp.models import (
    AuditEvent,
    ChatMessage,
    ConsentEvent,
    Conversation,
    Customer,
    Document,
    DocumentResult,
    Embedding,
    Membership,
    PrivacyRequest,
    Segment,
    SegmentationRun,
    SuppressedIdentity,
    Topic,
)
from segapp.selectors.personas import get_persona, member_export_rows
from segapp.services import audit
from segapp.services.privacy import access, consent, erasure, suppression
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    built = build_persona_run()
    first = built.members[0][0]
    doc = built.documents[first.pseudonym][0]
    Topic.objects.filter(run=built.run, number=0).update(representative_documents=[doc.pk])
    for document in Document.objects.all():
        Embedding.objects.get_or_create(
            text_hash=document.text_hash, model_id="m", defaults={"vector": b"\x00" * 8}
        )
    return built


def _quoted_customer(built):
    """The first member of segment 0: quoted, representative and a topic's example."""
    return built.members[0][0]


def test_opt_out_withdraws_from_existing_runs_and_keeps_aggregates(built):
    customer = _quoted_customer(built)
    segment = built.segments[0]
    size_before = segment.size

    changed = consent.change_consent(customer.pseudonym, False, channel="api", reason="asked")

    assert changed
    customer.refresh_from_db()
    assert customer.segmentation_consent is False
    assert not Membership.objects.filter(customer=customer).exists()
    assert not DocumentResult.objects.filter(document__customer=customer).exists()
    segment.refresh_from_db()
    assert segment.size == size_before  # stored aggregates are kept, and marked
    quoted = built.documents[customer.pseudonym][0].pk
    assert quoted not in segment.profile["quotes"]
    assert customer.pseudonym not in segment.profile["representative_customers"]
    assert quoted not in Topic.objects.get(run=built.run, number=0).representative_documents
    run = SegmentationRun.objects.get(pk=built.run.pk)
    assert run.customers_withdrawn == 1 and run.privacy_changed_at is not None
    persona = get_persona(run, 0, with_quotes=True)
    assert all(q["document"] != quoted for q in persona["quotes"])
    exported = {row["customer"] for row in member_export_rows(run, 0)}
    assert customer.pseudonym not in exported and len(exported) == size_before - 1
    history = ConsentEvent.objects.filter(customer=customer)
    assert [(e.consented, e.source, e.reason) for e in history] == [(False, "api", "asked")]
    assert AuditEvent.objects.filter(action="consent_change", target=customer.pseudonym).exists()


def test_consent_unchanged_records_nothing(built):
    customer = _quoted_customer(built)
    assert consent.set_consent([customer.pk], True, source="cli") == 0
    assert not ConsentEvent.objects.exists()
    assert Membership.objects.filter(customer=customer).count() == 1


def test_opting_in_again_applies_to_new_runs_only(built):
    customer = _quoted_customer(built)
    consent.set_consent([customer.pk], False, source="web")
    consent.set_consent([customer.pk], True, source="web")
    customer.refresh_from_db()
    assert customer.segmentation_consent
    assert not Membership.objects.filter(customer=customer).exists()
    assert ConsentEvent.objects.filter(customer=customer).count() == 2


def test_unknown_customer_is_a_clear_error(db):
    with pytest.raises(consent.UnknownCustomer):
        consent.change_consent("0" * 64, False)


def test_chat_answers_quoting_a_withdrawn_customer_are_removed(built, bob):
    customer = _quoted_customer(built)
    doc = built.documents[customer.pseudonym][0]
    conversation = Conversation.objects.create(
        user=bob, run=built.run, context={"customer": customer.pseudonym}
    )
    quoting = ChatMessage.objects.create(
        conversation=conversation,
        question="show me quotes",
        response={"answer": "Quotes below.", "quotes": [{"document": doc.pk, "text": doc.text}]},
    )
    other = ChatMessage.objects.create(
        conversation=conversation, question="how many segments?", response={"answer": "3."}
    )

    consent.set_consent([customer.pk], False, source="web")

    quoting.refresh_from_db()
    other.refresh_from_db()
    assert quoting.response["answer"].startswith("This answer was removed")
    assert doc.text not in str(quoting.response)
    assert other.response == {"answer": "3."}
    conversation.refresh_from_db()
    assert customer.pseudonym not in str(conversation.context)


def test_erasure_removes_the_customer_everywhere_and_leaves_a_receipt(built, bob, settings):
    settings.VOXSEG_REIMPORT_SUPPRESSION = True
    customer = _quoted_customer(built)
    pseudonym = customer.pseudonym
    texts = [d.text for d in built.documents[pseudonym]]
    audit.record(bob, audit.AuditAction.VIEW_CUSTOMER, pseudonym, channel="web")
    audit.record(bob, audit.AuditAction.CHAT_QUESTION, "run 1", channel="api", customer=pseudonym)
    access.record_access(pseudonym, access.build_export(pseudonym), user=bob)

    receipt = erasure.erase_customer(pseudonym, user=bob, channel="web")

    assert receipt.status == "done" and receipt.subject == ""
    assert receipt.counts["documents"] == 2
    assert receipt.counts["memberships"] == 1
    assert receipt.counts["embeddings"] == 2
    assert erasure.artifact_count(receipt.counts) >= 5
    assert not Customer.objects.filter(pseudonym=pseudonym).exists()
    assert not Document.objects.filter(text__in=texts).exists()
    assert not AuditEvent.objects.filter(target=pseudonym).exists()
    assert not AuditEvent.objects.filter(details__icontains=pseudonym).exists()
    assert AuditEvent.objects.filter(username="bob", action="view_customer").exists()
    assert not PrivacyRequest.objects.filter(subject=pseudonym).exists()
    for segment in Segment.objects.all():
        assert pseudonym not in str(segment.profile)
    assert SuppressedIdentity.objects.filter(digest=suppression.mark_of(pseudonym)).exists()
    assert not SuppressedIdentity.objects.filter(digest=pseudonym).exists()
    assert suppression.suppressed([pseudonym]) == {pseudonym}


def test_erasure_is_idempotent_and_reports_nothing_the_second_time(built):
    pseudonym = _quoted_customer(built).pseudonym
    first = erasure.erase_customer(pseudonym)
    second = erasure.erase_customer(pseudonym)
    assert first.counts["documents"] == 2
    assert second.counts.get("documents", 0) == 0
    assert second.request_id != first.request_id
    assert erasure.erase_customer("f" * 64).status == "done"


def test_erasure_resumes_after_a_crash_half_way(built, monkeypatch):
    pseudonym = _quoted_customer(built).pseudonym
    original = erasure._STEP_FUNCTIONS["documents"]

    def crash(request):
        raise ConnectionError("worker lost")

    monkeypatch.setitem(erasure._STEP_FUNCTIONS, "documents", crash)
    with pytest.raises(ConnectionError):
        erasure.erase_customer(pseudonym)
    stopped = PrivacyRequest.objects.get(kind="erasure")
    assert stopped.status == "failed" and stopped.subject == pseudonym
    assert stopped.steps_done == ["suppress", "withdraw", "models"]
    assert not Membership.objects.filter(customer__pseudonym=pseudonym).exists()
    assert Document.objects.filter(customer__pseudonym=pseudonym).count() == 2

    monkeypatch.setitem(erasure._STEP_FUNCTIONS, "documents", original)
    resumed = erasure.resume_unfinished()

    assert [r.pk for r in resumed] == [stopped.pk]
    receipt = resumed[0]
    assert receipt.status == "done" and receipt.steps_done == list(erasure.STEPS)
    assert receipt.counts["memberships"] == 1 and receipt.counts["documents"] == 2
    assert not Customer.objects.filter(pseudonym=pseudonym).exists()


def test_erasure_invalidates_saved_models_of_runs_that_used_the_customer(built, settings):
    from segapp.services.segmentation.artifacts import run_folder

    folder = run_folder(built.run.pk) / "model"
    folder.mkdir(parents=True)
    (folder / "umap.joblib").write_bytes(b"training vectors")
    SegmentationRun.objects.filter(pk=built.run.pk).update(
        artifact_dir=str(folder), artifact_digest="d" * 64
    )
    receipt = erasure.erase_customer(_quoted_customer(built).pseudonym)
    run = SegmentationRun.objects.get(pk=built.run.pk)
    assert receipt.counts["model_folders"] == 1
    assert not folder.exists() and run.artifact_dir == "" and run.artifact_digest == ""
    assert erasure.MODEL_REMOVED_NOTE in run.notes


def test_access_export_holds_everything_about_the_customer_and_no_one_else(built, bob):
    customer = _quoted_customer(built)
    consent.set_consent([customer.pk], False, source="web", actor="carol", reason="email")
    consent.set_consent([customer.pk], True, source="api", actor="dave")
    audit.record(bob, audit.AuditAction.VIEW_CUSTOMER, customer.pseudonym, channel="web")

    export = access.build_export(customer.pseudonym)

    assert export["held"] is True
    assert {d["text"] for d in export["documents"]} == {
        d.text for d in built.documents[customer.pseudonym]
    }
    assert export["profile"]["behaviour"]["spend_12m"] == customer.behaviour["spend_12m"]
    assert [h["consented"] for h in export["consent"]["history"]] == [False, True]
    assert [a["who"] for a in export["audit_log"]] == ["bob"]
    text = access.render_json(export)
    others = Customer.objects.exclude(pk=customer.pk).values_list("pseudonym", flat=True)
    assert not any(p in text for p in others)
    html = access.render_html(export)
    assert (
        "What VoxSeg holds about you" in html
        and built.documents[customer.pseudonym][0].text in html
    )


def test_access_export_of_a_member_explains_their_segment(built):
    customer = built.members[1][0]
    export = access.build_export(customer.pseudonym)
    [placed] = export["segments"]
    assert placed["run"] == built.run.pk and placed["segment"]["name"] == "Big spenders"
    assert 0 < placed["probability"] <= 1
    assert "pulls" in placed["explanation"]
    assert "representative_customers" not in str(placed)


def test_access_export_of_an_unknown_customer_says_nothing_is_held(db):
    export = access.build_export("a" * 64)
    assert export["held"] is False and "holds no data" in export["note"]


def test_audit_entries_can_be_neither_changed_nor_deleted_one_by_one(bob):
    entry = audit.record(bob, audit.AuditAction.VIEW_CUSTOMER, "someone", channel="web")
    entry.target = "someone else"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert AuditEvent.objects.get(pk=entry.pk).target == "someone"


def test_the_admin_cannot_delete_customers_or_change_consent_behind_the_privacy_centre(alice):
    from django.contrib import admin as django_admin

    from segapp.models import Event

    for model in (Customer, Document, Event):
        assert django_admin.site._registry[model].has_delete_permission(None) is False
    assert "segmentation_consent" in django_admin.site._registry[Customer].readonly_fields
