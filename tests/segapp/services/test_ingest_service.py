"""The import service end to end on the embedded database: counts, privacy, idempotency."""

from __future__ import annotations

import json

import pytest

from segapp.models import Customer, Document, Event, ImportJob, ImportRowIssue
from segapp.services.ingest.service import ImportOptions, create_import_job, run_import_job
from segapp.services.pseudonyms import pseudonymise

pytestmark = pytest.mark.django_db

DOCS = (
    "customer_id,review_text,stars,date,kind,channel,sku\n"
    "CUST-1,Love the refill pouches. Mail me at jane.doe@example.com,5,2025-02-01,review,web,A1\n"
    "CUST-1,Delivery was late again,2,2025-02-03,review,app,A2\n"
    "CUST-2,Call me on +44 20 7946 0958 about my order,3,2025-02-04,survey,email,\n"
    "CUST-3,,4,2025-02-05,review,web,A3\n"
    "CUST-4,Fine,five,2025-02-05,review,web,A3\n"
    "CUST-5,Okay,4,2025-02-06,blog,web,A3\n"
    "CUST-6,Okay,4,not a date,review,web,A3\n"
)


def run(path, file_type="documents", **options):
    job = create_import_job(
        file_type=file_type,
        original_filename=path.name,
        options=ImportOptions(**options),
        source="test",
        path=path,
    )
    return run_import_job(job.pk)


def test_good_rows_are_kept_and_bad_rows_reported(write_file):
    job = run(write_file("docs.csv", DOCS))
    assert job.status == "succeeded"
    assert (job.rows_read, job.rows_imported, job.rows_duplicate, job.rows_rejected) == (7, 3, 0, 4)
    reasons = dict(ImportRowIssue.objects.filter(job=job).values_list("row_number", "reason"))
    assert reasons[4] == "the text is empty"
    assert "'five' is not a number" in reasons[5]
    assert "unknown kind 'blog'" in reasons[6]
    assert "'not a date' is not a date" in reasons[7]
    assert job.column_mapping == {
        "customer_id": "customer_id",
        "text": "review_text",
        "kind": "kind",
        "channel": "channel",
        "created_at": "date",
        "rating": "stars",
    }
    assert {"column": "sku", "role": "metadata"} in job.column_roles


def test_raw_ids_and_pii_are_never_stored(write_file):
    job = run(write_file("docs.csv", DOCS))
    assert set(Customer.objects.values_list("pseudonym", flat=True)) == {
        pseudonymise("CUST-1"),
        pseudonymise("CUST-2"),
    }
    texts = " ".join(Document.objects.values_list("text", flat=True))
    assert "jane.doe@example.com" not in texts and "7946" not in texts
    assert "[EMAIL]" in texts and "[PHONE]" in texts
    assert job.redaction_counts == {"EMAIL": 1, "PHONE": 1}
    stored = (
        json.dumps(list(ImportJob.objects.values()), default=str)
        + json.dumps(list(ImportRowIssue.objects.values()))
        + json.dumps(list(Document.objects.values("metadata", "redactions")))
    )
    assert "CUST-" not in stored


def test_reimporting_the_same_file_imports_nothing(write_file):
    path = write_file("docs.csv", DOCS)
    run(path)
    again = run(path)
    assert (again.rows_imported, again.rows_duplicate, again.rows_rejected) == (0, 3, 4)
    assert Document.objects.count() == 3


def test_same_rows_inside_another_file_are_duplicates(write_file):
    run(write_file("docs.csv", DOCS))
    rows = [
        {"user_id": "CUST-1", "body": "Delivery was late again", "score": 2, "date": "2025-02-03",
         "kind": "review", "channel": "app"},
        {"user_id": "CUST-9", "body": "New one", "score": 4, "date": "2025-02-03"},
    ]  # fmt: skip
    job = run(write_file("more.json", json.dumps(rows)))
    assert (job.rows_imported, job.rows_duplicate) == (1, 1)


def test_unreadable_file_fails_with_a_message_and_writes_nothing(write_file):
    job = run(write_file("docs.csv", "who,what\n1,2\n"))
    assert job.status == "failed"
    assert "No customer id column" in job.error_message
    assert Document.objects.count() == 0 and Customer.objects.count() == 0


def test_file_broken_midway_leaves_no_half_written_import(write_file):
    good = [{"customer_id": f"C{i}", "text": f"text number {i}"} for i in range(3000)]
    body = json.dumps(good)[:-1] + ', {"customer_id": "C9", "text": '
    job = run(write_file("broken.json", body))
    assert job.status == "failed"
    assert "malformed after record 3000" in job.error_message
    assert Document.objects.count() == 0 and Customer.objects.count() == 0
    assert job.rows_imported == 0


