"""Privacy API: consent, access and erasure requests, receipts, the audit log; opt-out everywhere."""

from __future__ import annotations

import csv
import io

import pytest

from segapp.models import AuditEvent, Customer, Membership, PrivacyRequest
from segapp.services import audit
from segapp.services.pseudonyms import pseudonymise
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return build_persona_run()


@pytest.fixture
def priya(make_user):
    return make_user("priya", "privacy_officer")


def _csv_customers(response) -> set[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return {row["customer"] for row in csv.DictReader(io.StringIO(body.decode()))}


def test_opted_out_customer_leaves_exports_quotes_and_chat(built, dave, bob, api_as, eager_celery):
    quoted = built.members[0][0]
    document = built.documents[quoted.pseudonym][0]
    analyst = api_as(bob)
    before = analyst.get(f"/api/v1/runs/{built.run.pk}/segments/0/members/?format=csv")
    assert quoted.pseudonym in _csv_customers(before)
    persona = analyst.get(f"/api/v1/runs/{built.run.pk}/segments/0/").json()
    assert document.pk in [q["document"] for q in persona["quotes"]]

    opted = api_as(dave).put(
        f"/api/v1/privacy/customers/{quoted.pseudonym}/consent/",
        {"consented": False, "reason": "unsubscribed in CRM"},
        format="json",
    )

    assert opted.status_code == 200, opted.content
    assert opted.json()["segmentation_consent"] is False and opted.json()["changed"] is True
    after = analyst.get(f"/api/v1/runs/{built.run.pk}/segments/0/members/?format=csv")
    assert after.status_code == 200
    members = _csv_customers(after)
    assert quoted.pseudonym not in members and len(members) == 14
    every = analyst.get(f"/api/v1/runs/{built.run.pk}/members/?format=csv")
    assert quoted.pseudonym not in _csv_customers(every)
    persona = analyst.get(f"/api/v1/runs/{built.run.pk}/segments/0/").json()
    assert document.pk not in [q["document"] for q in persona["quotes"]]
    assert quoted.pseudonym not in str(persona)
    assert analyst.get(f"/api/v1/customers/{quoted.pseudonym}/").json()["memberships"] == []

    quotes = analyst.post(
        "/api/v1/chat/", {"question": "show me quotes from Eco bargain hunters"}, format="json"
    ).json()
    assert quotes["quotes"], quotes["answer"]
    assert document.pk not in [q["document"] for q in quotes["quotes"]]
    assert document.text not in str(quotes)
    why = analyst.post(
        "/api/v1/chat/",
        {"question": f"why is customer {quoted.pseudonym} in their segment"},
        format="json",
    ).json()
    assert "Eco bargain hunters" not in why["answer"]
    print(
        "\nopted out: gone from 2 CSV exports, persona quotes, customer API and chat:",
        why["answer"],
    )


def test_consent_needs_a_role_that_records_it(built, bob, carol, api_as):
    customer = built.members[0][0]
    for user in (bob, carol):
        response = api_as(user).put(
            f"/api/v1/privacy/customers/{customer.pseudonym}/consent/",
            {"consented": False},
            format="json",
        )
        assert response.status_code == 403
    assert Customer.objects.get(pk=customer.pk).segmentation_consent is True


def test_consent_errors_are_clean(built, priya, api_as):
    client = api_as(priya)
    missing = client.get(f"/api/v1/privacy/customers/{'0' * 64}/consent/")
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404
    bad = client.put(
        f"/api/v1/privacy/customers/{built.members[0][0].pseudonym}/consent/",
        {"consented": "perhaps"},
        format="json",
    )
    assert bad.status_code == 400 and "consented" in bad.json()["error"]["message"]


def test_reading_a_customers_consent_is_audited_like_other_customer_reads(built, dave, api_as):
    customer = built.members[0][0]
    before = AuditEvent.objects.count()

    response = api_as(dave).get(f"/api/v1/privacy/customers/{customer.pseudonym}/consent/")

    assert response.status_code == 200 and response.json()["segmentation_consent"] is True
    assert AuditEvent.objects.count() == before + 1
    entry = AuditEvent.objects.latest("id")
    assert (entry.username, entry.action, entry.target, entry.channel) == (
        "dave",
        "view_customer",
        customer.pseudonym,
        "api",
    )
    missing = api_as(dave).get(f"/api/v1/privacy/customers/{'0' * 64}/consent/")
    assert missing.status_code == 404 and AuditEvent.objects.count() == before + 1


def test_rectifying_a_declared_sensitive_name_through_the_api_keeps_it_sensitive(
    built, priya, api_as
):
    from segapp.services.sensitive import declare_sensitive

    declare_sensitive(["Loyalty Member"])
    customer, other = built.members[0][0], built.members[0][1]
    Customer.objects.filter(pk=other.pk).update(
        behaviour={**other.behaviour, "Loyalty Member": 1.0}  # a later write, raw spelling
    )

    response = api_as(priya).patch(
        f"/api/v1/privacy/customers/{customer.pseudonym}/",
        {"attributes": {"Loyalty Member": "yes"}},
        format="json",
    )

    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["receipt"]["changed"] == {"sensitive": ["loyalty_member"]}
    assert answer["customer"]["sensitive"] == {"loyalty_member": "yes"}
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.sensitive == {"loyalty_member": "yes"}
    assert set(stored.behaviour) == {"spend_12m", "coupon_share"}


def test_access_request_by_external_id_returns_the_export(built, priya, api_as):
    client = api_as(priya)
    response = client.post(
        "/api/v1/privacy/requests/", {"kind": "access", "external_id": "p-1"}, format="json"
    )
    assert response.status_code == 200, response.content
    export = response.json()
    assert export["customer"] == pseudonymise("p-1") and export["held"] is True
    assert len(export["documents"]) == 2
    html = client.post(
        "/api/v1/privacy/requests/?output=html",
        {"kind": "access", "external_id": "p-1"},
        format="json",
    )
    assert html.status_code == 200 and b"What VoxSeg holds about you" in html.content
    assert PrivacyRequest.objects.filter(kind="access", status="done").count() == 2
    assert AuditEvent.objects.filter(action="access_request", username="priya").count() == 2


def test_erasure_request_needs_confirmation_then_leaves_a_receipt(
    built, priya, api_as, eager_celery
):
    client = api_as(priya)
    pseudonym = pseudonymise("p-1")
    unconfirmed = client.post(
        "/api/v1/privacy/requests/", {"kind": "erasure", "external_id": "p-1"}, format="json"
    )
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.json()["error"]["message"]
    assert Customer.objects.filter(pseudonym=pseudonym).exists()

    started = client.post(
        "/api/v1/privacy/requests/",
        {"kind": "erasure", "customer": pseudonym, "confirm": True},
        format="json",
    )

    assert started.status_code == 202, started.content
    receipt = client.get(f"/api/v1/privacy/requests/{started.json()['request']}/").json()
    assert receipt["status"] == "done" and receipt["counts"]["documents"] == 2
    assert pseudonym not in str(receipt)
    assert not Customer.objects.filter(pseudonym=pseudonym).exists()
    assert not Membership.objects.filter(customer__pseudonym=pseudonym).exists()
    listed = client.get("/api/v1/privacy/requests/?kind=erasure").json()
    assert [r["request"] for r in listed["results"]] == [receipt["request"]]


def test_request_errors_are_clean(priya, api_as, db):
    client = api_as(priya)
    both = client.post(
        "/api/v1/privacy/requests/",
        {"kind": "access", "external_id": "x", "customer": "a" * 64},
        format="json",
    )
    assert both.status_code == 400
    assert (
        client.post("/api/v1/privacy/requests/", {"kind": "delete"}, format="json").status_code
        == 400
    )
    unknown = client.get("/api/v1/privacy/requests/6f1c0a52-3f0e-4f7e-9d7a-0a1b2c3d4e5f/")
    assert unknown.status_code == 404


def test_requests_and_audit_log_are_for_privacy_officers_and_admins(
    built, alice, bob, carol, dave, priya, api_as
):
    for user, allowed in (
        (alice, True),
        (priya, True),
        (bob, False),
        (carol, False),
        (dave, False),
    ):
        client = api_as(user)
        assert (client.get("/api/v1/privacy/requests/").status_code == 200) is allowed
        assert (client.get("/api/v1/privacy/audit/").status_code == 200) is allowed


def test_audit_log_filters(built, bob, priya, api_as):
    target = built.members[0][0].pseudonym
    audit.record(bob, audit.AuditAction.VIEW_CUSTOMER, target, channel="web")
    audit.record(bob, audit.AuditAction.EXPORT_MEMBERS, "run 1 segment 0", channel="api")
    audit.record(priya, audit.AuditAction.ACCESS_REQUEST, target, channel="cli")
    client = api_as(priya)
    by_user = client.get("/api/v1/privacy/audit/?user=bob").json()["results"]
    assert {e["action"] for e in by_user} == {"view_customer", "export_members"}
    about = client.get(f"/api/v1/privacy/audit/?target={target}").json()["results"]
    assert {e["user"] for e in about} == {"bob", "priya"}
    exports = client.get("/api/v1/privacy/audit/?action=export_members&channel=api").json()
    assert exports["count"] == 1
    assert (
        client.get("/api/v1/privacy/audit/?since=2000-01-01&until=2999-12-31").json()["count"] >= 3
    )
    assert client.get("/api/v1/privacy/audit/?since=2999-01-01").json()["count"] == 0
    bad = client.get("/api/v1/privacy/audit/?since=yesterday")
    assert bad.status_code == 400 and "since" in bad.json()["error"]["message"]


def test_the_audit_log_finds_chat_questions_about_a_customer(built, bob, priya, api_as):
    target = built.members[0][0].pseudonym
    audit.record(bob, audit.AuditAction.CHAT_QUESTION, "run 1", channel="api", customer=target)
    about = api_as(priya).get(f"/api/v1/privacy/audit/?target={target}").json()["results"]
    assert [e["action"] for e in about] == ["chat_question"]
