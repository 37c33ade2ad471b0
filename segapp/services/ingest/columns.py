"""Which column of a file is which field: canonical fields, aliases, and column roles.

Explicit mappings (`--map FIELD=COLUMN`) win; other fields are auto-detected
from common aliases. Every other column gets a role: metadata (documents,
events), a customer attribute (customers), sensitive (kept for audits, never a
clustering input) or dropped (direct identifiers such as e-mail or name columns,
which VoxSeg never stores).

Every file type may carry a per-row segmentation consent column (`consent`).
A column named like an opt-out (`opt_out`, `opted_out` …, or mapped with
`--map opt_out=COLUMN`) is read inverted and gets the role `opt_out`; a
consent column is never metadata, an attribute or a behavioural feature.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from segapp.services.ingest.readers import DELIMITER_NAMES, FileFormat, UnreadableFileError


@dataclass(frozen=True)
class FieldSpec:
    """A canonical field of an input file type and the column names that mean it."""

    name: str
    required: bool
    aliases: tuple[str, ...]


CUSTOMER_ID = FieldSpec(
    "customer_id",
    True,
    (
        "customer_id", "customer", "customerid", "customer_ref", "customer_reference",
        "customer_no", "customer_number", "cust_id", "client_id", "user_id", "userid", "user",
        "member_id", "account_id", "author_id", "reviewer_id", "respondent_id", "external_id",
    ),
)  # fmt: skip
CREATED_AT_ALIASES = (
    "created_at", "date", "timestamp", "datetime", "time", "created", "posted_at", "posted",
    "submitted_at", "published_at", "review_date", "event_date", "event_time", "order_date",
    "occurred_at", "ts",
)  # fmt: skip

OPT_OUT_ALIASES = (
    "opt_out", "opted_out", "optout", "optedout", "segmentation_opt_out",
    "segmentation_opted_out", "opted_out_of_segmentation",
)  # fmt: skip
CONSENT = FieldSpec(
    "consent",
    False,
    (
        "consent", "segmentation_consent", "consented", "consent_given", "has_consented",
        "consent_status", "segmentation_opt_in", "opt_in", "opted_in", "optin", *OPT_OUT_ALIASES,
    ),
)  # fmt: skip
OPT_OUT_FIELD = "opt_out"  # an explicit mapping of an inverted consent column

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "documents": (
        CUSTOMER_ID,
        FieldSpec(
            "text",
            True,
            (
                "text", "review_text", "body", "comment", "comments", "review", "review_body",
                "content", "message", "feedback", "answer", "response", "verbatim", "post",
                "post_text", "tweet", "text_body", "description",
            ),
        ),
        FieldSpec("kind", False, ("kind", "type", "doc_type", "document_type", "source_type")),
        FieldSpec("channel", False, ("channel", "source", "platform", "medium", "site", "network")),
        FieldSpec("created_at", False, CREATED_AT_ALIASES),
        FieldSpec(
            "rating",
            False,
            ("rating", "stars", "star_rating", "score", "review_score", "overall", "rating_value"),
        ),
        CONSENT,
    ),
    "customers": (
        FieldSpec("customer_id", True, (*CUSTOMER_ID.aliases, "id")),
        CONSENT,
    ),
    "events": (
        CUSTOMER_ID,
        FieldSpec("created_at", True, CREATED_AT_ALIASES),
        FieldSpec(
            "amount",
            False,
            ("amount", "value", "total", "price", "revenue", "order_value", "order_total", "spend"),
        ),
        FieldSpec(
            "event_type",
            False,
            ("event_type", "type", "event", "action", "kind", "transaction_type", "event_name"),
        ),
        CONSENT,
    ),
}  # fmt: skip

SENSITIVE_NAME = re.compile(
    r"(^|_)(age|age_band|age_group|gender|sex|region|postcode|post_code|postal_code|zip|zipcode|"
    r"zip_code|ethnicity|ethnic|race|religion|religious|dob|date_of_birth|birth_date|birthdate|"
    r"year_of_birth|birth_year|nationality|disability|marital_status|sexual_orientation)($|_)"
)
IDENTIFIER_NAME = re.compile(
    r"^(e_?mail|email_address|mail|phone|phone_number|telephone|tel|mobile|cell|name|full_name|"
    r"first_name|firstname|last_name|lastname|surname|given_name|family_name|customer_name|"
    r"user_name|username|address|street|street_address|address_line_?\d?|ip|ip_address|ssn|"
    r"social_security_number|passport|passport_number|national_id|card|card_number|iban|"
    r"account_number)$"
)


def normalise_name(name: str) -> str:
    """Column name as compared with aliases: lower case, words joined by underscores."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


