"""Turning a file record into a typed row, or saying exactly what is wrong with it.

Pure Python: no database. Single cells are read by :mod:`.cells` (its
readers are importable from here too). Messages name the column and the problem
("rating: 'five' is not a number"); they may quote a value, so the service
redacts them before storing, and they never quote a customer id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from segapp.services.ingest.cells import (
    InvalidValue,
    as_behaviour_number,
    clip_text,
    is_missing,
    parse_consent,
    parse_datetime,
    parse_number,
    plain_value,
    quoted,
)
from segapp.services.ingest.outcomes import RETURN, classify_status
from segapp.services.ingest.questions import answer_of
from segapp.services.pseudonyms import normalise_external_id

if TYPE_CHECKING:
    from segapp.services.ingest.columns import ColumnPlan

__all__ = [
    "KINDS",
    "CustomerRow",
    "DocumentRow",
    "EventRow",
    "InvalidValue",
    "Row",
    "RowIssue",
    "RowValidator",
    "as_behaviour_number",
    "clip_text",
    "is_missing",
    "parse_consent",
    "parse_datetime",
    "parse_number",
    "plain_value",
]

KIND_ALIASES = {
    "review": ("review", "reviews", "product_review", "rating", "ratings", "app_review"),
    "survey": (
        "survey", "surveys", "survey_response", "survey_answer", "nps", "csat", "questionnaire",
        "feedback_form", "poll",
    ),
    "social": (
        "social", "social_post", "social_media", "post", "posts", "tweet", "twitter", "x",
        "instagram", "facebook", "tiktok", "reddit", "mention",
    ),
}  # fmt: skip
KINDS = {alias: kind for kind, aliases in KIND_ALIASES.items() for alias in aliases}
MAX_ID_CHARS = 256
MAX_RATING = 10.0


@dataclass(frozen=True)
class RowIssue:
    """Something wrong with one value of a row; errors reject the row, warnings don't."""

    column: str
    reason: str
    severity: str = "error"


@dataclass
class DocumentRow:
    """A valid document row, text not yet redacted."""

    external_id: str
    text: str
    kind: str
    channel: str
    created_at: datetime | None
    rating: float | None
    original_length: int
    truncated: bool
    metadata: dict[str, Any] = field(default_factory=dict)
    sensitive: dict[str, Any] = field(default_factory=dict)
    consent: bool | None = None  # the row's segmentation consent; None: not stated


@dataclass
class CustomerRow:
    """A valid customer row: numeric behaviour, other attributes, sensitive columns."""

    external_id: str
    behaviour: dict[str, float]
    attributes: dict[str, Any]
    sensitive: dict[str, Any]
    consent: bool | None = None


@dataclass
class EventRow:
    """A valid event row."""

    external_id: str
    created_at: datetime
    amount: float | None
    event_type: str
    status: str = ""  # the status as written (trimmed), "" without a status column
    outcome: str = ""  # purchase | return | cancelled | pending | "" (see `outcomes`)
    metadata: dict[str, Any] = field(default_factory=dict)
    sensitive: dict[str, Any] = field(default_factory=dict)
    consent: bool | None = None


Row = DocumentRow | CustomerRow | EventRow


