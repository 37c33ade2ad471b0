"""Property-based: no file content and no cell value makes the readers or validators crash."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segapp.services.ingest.columns import plan_columns
from segapp.services.ingest.readers import RecordReader, UnreadableFileError, sniff_format
from segapp.services.ingest.rows import RowValidator

NOW = datetime(2026, 11, 1, tzinfo=UTC)
cells = st.one_of(
    st.text(max_size=40),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def read_all(content: bytes) -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f"
        path.write_bytes(content)
        try:
            fmt = sniff_format(path)
            with RecordReader(path, fmt) as reader:
                return list(reader)
        except UnreadableFileError as exc:
            assert str(exc)  # a message for the user, never empty
            return []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_the_reader(content):
    read_all(content)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=5), max_size=20))
def test_arbitrary_csv_text_never_crashes_the_reader(rows):
    content = "\n".join(",".join(row) for row in rows).encode("utf-8", "surrogatepass")
    for record in read_all(content):
        assert record.number >= 1
        assert (record.values is None) == bool(record.problem)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=8), cells, max_size=5), max_size=10))
def test_arbitrary_json_records_never_crash_the_reader(records):
    read_all(json.dumps(records).encode())
    read_all("\n".join(json.dumps(r) for r in records).encode())


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["documents", "customers", "events"]),
    st.fixed_dictionaries(
        {
            "customer_id": cells,
            "text": cells,
            "kind": cells,
            "created_at": cells,
            "rating": cells,
            "amount": cells,
            "event_type": cells,
            "orders": cells,
            "age": cells,
        }
    ),
)
def test_arbitrary_values_are_validated_or_rejected_with_a_reason(file_type, values):
    plan = plan_columns(file_type, list(values))
    validator = RowValidator(file_type, plan, max_text_chars=50, now=NOW)
    row, issues = validator.validate(values)
    if row is None:
        assert any(issue.severity == "error" and issue.reason for issue in issues)
    json.dumps([issue.reason for issue in issues])
