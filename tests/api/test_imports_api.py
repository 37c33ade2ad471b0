"""POST /api/v1/imports/ and the job, issues and report endpoints (tasks run eagerly here)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from segapp.models import Document

pytestmark = pytest.mark.django_db

BODY = (
    "customer_id,text,rating\nA,Great mug but mail me at jo@example.com,5\nB,,3\nC,Too small,two\n"
)


def upload(client, content=BODY, name="docs.csv", **fields):
    data = {
        "file": SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)
    }
    data.update({"type": "documents", **fields})
    return client.post("/api/v1/imports/", data, format="multipart")


def run_upload(client, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, **kwargs)
    return response


def test_upload_creates_a_job_that_runs_and_reports(
    bob, api_as, eager_celery, django_capture_on_commit_callbacks
):
    client = api_as(bob)
    response = run_upload(client, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    job = client.get(f"/api/v1/imports/{response.data['id']}/").json()
    assert job["status"] == "succeeded"
    assert job["counts"] == {
        "read": 3, "imported": 1, "updated": 0, "duplicates": 0, "rejected": 2, "warnings": 0,
    }  # fmt: skip
    assert job["column_mapping"] == {
        "customer_id": "customer_id",
        "text": "text",
        "rating": "rating",
    }
    assert job["redaction_counts"] == {"EMAIL": 1}
    issues = client.get(f"/api/v1/imports/{job['id']}/issues/").json()["results"]
    assert [(i["row"], i["column"]) for i in issues] == [(2, "text"), (3, "rating")]
    report = client.get(job["report_url"])
    rows = list(csv.DictReader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert rows[1] == {
        "row": "3", "column": "rating", "severity": "error", "reason": "rating 'two' is not a number",
    }  # fmt: skip
    assert Document.objects.get().text == "Great mug but mail me at [EMAIL]"


def test_explicit_mapping_in_the_api_is_used_and_shown(
    bob, api_as, eager_celery, django_capture_on_commit_callbacks
):
    content = "member;comment_body;posted\nA;Nice;2025-01-02\n"
    response = run_upload(
        api_as(bob),
        django_capture_on_commit_callbacks,
        content=content,
        map='{"customer_id": "member", "text": "comment_body"}',
    )
    job = api_as(bob).get(f"/api/v1/imports/{response.data['id']}/").json()
    assert job["status"] == "succeeded", job["error_message"]
    assert job["column_mapping"]["customer_id"] == "member"
    assert job["column_mapping"]["created_at"] == "posted"
    assert job["delimiter"] == ";"


def test_unreadable_upload_fails_with_the_reason_not_a_500(
    bob, api_as, eager_celery, django_capture_on_commit_callbacks
):
    response = run_upload(
        api_as(bob), django_capture_on_commit_callbacks, content=b"PK\x03\x04" + b"\x00" * 99
    )
    job = api_as(bob).get(f"/api/v1/imports/{response.data['id']}/").json()
    assert job["status"] == "failed" and "Excel workbook" in job["error_message"]


def test_bad_request_gets_the_error_shape(bob, api_as):
    response = upload(api_as(bob), type="pictures")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"].startswith("type:")
    assert "type" in error["details"]


def test_empty_upload_is_refused_at_the_door(bob, api_as):
    response = upload(api_as(bob), content=b"")
    assert response.status_code == 400
    assert "empty" in response.json()["error"]["message"]


def test_product_manager_may_read_but_not_import(carol, api_as):
    client = api_as(carol)
    assert client.get("/api/v1/imports/").status_code == 200
    response = upload(client)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_jobs_list_is_paginated_and_filterable(
    bob, api_as, eager_celery, django_capture_on_commit_callbacks
):
    client = api_as(bob)
    run_upload(client, django_capture_on_commit_callbacks)
    run_upload(client, django_capture_on_commit_callbacks, content=b"")
    body = client.get("/api/v1/imports/?status=succeeded&page_size=1").json()
    assert body["count"] == 1 and len(body["results"]) == 1
