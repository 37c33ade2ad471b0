"""Row validation: typed rows, and a specific reason for every rejected value."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from segapp.services.ingest.cells import parse_datetime, parse_number
from segapp.services.ingest.columns import plan_columns
from segapp.services.ingest.rows import RowValidator

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def validator(file_type="documents", columns=None, **kwargs):
    columns = columns or ["customer_id", "text", "kind", "channel", "created_at", "rating", "sku"]
    plan = plan_columns(file_type, columns)
    return RowValidator(file_type, plan, max_text_chars=kwargs.pop("cap", 100), now=NOW, **kwargs)


def doc(**values):
    base = {"customer_id": "C1", "text": "Nice mug", "kind": "review", "channel": "web"}
    base.update(created_at="2025-03-04", rating="4", sku="A-1")
    base.update(values)
    return base


def reasons(issues):
    return [issue.reason for issue in issues]


def test_valid_document_row_is_typed():
    row, issues = validator().validate(doc())
    assert issues == []
    assert row.external_id == "C1" and row.kind == "review" and row.rating == 4.0
    assert row.created_at == datetime(2025, 3, 4, tzinfo=UTC)
    assert row.metadata == {"sku": "A-1"}


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"text": "   "}, "the text is empty"),
        ({"kind": "blog"}, "unknown kind 'blog'; expected review, survey or social"),
        ({"created_at": "yesterday-ish"}, "bad date: 'yesterday-ish' is not a date"),
        ({"created_at": "2999-01-01"}, "bad date: 2999-01-01 is in the future"),
        ({"rating": "five"}, "rating 'five' is not a number"),
        ({"rating": "42"}, "rating 42 is outside 0 to 10"),
        ({"customer_id": ""}, "the customer id is empty"),
    ],
)
def test_bad_values_reject_the_row_with_a_specific_reason(values, reason):
    row, issues = validator().validate(doc(**values))
    assert row is None
    assert reason in reasons(issues)


def test_over_long_text_is_cut_and_reported_as_a_warning():
    row, issues = validator(cap=10).validate(doc(text="x" * 25))
    assert row.text == "x" * 10 and row.truncated and row.original_length == 25
    assert issues[0].severity == "warning" and "25 characters long" in issues[0].reason


@pytest.mark.parametrize(
    ("raw", "kind"), [("Reviews", "review"), ("NPS", "survey"), ("tweet", "social"), ("", "survey")]
)
def test_kind_aliases_and_default(raw, kind):
    row, _ = validator(default_kind="survey").validate(doc(kind=raw))
    assert row.kind == kind


@pytest.mark.parametrize(
    ("raw", "value"), [("4/5", 4.0), ("4.5 stars", 4.5), ("4,5", 4.5), (3, 3.0)]
)
def test_ratings_written_as_people_write_them(raw, value):
    row, _ = validator().validate(doc(rating=raw))
    assert row.rating == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1,234.50", 1234.5), ("$45", 45.0), ("€12,50", 12.5), ("-19.99", -19.99), (7, 7.0)],
)
def test_numbers_with_currency_and_separators(raw, value):
    assert parse_number(raw) == pytest.approx(value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-04T10:20:00Z", datetime(2025, 3, 4, 10, 20, tzinfo=UTC)),
        ("2025-03-04 10:20", datetime(2025, 3, 4, 10, 20, tzinfo=UTC)),
        ("March 4, 2025", datetime(2025, 3, 4, tzinfo=UTC)),
        (1741083600, datetime(2025, 3, 4, 10, 20, tzinfo=UTC)),
    ],
)
def test_dates_in_common_forms(raw, expected):
    assert parse_datetime(raw, dayfirst=False, now=NOW) == expected


def test_ambiguous_dates_follow_the_dayfirst_setting():
    assert parse_datetime("03/04/2025", dayfirst=True, now=NOW).month == 4
    assert parse_datetime("03/04/2025", dayfirst=False, now=NOW).month == 3


def test_customer_row_splits_behaviour_attributes_and_sensitive():
    columns = ["customer_id", "orders", "vip", "tier", "age", "gender"]
    v = validator("customers", columns)
    row, issues = v.validate(
        {
            "customer_id": "C1",
            "orders": "12",
            "vip": "yes",
            "tier": "gold",
            "age": "34",
            "gender": "f",
        }
    )
    assert issues == []
    assert row.behaviour == {"orders": 12.0, "vip": 1.0}
    assert row.attributes == {"tier": "gold"}
    assert row.sensitive == {"age": "34", "gender": "f"}


def test_text_in_a_numeric_customer_column_is_a_warning_not_a_rejection():
    v = validator("customers", ["customer_id", "orders"])
    v.validate({"customer_id": "C1", "orders": "3"})
    row, issues = v.validate({"customer_id": "C2", "orders": "lots"})
    assert row is not None and row.behaviour == {}
    assert issues[0].severity == "warning" and "'lots' is not a number" in issues[0].reason


def test_event_rows_need_a_date_and_default_to_purchases():
    v = validator("events", ["customer_id", "created_at", "amount"])
    row, _ = v.validate({"customer_id": "C1", "created_at": "2025-01-02", "amount": "£10"})
    assert row.event_type == "purchase" and row.amount == 10.0
    row, issues = v.validate({"customer_id": "C1", "created_at": "", "amount": "1"})
    assert row is None and reasons(issues) == ["the date is empty"]
