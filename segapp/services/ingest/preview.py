"""What an import would do with a file, before it runs: one structured guess for every door.

`preview_import` reads the head of a file (the first 500 records), detects
every column's role with the same code the import runs (:mod:`.detect` via
`columns.detect_plan`), and returns an `ImportPreview` the upload page, the API
and the CLI can show: the roles with reasons, a few redacted sample values,
the first rows (redacted), how many rows each customer has, whether the file
looks like another type, and the problems that would stop the import.

The column picker offers :data:`ROLES`; what a person picks goes back as
``column:COLUMN=ROLE`` mapping keys (:func:`mapping_from_roles`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from nlp.redact import Redactor
from segapp.services.ingest.aggregate import several_rows_problem_from_sample
from segapp.services.ingest.cells import is_missing
from segapp.services.ingest.columns import COLUMN_KEY, detect_plan
from segapp.services.ingest.detect import Detection
from segapp.services.ingest.options import ImportOptions
from segapp.services.ingest.readers import RecordReader, UnreadableFileError, sniff_format

SAMPLE_RECORDS = 500
ROLES: tuple[str, ...] = (
    "customer_id", "text", "created_at", "rating", "amount", "event_type", "status", "kind",
    "channel", "behaviour", "sensitive", "drop", "consent", "opt_out", "metadata", "attribute",
)  # fmt: skip
"""The roles a column can be given (the picker's choices)."""
_SHOWN_ROLE = {"dropped": "drop", "ignored": "drop"}
_HIDDEN = "[not shown]"


@dataclass(frozen=True)
class ColumnGuess:
    """One column: its role, the canonical field it fills (or None), why, and sample values."""

    name: str
    role: str
    field: str | None
    reason: str
    samples: list[Any]
    confident: bool


@dataclass(frozen=True)
class ImportPreview:
    """The guess for one file: format, type, every column's role, first rows, problems."""

    file_format: str
    file_type: str
    suggested_type: str | None
    suggestion: str
    columns: list[ColumnGuess] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    rows_per_customer: float = 0.0
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (for the API and the upload page)."""
        return json.loads(json.dumps(asdict(self), default=str))


def preview_import(
    path: Path, *, file_type: str | None, options: ImportOptions, rows: int = 10
) -> ImportPreview:
    """Guess what importing `path` as `file_type` (None: the type it looks like) would do.

    Raises `UnreadableFileError` when the file cannot be read at all (empty,
    binary, malformed); a mapping naming an absent column, a missing required
    field or several rows per customer are listed in `problems` instead.
    """
    fmt = sniff_format(path, delimiter=options.delimiter)
    with RecordReader(path, fmt) as reader:
        columns = reader.columns
        samples = [r.values for r in islice(iter(reader), SAMPLE_RECORDS) if r.values is not None]
    problems: list[str] = []
    guessed = file_type is None
    if guessed:
        file_type = detect_plan("documents", columns, samples=samples).looks_like
    detection = _detect(file_type, columns, samples, options, problems)
    problems.extend(detection.problems)
    if file_type == "customers" and not options.aggregate:
        several = several_rows_problem_from_sample(detection, samples)
        if several:
            problems.append(several)
    suggested = None if guessed or detection.looks_like == file_type else detection.looks_like
    suggestion = detection.suggestion if suggested else ""
    if guessed:
        suggestion = f"Guessed: {file_type}. {detection.suggestion}".strip()
    redactor = _redactor()
    return ImportPreview(
        file_format=fmt.describe(),
        file_type=file_type,
        suggested_type=suggested,
        suggestion=suggestion,
        columns=_guesses(detection, samples, redactor),
        rows=[_shown_row(detection, record, redactor) for record in samples[:rows]],
        rows_per_customer=detection.rows_per_customer,
        problems=problems,
    )


def mapping_from_roles(roles: dict[str, str]) -> dict[str, str]:
    """Mapping keys for roles picked per column ({"Gender": "sensitive"} -> "column:Gender")."""
    unknown = sorted(set(roles.values()) - set(ROLES))
    if unknown:
        raise UnreadableFileError(f"Unknown role {unknown[0]!r}; roles are: {', '.join(ROLES)}.")
    return {f"{COLUMN_KEY}{column}": role for column, role in roles.items()}


def _detect(file_type, columns, samples, options: ImportOptions, problems: list[str]) -> Detection:
    try:
        return detect_plan(
            file_type, columns, explicit=options.mapping, sensitive=options.sensitive,
            samples=samples,
        )  # fmt: skip
    except UnreadableFileError as exc:
        problems.append(str(exc))
    try:
        return detect_plan(file_type, columns, sensitive=options.sensitive, samples=samples)
    except UnreadableFileError as exc:  # a listed sensitive column that is absent
        problems.append(str(exc))
        return detect_plan(file_type, columns, samples=samples)


_REDACTOR: Redactor | None = None


def _redactor() -> Redactor:
    global _REDACTOR
    if _REDACTOR is None:
        _REDACTOR = Redactor()
    return _REDACTOR


def _guesses(detection: Detection, samples: list[dict], redactor: Redactor) -> list[ColumnGuess]:
    guesses = []
    for decision in detection.decisions:
        shown: list[Any] = []
        for record in samples:
            value = record.get(decision.name)
            if is_missing(value):
                continue
            value = _shown_value(decision.role, value, redactor)
            if value not in shown:
                shown.append(value)
            if len(shown) == 3:
                break
        guesses.append(
            ColumnGuess(
                name=decision.name,
                role=_SHOWN_ROLE.get(decision.role, decision.role),
                field=decision.field,
                reason=decision.reason,
                samples=shown,
                confident=decision.confident,
            )
        )
    return guesses


def _shown_value(role: str, value: Any, redactor: Redactor) -> Any:
    """A value as the preview may show it: identifiers hidden, ids cut, text redacted."""
    if role in ("dropped", "ignored"):
        return _HIDDEN
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if role == "customer_id":
        text = str(value)
        return text[:3] + "…" if len(text) > 3 else text
    if isinstance(value, str):
        text = value if len(value) <= 300 else value[:300] + "…"
        return redactor.redact(text).text
    return value


def _shown_row(detection: Detection, record: dict[str, Any], redactor: Redactor) -> dict:
    roles = {d.name: d.role for d in detection.decisions}
    return {
        column: None if is_missing(value) else _shown_value(roles.get(column, ""), value, redactor)
        for column, value in record.items()
    }
