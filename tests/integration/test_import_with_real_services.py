"""Imports end to end on PostgreSQL, Redis and a real Celery worker process."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from segapp.models import Customer, Document
from segapp.services.pseudonyms import pseudonymise

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def write_reviews(path, n, *, bad_every=0):
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["customer_ref", "review_text", "stars", "date"])
        for i in range(n):
            text = "" if bad_every and i % bad_every == 0 else f"Review {i}: refill pouch was great"
            writer.writerow([f"EXT-{i % 997}", text, 1 + i % 5, "2025-06-01"])
    return path


def wait_for(client, job_id, timeout=180):
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/imports/{job_id}/").json()
        seen.append((job["status"], job["progress"]))
        if job["status"] in ("succeeded", "failed"):
            return job, seen
        time.sleep(0.05)
    raise AssertionError(f"import {job_id} did not finish; last {seen[-3:]}")


def test_api_upload_is_imported_by_a_worker_with_live_progress(
    celery_worker_process, bob, api_as, tmp_path
):
    client = api_as(bob)
    path = write_reviews(tmp_path / "reviews.csv", 30_000, bad_every=1000)
    with path.open("rb") as fh:
        response = client.post(
            "/api/v1/imports/",
            {"file": SimpleUploadedFile("reviews.csv", fh.read()), "type": "documents"},
            format="multipart",
        )
    assert response.status_code == 202
    job, seen = wait_for(client, response.data["id"])
    assert job["status"] == "succeeded", job["error_message"]
    assert job["counts"]["read"] == 30_000
    assert job["counts"]["rejected"] == 30
    assert job["counts"]["imported"] == 29_970
    assert any(status == "running" and 0 < progress < 1 for status, progress in seen), seen[:5]
    assert Document.objects.count() == 29_970
    assert Customer.objects.filter(pseudonym=pseudonymise("EXT-5")).exists()
    uploads = list((settings.VOXSEG_DATA_DIR / "uploads").glob(f"{job['id']}-*"))
    assert uploads == []  # the raw upload is gone once imported


def test_reupload_through_the_worker_imports_nothing_twice(
    celery_worker_process, dave, api_as, tmp_path
):
    client = api_as(dave)
    path = write_reviews(tmp_path / "r.csv", 500)
    jobs = []
    for _ in range(2):
        with path.open("rb") as fh:
            upload = SimpleUploadedFile("r.csv", fh.read())
        response = client.post("/api/v1/imports/", {"file": upload, "type": "documents"})
        jobs.append(wait_for(client, response.data["id"])[0])
    assert [j["counts"]["imported"] for j in jobs] == [500, 0]
    assert jobs[1]["counts"]["duplicates"] == 500
    assert Document.objects.count() == 500


def _manage(*args):
    database = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_import_on_postgres_prints_the_contract_line(tmp_path):
    path = write_reviews(tmp_path / "cli.csv", 2_000, bad_every=100)
    result = _manage("import", path, "--type", "documents")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "read=2000 imported=1980 duplicates=0 rejected=20"
    )
    assert "Traceback" not in result.stderr
    assert Document.objects.count() == 1980
    again = _manage("import", path, "--type", "documents")
    assert again.stdout.strip().endswith("read=2000 imported=0 duplicates=1980 rejected=20")


def test_cli_unreadable_file_on_postgres_exits_1_without_traceback(tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(200))
    result = _manage("import", path, "--type", "customers")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: This is a zip archive")
    assert "Traceback" not in result.stderr and result.stdout == ""