@dataclass(frozen=True)
class ColumnPlan:
    """What each column of a file is: `mapping` field -> column, `roles` column -> role."""

    mapping: dict[str, str]
    roles: dict[str, str] = field(default_factory=dict)

    def columns_with_role(self, role: str) -> list[str]:
        """The columns that have one role, in file order."""
        return [column for column, value in self.roles.items() if value == role]

    @property
    def consent_inverted(self) -> bool:
        """Whether the consent column says who opted out (true = not consenting)."""
        column = self.mapping.get(CONSENT.name)
        return column is not None and self.roles.get(column) == OPT_OUT_FIELD


def parse_map_options(pairs: Iterable[str]) -> dict[str, str]:
    """Parse `FIELD=COLUMN` strings as given on the command line or in the API."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field_name, sep, column = pair.partition("=")
        if not sep or not field_name.strip() or not column.strip():
            raise UnreadableFileError(f"A mapping must look like FIELD=COLUMN, not {pair!r}.")
        mapping[field_name.strip()] = column.strip()
    return mapping


def plan_columns(
    file_type: str,
    columns: list[str],
    *,
    explicit: Mapping[str, str] | None = None,
    sensitive: Iterable[str] = (),
    fmt: FileFormat | None = None,
) -> ColumnPlan:
    """Decide the role of every column of a file, or raise `UnreadableFileError` saying why not."""
    specs = FIELDS[file_type]
    explicit, opt_out_mapped = _consent_mapping(explicit or {})
    mapping = _explicit_mapping(file_type, specs, columns, explicit)
    by_norm = {normalise_name(column): column for column in reversed(columns)}
    used = set(mapping.values())
    if CONSENT.name not in mapping:
        _refuse_two_consent_columns(columns)
    for spec in specs:
        if spec.name in mapping:
            continue
        for alias in spec.aliases:
            column = by_norm.get(alias)
            if column is not None and column not in used:
                mapping[spec.name] = column
                used.add(column)
                break
    _require_fields(file_type, specs, mapping, columns, fmt)
    sensitive_listed = {normalise_name(name) for name in sensitive}
    _check_listed_sensitive(sensitive, columns)
    roles = {column: _role(file_type, column, mapping, sensitive_listed) for column in columns}
    _mark_consent_roles(roles, mapping.get(CONSENT.name), inverted=opt_out_mapped)
    return ColumnPlan(
        mapping={spec.name: mapping[spec.name] for spec in specs if spec.name in mapping},
        roles=roles,
    )


def _consent_mapping(explicit: Mapping[str, str]) -> tuple[dict[str, str], bool]:
    """Turn `opt_out=COLUMN` into an inverted consent mapping; True when it was given."""
    mapping = dict(explicit)
    if OPT_OUT_FIELD not in mapping:
        return mapping, False
    if CONSENT.name in mapping:
        raise UnreadableFileError(
            "Map either consent=COLUMN or opt_out=COLUMN, not both: a file has one consent column."
        )
    mapping[CONSENT.name] = mapping.pop(OPT_OUT_FIELD)
    return mapping, True


def _is_consent_name(column: str) -> bool:
    return normalise_name(column) in CONSENT.aliases


def _refuse_two_consent_columns(columns: list[str]) -> None:
    found = [column for column in columns if _is_consent_name(column)]
    if len(found) > 1:
        raise UnreadableFileError(
            f"The file has more than one consent column ({', '.join(map(repr, found))}); "
            f"name the one to read with --map consent=COLUMN (or --map opt_out=COLUMN "
            f"when true means the customer opted out)."
        )


def _mark_consent_roles(roles: dict[str, str], consent: str | None, *, inverted: bool) -> None:
    """The consent column reads `opt_out` when inverted; other consent-like columns are ignored."""
    for column in roles:
        if column == consent:
            opt_out = inverted or normalise_name(column) in OPT_OUT_ALIASES
            roles[column] = OPT_OUT_FIELD if opt_out else CONSENT.name
        elif _is_consent_name(column):
            roles[column] = "ignored"


def _explicit_mapping(
    file_type: str, specs: tuple[FieldSpec, ...], columns: list[str], explicit: Mapping[str, str]
) -> dict[str, str]:
    known = {spec.name for spec in specs}
    by_norm = {normalise_name(column): column for column in columns}
    mapping: dict[str, str] = {}
    for field_name, column in explicit.items():
        if field_name not in known:
            raise UnreadableFileError(
                f"Unknown field {field_name!r} in the mapping; fields of a {file_type} file "
                f"are: {', '.join(sorted(known))}."
            )
        found = column if column in columns else by_norm.get(normalise_name(column))
        if found is None:
            raise UnreadableFileError(
                f"The mapping names column {column!r} for {field_name}, but the file has no such "
                f"column. Columns in the file: {_list_columns(columns)}."
            )
        mapping[field_name] = found
    return mapping


def _require_fields(
    file_type: str,
    specs: tuple[FieldSpec, ...],
    mapping: dict[str, str],
    columns: list[str],
    fmt: FileFormat | None,
) -> None:
    for spec in specs:
        if not spec.required or spec.name in mapping:
            continue
        what = "customer id" if spec.name == "customer_id" else spec.name.replace("_", " ")
        hint = _delimiter_hint(columns, fmt)
        raise UnreadableFileError(
            f"No {what} column found in this {file_type} file. Looked for: "
            f"{', '.join(spec.aliases[:8])}, … Columns in the file: {_list_columns(columns)}. "
            f"{hint}Name the column explicitly with --map {spec.name}=COLUMN "
            f'("map" in the API and upload form).'
        )


def _delimiter_hint(columns: list[str], fmt: FileFormat | None) -> str:
    if fmt is None or fmt.kind != "csv" or len(columns) != 1:
        return ""
    used = DELIMITER_NAMES.get(fmt.delimiter, repr(fmt.delimiter))
    for candidate, name in DELIMITER_NAMES.items():
        if candidate != fmt.delimiter and candidate in columns[0]:
            return (
                f"The header was read as a single column with the {used} delimiter but it "
                f"contains {name}s: the file looks {name}-separated (use --delimiter "
                f"{'tab' if candidate == chr(9) else repr(candidate)} or let VoxSeg detect it). "
            )
    return f"The header was read as a single column with the {used} delimiter. "


def _check_listed_sensitive(sensitive: Iterable[str], columns: list[str]) -> None:
    present = {normalise_name(column) for column in columns}
    missing = [name for name in sensitive if normalise_name(name) not in present]
    if missing:
        raise UnreadableFileError(
            f"Columns listed as sensitive are not in the file: {', '.join(missing)}. "
            f"Columns in the file: {_list_columns(columns)}."
        )


def _role(file_type: str, column: str, mapping: dict[str, str], sensitive: set[str]) -> str:
    for field_name, mapped in mapping.items():
        if mapped == column:
            return field_name
    norm = normalise_name(column)
    if norm in sensitive or SENSITIVE_NAME.search(norm):
        return "sensitive"
    if IDENTIFIER_NAME.match(norm):
        return "dropped"
    return "attribute" if file_type == "customers" else "metadata"


def _list_columns(columns: list[str]) -> str:
    shown = ", ".join(repr(column) for column in columns[:20])
    return shown + (f" and {len(columns) - 20} more" if len(columns) > 20 else "")
