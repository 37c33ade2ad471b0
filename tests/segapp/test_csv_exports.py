"""CSV exports are safe to open in a spreadsheet: text that would run as a formula is escaped
(OWASP CSV injection), while numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from segapp.models import Document, ImportJob, ImportRowIssue
from segapp.selectors.exports import csv_lines
from tests.web.factories import build_persona_run

FORMULAS = [
    '=HYPERLINK("http://evil","c")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
]


def parsed(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_text_that_a_spreadsheet_would_run_is_escaped_with_a_quote():
    rows = [{"name": value, "n": 1} for value in FORMULAS]
    written = parsed("".join(csv_lines(rows, ("name", "n"))))
    expected = ["'" + value.replace("\r", "\n") for value in FORMULAS]  # a CR is read as LF
    assert [r["name"] for r in written] == expected
    assert [r["n"] for r in written] == ["1"] * len(FORMULAS)  # every row whole


def test_a_carriage_return_inside_a_text_keeps_the_row_whole():
    rows = [{"text": "first line\rsecond\r\nthird", "n": 2}]
    assert parsed("".join(csv_lines(rows, ("text", "n")))) == [
        {"text": "first line\nsecond\nthird", "n": "2"}
    ]


def test_numbers_and_plain_text_are_written_as_they_are():
    rows = [
        {"sentiment": -0.5, "count": -3, "flag": True, "label": "-0.25", "text": "a - b = c"},
        {"sentiment": 0.75, "count": 12, "flag": False, "label": "+1e-3", "text": "well-known"},
    ]
    text = "".join(csv_lines(rows, ("sentiment", "count", "flag", "label", "text")))
    assert text.splitlines()[1:] == [
        "-0.5,-3,true,-0.25,a - b = c",
        "0.75,12,false,+1e-3,well-known",
    ]


@pytest.mark.django_db
def test_the_web_documents_export_escapes_a_formula_channel(client, bob):
    run = build_persona_run(120)
    Document.objects.filter(pk=Document.objects.order_by("pk").values("pk")[:1]).update(
        channel=FORMULAS[0]
    )
    client.force_login(bob)
    response = client.get(f"/runs/{run.pk}/export/documents.csv")
    assert response.status_code == 200
    rows = parsed(b"".join(response.streaming_content).decode())
    assert rows[0]["channel"] == "'" + FORMULAS[0]
    assert any(float(r["sentiment"]) < 0 for r in rows)  # negative numbers left numeric


@pytest.mark.django_db
def test_the_export_documents_command_escapes_a_formula_channel(tmp_path):
    build_persona_run(120)
    Document.objects.filter(pk=Document.objects.order_by("pk").values("pk")[:1]).update(
        channel=FORMULAS[3]
    )
    out = tmp_path / "documents.csv"
    call_command("export_documents", "--output", str(out))
    rows = parsed(out.read_text(encoding="utf-8"))
    assert rows[0]["channel"] == "'" + FORMULAS[3]


@pytest.mark.django_db
def test_the_import_report_escapes_column_names(client, bob):
    job = ImportJob.objects.create(file_type="documents", original_filename="x.csv")
    for number, column in enumerate(["=1+1", "+cmd", "@SUM(1)", "rating"], start=2):
        ImportRowIssue.objects.create(job=job, row_number=number, column=column, reason="bad")
    client.force_login(bob)
    response = client.get(f"/imports/{job.pk}/report.csv")
    rows = parsed(b"".join(response.streaming_content).decode())
    assert [r["column"] for r in rows] == ["'=1+1", "'+cmd", "'@SUM(1)", "rating"]
