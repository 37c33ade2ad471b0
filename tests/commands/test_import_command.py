"""`manage.py import`: the SPEC §11 contract (summary line, exit codes, one error line)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run_import(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_summary_line_ends_stdout(write_file):
    path = write_file("d.csv", "customer_id,text,rating\nA,Nice,5\nB,Bad,x\nA,Nice,5\n")
    code, out, _ = run_import(path, "--type", "documents")
    assert code == 0
    assert out.strip().splitlines()[-1] == "read=3 imported=1 duplicates=1 rejected=1"


def test_map_and_sensitive_options(write_file):
    path = write_file("c.csv", "member,orders,tier\nA,3,gold\n")
    code, out, err = run_import(
        path, "--type", "customers", "--map", "customer_id=member", "--sensitive", "tier"
    )
    assert code == 0, err
    assert out.strip().endswith("read=1 imported=1 duplicates=0 rejected=0")
    assert "member -> customer_id" in err and "tier -> sensitive" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "error: The file is empty (0 bytes)."),
        ("a,b\n1,2\n", "error: No customer id column found"),
        (b"\x00\x01\x02binary" * 50, "error: This looks like a binary file"),
    ],
)
def test_unreadable_file_exits_1_with_one_error_line(write_file, content, message):
    code, out, err = run_import(write_file("bad.csv", content), "--type", "documents")
    assert code == 1
    assert out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[-1].startswith(message)
    assert "Traceback" not in err


def test_missing_path_is_an_error_line(tmp_path):
    code, _, err = run_import(tmp_path / "nope.csv", "--type", "events")
    assert code == 1 and err.strip().startswith("error: No such file")


def test_wrong_explicit_delimiter_is_explained(write_file):
    path = write_file("s.csv", "customer_id;text\nA;hello\n")
    code, _, err = run_import(path, "--type", "documents", "--delimiter", ",")
    assert code == 1
    assert "semicolon-separated" in err


ORDERS = (
    "Customer ID,Order Status,Total Price,Unit Price,Purchase Date\n"
    "1013,Cancelled,5538.33,5538.33,2024-03-01\n"
    "1013,Completed,741.09,247.03,2024-03-05\n"
    "1028,Completed,100.00,50.00,2024-03-02\n"
)


def test_events_print_rows_per_status(write_file):
    code, out, err = run_import(write_file("o.csv", ORDERS), "--type", "events")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "read=3 imported=3 duplicates=0 rejected=0"
    assert "statuses: Cancelled=1, Completed=2" in err


def test_customers_with_several_rows_are_refused_unless_aggregated(write_file):
    path = write_file("o.csv", ORDERS)
    code, out, err = run_import(path, "--type", "customers")
    assert code == 1 and out == ""
    assert err.strip().splitlines()[-1].startswith("error: 1 customers appear on several rows")
    code, out, err = run_import(path, "--type", "customers", "--aggregate")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "read=3 imported=2 duplicates=0 rejected=0"
    assert "new: 2, changed: 0" in err and "combined" in err
    code, out, _ = run_import(path, "--type", "customers", "--aggregate", "combine")
    assert out.strip().splitlines()[-1] == "read=3 imported=0 duplicates=2 rejected=0"


def test_a_mapping_naming_an_absent_column_is_one_error_line(write_file):
    path = write_file("d.csv", "customer_id,text\nA,hello\n")
    code, _, err = run_import(path, "--type", "documents", "--map", "text=body")
    assert code == 1 and "no such column" in err and "Traceback" not in err


def test_a_database_failure_under_the_import_is_one_error_line(write_file, monkeypatch):
    """A locked or lost database ends the command with one line and exit 1, no traceback."""
    import importlib

    from django.db import OperationalError

    command = importlib.import_module("segapp.management.commands.import")

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(command, "run_import_job", locked)
    path = write_file("d.csv", "customer_id,text\nA,hello\n")
    code, out, err = run_import(path, "--type", "documents")
    lines = err.strip().splitlines()
    assert code == 1 and lines[-1].startswith("error: ") and "database is locked" in lines[-1]
    assert "Traceback" not in err and out == ""
