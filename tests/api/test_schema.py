"""The OpenAPI schema: valid, complete (parameters, responses, an example per endpoint), fuzzed by
schemathesis against the app in-process with no server error, and closed to anonymous callers."""

from __future__ import annotations

import re

import pytest
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/schema/?format=json"
METHODS = ("get", "post", "put", "patch", "delete")
PATH_VALUES = {
    "run": "latest",
    "segment": "0",
    "number": "0",
    "id": "1",
    "pseudonym": "a" * 64,
    "request_id": "00000000-0000-0000-0000-000000000000",
}


@pytest.fixture
def schema(bob, api_as) -> dict:
    response = api_as(bob).get(SCHEMA_URL)
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_the_schema_is_valid_openapi_without_warnings(schema, tmp_path):
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert schema["openapi"].startswith("3.")


def test_every_endpoint_is_described_with_parameters_responses_and_an_example(schema):
    described = list(operations(schema))
    assert len(described) >= 20
    for path, method, operation in described:
        where = f"{method.upper()} {path}"
        assert operation.get("description") or operation.get("summary"), where
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert names == set(re.findall(r"{(\w+)}", path)), where
        responses = operation["responses"]
        assert any(code.startswith("2") for code in responses), where
        assert {"401", "429"} <= set(responses), where
        examples = [
            content
            for response in responses.values()
            for content in response.get("content", {}).values()
            if content.get("examples")
        ]
        assert examples, f"{where} has no example"


def test_new_endpoints_are_documented(schema):
    for path in (
        "/api/v1/runs/{run}/segments/compare/",
        "/api/v1/runs/{run}/members/",
        "/api/v1/runs/{run}/segments/{segment}/members/",
        "/api/v1/customers/{pseudonym}/",
    ):
        assert path in schema["paths"]
    members = schema["paths"]["/api/v1/runs/{run}/segments/{segment}/members/"]["get"]
    names = {p["name"] for p in members["parameters"]}
    assert {"min_probability", "max_probability", "outlier", "format", "page_size"} <= names
    assert "text/csv" in members["responses"]["200"]["content"]


def test_every_documented_endpoint_refuses_anonymous_requests(schema):
    client = APIClient()
    for path, method, _ in operations(schema):
        url = re.sub(r"{(\w+)}", lambda m: PATH_VALUES[m.group(1)], path)
        response = getattr(client, method)(url)
        assert response.status_code in (401, 403), f"{method.upper()} {path}"
        assert response.json()["error"]["code"] == "not_authenticated"


@pytest.fixture
def wsgi_app(settings):
    """The project's WSGI app, sharing the test's database transaction.

    Like Django's test client, requests must not close the connection at their end.
    """
    settings.ALLOWED_HOSTS = ["*"]
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "integration": "100000/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.slow
def test_schemathesis_finds_no_server_error(finished_run, alice, wsgi_app):
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings

    token, _ = Token.objects.get_or_create(user=alice)
    auth = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app, headers=auth)
    fixed = {"run": str(finished_run.pk), "segment": "0", "number": "0"}
    failures, calls = [], {"n": 0}

    def fuzz(operation, path_parameters: dict | None) -> None:
        strategy = operation.as_strategy(path_parameters=path_parameters)

        @hypothesis_settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def check(case):
            response = case.call(headers=auth)
            calls["n"] += 1
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query}: {response.text[:200]}"
                )

        check()

    for result in schema.get_all_operations():
        operation = result.ok()
        fuzz(operation, None)
        names = {p.name for p in operation.path_parameters}
        if "run" in names:  # and again over the finished run's results
            fuzz(operation, {k: v for k, v in fixed.items() if k in names})
    print(f"schemathesis: {calls['n']} requests, {len(failures)} server errors")
    assert calls["n"] > 200
    assert not failures, "\n".join(failures[:10])


# --- responses match the schema ---------------------------------------------------------------


def _json_schema(node, components: dict):
    """An OpenAPI 3.0 schema as JSON Schema: $refs inlined, `nullable` as a null alternative."""
    if isinstance(node, list):
        return [_json_schema(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _json_schema(components[node["$ref"].rsplit("/", 1)[-1]], components)
    skipped = {"nullable", "readOnly", "writeOnly", "format", "example", "examples", "properties"}
    converted = {k: _json_schema(v, components) for k, v in node.items() if k not in skipped}
    if "properties" in node:
        converted["properties"] = {
            name: _json_schema(value, components) for name, value in node["properties"].items()
        }
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _body(response):
    if hasattr(response, "streaming_content"):
        import json

        return json.loads(b"".join(response.streaming_content))
    return response.json()


def test_responses_match_their_documented_shapes(schema, alice, api_as):
    """Nullable fields are documented nullable, pages as pages and arrays as arrays."""
    import jsonschema

    from segapp.models import ImportJob, PrivacyRequest, SegmentationRun
    from segapp.services import audit
    from tests.web.factories import build_persona_run

    run = build_persona_run(120)
    SegmentationRun.objects.create(parameters={})  # queued, by nobody: no duration, no creator
    ImportJob.objects.create(file_type="documents", original_filename="x.csv")
    PrivacyRequest.objects.create(kind="access", subject="b" * 64)
    audit.record(alice, "view_customer", "a" * 64, channel="api")
    components = schema["components"]["schemas"]
    client = api_as(alice)
    checked = {
        "/api/v1/runs/": "/api/v1/runs/",
        "/api/v1/imports/": "/api/v1/imports/",
        "/api/v1/privacy/audit/": "/api/v1/privacy/audit/",
        "/api/v1/privacy/requests/": "/api/v1/privacy/requests/",
        "/api/v1/runs/{run}/segments/{segment}/members/": f"/api/v1/runs/{run.pk}/segments/0/members/",
    }
    for path, url in checked.items():
        for query in ("", "?format=json") if path.endswith("members/") else ("",):
            response = client.get(url + query)
            assert response.status_code == 200, (url + query, response.content[:300])
            documented = schema["paths"][path]["get"]["responses"]["200"]["content"]
            shape = _json_schema(documented["application/json"]["schema"], components)
            try:
                jsonschema.validate(_body(response), shape)
            except jsonschema.ValidationError as exc:
                pytest.fail(f"GET {url}{query}: {exc.message} at {list(exc.absolute_path)}")
