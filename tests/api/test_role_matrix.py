"""Every endpoint of /api/v1/ × every role: the status each role gets, and what it may read.

The endpoints come from the OpenAPI schema, so a new endpoint fails
`test_every_endpoint_has_a_row_in_the_matrix` until its row says who may use
it. The rows follow the README's roles table:

- admin: everything;
- analyst: imports, runs, personas, quotes, member lists, exports, customers and texts;
- product_manager: runs, personas, compare, topics and other aggregates, never member
  lists, customer pages or texts;
- integration: imports, runs, segments, memberships and member exports, consent
  decisions; of a customer the pseudonym and memberships only; no texts, no explanations;
- privacy_officer: the privacy centre (requests, consent, audit log, budgets, bias
  audits) and runs (list, status, topics, the chat) to pick the run of an audit or a
  release; no personas, member lists or texts outside a request;
- anonymous: nothing.

Where an answer is 200, roles that may not read texts or customer profiles find
no document text, no customer's sensitive or attribute value, and (integrations)
none of the profile's keys anywhere in it. Every 200 of an endpoint that shows
customer-level data adds an entry to the audit log.
"""

from __future__ import annotations

import json
import re

import pytest
from rest_framework.test import APIClient

from segapp.models import (
    AuditEvent,
    Conversation,
    Customer,
    Document,
    ImportJob,
    PrivacyRequest,
)
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db

ADMIN, ANALYST, PM, INTEGRATION, PRIVACY = (
    "admin",
    "analyst",
    "product_manager",
    "integration",
    "privacy_officer",
)
ROLES = (ADMIN, ANALYST, PM, INTEGRATION, PRIVACY, "anonymous")
EVERY_ROLE = frozenset({ADMIN, ANALYST, PM, INTEGRATION, PRIVACY})


def only(*roles: str) -> frozenset[str]:
    return frozenset(roles)


# (method, path) -> the roles that may use it. Everyone else gets 403; anonymous 401.
MATRIX: dict[tuple[str, str], frozenset[str]] = {
    ("get", "/api/v1/imports/"): only(ADMIN, ANALYST, PM, INTEGRATION),
    ("post", "/api/v1/imports/"): only(ADMIN, ANALYST, INTEGRATION),
    ("post", "/api/v1/imports/preview/"): only(ADMIN, ANALYST, INTEGRATION),
    ("get", "/api/v1/imports/{id}/"): only(ADMIN, ANALYST, PM, INTEGRATION),
    ("post", "/api/v1/imports/{id}/retry/"): only(ADMIN, ANALYST, INTEGRATION),
    ("get", "/api/v1/imports/{id}/issues/"): only(ADMIN, ANALYST, PM, INTEGRATION),
    ("get", "/api/v1/imports/{id}/report/"): only(ADMIN, ANALYST, PM, INTEGRATION),
    ("get", "/api/v1/customers/"): only(ADMIN, ANALYST, INTEGRATION),
    ("get", "/api/v1/customers/{pseudonym}/"): only(ADMIN, ANALYST, INTEGRATION),
    ("get", "/api/v1/customers/lookup/"): only(ADMIN, ANALYST, INTEGRATION),
    ("get", "/api/v1/documents/"): only(ADMIN, ANALYST),
    ("get", "/api/v1/documents/{id}/"): only(ADMIN, ANALYST),
    ("get", "/api/v1/runs/"): EVERY_ROLE,
    ("post", "/api/v1/runs/"): only(ADMIN, ANALYST),
    ("get", "/api/v1/runs/{run}/"): EVERY_ROLE,
    ("post", "/api/v1/runs/{run}/cancel/"): only(ADMIN, ANALYST),
    ("post", "/api/v1/runs/{run}/retry/"): only(ADMIN, ANALYST),
    ("get", "/api/v1/runs/{run}/members/"): only(ADMIN, ANALYST, INTEGRATION),
    ("get", "/api/v1/runs/{run}/segments/"): only(ADMIN, ANALYST, PM, INTEGRATION),
    ("get", "/api/v1/runs/{run}/segments/compare/"): only(ADMIN, ANALYST, PM, INTEGRATION),
    ("get", "/api/v1/runs/{run}/segments/{segment}/"): only(ADMIN, ANALYST, PM, INTEGRATION),
    ("get", "/api/v1/runs/{run}/segments/{segment}/members/"): only(ADMIN, ANALYST, INTEGRATION),
    ("get", "/api/v1/runs/{run}/topics/"): EVERY_ROLE,
    ("get", "/api/v1/runs/{run}/topics/{number}/"): EVERY_ROLE,
    ("get", "/api/v1/runs/{run}/bias/"): only(ADMIN, ANALYST, PM, PRIVACY),
    ("post", "/api/v1/runs/{run}/private-release/"): only(ADMIN, ANALYST, INTEGRATION, PRIVACY),
    ("post", "/api/v1/chat/"): EVERY_ROLE,
    ("get", "/api/v1/chat/{id}/"): EVERY_ROLE,
    ("get", "/api/v1/privacy/customers/{pseudonym}/consent/"): only(ADMIN, INTEGRATION, PRIVACY),
    ("put", "/api/v1/privacy/customers/{pseudonym}/consent/"): only(ADMIN, INTEGRATION, PRIVACY),
    ("patch", "/api/v1/privacy/customers/{pseudonym}/"): only(ADMIN, PRIVACY),
    ("patch", "/api/v1/privacy/customers/{pseudonym}/documents/{id}/"): only(ADMIN, PRIVACY),
    ("get", "/api/v1/privacy/requests/"): only(ADMIN, PRIVACY),
    ("post", "/api/v1/privacy/requests/"): only(ADMIN, PRIVACY),
    ("get", "/api/v1/privacy/requests/{request_id}/"): only(ADMIN, PRIVACY),
    ("get", "/api/v1/privacy/audit/"): only(ADMIN, PRIVACY),
    ("get", "/api/v1/privacy/budget/"): only(ADMIN, ANALYST, INTEGRATION, PRIVACY),
    ("put", "/api/v1/privacy/budget/"): only(ADMIN, PRIVACY),
    ("post", "/api/v1/privacy/budget/"): only(ADMIN, PRIVACY),
}

