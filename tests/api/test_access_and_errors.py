"""Nothing is readable without authentication; errors keep one shape; the schema is served."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/imports/",
    "/api/v1/customers/",
    "/api/v1/documents/",
    "/api/v1/schema/?format=json",
]


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_requests_are_refused(path):
    response = APIClient().get(path)
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_anonymous_cannot_open_the_interactive_docs():
    assert APIClient().get("/api/v1/docs/").status_code in (401, 403)


def test_bad_token_is_refused_in_the_error_shape():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    response = client.get("/api/v1/customers/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid token."


def test_unknown_api_path_is_json_404(bob, api_as):
    response = api_as(bob).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_openapi_schema_lists_the_endpoints(bob, api_as):
    response = api_as(bob).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/imports/", "/api/v1/customers/{pseudonym}/", "/api/v1/documents/"):
        assert path in schema["paths"]


def test_interactive_docs_are_served_without_a_cdn(bob, client):
    client.force_login(bob)
    response = client.get("/api/v1/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "swagger-ui" in html and "cdn." not in html and "unpkg" not in html
