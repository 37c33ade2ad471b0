"""Column detection on names in any style, confirmed by values, and the import preview."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from segapp.services.ingest.columns import plan_columns
from segapp.services.ingest.idmask import IdMasker, id_shape_pattern
from segapp.services.ingest.names import name_tokens
from segapp.services.ingest.options import ImportOptions
from segapp.services.ingest.preview import ROLES, mapping_from_roles, preview_import
from segapp.services.ingest.readers import sniff_format

DATA_ROOT = Path(__file__).parent / "data"
# Two sets of real-world export layouts written independently of each other.
DATA_FOLDERS = ("column_files", "column_files_b")
# Known misses, with the reason they are not detected.
KNOWN_MISSES = {
    ("column_files_b", "zendesk_tickets_export.csv"): (
        "the satisfaction score is categorical (good/bad/offered); a rating must be a number, "
        "so mapping it would reject every row"
    ),
}


def _real_world_cases() -> list:
    cases = []
    for folder in DATA_FOLDERS:
        expected_path = DATA_ROOT / folder / "expected.json"
        if not expected_path.exists():
            continue
        for name, expected in json.loads(expected_path.read_text()).items():
            marks = ()
            if (folder, name) in KNOWN_MISSES:
                marks = (pytest.mark.xfail(reason=KNOWN_MISSES[(folder, name)], strict=True),)
            cases.append(pytest.param(folder, name, expected, id=f"{folder}/{name}", marks=marks))
    return cases


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Customer ID", ("customer", "id")),
        ("customerId", ("customer", "id")),
        ("CUST_NO", ("customer", "no")),
        ("userid", ("user", "id")),
        ("eventTimestamp", ("event", "timestamp")),
        ("Add-ons Purchased", ("addon", "purchased")),
        ("E-Mail", ("email",)),
        ("FIRST_NM", ("first", "name")),
        ("reviewerID", ("reviewer", "id")),
    ],
)
def test_names_are_read_as_tokens_in_any_style(name, tokens):
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("file_type", "columns", "expected"),
    [
        ("events", ["Customer ID", "Purchase Date", "Total Price", "Unit Price", "Order Status"],
         {"customer_id": "Customer ID", "created_at": "Purchase Date", "amount": "Total Price",
          "status": "Order Status"}),
        ("events", ["userId", "eventTimestamp", "Order Total"],
         {"customer_id": "userId", "created_at": "eventTimestamp", "amount": "Order Total"}),
        ("customers", ["CUST_NO", "spend"], {"customer_id": "CUST_NO"}),
        ("documents", ["customerId", "Review Text", "Stars"],
         {"customer_id": "customerId", "text": "Review Text", "rating": "Stars"}),
    ],
)  # fmt: skip
def test_fields_are_found_by_name_alone(file_type, columns, expected):
    plan = plan_columns(file_type, columns)
    assert {k: v for k, v in plan.mapping.items() if k in expected} == expected


@pytest.mark.parametrize("name", ["Gender", "gender", "GENDER", "Date of Birth", "Age band"])
def test_sensitive_names_in_any_case(name):
    plan = plan_columns("customers", ["customer_id", name])
    assert plan.roles[name] == "sensitive"


def test_competing_columns_are_chosen_by_rule_and_the_reason_says_why():
    samples = [
        {"cid": f"C{i % 7}", "Start Date": f"2024-01-{i + 1:02d}",
         "End Date": f"2024-02-{i + 1:02d}", "Unit Price": 10.0, "Total Price": 10.0 * (i + 1)}
        for i in range(20)
    ]  # fmt: skip
    plan = plan_columns(
        "events", list(samples[0]), samples=samples, explicit={"customer_id": "cid"}
    )
    assert plan.mapping["created_at"] == "Start Date"
    assert plan.mapping["amount"] == "Total Price"
    assert "preferred over 'End Date'" in plan.reason_of("Start Date")
    assert "unit price" in plan.reason_of("Total Price")


def test_identifiers_are_dropped_by_the_shape_of_their_values():
    samples = [
        {"customer_id": f"C{i}", "contact": f"person{i}@example.org", "tel": f"+44 20 7946 09{i:02d}",
         "from": f"10.0.0.{i + 1}", "who": ["Anna Smith", "Peter Jones", "Maria Garcia"][i % 3],
         "note": "fine"}
        for i in range(12)
    ]  # fmt: skip
    plan = plan_columns("customers", list(samples[0]), samples=samples)
    assert plan.columns_with_role("dropped") == ["contact", "tel", "from", "who"]
    assert "values are an e-mail address" in plan.reason_of("contact")
    assert plan.roles["note"] == "attribute"


def test_id_shape_masks_ids_in_text_but_not_plain_numbers():
    masker = IdMasker(id_shape_pattern(["PLANT-0001", "PLANT-0417", "PLANT-0032"]))
    text, count = masker.mask("I am plant-0001, my friend is PLANT-0417; paid 2024 in 1013 parts")
    assert (
        text == ("I am [CUSTOMER_ID], my friend is [CUSTOMER_ID]; paid 2024 in 1013 parts")
        and count == 2
    )
    assert id_shape_pattern(["1013", "1028", "2011"]) is None
    own, _ = IdMasker().mask("number 1013, not 21013", "1013")
    assert own == "number [CUSTOMER_ID], not 21013"


def _role_of(preview, column):
    return next(c for c in preview.columns if c.name == column)


@pytest.mark.parametrize(("folder", "name", "expected"), _real_world_cases())
def test_detection_on_real_world_files(folder, name, expected):
    """One file of a set's expected.json: type, fields, sensitive and identifier columns.

    `alternatives` lists other acceptable columns for a field; columns listed under
    `borderline` may get any of the roles named there, so they are not checked (and a
    field may pick one of them).
    """
    path = DATA_ROOT / folder / name
    preview = preview_import(path, file_type=None, options=ImportOptions())
    fields = {c.field: c.name for c in preview.columns if c.field and c.role != "consent"}
    roles = {c.name: c.role for c in preview.columns}
    borderline = set(expected.get("borderline", {}))
    wrong = []
    if preview.file_type != expected["type"]:
        wrong.append(f"type {preview.file_type} != {expected['type']}")
    for field_name, column in expected["fields"].items():
        allowed = [column, *expected.get("alternatives", {}).get(field_name, [])]
        if fields.get(field_name) not in allowed and fields.get(field_name) not in borderline:
            wrong.append(f"{field_name}: {fields.get(field_name)!r} not in {allowed}")
    checks = (("sensitive", "sensitive"), ("identifiers", "drop"), ("behavioural", "behaviour"))
    for key, role in checks:
        for column in expected.get(key, []):
            if column not in borderline and roles.get(column) != role:
                wrong.append(f"{column!r} is {roles.get(column)}, not {role}")
    for column in expected.get("metadata", []):
        if column not in borderline and roles.get(column) in ("drop", "behaviour", "sensitive"):
            wrong.append(f"{column!r} is {roles[column]}, not kept as metadata")
    several = preview.rows_per_customer > 1
    if fields.get("customer_id") and several != expected["several_rows_per_customer"]:
        wrong.append(f"rows per customer {preview.rows_per_customer}")
    if "file_format" in expected:
        fmt = sniff_format(path)
        wanted = expected["file_format"]
        if (fmt.kind, fmt.delimiter) != (wanted["format"], wanted.get("delimiter", "")):
            wrong.append(f"format {fmt.kind} {fmt.delimiter!r}")
    checked = len(expected["fields"]) + sum(len(expected.get(key, [])) for key, _ in checks)
    print(
        f"\n{folder}/{name}: {preview.file_type}, {checked + 1 - len(wrong)}/{checked + 1} "
        f"checks right; {fields} {wrong or 'OK'}"
    )
    assert not wrong, wrong


def test_preview_of_an_orders_file_as_customers(write_file):
    path = write_file(
        "orders.csv",
        "Customer ID,Gender,Order Status,Total Price,Unit Price,Purchase Date,Contact\n"
        "1013,Female,Completed,741.09,247.03,2024-03-21,ann@example.com\n"
        "1013,Female,Cancelled,5538.33,5538.33,2024-03-22,ann@example.com\n"
        "1028,Male,Completed,99.00,99.00,2024-03-23,bob@example.com\n",
    )
    preview = preview_import(path, file_type="customers", options=ImportOptions())
    assert preview.file_type == "customers" and preview.suggested_type == "events"
    assert "Several rows per customer and a date column" in preview.suggestion
    assert preview.rows_per_customer == 1.5
    assert any("customers appear on several rows" in p for p in preview.problems)
    contact = _role_of(preview, "Contact")
    assert contact.role == "drop" and contact.samples == ["[not shown]"]
    assert _role_of(preview, "Gender").role == "sensitive"
    data = preview.to_dict()
    assert set(data) == {
        "file_format", "file_type", "suggested_type", "suggestion", "columns", "rows",
        "rows_per_customer", "problems",
    }  # fmt: skip
    assert set(data["columns"][0]) == {"name", "role", "field", "reason", "samples", "confident"}
    assert "ann@example.com" not in json.dumps(data)


def test_preview_role_overrides_and_missing_columns(write_file):
    path = write_file("c.csv", "customer_id,tier,visits\nA,gold,3\nB,silver,4\n")
    options = ImportOptions(mapping=mapping_from_roles({"tier": "sensitive", "visits": "drop"}))
    preview = preview_import(path, file_type="customers", options=options)
    assert (_role_of(preview, "tier").role, _role_of(preview, "visits").role) == (
        "sensitive",
        "drop",
    )
    assert preview.problems == []
    role_keyed = ImportOptions(mapping={"sensitive": "tier,visits"})
    preview = preview_import(path, file_type="customers", options=role_keyed)
    assert {c.name for c in preview.columns if c.role == "sensitive"} == {"tier", "visits"}
    missing = ImportOptions(mapping={"customer_id": "member"})
    preview = preview_import(path, file_type="customers", options=missing)
    assert any("no such column" in p for p in preview.problems)
    assert set(ROLES) >= {"customer_id", "drop", "behaviour", "metadata", "opt_out"}