# Endpoints whose answers name individual customers: every 200 is audited.
CUSTOMER_LEVEL = {
    "/api/v1/customers/",
    "/api/v1/customers/{pseudonym}/",
    "/api/v1/customers/lookup/",
    "/api/v1/documents/",
    "/api/v1/documents/{id}/",
    "/api/v1/runs/{run}/members/",
    "/api/v1/runs/{run}/segments/{segment}/members/",
    "/api/v1/privacy/customers/{pseudonym}/consent/",
}
# What the customer endpoints may hold for a role that reads memberships only.
MEMBERSHIPS_ONLY_KEYS = {
    "pseudonym", "created_at", "updated_at", "memberships", "explanation", "explanation_hidden",
    "waiting",
}  # fmt: skip
PROFILE_KEYS = {"sensitive", "behaviour", "attributes", "event_features"}
QUERIES = {
    "/api/v1/runs/{run}/segments/compare/": {"a": 0, "b": 1},
    "/api/v1/customers/lookup/": {"external_id": "p-1"},
}
SENSITIVE_VALUE = "matrix-sensitive-value"
ATTRIBUTE_VALUE = "matrix-attribute-value"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema_operations(alice, api_as) -> list[tuple[str, str]]:
    schema = api_as(alice).get("/api/v1/schema/?format=json").json()
    return [
        (method, path)
        for path, item in schema["paths"].items()
        for method in METHODS
        if method in item
    ]


