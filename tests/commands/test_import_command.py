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
