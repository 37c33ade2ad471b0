"""Customers by pseudonym (any case) and by the integrator's own id, read per role and audited.

Who reads what (README roles): alice (admin) and bob (analyst) read the whole
profile and why; dave (integration) reads the pseudonym, times and
memberships only; carol (product manager) reads no customer at all. Every read
is in the audit log, whoever reads.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from segapp.models import AuditEvent
from segapp.selectors.privacy import audit_entries
from segapp.services.pseudonyms import pseudonymise
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/customers/lookup/"
PROFILE_KEYS = {"sensitive", "behaviour", "attributes", "event_features", "documents", "events"}


@pytest.fixture
def built(settings):
    settings.VOXSEG_MIN_GROUP_SIZE = 10
    run = build_persona_run()
    customer = run.members[0][0]  # external id "p-1"
    customer.sensitive = {"age": "41", "gender": "female"}
    customer.attributes = {"plan": "basic"}
    customer.save()
    return run


@pytest.fixture
def as_user(request, api_as):
    def client(name: str) -> APIClient:
        return api_as(request.getfixturevalue(name))

    return client


def test_lookup_by_external_id_answers_the_body_of_the_pseudonym_path(built, as_user):
    client = as_user("bob")
    by_id = client.get(LOOKUP, {"external_id": "p-1"})
    by_pseudonym = client.get(f"/api/v1/customers/{pseudonymise('p-1')}/")

    assert by_id.status_code == 200
    assert by_id.json() == by_pseudonym.json()
    assert by_id.json()["pseudonym"] == pseudonymise("p-1")
    assert by_id.json()["sensitive"] == {"age": "41", "gender": "female"}
    assert by_id.json()["explanation"]["run"] == built.run.pk


def test_lookup_reads_the_id_as_imports_do(built, as_user):
    response = as_user("dave").get(LOOKUP, {"external_id": "  p-1 "})

    assert response.json()["pseudonym"] == pseudonymise("p-1")


def test_integrations_read_memberships_only_by_lookup_and_by_pseudonym(built, as_user):
    client = as_user("dave")
    for response in (
        client.get(LOOKUP, {"external_id": "p-1"}),
        client.get(f"/api/v1/customers/{pseudonymise('p-1')}/"),
    ):
        body = response.json()
        assert set(body) == {
            "pseudonym", "created_at", "updated_at", "memberships", "waiting", "explanation",
            "explanation_hidden",
        }  # fmt: skip
        assert body["memberships"][0]["segment"]["number"] == 0
        assert body["explanation"] is None and body["explanation_hidden"] is True


def test_integrations_list_pseudonyms_and_times_only(built, as_user):
    rows = as_user("dave").get("/api/v1/customers/").json()["results"]

    assert rows and all(set(row) == {"pseudonym", "created_at", "updated_at"} for row in rows)


def test_product_managers_cannot_look_customers_up(built, as_user):
    assert as_user("carol").get(LOOKUP, {"external_id": "p-1"}).status_code == 403


def test_an_unknown_external_id_is_a_404_that_does_not_repeat_it(built, as_user):
    response = as_user("dave").get(LOOKUP, {"external_id": "nobody-42"})

    assert response.status_code == 404
    assert "nobody-42" not in response.content.decode()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("query", [{}, {"external_id": ""}, {"external_id": "   "}])
def test_lookup_without_an_external_id_is_a_400(built, as_user, query):
    response = as_user("dave").get(LOOKUP, query)

    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


def test_an_upper_case_pseudonym_finds_the_customer(built, as_user):
    pseudonym = pseudonymise("p-1")

    response = as_user("bob").get(f"/api/v1/customers/{pseudonym.upper()}/")

    assert response.status_code == 200
    assert response.json()["pseudonym"] == pseudonym


def test_every_detail_read_is_audited_whoever_reads(built, as_user):
    pseudonym = pseudonymise("p-1")
    as_user("dave").get(LOOKUP, {"external_id": "p-1"})
    as_user("bob").get(f"/api/v1/customers/{pseudonym.upper()}/")

    entries = list(AuditEvent.objects.order_by("id"))
    assert [(e.username, e.action, e.target, e.channel) for e in entries] == [
        ("dave", "view_customer", pseudonym, "api"),
        ("bob", "view_customer", pseudonym, "api"),
    ]
    assert entries[0].details == {"scope": "memberships", "looked_up_by": "external_id"}
    assert entries[1].details == {"scope": "profile", "run": built.run.pk}
    assert "p-1" not in str(entries[0].details)  # the external id is never kept


def test_a_list_page_is_one_audit_entry_naming_every_customer_on_it(built, as_user):
    rows = as_user("dave").get("/api/v1/customers/?page_size=5").json()["results"]

    entry = AuditEvent.objects.get()
    assert (entry.username, entry.action, entry.channel) == ("dave", "view_customer", "api")
    assert entry.details["customers"] == [row["pseudonym"] for row in rows]
    assert entry.details["count"] == 5


def test_who_saw_a_customer_on_a_list_page_is_found_by_the_audit_filter(built, as_user):
    as_user("bob").get("/api/v1/customers/?page_size=3")
    shown = pseudonymise("p-2")
    not_shown = pseudonymise("p-9")

    assert [e.username for e in audit_entries({"target": shown})] == ["bob"]
    assert not audit_entries({"target": not_shown}).exists()


def test_an_empty_list_page_writes_no_audit_entry(built, as_user):
    as_user("bob").get("/api/v1/customers/?created_after=2999-01-01T00:00:00Z")

    assert not AuditEvent.objects.exists()


def test_the_schema_documents_the_lookup_with_an_example(built, as_user):
    schema = as_user("bob").get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/customers/lookup/"]["get"]

    names = {p["name"]: p for p in operation["parameters"]}
    assert names["external_id"]["required"] is True
    assert names["external_id"].get("examples")
    assert set(operation["responses"]) >= {"200", "400", "403", "404"}
    assert operation["responses"]["200"]["content"]["application/json"]["examples"]


def test_member_exports_keep_pseudonyms(built, as_user):
    body = as_user("dave").get(f"/api/v1/runs/{built.run.pk}/segments/0/members/?format=json")

    rows = json.loads(b"".join(body.streaming_content))
    assert {row["customer"] for row in rows} == {c.pseudonym for c in built.members[0]}


@pytest.mark.parametrize("who", ["bob", "dave"])
def test_answers_of_every_role_match_the_documented_shapes(built, as_user, who):
    import jsonschema

    from tests.api.test_schema import _json_schema

    schema = as_user("bob").get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]
    client = as_user(who)
    checked = {
        "/api/v1/customers/": "/api/v1/customers/",
        "/api/v1/customers/{pseudonym}/": f"/api/v1/customers/{pseudonymise('p-1')}/",
        "/api/v1/customers/lookup/": f"{LOOKUP}?external_id=p-1",
    }
    for path, url in checked.items():
        response = client.get(url)
        documented = schema["paths"][path]["get"]["responses"]["200"]["content"]
        shape = _json_schema(documented["application/json"]["schema"], components)
        jsonschema.validate(response.json(), shape)