@pytest.fixture
def world(settings, make_user):
    """A finished run with personas, a customer with a profile, an import, a request."""
    settings.VOXSEG_MIN_GROUP_SIZE = 10
    built = build_persona_run()
    customer = built.members[0][0]  # external id "p-1"
    Customer.objects.filter(pk=customer.pk).update(
        sensitive={"gender": SENSITIVE_VALUE},
        attributes={"plan": ATTRIBUTE_VALUE},
        event_features={"frequency": 3.0},
    )
    job = ImportJob.objects.create(
        file_type="customers", original_filename="c.csv", status="succeeded", source="test"
    )
    request = PrivacyRequest.objects.create(kind="access", status="done")
    users = {
        ADMIN: make_user("alice", ADMIN),
        ANALYST: make_user("bob", ANALYST),
        PM: make_user("carol", PM),
        INTEGRATION: make_user("dave", INTEGRATION),
        PRIVACY: make_user("priya", PRIVACY),
    }
    return {
        "built": built,
        "users": users,
        "values": {
            "run": str(built.run.pk),
            "segment": "0",
            "number": "0",
            "pseudonym": customer.pseudonym,
            "request_id": str(request.request_id),
        },
        "import": job.pk,
        "document": built.documents[customer.pseudonym][0].pk,
        "texts": set(Document.objects.values_list("text", flat=True)),
    }


def _url(path: str, world: dict, conversation: int | None) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name != "id":
            return world["values"][name]
        if path.startswith("/api/v1/imports/"):
            return str(world["import"])
        if path.startswith("/api/v1/chat/"):
            return str(conversation or 0)
        return str(world["document"])

    return re.sub(r"{(\w+)}", value, path)


def _client(role: str, world: dict) -> APIClient:
    from rest_framework.authtoken.models import Token

    client = APIClient()
    if role != "anonymous":
        token, _ = Token.objects.get_or_create(user=world["users"][role])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_every_endpoint_has_a_row_in_the_matrix(schema_operations):
    missing = sorted(set(schema_operations) - set(MATRIX))
    assert not missing, f"add these endpoints to MATRIX with the roles that may use them: {missing}"
    gone = sorted(set(MATRIX) - set(schema_operations))
    assert not gone, f"MATRIX names endpoints the API no longer has: {gone}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_roles_table_allows_and_nothing_more(
    role, world, schema_operations
):
    client = _client(role, world)
    conversation = None
    if role != "anonymous":
        conversation = Conversation.objects.create(user=world["users"][role]).pk
    for method, path in schema_operations:
        if (method, path) not in MATRIX:
            continue  # test_every_endpoint_has_a_row_in_the_matrix names it
        allowed = role in MATRIX[(method, path)]
        url = _url(path, world, conversation)
        audited_before = AuditEvent.objects.count()
        if method == "get":
            response = client.get(url, QUERIES.get(path, {}))
        else:
            response = getattr(client, method)(url, {}, format="json")
        where = f"{role}: {method.upper()} {path} -> {response.status_code}"
        if role == "anonymous":
            assert response.status_code == 401, where
            continue
        if not allowed:
            assert response.status_code == 403, where
            continue
        assert response.status_code not in (401, 403) and response.status_code < 500, where
        if method != "get":
            continue
        assert response.status_code == 200, where
        body = _body(response)
        _assert_reads_only_what_the_role_may(role, path, body, world, where)
        if path in CUSTOMER_LEVEL:
            assert AuditEvent.objects.count() > audited_before, f"{where}: not audited"


def _body(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _assert_reads_only_what_the_role_may(role, path, body: str, world, where) -> None:
    if role not in (ADMIN, ANALYST):
        leaked = [text for text in world["texts"] if text and text in body]
        assert not leaked, f"{where}: document text {leaked[:1]}"
        assert SENSITIVE_VALUE not in body and ATTRIBUTE_VALUE not in body, where
    if role != INTEGRATION or not body.lstrip().startswith(("{", "[")):
        return
    data = json.loads(body)
    assert not _keys(data) & PROFILE_KEYS, f"{where}: {_keys(data) & PROFILE_KEYS}"
    if path.startswith("/api/v1/customers/"):
        rows = data.get("results", [data])
        assert rows and all(set(row) <= MEMBERSHIPS_ONLY_KEYS for row in rows), where


def test_admins_and_analysts_read_the_whole_profile(world):
    for role in (ADMIN, ANALYST):
        client = _client(role, world)
        body = client.get(_url("/api/v1/customers/{pseudonym}/", world, None)).json()
        assert body["sensitive"] == {"gender": SENSITIVE_VALUE}, role
        assert body["attributes"] == {"plan": ATTRIBUTE_VALUE}, role
        assert body["explanation"] is not None, role
