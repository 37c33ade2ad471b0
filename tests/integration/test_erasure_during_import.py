"""An erasure that starts while an import of the same customer is still writing, on PostgreSQL.

The import has checked re-import suppression and holds its chunk open; the
erasure records its mark, waits for that import to commit, then removes what
it wrote. Nothing of the customer is left, and a later file is refused.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection

from segapp.models import Customer, Document, ImportRowIssue, PrivacyRequest, SuppressedIdentity
from segapp.services.ingest import writers
from segapp.services.ingest.service import (
    SUPPRESSED_REASON,
    ImportOptions,
    create_import_job,
    run_import_job,
)
from segapp.services.privacy import erasure, suppression
from segapp.services.pseudonyms import pseudonymise

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _import(path: Path, file_type: str = "documents"):
    job = create_import_job(
        file_type=file_type,
        original_filename=path.name,
        options=ImportOptions(),
        source="test",
        path=path,
    )
    return run_import_job(job.pk)


def _in_thread(target, results: dict, name: str) -> threading.Thread:
    def body():
        try:
            results[name] = target()
        except Exception as exc:  # reported by the assertions below
            results[name] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=body, name=name)
    thread.start()
    return thread


def test_erasure_waits_for_an_import_in_flight_and_removes_what_it_wrote(tmp_path, monkeypatch):
    assert connection.vendor == "postgresql" and suppression.enabled()
    first = tmp_path / "first.csv"
    first.write_text("customer_id,text\nC-GONE,The refill arrived late again\nC-STAY,Fine\n")
    assert _import(first).status == "succeeded"
    gone = pseudonymise("C-GONE")

    writing, go_on = threading.Event(), threading.Event()
    original_write = writers.DocumentWriter.write

    def held_write(self, rows):
        writing.set()  # suppression checked, shared lock held, nothing written yet
        assert go_on.wait(60)
        return original_write(self, rows)

    monkeypatch.setattr(writers.DocumentWriter, "write", held_write)
    second = tmp_path / "second.csv"
    second.write_text(
        "customer_id,text\nC-GONE,Second note from the leaving customer\nC-STAY,Still here\n"
    )
    results: dict = {}
    importing = _in_thread(lambda: _import(second), results, "import")
    assert writing.wait(60)

    erasing = _in_thread(lambda: erasure.erase_customer(gone), results, "erasure")

    def request_state():
        request = PrivacyRequest.objects.filter(kind="erasure").first()
        return request and (request.status, request.steps_done)

    deadline = threading.Event()
    for _ in range(100):
        if request_state() == ("running", ["suppress"]):
            break
        deadline.wait(0.1)
    assert request_state() == ("running", ["suppress"])  # the mark is in; waiting for the import
    deadline.wait(1.0)
    assert request_state() == ("running", ["suppress"]) and erasing.is_alive()

    go_on.set()
    importing.join(60)
    erasing.join(120)
    job, receipt = results["import"], results["erasure"]
    assert not isinstance(job, Exception), job
    assert not isinstance(receipt, Exception), receipt
    print(f"\nimport in flight: {job.rows_imported} imported; erasure receipt: {receipt.counts}")
    assert job.status == "succeeded" and job.rows_imported == 2  # checked before the mark
    assert receipt.status == "done" and receipt.counts["documents"] == 2  # both notes
    assert not Customer.objects.filter(pseudonym=gone).exists()
    assert not Document.objects.filter(text__icontains="leaving customer").exists()
    assert Document.objects.filter(customer__pseudonym=pseudonymise("C-STAY")).count() == 2
    assert SuppressedIdentity.objects.filter(digest=suppression.mark_of(gone)).exists()

    monkeypatch.setattr(writers.DocumentWriter, "write", original_write)
    third = tmp_path / "third.csv"
    third.write_text("customer_id,text\nC-GONE,Back again\n")
    refused = _import(third)
    assert (refused.rows_imported, refused.rows_rejected) == (0, 1)
    assert ImportRowIssue.objects.filter(job=refused, reason=SUPPRESSED_REASON).exists()
    assert not Customer.objects.filter(pseudonym=gone).exists()


def test_an_import_that_reaches_the_customer_after_the_mark_refuses_the_row(tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("customer_id,text\nC-GONE,Hello\n")
    assert _import(first).status == "succeeded"
    erasure.erase_customer(pseudonymise("C-GONE"))
    again = tmp_path / "again.csv"
    again.write_text("customer_id,text\nC-NEW,Hi there\nC-GONE,Hello again\n")
    job = _import(again)
    assert (job.rows_imported, job.rows_rejected) == (1, 1)
    assert not Customer.objects.filter(pseudonym=pseudonymise("C-GONE")).exists()
