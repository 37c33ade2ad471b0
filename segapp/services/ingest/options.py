"""What the person importing asked for, beyond the file itself (shared by every door)."""

from __future__ import annotations

from dataclasses import dataclass, field

AGGREGATE_MODES = ("combine", "latest")


class ImportRequestError(ValueError):
    """The import request itself is invalid (unknown type, bad option); message for users."""


@dataclass(frozen=True)
class ImportOptions:
    """Options of one import.

    `mapping` keys are documented in :mod:`segapp.services.ingest.columns`
    (``FIELD=COLUMN``, ``ROLE=COLUMN[,COLUMN…]``, ``column:COLUMN=ROLE``).
    `aggregate` says what to do with a customers file that has several rows
    per customer: None refuses the file (the default), ``"combine"`` combines
    each customer's rows (:mod:`.aggregate`), ``"latest"`` keeps each
    customer's latest row.
    """

    mapping: dict[str, str] = field(default_factory=dict)
    sensitive: tuple[str, ...] = ()
    default_kind: str = "review"
    delimiter: str | None = None
    dayfirst: bool | None = None
    consent: bool | None = None
    aggregate: str | None = None

    def as_json(self) -> dict:
        """JSON-safe form stored on the job."""
        return {
            "mapping": self.mapping,
            "sensitive": list(self.sensitive),
            "default_kind": self.default_kind,
            "delimiter": self.delimiter,
            "dayfirst": self.dayfirst,
            "consent": self.consent,
            "aggregate": self.aggregate,
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportOptions:
        """Inverse of `as_json`."""
        return cls(
            mapping=dict(data.get("mapping") or {}),
            sensitive=tuple(data.get("sensitive") or ()),
            default_kind=data.get("default_kind") or "review",
            delimiter=data.get("delimiter"),
            dayfirst=data.get("dayfirst"),
            consent=data.get("consent"),
            aggregate=data.get("aggregate"),
        )