class RowValidator:
    """Validates the records of one file against its column plan."""

    def __init__(
        self,
        file_type: str,
        plan: ColumnPlan,
        *,
        max_text_chars: int,
        default_kind: str = "review",
        dayfirst: bool = False,
        now: datetime | None = None,
    ) -> None:
        self.file_type = file_type
        self.plan = plan
        self.max_text_chars = max_text_chars
        self.default_kind = default_kind
        self.dayfirst = dayfirst
        self.now = now or datetime.now(tz=UTC)
        self._metadata_columns = plan.columns_with_role("metadata")
        self._sensitive_columns = plan.columns_with_role("sensitive")
        self._consent_inverted = plan.consent_inverted
        self._numeric_attribute: dict[str, bool] = {
            column: role == "behaviour"
            for column, role in plan.roles.items()
            if role == "behaviour"
            or (role == "attribute" and plan.kind_of(column) not in ("", "empty"))
        }
        self._attribute_columns = [
            column for column, role in plan.roles.items() if role in ("attribute", "behaviour")
        ]

    def attribute_roles(self) -> dict[str, str]:
        """For customer attribute columns seen so far: "behaviour" (numeric) or "attribute"."""
        return {
            column: "behaviour" if numeric else "attribute"
            for column, numeric in self._numeric_attribute.items()
        }

    def validate(self, values: dict[str, Any]) -> tuple[Row | None, list[RowIssue]]:
        """Return the typed row (None when rejected) and the issues found."""
        issues: list[RowIssue] = []
        external_id = self._external_id(values, issues)
        if self.file_type == "documents":
            row: Row | None = self._document(values, external_id, issues)
        elif self.file_type == "customers":
            row = self._customer(values, external_id, issues)
        else:
            row = self._event(values, external_id, issues)
        consent = self._consent(values, issues)
        if row is None or any(issue.severity == "error" for issue in issues):
            return None, issues
        row.consent = consent
        return row, issues

    def _value(self, values: dict[str, Any], field_name: str) -> Any:
        column = self.plan.mapping.get(field_name)
        return None if column is None else values.get(column)

    def _column(self, field_name: str) -> str:
        return self.plan.mapping.get(field_name, field_name)

    def _external_id(self, values: dict[str, Any], issues: list[RowIssue]) -> str:
        raw = self._value(values, "customer_id")
        if is_missing(raw) or isinstance(raw, dict | list):
            issues.append(RowIssue(self._column("customer_id"), "the customer id is empty"))
            return ""
        external_id = normalise_external_id(raw)
        if len(external_id) > MAX_ID_CHARS:
            issues.append(
                RowIssue(
                    self._column("customer_id"),
                    f"the customer id is longer than {MAX_ID_CHARS} characters",
                )
            )
        return external_id

    def _document(
        self, values: dict[str, Any], external_id: str, issues: list[RowIssue]
    ) -> DocumentRow | None:
        text, original_length, truncated = self._text(values, issues)
        kind = self._kind(values, issues)
        channel = self._value(values, "channel")
        channel = "" if is_missing(channel) else str(channel).strip()[:64]
        created_at = self._optional_datetime(values, "created_at", issues)
        rating = self._rating(values, issues)
        metadata = self._extras(values, self._metadata_columns)
        if text is not None:
            text = self._answer(text, metadata, issues)
        if text is None or kind is None:
            return None
        return DocumentRow(
            external_id=external_id,
            text=text,
            kind=kind,
            channel=channel,
            created_at=created_at,
            rating=rating,
            original_length=original_length,
            truncated=truncated,
            metadata=metadata,
            sensitive=self._extras(values, self._sensitive_columns),
        )

    def _answer(self, text: str, metadata: dict[str, Any], issues: list[RowIssue]) -> str | None:
        """The text without its survey prompt (see :mod:`questions`)."""
        answer, problem = answer_of(text, metadata)
        if answer is None:
            issues.append(RowIssue(self._column("text"), problem))
        return answer

    def _consent(self, values: dict[str, Any], issues: list[RowIssue]) -> bool | None:
        raw = self._value(values, "consent")
        if is_missing(raw):
            return None
        try:
            return parse_consent(raw, inverted=self._consent_inverted)
        except InvalidValue as exc:
            issues.append(RowIssue(self._column("consent"), str(exc)))
            return None

    def _text(self, values: dict[str, Any], issues: list[RowIssue]) -> tuple[str | None, int, bool]:
        column = self._column("text")
        text, length, truncated, problem = clip_text(
            self._value(values, "text"), self.max_text_chars
        )
        if text is None:
            issues.append(RowIssue(column, problem))
        elif truncated:
            issues.append(
                RowIssue(
                    column,
                    f"the text is {length:,} characters long; kept the first "
                    f"{self.max_text_chars:,} (the limit)",
                    "warning",
                )
            )
        return text, length, truncated

    def _kind(self, values: dict[str, Any], issues: list[RowIssue]) -> str | None:
        raw = self._value(values, "kind")
        if is_missing(raw):
            return self.default_kind
        kind = KINDS.get(re.sub(r"[^a-z]+", "_", str(raw).strip().lower()).strip("_"))
        if kind is None:
            issues.append(
                RowIssue(
                    self._column("kind"),
                    f"unknown kind {quoted(raw)}; expected review, survey or social",
                )
            )
        return kind

    def _optional_datetime(
        self, values: dict[str, Any], field_name: str, issues: list[RowIssue]
    ) -> datetime | None:
        raw = self._value(values, field_name)
        if is_missing(raw):
            return None
        try:
            return parse_datetime(raw, dayfirst=self.dayfirst, now=self.now)
        except InvalidValue as exc:
            issues.append(RowIssue(self._column(field_name), f"bad date: {exc}"))
            return None

    def _rating(self, values: dict[str, Any], issues: list[RowIssue]) -> float | None:
        raw = self._value(values, "rating")
        if is_missing(raw):
            return None
        text = str(raw).strip().lower()
        text = re.sub(r"\s*(/\s*(5|10)|stars?|out of (5|10))\s*$", "", text)
        try:
            rating = parse_number(text if isinstance(raw, str) else raw)
        except InvalidValue:
            issues.append(RowIssue(self._column("rating"), f"rating {quoted(raw)} is not a number"))
            return None
        if not 0 <= rating <= MAX_RATING:
            issues.append(
                RowIssue(
                    self._column("rating"), f"rating {rating:g} is outside 0 to {MAX_RATING:g}"
                )
            )
            return None
        return rating

    def _customer(
        self, values: dict[str, Any], external_id: str, issues: list[RowIssue]
    ) -> CustomerRow:
        behaviour: dict[str, float] = {}
        attributes: dict[str, Any] = {}
        for column in self._attribute_columns:
            raw = values.get(column)
            if is_missing(raw):
                continue
            number = as_behaviour_number(raw)
            numeric = self._numeric_attribute.setdefault(column, number is not None)
            if numeric and number is not None:
                behaviour[column] = number
            elif numeric:
                issues.append(
                    RowIssue(column, f"{quoted(raw)} is not a number; left empty", "warning")
                )
            else:
                attributes[column] = plain_value(raw)
        return CustomerRow(
            external_id=external_id,
            behaviour=behaviour,
            attributes=attributes,
            sensitive=self._extras(values, self._sensitive_columns),
        )

    def _event(
        self, values: dict[str, Any], external_id: str, issues: list[RowIssue]
    ) -> EventRow | None:
        created_at = self._optional_datetime(values, "created_at", issues)
        if created_at is None and not any(i.column == self._column("created_at") for i in issues):
            issues.append(RowIssue(self._column("created_at"), "the date is empty"))
        amount = None
        raw_amount = self._value(values, "amount")
        if not is_missing(raw_amount):
            try:
                amount = parse_number(raw_amount)
            except InvalidValue as exc:
                issues.append(RowIssue(self._column("amount"), f"amount: {exc}"))
        raw_type = self._value(values, "event_type")
        event_type = "purchase" if is_missing(raw_type) else str(raw_type).strip().lower()[:64]
        status, outcome = self._status(values)
        if amount is not None and amount < 0:
            outcome = RETURN  # a negative amount is a refund, whatever the status says
        if created_at is None:
            return None
        return EventRow(
            external_id=external_id,
            created_at=created_at,
            amount=amount,
            event_type=event_type,
            status=status,
            outcome=outcome,
            metadata=self._extras(values, self._metadata_columns),
            sensitive=self._extras(values, self._sensitive_columns),
        )

    def _status(self, values: dict[str, Any]) -> tuple[str, str]:
        """The row's status as written and the outcome it names ("" when there is none)."""
        raw = self._value(values, "status")
        if is_missing(raw) or isinstance(raw, dict | list):
            return "", ""
        status = " ".join(str(raw).split())[:64]
        return status, classify_status(status)

    @staticmethod
    def _extras(values: dict[str, Any], columns: list[str]) -> dict[str, Any]:
        return {
            column: plain_value(values[column])
            for column in columns
            if not is_missing(values.get(column))
        }
