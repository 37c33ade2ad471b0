"""PATCH /api/v1/privacy/customers/{pseudonym}/ and …/documents/{id}/: rectification by API.

Who may: admins (alice) and privacy officers (olga). Analysts (bob), product
managers (carol) and integrations (dave) may not; anonymous callers are refused.
"""

from __future__ import annotations

import hashlib

import pytest

from segapp.models import Customer, Document, Embedding, PrivacyRequest
from segapp.services.pseudonyms import pseudonymise
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(db):
    built = build_persona_run()
    Customer.objects.filter(pseudonym=pseudonymise("p-1")).update(
        attributes={"tier": "gold"}, sensitive={"region": "North"}
    )
    return built


@pytest.fixture
def olga(make_user):
    return make_user("olga", "privacy_officer")


def customer_url(pseudonym: str) -> str:
    return f"/api/v1/privacy/customers/{pseudonym}/"


def document_url(pseudonym: str, document_id: int) -> str:
    return f"/api/v1/privacy/customers/{pseudonym}/documents/{document_id}/"


P1 = pseudonymise("p-1")


def test_a_privacy_officer_corrects_attributes(built, olga, api_as):
    response = api_as(olga).patch(
        customer_url(P1),
        {"attributes": {"spend_12m": 120.5, "tier": None, "region": "South"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["receipt"]["kind"] == "rectification" and body["receipt"]["status"] == "done"
    assert body["receipt"]["fields"] == 3 and body["receipt"]["documents"] == 0
    assert body["receipt"]["changed"] == {"behaviour": ["spend_12m"], "sensitive": ["region"]}
    assert body["receipt"]["removed"] == ["tier"]
    assert body["customer"]["behaviour"]["spend_12m"] == 120.5
    assert body["customer"]["attributes"] == {}
    assert body["customer"]["sensitive"] == {"region": "South"}
    request = PrivacyRequest.objects.get(request_id=body["receipt"]["request"])
    assert (request.channel, request.requested_by) == ("api", "olga")


def test_an_admin_corrects_a_text_and_it_is_redacted(built, alice, api_as):
    document = built.documents[P1][0]
    old_hash = document.text_hash
    Embedding.objects.create(text_hash=old_hash, model_id="m", vector=b"\x00" * 8)
    response = api_as(alice).patch(
        document_url(P1, document.pk),
        {"text": "Broken refills. Mail me: jane.doe@example.com"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    stored = "Broken refills. Mail me: [EMAIL]"
    assert body["document"]["text"] == stored
    assert body["document"]["text_hash"] == hashlib.sha256(stored.encode()).hexdigest()
    assert body["document"]["redactions"] == {"EMAIL": 1}
    assert body["receipt"]["document_ids"] == [document.pk]
    assert Document.objects.get(pk=document.pk).text == stored
    assert not Document.objects.filter(text=document.text).exists()
    assert not Embedding.objects.filter(text_hash=old_hash).exists()


@pytest.mark.parametrize("who", ["bob", "carol", "dave"])
def test_other_roles_are_refused(built, api_as, bob, carol, dave, who):
    user = {"bob": bob, "carol": carol, "dave": dave}[who]
    client = api_as(user)
    response = client.patch(customer_url(P1), {"attributes": {"spend_12m": 1}}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    document = built.documents[P1][0]
    response = client.patch(document_url(P1, document.pk), {"text": "x"}, format="json")
    assert response.status_code == 403
    assert Document.objects.get(pk=document.pk).text == document.text
    assert not PrivacyRequest.objects.exists()


def test_anonymous_callers_are_refused(built, client):
    response = client.patch(
        customer_url(P1), {"attributes": {"spend_12m": 1}}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_unknown_customer_is_404_in_the_error_shape(built, olga, api_as):
    client = api_as(olga)
    response = client.patch(customer_url("f" * 64), {"attributes": {"a": 1}}, format="json")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "status": 404,
        "code": "not_found",
        "message": "No customer has this id.",
        "details": {},
    }
    response = client.patch(document_url("f" * 64, 1), {"text": "x"}, format="json")
    assert response.status_code == 404


def test_a_document_of_another_customer_is_404(built, olga, api_as):
    theirs = built.documents[pseudonymise("p-2")][0]
    response = api_as(olga).patch(document_url(P1, theirs.pk), {"text": "x"}, format="json")
    assert response.status_code == 404
    assert "no document" in response.json()["error"]["message"]
    assert Document.objects.get(pk=theirs.pk).text == theirs.text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"attributes": {"spend_12m": "lots"}}, "attributes: spend_12m: 'lots' is not a number"),
        ({"attributes": {"unheard_of": 1}}, "attributes: Unknown attribute 'unheard_of'"),
        ({"attributes": {"email": "x@y.z"}}, "attributes: 'email' is a direct identifier"),
        ({"attributes": {"tier": "a\x00b"}}, "attributes: tier: the value contains a NUL"),
        ({"attributes": {}}, "attributes: This dictionary may not be empty."),
        ({}, "attributes: This field is required."),
        (
            {"attributes": "spend_12m=1"},
            'attributes: Expected a dictionary of items but got type "str".',
        ),
    ],
)
def test_bad_attributes_are_400_and_change_nothing(built, olga, api_as, body, message):
    before = Customer.objects.get(pseudonym=P1)
    response = api_as(olga).patch(customer_url(P1), body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"].startswith(message)
    after = Customer.objects.get(pseudonym=P1)
    assert (after.behaviour, after.attributes) == (before.behaviour, before.attributes)
    assert not PrivacyRequest.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": "   "}, "text: Document"),
        ({"text": "nul \x00 inside"}, "text: Null characters are not allowed."),
        ({}, "text: This field is required."),
    ],
)
def test_bad_text_is_400(built, olga, api_as, body, message):
    document = built.documents[P1][0]
    response = api_as(olga).patch(document_url(P1, document.pk), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(message)
    assert Document.objects.get(pk=document.pk).text == document.text


def test_both_endpoints_are_documented_with_examples(bob, api_as):
    schema = api_as(bob).get("/api/v1/schema/?format=json").json()
    for path, example in (
        ("/api/v1/privacy/customers/{pseudonym}/", "attributes"),
        ("/api/v1/privacy/customers/{pseudonym}/documents/{id}/", "text"),
    ):
        operation = schema["paths"][path]["patch"]
        assert {"200", "400", "403", "404"} <= set(operation["responses"])
        request_examples = operation["requestBody"]["content"]["application/json"]["examples"]
        assert any(example in e["value"] for e in request_examples.values())
        assert operation["responses"]["200"]["content"]["application/json"]["examples"]


@pytest.mark.parametrize(
    "attributes",
    [
        {"spend_12m": 10**400},
        {"spend_12m": True},
        {"tier": 10**30},
        {"tier": ["a"]},
        {"x" * 200: 1},
        {"tier": "é" * 1000},
        {"spend_12m": "1e400"},
        {"na\u0000me": 1},
        {"tier": False, "region": 0},
    ],
)
def test_odd_values_are_answered_never_a_server_error(built, olga, api_as, attributes):
    response = api_as(olga).patch(customer_url(P1), {"attributes": attributes}, format="json")
    assert response.status_code in (200, 400), response.content
    assert ("receipt" in response.json()) == (response.status_code == 200)
