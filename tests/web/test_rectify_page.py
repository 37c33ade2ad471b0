"""/privacy/customers/<pseudonym>/rectify/: see a customer's data and correct it, confirmed.

Who may: alice (admin) and olga (privacy officer). bob (analyst) and carol
(product manager) are refused; anonymous visitors are sent to log in.
"""

from __future__ import annotations

import pytest
from django.utils.html import escape

from segapp.models import AuditAction, AuditEvent, Customer, Document, PrivacyRequest
from segapp.services.pseudonyms import pseudonymise
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db

P1 = pseudonymise("p-1")
URL = f"/privacy/customers/{P1}/rectify/"


@pytest.fixture
def built(db):
    built = build_persona_run()
    Customer.objects.filter(pseudonym=P1).update(
        attributes={"tier": "gold"},
        sensitive={"region": "North"},
        event_features={"recency_days": 12.0},
    )
    return built


@pytest.fixture
def olga(make_user):
    return make_user("olga", "privacy_officer")


def attribute_data(response, **changes) -> dict:
    """The attribute form as shown, with some values changed (by attribute name)."""
    form = response.context["attributes_form"]
    data = {"action": "attributes"}
    for key, (name, shown) in form.held.items():
        data[f"a-{key}"] = changes.pop(name, shown)
    if changes:
        (name, value), *_ = changes.items()
        data["a-new_name"], data["a-new_value"] = name, value
    return data


def test_the_page_shows_what_is_held_and_is_audited(client, built, olga):
    client.force_login(olga)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("spend_12m", "coupon_share", "tier", "gold", "region", "North", "recency_days"):
        assert shown in page
    for document in built.documents[P1]:
        assert escape(document.text) in page
    assert 'data-testid="document-' in page and "I confirm this correction" in page
    entry = AuditEvent.objects.get(action=AuditAction.VIEW_CUSTOMER)
    assert (entry.username, entry.target, entry.details) == ("olga", P1, {"page": "rectify"})


def test_confirmed_attribute_changes_are_applied_and_the_receipt_shown(client, built, olga):
    client.force_login(olga)
    shown = client.get(URL)
    data = attribute_data(shown, spend_12m="250", tier="", region="South")
    data["a-confirm"] = "on"
    response = client.post(URL, data)
    assert response.status_code == 302
    request = PrivacyRequest.objects.get(kind="rectification")
    assert response["Location"] == f"{URL}?request={request.request_id}"
    customer = Customer.objects.get(pseudonym=P1)
    assert customer.behaviour["spend_12m"] == 250.0
    assert customer.attributes == {} and customer.sensitive == {"region": "South"}
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="rectify-result"' in page and str(request.request_id) in page
    assert "Corrected 3 attributes and 0 texts." in page
    assert 'data-testid="changed-behaviour">spend_12m<' in page
    assert 'data-testid="removed">tier<' in page
    assert request.channel == "web" and request.requested_by == "olga"


def test_an_attribute_the_data_set_knows_can_be_added(client, built, alice):
    Customer.objects.filter(pseudonym=pseudonymise("p-2")).update(attributes={"plan": "basic"})
    client.force_login(alice)
    data = attribute_data(client.get(URL), plan="premium")
    data["a-confirm"] = "on"
    assert client.post(URL, data).status_code == 302
    assert Customer.objects.get(pseudonym=P1).attributes == {"tier": "gold", "plan": "premium"}


@pytest.mark.parametrize(
    ("changes", "confirm", "message"),
    [
        ({"spend_12m": "1"}, False, "This field is required."),
        ({"spend_12m": "lots"}, True, "spend_12m: &#x27;lots&#x27; is not a number"),
        ({"made_up": "x"}, True, "Unknown attribute &#x27;made_up&#x27;"),
        ({}, True, "Nothing was changed."),
    ],
)
def test_refused_corrections_show_a_friendly_error_and_change_nothing(
    client, built, olga, changes, confirm, message
):
    client.force_login(olga)
    before = Customer.objects.get(pseudonym=P1)
    data = attribute_data(client.get(URL), **changes)
    if confirm:
        data["a-confirm"] = "on"
    response = client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    after = Customer.objects.get(pseudonym=P1)
    assert (after.behaviour, after.attributes) == (before.behaviour, before.attributes)
    assert not PrivacyRequest.objects.exists()


def test_a_confirmed_text_correction_is_redacted(client, built, olga):
    document = built.documents[P1][0]
    client.force_login(olga)
    response = client.post(
        URL,
        {
            "action": "document",
            "d-document": document.pk,
            "d-text": "Broken again. Reach me at jane.doe@example.com",
            "d-confirm": "on",
        },
    )
    assert response.status_code == 302
    stored = Document.objects.get(pk=document.pk)
    assert stored.text == "Broken again. Reach me at [EMAIL]"
    assert stored.redactions == {"EMAIL": 1}
    page = client.get(response["Location"]).content.decode()
    assert "Corrected 0 attributes and 1 text." in page
    assert f'data-testid="changed-documents">#{document.pk}<' in page
    assert "jane.doe@example.com" not in page


def test_an_unconfirmed_text_correction_keeps_the_typed_text(client, built, olga):
    document = built.documents[P1][0]
    client.force_login(olga)
    response = client.post(
        URL, {"action": "document", "d-document": document.pk, "d-text": "Typed but unsure"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Typed but unsure" in page and "This field is required." in page
    assert Document.objects.get(pk=document.pk).text == document.text


def test_a_text_of_another_customer_cannot_be_corrected_here(client, built, olga):
    theirs = built.documents[pseudonymise("p-2")][0]
    client.force_login(olga)
    response = client.post(
        URL, {"action": "document", "d-document": theirs.pk, "d-text": "x", "d-confirm": "on"}
    )
    assert response.status_code == 400
    assert f"This customer has no document {theirs.pk}." in response.content.decode()
    assert Document.objects.get(pk=theirs.pk).text == theirs.text


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_analysts_and_product_managers_are_refused(client, built, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"action": "attributes", "a-new_name": "tier"})
    assert response.status_code == 403
    assert Customer.objects.get(pseudonym=P1).attributes == {"tier": "gold"}


def test_anonymous_visitors_are_sent_to_log_in(client, built):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_unknown_customer_is_a_friendly_404(client, built, olga):
    client.force_login(olga)
    response = client.get(f"/privacy/customers/{'0' * 64}/rectify/")
    assert response.status_code == 404
    assert "No customer has this id." in response.content.decode()
