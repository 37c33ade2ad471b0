"""Erasure deletes kept uploads (drafts, failed jobs awaiting a retry) with the customer's rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from segapp.models import Customer, ImportJob, ImportStatus
from segapp.services.ingest.drafts import kept_upload
from segapp.services.privacy import erasure
from segapp.services.pseudonyms import pseudonymise

pytestmark = pytest.mark.django_db


def _kept(name: str, content: str, *, status: str) -> ImportJob:
    folder = Path(settings.VOXSEG_DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return ImportJob.objects.create(
        file_type="documents",
        status=status,
        original_filename=name,
        upload_path=str(path),
        error_message="No text column found." if status == ImportStatus.FAILED else "",
    )


def test_erasure_deletes_kept_uploads_holding_the_customer_and_keeps_the_others():
    Customer.objects.create(pseudonym=pseudonymise("C-77"))
    failed = _kept("a.csv", "member,words\nC-77,late again\nC-78,fine\n", status="failed")
    draft = _kept("b.jsonl", '{"who": {"id": " C-77 "}, "t": "hi"}\n', status="draft")
    other = _kept("c.csv", "member,words\nC-78,fine\nC-770,ok\n", status="failed")

    request = erasure.erase_customer(pseudonymise("C-77"))

    assert request.counts["uploads"] == 2
    assert not ImportJob.objects.filter(pk=draft.pk).exists()
    failed.refresh_from_db()
    assert kept_upload(failed) is None and "erasure" in failed.error_message
    assert kept_upload(other) is not None


def test_erasing_again_finds_no_upload_left():
    Customer.objects.create(pseudonym=pseudonymise("C-9"))
    _kept("d.csv", "id,text\nC-9,words\n", status="failed")
    erasure.erase_customer(pseudonymise("C-9"))
    again = erasure.erase_customer(pseudonymise("C-9"))
    assert again.counts.get("uploads", 0) == 0 and erasure.artifact_count(again.counts) == 0
