"""Which column of a file is which field: canonical fields, mappings, and column roles.

Explicit mappings win; other fields are detected from the column names and a
sample of the values (:mod:`.detect`). Every other column gets a role:
metadata (documents, events), a customer attribute or behavioural feature
(customers), sensitive (kept for audits, never a clustering input) or dropped
(direct identifiers such as e-mail, phone or name columns, which VoxSeg never
stores).

Mapping keys (``--map KEY=VALUE`` on the command line, ``map`` in the API and
upload form), all optional:

- ``FIELD=COLUMN`` names the column of a canonical field of the file type:
  ``customer_id``, ``text``, ``kind``, ``channel``, ``created_at``, ``rating``
  (documents); ``customer_id``, ``created_at``, ``amount``, ``status``,
  ``event_type`` (events); ``customer_id`` (customers); ``consent`` or
  ``opt_out`` (a consent column read inverted) for every type.
- ``ROLE=COLUMN[,COLUMN…]`` gives columns a role that is not a field:
  ``sensitive``, ``drop``, ``behaviour``, ``attribute``, ``metadata``.
- ``column:COLUMN=ROLE`` gives one column any role of
  :data:`segapp.services.ingest.preview.ROLES` (what the column picker sends).

Every file type may carry a per-row segmentation consent column (`consent`);
a column named like an opt-out is read inverted and gets the role `opt_out`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from segapp.services.ingest.detect import ColumnDecision, Detection, detect_columns
from segapp.services.ingest.fields import (
    CONSENT,
    CREATED_AT_ALIASES,
    CUSTOMER_ID,
    FIELDS,
    OPT_OUT_ALIASES,
    OPT_OUT_FIELD,
    FieldSpec,
    normalise_name,
)
from segapp.services.ingest.idmask import id_shape_pattern
from segapp.services.ingest.readers import DELIMITER_NAMES, FileFormat, UnreadableFileError

__all__ = [
    "CONSENT", "CREATED_AT_ALIASES", "CUSTOMER_ID", "FIELDS", "IDENTIFIER_NAME", "OPT_OUT_ALIASES",
    "OPT_OUT_FIELD", "ColumnPlan", "FieldSpec", "normalise_name",
    "parse_map_options", "plan_columns", "split_mapping",
]  # fmt: skip

# Name pattern kept for callers that judge one attribute name (rectification); whether a
# name is sensitive is `names.is_sensitive_name`, the import's own rule.
IDENTIFIER_NAME = re.compile(
    r"^(e_?mail|email_address|mail|phone|phone_number|telephone|tel|mobile|cell|name|full_name|"
    r"first_name|firstname|last_name|lastname|surname|given_name|family_name|customer_name|"
    r"user_name|username|address|street|street_address|address_line_?\d?|ip|ip_address|ssn|"
    r"social_security_number|passport|passport_number|national_id|card|card_number|iban)$"
)
ROLE_ALIASES = {
    "drop": "dropped", "dropped": "dropped", "behaviour": "behaviour", "behavior": "behaviour",
    "sensitive": "sensitive", "metadata": "metadata", "attribute": "attribute",
}  # fmt: skip
COLUMN_KEY = "column:"


@dataclass(frozen=True)
class ColumnPlan:
    """What each column of a file is: `mapping` field -> column, `roles` column -> role."""

    mapping: dict[str, str]
    roles: dict[str, str] = field(default_factory=dict)
    decisions: tuple[ColumnDecision, ...] = ()
    dayfirst: bool | None = None
    looks_like: str = ""
    suggestion: str = ""
    rows_per_customer: float = 0.0
    id_pattern: str | None = None  # the shape of the file's customer ids (`idmask`)

    def kind_of(self, column: str) -> str:
        """What the sampled values of a column are (number, date, category …), or ""."""
        return next((d.kind for d in self.decisions if d.name == column), "")

    def reason_of(self, column: str) -> str:
        """Why the column got its role."""
        return next((d.reason for d in self.decisions if d.name == column), "")

    def unsure_fields(self) -> list[ColumnDecision]:
        """Fields taken from a column by detection without certainty (never explicit ones)."""
        return [d for d in self.decisions if d.field and not d.confident]

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
    samples: list[dict[str, Any]] | None = None,
) -> ColumnPlan:
    """Decide the role of every column of a file, or raise `UnreadableFileError` saying why not.

    `samples` (the first records of the file) let the values confirm or choose
    columns; without them names alone decide.
    """
    detection = detect_plan(file_type, columns, explicit=explicit, sensitive=sensitive,
                            samples=samples)  # fmt: skip
    _raise_problems(file_type, detection, columns, fmt)
    specs = FIELDS[file_type]
    return ColumnPlan(
        mapping={s.name: detection.mapping[s.name] for s in specs if s.name in detection.mapping},
        roles={d.name: d.role for d in detection.decisions},
        decisions=tuple(detection.decisions),
        dayfirst=detection.dayfirst,
        looks_like=detection.looks_like,
        suggestion=detection.suggestion,
        rows_per_customer=detection.rows_per_customer,
        id_pattern=_id_pattern(detection.mapping.get("customer_id"), samples or []),
    )


def _id_pattern(id_column: str | None, samples: list[dict[str, Any]]) -> str | None:
    if not id_column:
        return None
    return id_shape_pattern(
        value for record in samples if isinstance(value := record.get(id_column), str | int)
    )


def detect_plan(
    file_type: str,
    columns: list[str],
    *,
    explicit: Mapping[str, str] | None = None,
    sensitive: Iterable[str] = (),
    samples: list[dict[str, Any]] | None = None,
) -> Detection:
    """Detection for a file with its mapping applied; bad mappings raise `UnreadableFileError`."""
    fields, overrides, opt_out = split_mapping(file_type, explicit or {}, columns)
    _check_listed_sensitive(sensitive, columns)
    return detect_columns(
        file_type, columns, samples or [], explicit=fields, overrides=overrides,
        sensitive=sensitive, opt_out_mapped=opt_out,
    )  # fmt: skip


def split_mapping(
    file_type: str, mapping: Mapping[str, str], columns: list[str]
) -> tuple[dict[str, str], dict[str, str], bool]:
    """Read a mapping: (field -> column, column -> stored role, consent read inverted).

    Raises `UnreadableFileError` for an unknown key or role and for a column not in the file.
    """
    known = {spec.name for spec in FIELDS[file_type]}
    fields: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for key, value in mapping.items():
        key = key.strip()
        if key.startswith(COLUMN_KEY):
            column = _find_column(key[len(COLUMN_KEY) :], columns, "a role")
            role = _role_for(file_type, value.strip(), known)
            if role in known or role == OPT_OUT_FIELD:
                fields[role] = column
            else:
                overrides[column] = role
            continue
        if key in ROLE_ALIASES:
            role = _role_for(file_type, key, known)
            for name in value.split(","):
                if name.strip():
                    overrides[_find_column(name, columns, role)] = role
            continue
        if key not in known and key != OPT_OUT_FIELD:
            raise UnreadableFileError(
                f"Unknown field {key!r} in the mapping; fields of a {file_type} file "
                f"are: {', '.join(sorted(known))} (roles: sensitive, drop, behaviour, "
                f"attribute, metadata)."
            )
        fields[key] = _find_column(value, columns, key)
    return _finish_mapping(fields, overrides)


def _finish_mapping(
    fields: dict[str, str], overrides: dict[str, str]
) -> tuple[dict[str, str], dict[str, str], bool]:
    if OPT_OUT_FIELD not in fields:
        return fields, overrides, False
    if CONSENT.name in fields:
        raise UnreadableFileError(
            "Map either consent=COLUMN or opt_out=COLUMN, not both: a file has one consent column."
        )
    fields[CONSENT.name] = fields.pop(OPT_OUT_FIELD)
    return fields, overrides, True


def _role_for(file_type: str, role: str, known: set[str]) -> str:
    if role in known or role == OPT_OUT_FIELD:
        return role
    stored = ROLE_ALIASES.get(role)
    if stored is None:
        raise UnreadableFileError(
            f"Unknown role {role!r} for a {file_type} file; roles are: "
            f"{', '.join(sorted(known | {OPT_OUT_FIELD}))}, sensitive, drop, behaviour, "
            f"attribute, metadata."
        )
    if file_type == "customers" and stored == "metadata":
        return "attribute"
    if file_type != "customers" and stored in ("attribute", "behaviour"):
        return "metadata"
    return stored


def _find_column(name: str, columns: list[str], what: str) -> str:
    name = name.strip()
    if name in columns:
        return name
    by_norm = {normalise_name(column): column for column in columns}
    found = by_norm.get(normalise_name(name))
    if found is None:
        raise UnreadableFileError(
            f"The mapping names column {name!r} for {what}, but the file has no such "
            f"column. Columns in the file: {_list_columns(columns)}."
        )
    return found


def _raise_problems(
    file_type: str, detection: Detection, columns: list[str], fmt: FileFormat | None
) -> None:
    for problem in detection.problems:
        if not problem.startswith("No "):
            raise UnreadableFileError(problem)
    for spec in FIELDS[file_type]:
        if spec.required and spec.name not in detection.mapping:
            _raise_missing(file_type, spec, columns, fmt)


def _raise_missing(
    file_type: str, spec: FieldSpec, columns: list[str], fmt: FileFormat | None
) -> None:
    what = "customer id" if spec.name == "customer_id" else spec.name.replace("_", " ")
    hint = _delimiter_hint(columns, fmt)
    raise UnreadableFileError(
        f"No {what} column found in this {file_type} file. Looked for: "
        f"{', '.join(spec.aliases[:8])}, … (in any spelling) Columns in the file: "
        f"{_list_columns(columns)}. {hint}Name the column explicitly with --map "
        f'{spec.name}=COLUMN ("map" in the API and upload form).'
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


def _list_columns(columns: list[str]) -> str:
    shown = ", ".join(repr(column) for column in columns[:20])
    return shown + (f" and {len(columns) - 20} more" if len(columns) > 20 else "")


def unsure_notes(plan: ColumnPlan) -> list[str]:
    """One note per field the detection was not sure of, saying how to set it for certain."""
    return [
        f"Unsure: column '{d.name}' was read as {d.field.replace('_', ' ')} ({d.reason}); "
        f"check it, or map it explicitly ({d.field}=COLUMN)."
        for d in plan.unsure_fields()
    ]
