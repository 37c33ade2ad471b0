"""Column mapping: aliases, explicit maps, roles, and what is said when a column is missing."""

from __future__ import annotations

import pytest

from segapp.services.ingest.columns import parse_map_options, plan_columns
from segapp.services.ingest.readers import FileFormat, UnreadableFileError


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["Customer Ref", "Review Text", "Stars", "Date"], ("Customer Ref", "Review Text")),
        (["user_id", "body", "score", "channel"], ("user_id", "body")),
        (["customer_id", "comment", "type"], ("customer_id", "comment")),
    ],
)
def test_document_aliases_are_detected(columns, expected):
    plan = plan_columns("documents", columns)
    assert (plan.mapping["customer_id"], plan.mapping["text"]) == expected


def test_rating_and_date_aliases_are_detected():
    plan = plan_columns("documents", ["user_id", "review_text", "stars", "date"])
    assert plan.mapping == {
        "customer_id": "user_id",
        "text": "review_text",
        "created_at": "date",
        "rating": "stars",
    }


def test_explicit_mapping_wins_over_aliases():
    plan = plan_columns(
        "documents", ["customer_id", "text", "member"], explicit={"customer_id": "member"}
    )
    assert plan.mapping["customer_id"] == "member"
    assert plan.roles["customer_id"] == "metadata"


def test_missing_id_column_names_what_was_looked_for():
    with pytest.raises(UnreadableFileError) as caught:
        plan_columns("documents", ["who", "text"])
    message = str(caught.value)
    assert "No customer id column" in message
    assert "customer_ref" in message and "'who'" in message and "--map customer_id=" in message


def test_single_column_header_suggests_the_right_delimiter():
    fmt = FileFormat("csv", "utf-8-sig", ",")
    with pytest.raises(UnreadableFileError, match="semicolon-separated"):
        plan_columns("documents", ["customer_id;text;rating"], fmt=fmt)


def test_unknown_field_or_column_in_mapping_is_refused():
    with pytest.raises(UnreadableFileError, match="Unknown field 'txt'"):
        plan_columns("documents", ["customer_id", "text"], explicit={"txt": "text"})
    with pytest.raises(UnreadableFileError, match="no such column"):
        plan_columns("documents", ["customer_id", "text"], explicit={"text": "body"})


def test_customer_columns_get_roles():
    plan = plan_columns(
        "customers",
        ["id", "orders", "spend_12m", "Age", "gender", "Region", "email", "Full Name", "tier"],
        sensitive=["tier"],
    )
    assert plan.mapping == {"customer_id": "id"}
    assert plan.columns_with_role("attribute") == ["orders", "spend_12m"]
    assert plan.columns_with_role("sensitive") == ["Age", "gender", "Region", "tier"]
    assert plan.columns_with_role("dropped") == ["email", "Full Name"]


def test_listing_an_absent_sensitive_column_is_refused():
    with pytest.raises(UnreadableFileError, match="not in the file: ethnicity"):
        plan_columns("customers", ["customer_id"], sensitive=["ethnicity"])


def test_events_need_a_date_column():
    with pytest.raises(UnreadableFileError, match="No created at column"):
        plan_columns("events", ["customer_id", "amount"])


def test_map_options_are_parsed_and_malformed_ones_refused():
    assert parse_map_options(["text=Review Body", " customer_id = member "]) == {
        "text": "Review Body",
        "customer_id": "member",
    }
    with pytest.raises(UnreadableFileError, match="FIELD=COLUMN"):
        parse_map_options(["text"])