def test_header_only_file_succeeds_with_a_note(write_file):
    job = run(write_file("docs.csv", "customer_id,text\n"))
    assert job.status == "succeeded" and job.rows_read == 0
    assert "no data rows" in job.error_message


def test_customers_file_upserts_and_flags_sensitive_columns(write_file):
    path = write_file(
        "customers.csv",
        "customer_ref,orders_12m,spend_12m,tier,age,gender,region,email\n"
        "A,3,120.5,gold,34,f,north,a@example.com\n"
        "B,10,900,silver,51,m,south,b@example.com\n",
    )
    first = run(path, "customers")
    assert (first.rows_imported, first.rows_duplicate) == (2, 0)
    customer = Customer.objects.get(pseudonym=pseudonymise("A"))
    assert customer.behaviour == {"orders_12m": 3.0, "spend_12m": 120.5}
    assert customer.attributes == {"tier": "gold"}
    assert customer.sensitive == {"age": "34", "gender": "f", "region": "north"}
    assert first.column_roles == [
        {"column": "customer_ref", "role": "customer_id"},
        {"column": "orders_12m", "role": "behaviour"},
        {"column": "spend_12m", "role": "behaviour"},
        {"column": "tier", "role": "attribute"},
        {"column": "age", "role": "sensitive"},
        {"column": "gender", "role": "sensitive"},
        {"column": "region", "role": "sensitive"},
        {"column": "email", "role": "dropped"},
    ]
    assert "example.com" not in json.dumps(list(Customer.objects.values()), default=str)
    again = run(path, "customers")
    assert (again.rows_imported, again.rows_duplicate) == (0, 2)
    changed = run(write_file("c2.csv", "customer_ref,orders_12m\nA,4\n"), "customers")
    assert (changed.rows_imported, changed.rows_updated) == (1, 1)
    customer.refresh_from_db()
    assert customer.behaviour["orders_12m"] == 4.0 and customer.behaviour["spend_12m"] == 120.5


def test_events_derive_recency_frequency_monetary(write_file):
    path = write_file(
        "events.csv",
        "customer_id,created_at,amount,event_type\n"
        "A,2025-01-01,100,purchase\n"
        "A,2025-01-31,50,purchase\n"
        "A,2025-02-05,-50,return\n"
        "B,2025-03-02,20,purchase\n"
        "B,2025-03-02,20,purchase\n",
    )
    job = run(path, "events")
    assert (job.rows_imported, job.rows_duplicate) == (4, 1)
    a = Customer.objects.get(pseudonym=pseudonymise("A")).event_features
    assert a["frequency"] == 2 and a["monetary"] == 150 and a["avg_order_value"] == 75
    assert a["return_share"] == 0.5 and a["events_total"] == 3
    assert a["recency_days"] == pytest.approx(30.0)  # latest event in the data is 2025-03-02
    b = Customer.objects.get(pseudonym=pseudonymise("B")).event_features
    assert b["recency_days"] == 0 and b["frequency"] == 1
    assert Event.objects.count() == 4


def test_new_customers_carry_the_consent_default(write_file, settings):
    settings.VOXSEG_DEFAULT_SEGMENTATION_CONSENT = True
    run(write_file("d.csv", "customer_id,text\nA,hello there\n"))
    run(write_file("e.csv", "customer_id,text\nB,hello again\n"), consent=False)
    consent = dict(Customer.objects.values_list("pseudonym", "segmentation_consent"))
    assert consent == {pseudonymise("A"): True, pseudonymise("B"): False}


def test_finished_job_is_not_run_twice(write_file):
    job = run(write_file("d.csv", "customer_id,text\nA,hello there\n"))
    again = run_import_job(job.pk)
    assert again.rows_imported == 1 and Document.objects.count() == 1


def test_row_report_quotes_values_only_in_redacted_form(write_file):
    path = write_file(
        "d.csv",
        "customer_id,text,rating,created_at\n"
        "SECRET-ID-77,Fine,mail jo.b@example.com,2025-01-01\n"
        "SECRET-ID-78,Fine,4,call 020 7946 0958\n",
    )
    job = run(path)
    report = " ".join(ImportRowIssue.objects.filter(job=job).values_list("reason", flat=True))
    assert job.rows_rejected == 2
    assert "[EMAIL]" in report and "jo.b@example.com" not in report
    assert "7946" not in report and "SECRET-ID" not in report
