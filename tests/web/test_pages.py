"""Web pages: login, dashboard counts, the upload form, the job page and its report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from segapp.models import ImportJob

pytestmark = pytest.mark.django_db


def test_pages_require_login(client):
    for path in ("/", "/imports/", "/imports/new/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_login_page_logs_in_with_a_password(client, bob):
    response = client.post("/login/", {"username": "bob", "password": "pw-bob-secret"})
    assert response.status_code == 302
    assert "Dashboard" in client.get("/").content.decode()


def test_upload_form_runs_an_import_and_shows_the_job(
    client, bob, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    file = SimpleUploadedFile("r.csv", b"user_id,body,stars\nA,Lovely,5\nB,,1\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/new/", {"file": file, "file_type": "documents", "default_kind": "review"}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Succeeded" in page and "the text is empty" in page
    assert "customer id (pseudonymised)" in page  # the mapping used
    report = client.get(f"/imports/{job.pk}/report.csv")
    assert b"the text is empty" in b"".join(report.streaming_content)
    dashboard = client.get("/").content.decode()
    assert 'data-testid="count-documents">1<' in dashboard


def test_upload_form_explains_a_bad_mapping(client, bob):
    client.force_login(bob)
    file = SimpleUploadedFile("r.csv", b"a,b\n1,2\n")
    response = client.post(
        "/imports/new/", {"file": file, "file_type": "documents", "mapping": "text"}
    )
    assert response.status_code == 200
    assert "FIELD=COLUMN" in response.content.decode()


def test_product_manager_cannot_open_the_upload_page(client, carol):
    client.force_login(carol)
    response = client.get("/imports/new/")
    assert response.status_code == 403
    assert "does not allow" in response.content.decode()


def test_unknown_page_is_a_friendly_404(client, bob):
    client.force_login(bob)
    response = client.get("/imports/99999/")
    assert response.status_code == 404 and "Not found" in response.content.decode()
