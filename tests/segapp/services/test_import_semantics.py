"""What an import does with real files: statuses, several rows per customer, true counts,
hostile JSON, NUL characters, duplicate keys, binary uploads and ids written in texts."""

from __future__ import annotations

import io
import json
import tracemalloc

import pytest

from segapp.models import Customer, Document, Event, ImportJob, ImportRowIssue
from segapp.services.ingest.readers import RecordReader, UnreadableFileError, sniff_format
from segapp.services.ingest.service import (
    ImportOptions,
    ImportRequestError,
    create_import_job,
    run_import_job,
)
from segapp.services.pseudonyms import pseudonymise

pytestmark = pytest.mark.django_db

ORDERS = (
    "Customer ID,Age,Gender,Order Status,Total Price,Unit Price,Quantity,Purchase Date,Rating\n"
    "1013,76,Female,Cancelled,5538.33,5538.33,1,2024-03-01,2\n"
    "1013,76,Female,Completed,741.09,247.03,3,2024-03-05,5\n"
    "1028,45,Male,Completed,100.00,50.00,2,2024-03-02,4\n"
    "1028,45,Male,Refunded,40.00,40.00,1,2024-03-03,1\n"
    "1028,45,Male,Completed,-15.00,15.00,1,2024-03-04,3\n"
    "1033,30,Female,Pending,80.00,80.00,1,2024-03-05,4\n"
)


def run(path, file_type="events", **options):
    job = create_import_job(
        file_type=file_type,
        original_filename=path.name,
        options=ImportOptions(**options),
        source="test",
        path=path,
    )
    return run_import_job(job.pk)


def features(external_id):
    return Customer.objects.get(pseudonym=pseudonymise(external_id)).event_features


def test_cancelled_orders_are_not_spend_and_statuses_are_counted(write_file):
    job = run(write_file("orders.csv", ORDERS))
    assert job.status == "succeeded", job.error_message
    assert job.column_mapping["amount"] == "Total Price"
    assert job.column_mapping["status"] == "Order Status"
    a = features("1013")
    assert (a["frequency"], a["monetary"]) == (1.0, 741.09)
    b = features("1028")
    assert (b["frequency"], b["monetary"]) == (1.0, 100.0)
    assert (b["returns"], b["return_amount"]) == (2.0, 55.0)
    assert features("1033")["frequency"] == 0.0  # pending: not a purchase yet
    assert job.status_counts == {"Cancelled": 1, "Completed": 3, "Refunded": 1, "Pending": 1}
    assert job.outcome_counts == {"cancelled": 1, "purchase": 2, "return": 2, "pending": 1}
    notes = " ".join(job.notes)
    assert "1 rows with a negative amount" in notes and "counted as returns" in notes
    assert set(Event.objects.values_list("outcome", flat=True)) == {
        "purchase", "cancelled", "return", "pending",
    }  # fmt: skip


def test_events_without_mapping_find_purchase_date_and_total(write_file):
    job = run(write_file("o.csv", ORDERS.replace("Order Status", "Channel")))
    assert job.status == "succeeded", job.error_message
    assert job.column_mapping["created_at"] == "Purchase Date"
    assert {"column": "Age", "role": "sensitive"} in job.column_roles


def test_a_customers_file_with_several_rows_per_customer_is_refused_whole(write_file):
    job = run(write_file("orders.csv", ORDERS), "customers")
    assert job.status == "failed"
    assert "2 customers appear on several rows with different values" in job.error_message
    assert "6 rows for 3 customers" in job.error_message
    assert "--type events" in job.error_message and "--aggregate" in job.error_message
    assert Customer.objects.count() == 0


def test_aggregate_combines_rows_per_customer_and_records_how(write_file):
    path = write_file("orders.csv", ORDERS)
    job = run(path, "customers", aggregate="combine")
    assert job.status == "succeeded", job.error_message
    assert (job.rows_read, job.rows_imported, job.rows_updated) == (6, 3, 0)
    assert job.rows_merged == 3
    assert job.aggregation["mode"] == "combine"
    methods = job.aggregation["columns"]
    assert (methods["Total Price"], methods["Unit Price"], methods["Quantity"]) == (
        "sum", "mean", "sum",
    )  # fmt: skip
    assert methods["Rating"] == "mean" and methods["Order Status"] == "most frequent"
    customer = Customer.objects.get(pseudonym=pseudonymise("1013"))
    assert customer.behaviour["Total Price"] == pytest.approx(6279.42)
    assert customer.behaviour["Rating"] == pytest.approx(3.5)
    assert {k.lower(): v for k, v in customer.sensitive.items()} == {
        "age": "76", "gender": "Female",
    }  # fmt: skip
    assert customer.attributes["Purchase Date"] == "2024-03-05"  # the latest
    again = run(path, "customers", aggregate="combine")
    assert (again.rows_imported, again.rows_duplicate, again.rows_updated) == (0, 3, 0)


def test_aggregate_latest_keeps_each_customers_latest_snapshot(write_file):
    path = write_file(
        "loyalty.csv",
        "CUST_NO,TXN_CNT_12M,TIER_CD,EXTRACT_TS\n"
        "7,30,GOLD,2024-06-30 02:00:00\n"
        "7,12,SILVER,2024-01-31 02:00:00\n"
        + "".join(f"{i},5,BRONZE,2024-06-30 02:00:00\n" for i in range(8, 16)),
    )
    refused = run(path, "customers")
    assert "--aggregate latest" in refused.error_message and "'EXTRACT_TS'" in refused.error_message
    job = run(path, "customers", aggregate="latest")
    assert job.status == "succeeded", job.error_message
    customer = Customer.objects.get(pseudonym=pseudonymise("7"))
    assert customer.behaviour == {"TXN_CNT_12M": 30.0}
    assert customer.attributes["TIER_CD"] == "GOLD"


