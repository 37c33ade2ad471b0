"""POST /api/v1/imports/ and the job, issues and report endpoints (tasks run eagerly here)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from segapp.models import Document, ImportJob, ImportStatus

pytestmark = pytest.mark.django_db

BODY = (
    "customer_id,text,rating\nA,Great mug but mail me at jo@example.com,5\nB,,3\nC,Too small,two\n"
)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path) -> Path:
    """A data folder of this test alone, so that its uploads can be counted."""
    settings.VOXSEG_DATA_DIR = tmp_path / "data"
    return settings.VOXSEG_DATA_DIR


def uploads(data_dir: Path) -> list[Path]:
    folder = data_dir / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


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


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"PK\x03\x04" + b"\x00" * 99, "Excel workbook"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 99, "PNG image"),
    ],
)
def test_a_binary_upload_is_refused_at_the_door_and_nothing_is_kept(
    bob, api_as, data_dir, content, says
):
    response = upload(api_as(bob), content=content, name="upload.bin")
    assert response.status_code == 400 and says in response.json()["error"]["message"]
    assert not ImportJob.objects.exists() and uploads(data_dir) == []


def test_a_mapping_naming_a_missing_column_is_refused_at_the_door(bob, api_as, data_dir):
    response = upload(api_as(bob), map='{"text": "review_body"}')
    assert response.status_code == 400
    assert "no such column" in response.json()["error"]["message"]
    assert not ImportJob.objects.exists() and uploads(data_dir) == []


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


# --- preview (dry run) ------------------------------------------------------------------------

ORDERS = "customer,order_date,total,email\n" + "".join(
    f"C{i % 4},2025-03-{1 + i % 27:02d},{10 + i}.50,c{i % 4}@example.com\n" for i in range(24)
)


def preview(client, content=ORDERS, **fields):
    data = {"file": SimpleUploadedFile("orders.csv", content.encode()), **fields}
    return client.post("/api/v1/imports/preview/", data, format="multipart")


def test_preview_guesses_every_column_and_stores_nothing(bob, api_as, data_dir):
    response = preview(api_as(bob), rows=2)
    assert response.status_code == 200
    body = response.json()
    assert body["file_type"] == "events" and body["problems"] == []
    roles = {column["name"]: column["role"] for column in body["columns"]}
    assert roles == {
        "customer": "customer_id", "order_date": "created_at", "total": "amount", "email": "drop",
    }  # fmt: skip
    assert all(column["reason"] for column in body["columns"])
    assert len(body["rows"]) == 2 and "@example.com" not in response.content.decode()
    assert "amount" in body["roles"] and "text" not in body["roles"]
    assert not ImportJob.objects.exists() and uploads(data_dir) == []


def test_preview_of_a_large_upload_reads_it_where_it_lies_and_stores_nothing(
    bob, api_as, data_dir, settings
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # larger uploads go to a temporary file
    response = preview(api_as(bob), content=ORDERS * 40, rows=3)
    assert response.status_code == 200 and response.json()["file_type"] == "events"
    assert len(response.json()["rows"]) == 3
    assert not ImportJob.objects.exists() and uploads(data_dir) == []


def test_preview_as_another_type_suggests_the_type_the_file_looks_like(bob, api_as):
    body = preview(api_as(bob), type="documents").json()
    assert body["file_type"] == "documents" and body["suggested_type"] == "events"
    assert body["suggestion"] and body["problems"]  # a documents file needs a text column


def test_preview_applies_a_role_picked_for_a_column(bob, api_as):
    body = preview(api_as(bob), map="column:total=metadata").json()
    roles = {column["name"]: column["role"] for column in body["columns"]}
    assert roles["total"] == "metadata"


def test_preview_of_a_binary_file_is_a_400(bob, api_as):
    response = client_preview_png(api_as(bob))
    assert response.status_code == 400 and "PNG image" in response.json()["error"]["message"]


def client_preview_png(client):
    data = {"file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)}
    return client.post("/api/v1/imports/preview/", data, format="multipart")


def test_product_manager_may_not_preview(carol, api_as):
    assert preview(api_as(carol)).status_code == 403


# --- retry ------------------------------------------------------------------------------------

UNKNOWN_ID = "who,comment\nA,Nice and sturdy\nB,Handle broke within a week\n"


def failed_upload(client, django_capture_on_commit_callbacks):
    response = run_upload(
        client, django_capture_on_commit_callbacks, content=UNKNOWN_ID, map="text=comment"
    )
    job = client.get(f"/api/v1/imports/{response.data['id']}/").json()
    assert job["status"] == "failed", job
    return job


def test_a_failed_job_is_retried_with_a_new_mapping_on_its_kept_file(
    bob, api_as, eager_celery, django_capture_on_commit_callbacks, data_dir
):
    client = api_as(bob)
    failed = failed_upload(client, django_capture_on_commit_callbacks)
    assert "customer id" in failed["error_message"] and failed["upload_kept_until"]
    assert len(uploads(data_dir)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/imports/{failed['id']}/retry/",
            {"map": {"customer_id": "who", "text": "comment"}},
            format="json",
        )
    assert response.status_code == 202 and response.data["retry_of"] == failed["id"]
    retry = client.get(f"/api/v1/imports/{response.data['id']}/").json()
    assert retry["status"] == "succeeded" and retry["counts"]["imported"] == 2
    assert retry["original_filename"] == "docs.csv" and uploads(data_dir) == []
    again = client.post(f"/api/v1/imports/{failed['id']}/retry/", {"map": "customer_id=who"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert f"import #{retry['id']}" in again.json()["error"]["message"]


def test_retry_of_a_job_that_did_not_fail_is_a_409(
    bob, api_as, eager_celery, django_capture_on_commit_callbacks
):
    client = api_as(bob)
    job = run_upload(client, django_capture_on_commit_callbacks).data
    response = client.post(f"/api/v1/imports/{job['id']}/retry/", {"map": "customer_id=text"})
    assert response.status_code == 409
    assert "only a failed import" in response.json()["error"]["message"]


def test_retry_with_a_mapping_naming_a_missing_column_is_a_400(
    bob, api_as, eager_celery, django_capture_on_commit_callbacks
):
    client = api_as(bob)
    failed = failed_upload(client, django_capture_on_commit_callbacks)
    response = client.post(f"/api/v1/imports/{failed['id']}/retry/", {"map": "customer_id=nope"})
    assert response.status_code == 400 and "no such column" in response.json()["error"]["message"]
    assert ImportJob.objects.get(pk=failed["id"]).status == ImportStatus.FAILED


def test_product_manager_may_not_retry(
    bob, carol, api_as, eager_celery, django_capture_on_commit_callbacks
):
    failed = failed_upload(api_as(bob), django_capture_on_commit_callbacks)
    response = api_as(carol).post(f"/api/v1/imports/{failed['id']}/retry/", {"map": "a=b"})
    assert response.status_code == 403


# --- who reads the values quoted in row issues -----------------------------------------------


def test_row_issues_quote_values_only_for_roles_that_read_texts(
    bob, carol, dave, api_as, eager_celery, django_capture_on_commit_callbacks
):
    job_id = run_upload(api_as(bob), django_capture_on_commit_callbacks).data["id"]
    path = f"/api/v1/imports/{job_id}/issues/?severity=error"
    reasons = {who: [i["reason"] for i in api_as(who).get(path).json()["results"]]
               for who in (bob, carol, dave)}  # fmt: skip
    assert "rating 'two' is not a number" in reasons[bob]
    assert reasons[carol] == reasons[dave] and "rating [value] is not a number" in reasons[carol]
    report = b"".join(api_as(carol).get(f"/api/v1/imports/{job_id}/report/").streaming_content)
    assert b"[value]" in report and b"'two'" not in report


def test_drafts_of_the_upload_page_are_not_listed(bob, api_as, client):
    client.force_login(bob)
    client.post("/imports/new/", {"file": SimpleUploadedFile("d.csv", BODY.encode())})
    assert ImportJob.objects.get().status == ImportStatus.DRAFT
    assert api_as(bob).get("/api/v1/imports/").json()["count"] == 0


def test_preview_and_retry_are_documented_with_examples(bob, api_as):
    schema = api_as(bob).get("/api/v1/schema/?format=json").json()
    preview_op = schema["paths"]["/api/v1/imports/preview/"]["post"]
    retry_op = schema["paths"]["/api/v1/imports/{id}/retry/"]["post"]
    assert "multipart/form-data" in preview_op["requestBody"]["content"]
    assert preview_op["responses"]["200"]["content"]["application/json"]["examples"]
    assert {"202", "400", "409"} <= set(retry_op["responses"])
    assert retry_op["responses"]["202"]["content"]["application/json"]["examples"]
    assert retry_op["requestBody"]["content"]["application/json"]["examples"]
