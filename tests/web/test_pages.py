"""Web pages: login, the dashboard, who may open the upload page, friendly errors.

The import pages themselves are tested in test_import_pages.py."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_pages_require_login(client):
    for path in ("/", "/imports/", "/imports/new/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_login_page_logs_in_with_a_password(client, bob):
    response = client.post("/login/", {"username": "bob", "password": "pw-bob-secret"})
    assert response.status_code == 302
    assert "Dashboard" in client.get("/").content.decode()


def test_product_manager_cannot_open_the_upload_page(client, carol):
    client.force_login(carol)
    response = client.get("/imports/new/")
    assert response.status_code == 403
    assert "does not allow" in response.content.decode()


def test_unknown_page_is_a_friendly_404(client, bob):
    client.force_login(bob)
    response = client.get("/imports/99999/")
    assert response.status_code == 404 and "Not found" in response.content.decode()