def test_counts_are_true_on_first_import_and_re_import(write_file):
    rows = "".join(f"C{i},{i},tier{i % 3}\n" for i in range(2500))  # spans two chunks
    path = write_file("c.csv", "customer_id,orders,tier\n" + rows + "C5,5,tier2\n")
    first = run(path, "customers")
    assert first.status == "succeeded", first.error_message
    assert (first.rows_read, first.rows_imported, first.rows_updated) == (2501, 2500, 0)
    assert first.rows_duplicate == 1  # the identical repeated row
    again = run(path, "customers")
    assert (again.rows_imported, again.rows_updated, again.rows_duplicate) == (0, 0, 2501)
    changed = run(write_file("d.csv", "customer_id,orders\nC1,9\nC9999,1\n"), "customers")
    assert (changed.rows_imported, changed.rows_updated, changed.rows_new) == (2, 1, 1)


def test_mapping_naming_an_absent_column_is_refused_at_creation(write_file):
    path = write_file("d.csv", "customer_id,text\nA,hello\n")
    with pytest.raises(ImportRequestError, match="no such column"):
        create_import_job(
            file_type="documents", original_filename="d.csv", source="test", path=path,
            options=ImportOptions(mapping={"text": "body"}),
        )  # fmt: skip
    assert ImportJob.objects.count() == 0


def test_png_upload_is_refused_at_creation(settings, tmp_path):
    settings.VOXSEG_DATA_DIR = str(tmp_path)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(ImportRequestError, match="PNG image"):
        create_import_job(
            file_type="documents", original_filename="x.csv", source="test",
            upload=io.BytesIO(png), options=ImportOptions(),
        )  # fmt: skip
    assert ImportJob.objects.count() == 0
    assert not list((tmp_path / "uploads").iterdir())


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("arrays.json", "[" + "[" * 100_000 + "]" * 100_000 + "]"),
        ("bare.json", "[" * 100_000 + "]" * 100_000),
        ("objects.jsonl", '{"a":' * 100_000 + "1" + "}" * 100_000 + "\n"),
        ("objects.json", "[" + '{"a":' * 100_000 + "1" + "}" * 100_000 + "]"),
    ],
)
def test_deeply_nested_records_are_refused_in_small_memory(write_file, name, body):
    path = write_file(name, body)
    tracemalloc.start()
    try:
        with (
            pytest.raises(UnreadableFileError, match="nested more than 32 levels"),
            RecordReader(path, sniff_format(path)) as reader,
        ):
            list(reader)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, peak


def test_a_nested_record_among_good_ones_rejects_only_itself(write_file):
    bomb = "[" * 100_000 + "]" * 100_000
    body = f'[{{"customer_id": "A", "text": "good one"}}, {bomb}, {{"customer_id": "B", "text": "fine"}}]'
    job = run(write_file("d.json", body), "documents")
    assert (job.status, job.rows_read, job.rows_imported, job.rows_rejected) == (
        "succeeded", 3, 2, 1,
    )  # fmt: skip
    assert "nested more than" in ImportRowIssue.objects.get(job=job).reason


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("nul.csv", "customer_id,text\nA,good text\nB,bad\x00text\nC,also good\n"),
        ("nul.jsonl", '{"customer_id": "A", "text": "good text"}\n'
                      '{"customer_id": "B", "text": "bad\\u0000text"}\n'
                      '{"customer_id": "C", "text": "also good"}\n'),
    ],
)  # fmt: skip
def test_a_nul_character_rejects_its_row_only(write_file, name, body):
    job = run(write_file(name, body), "documents")
    assert (job.status, job.rows_imported, job.rows_rejected) == ("succeeded", 2, 1)
    assert "NUL character" in ImportRowIssue.objects.get(job=job).reason
    assert "\x00" not in "".join(Document.objects.values_list("text", flat=True))


def test_duplicate_keys_reject_the_record_with_the_reason(write_file):
    body = (
        '{"customer_id": "A", "text": "kept"}\n'
        '{"customer_id": "B", "text": "first", "text": "second"}\n'
    )
    job = run(write_file("d.jsonl", body), "documents")
    assert (job.rows_imported, job.rows_rejected) == (1, 1)
    assert "'text' appears twice" in ImportRowIssue.objects.get(job=job).reason
    array = run(write_file("d.json", "[" + body.replace("\n", ",")[:-1] + "]"), "documents")
    assert array.rows_rejected == 1


def test_customer_ids_written_in_texts_are_masked(write_file):
    body = (
        "customer_id,text,ref\n"
        "PLANT-0001,My customer number is plant-0001 and my wife is PLANT-0417,PLANT-0001\n"
        "PLANT-0417,I ordered in 2024 and paid 1013 pounds,none\n"
        "PLANT-0032,Fine,none\n"
    )
    job = run(write_file("d.csv", body), "documents")
    texts = " ".join(Document.objects.values_list("text", flat=True))
    metadata = json.dumps(list(Document.objects.values_list("metadata", flat=True)))
    assert "PLANT-" not in texts.upper() and "PLANT-" not in metadata
    assert "[CUSTOMER_ID]" in texts and "2024" in texts and "1013" in texts
    assert job.redaction_counts["CUSTOMER_ID"] == 3
