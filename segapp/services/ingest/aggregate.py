"""Customers files with several rows per customer: refuse them, or combine the rows on request.

A customers file holds one row per customer. When a customer appears on
several rows with different values, keeping the last row would silently throw
the others away, so by default the import is refused before anything is
written, with the numbers and what to do instead. Rows that repeat a
customer's earlier row exactly are plain duplicates and refuse nothing.

On request (`ImportOptions.aggregate`):

- ``"combine"``: one row per customer from all of their rows. Numeric columns
  whose names say they add up (totals, amounts, spend, revenue, quantities,
  counts, orders, visits, points) are **summed**; other numbers (unit prices,
  averages, rates, scores, ratings, ages) are **averaged**; yes/no columns and
  text/category columns take the **most frequent** value (ties: the later
  row); date columns take the **latest** date.
- ``"latest"``: each customer's latest row is kept whole, "latest" by the
  snapshot or extract date column when there is one (``EXTRACT_TS``,
  ``updated_at`` …, else the last date column), else by position in the file.

The job records the mode and the method used for every column.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from segapp.services.ingest import names
from segapp.services.ingest.cells import InvalidValue, is_missing, parse_datetime
from segapp.services.ingest.rows import CustomerRow

ADDITIVE = frozenset(
    {"total", "amount", "revenue", "spend", "spent", "paid", "sales", "gmv", "quantity", "count",
     "orders", "order", "number", "visits", "sessions", "purchases", "items", "units", "points",
     "transactions", "price", "value", "cost", "subtotal", "sum", "addon"}
)  # fmt: skip
AVERAGED = frozenset(
    {"unit", "each", "per", "average", "avg", "mean", "rate", "ratio", "share", "percent", "pct",
     "score", "rating", "stars", "age", "balance", "median", "days", "since", "tenure", "year"}
)  # fmt: skip
SNAPSHOT_WORDS = frozenset(
    {"extract", "extracted", "snapshot", "updated", "modified", "as", "loaded", "load", "export",
     "exported", "refreshed", "ts", "timestamp"}
)  # fmt: skip
MIN_DATE = datetime(1970, 1, 1, tzinfo=UTC)


def numeric_method(column: str, values_are_flags: bool) -> str:
    """How a numeric column combines: "sum", "mean" or "most frequent" (yes/no flags)."""
    if values_are_flags:
        return "most frequent"
    words = names.token_set(column)
    if words & AVERAGED:
        return "mean"
    return "sum" if words & ADDITIVE else "mean"


def snapshot_column(date_columns: list[str]) -> str | None:
    """The column that says when a row was taken: a snapshot/extract/update date, else the last."""
    if not date_columns:
        return None
    for column in date_columns:
        if names.token_set(column) & SNAPSHOT_WORDS:
            return column
    return date_columns[-1]


def _customer_key(external_id: str) -> bytes:
    return hashlib.blake2b(external_id.encode("utf-8", "surrogatepass"), digest_size=12).digest()


def _row_digest(row: CustomerRow) -> bytes:
    content = repr((sorted(row.behaviour.items()), sorted(map(repr, row.attributes.items())),
                    sorted(map(repr, row.sensitive.items())), row.consent))  # fmt: skip
    return hashlib.blake2b(content.encode("utf-8", "surrogatepass"), digest_size=12).digest()


@dataclass
class RowsPerCustomer:
    """Counts, over a whole customers file, of customers seen on several differing rows."""

    rows: int = 0
    _seen: dict[bytes, tuple[bytes, int, bool]] = field(default_factory=dict)

    def add(self, row: CustomerRow) -> None:
        """Count one valid row."""
        self.rows += 1
        key = _customer_key(row.external_id)
        digest = _row_digest(row)
        earlier = self._seen.get(key)
        if earlier is None:
            self._seen[key] = (digest, 1, False)
        else:
            self._seen[key] = (earlier[0], earlier[1] + 1, earlier[2] or digest != earlier[0])

    @property
    def customers(self) -> int:
        """Distinct customers."""
        return len(self._seen)

    @property
    def conflicting(self) -> int:
        """Customers with several rows that differ."""
        return sum(1 for _, _, differs in self._seen.values() if differs)


def several_rows_message(
    conflicting: int, rows: int, customers: int, *, looks_like_events: bool, snapshot: str | None
) -> str:
    """Why a customers file is refused, and the ways forward."""
    head = (
        f"{conflicting:,} customers appear on several rows with different values ({rows:,} rows "
        f"for {customers:,} customers); nothing was imported. "
    )
    if looks_like_events:
        return head + (
            "This looks like an orders/events file: import it with --type events, or pass "
            "--aggregate combine to combine each customer's rows (sums, means, most frequent "
            "values) or --aggregate latest to keep each customer's latest row."
        )
    by = f" (by {snapshot!r})" if snapshot else ""
    return head + (
        f"If the rows are snapshots of the same customers, pass --aggregate latest to keep each "
        f"customer's latest row{by}; to combine them (sums, means, most frequent values) pass "
        f"--aggregate combine; or remove the extra rows."
    )


def several_rows_problem_from_sample(detection: Any, samples: list[dict[str, Any]]) -> str:
    """The refusal the import would give, judged on the sampled rows ("" when none)."""
    id_column = detection.mapping.get("customer_id")
    if not id_column:
        return ""
    rows_by_id: dict[str, set[str]] = {}
    for record in samples:
        value = record.get(id_column)
        if is_missing(value):
            continue
        content = repr(sorted((k, repr(v)) for k, v in record.items()))
        rows_by_id.setdefault(str(value).strip(), set()).add(content)
    conflicting = sum(1 for contents in rows_by_id.values() if len(contents) > 1)
    if not conflicting:
        return ""
    dates = [d.name for d in detection.decisions if d.kind == "date" and d.role == "attribute"]
    return several_rows_message(
        conflicting, sum(1 for r in samples if not is_missing(r.get(id_column))), len(rows_by_id),
        looks_like_events=detection.looks_like == "events", snapshot=snapshot_column(dates),
    ).replace("; nothing was imported.", " in the first rows.")  # fmt: skip


@dataclass
class _Combined:
    """One customer's rows so far."""

    sums: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    categories: dict[tuple[str, str], Counter] = field(default_factory=dict)
    latest_dates: dict[tuple[str, str], tuple[datetime, Any]] = field(default_factory=dict)
    consent: bool | None = None
    latest_row: CustomerRow | None = None
    latest_at: tuple[datetime, int] | None = None
    rows: int = 0
    first_number: int = 0


class CustomerAggregator:
    """Combines the rows of a customers file into one row per customer (see the module doc)."""

    def __init__(
        self,
        mode: str,
        *,
        numeric_methods: dict[str, str],
        date_columns: Iterable[str],
        dayfirst: bool,
    ) -> None:
        self.mode = mode
        self.numeric_methods = dict(numeric_methods)
        self.date_columns = list(date_columns)
        self.snapshot = snapshot_column(self.date_columns)
        self.dayfirst = dayfirst
        self.now = datetime.now(tz=UTC)
        self._customers: dict[str, _Combined] = {}
        self.methods: dict[str, str] = {}

    def add(self, row: CustomerRow, position: int) -> None:
        """Take one valid row (position: its row number, for "latest" without dates)."""
        combined = self._customers.setdefault(row.external_id, _Combined(first_number=position))
        combined.rows += 1
        if row.consent is not None:
            combined.consent = row.consent
        if self.mode == "latest":
            moment = self._date(row.attributes.get(self.snapshot)) if self.snapshot else None
            key = (moment or MIN_DATE, position)
            if combined.latest_at is None or key >= combined.latest_at:
                combined.latest_at, combined.latest_row = key, row
            return
        for column, value in row.behaviour.items():
            combined.sums[column] = combined.sums.get(column, 0.0) + value
            combined.counts[column] = combined.counts.get(column, 0) + 1
            if self.numeric_methods.get(column) == "most frequent":
                self._count(combined, "behaviour", column, value)
        for place, values in (("attributes", row.attributes), ("sensitive", row.sensitive)):
            for column, value in values.items():
                if column in self.date_columns:
                    moment = self._date(value)
                    best = combined.latest_dates.get((place, column))
                    if moment is not None and (best is None or moment >= best[0]):
                        combined.latest_dates[(place, column)] = (moment, value)
                    continue
                self._count(combined, place, column, value)

    @property
    def rows_merged(self) -> int:
        """Rows folded into another row of the same customer."""
        return sum(c.rows - 1 for c in self._customers.values())

    def rows(self) -> list[tuple[int, CustomerRow]]:
        """(first row number, combined row), one per customer, in order of first appearance."""
        out = []
        for external_id, combined in self._customers.items():
            if self.mode == "latest":
                row = combined.latest_row
                row.consent = combined.consent
            else:
                row = self._combine(external_id, combined)
            out.append((combined.first_number, row))
        self.methods = self._describe()
        return out

    @property
    def customers(self) -> int:
        """Distinct customers seen."""
        return len(self._customers)

    def _describe(self) -> dict[str, str]:
        if self.mode == "latest":
            by = f"the latest row by {self.snapshot!r}" if self.snapshot else "the last row"
            return {"*": by}
        methods = dict(self.numeric_methods)
        for column in self.date_columns:
            methods[column] = "latest"
        for combined in self._customers.values():
            for place, column in combined.categories:
                methods.setdefault(column, _numeric_or_mode(place))
        return methods

    def _combine(self, external_id: str, combined: _Combined) -> CustomerRow:
        behaviour: dict[str, float] = {}
        for column, total in combined.sums.items():
            method = self.numeric_methods.get(column, "mean")
            if method == "sum":
                behaviour[column] = round(total, 6)
            elif method == "most frequent":
                behaviour[column] = _most_frequent(combined.categories[("behaviour", column)])
            else:
                behaviour[column] = round(total / combined.counts[column], 6)
        attributes: dict[str, Any] = {}
        sensitive: dict[str, Any] = {}
        for (place, column), counter in combined.categories.items():
            if place == "behaviour":
                continue
            target = sensitive if place == "sensitive" else attributes
            target[column] = (
                _sensitive_value(counter) if place == "sensitive" else (_most_frequent(counter))
            )
        for (place, column), (_, value) in combined.latest_dates.items():
            (sensitive if place == "sensitive" else attributes)[column] = value
        return CustomerRow(
            external_id=external_id,
            behaviour=behaviour,
            attributes=attributes,
            sensitive=sensitive,
            consent=combined.consent,
        )

    def _count(self, combined: _Combined, place: str, column: str, value: Any) -> None:
        counter = combined.categories.setdefault((place, column), Counter())
        key = _hashable(value)
        counter[key] += 1
        _touch(counter, key)

    def _date(self, value: Any) -> datetime | None:
        if is_missing(value):
            return None
        try:
            return parse_datetime(value, dayfirst=self.dayfirst, now=self.now)
        except InvalidValue:
            return None


def _touch(counter: Counter, key: Any) -> None:
    """Move `key` last so that ties go to the later row (dicts keep insertion order)."""
    counter[key] = counter.pop(key)


def _hashable(value: Any) -> Any:
    return repr(value) if isinstance(value, dict | list) else value


def _most_frequent(counter: Counter) -> Any:
    best = max(counter.values())
    return [value for value, count in counter.items() if count == best][-1]


def _sensitive_value(counter: Counter) -> Any:
    """Sensitive numbers (an age) are averaged; categories take the most frequent value."""
    numbers = []
    for value, count in counter.items():
        try:
            numbers.extend([float(str(value).strip())] * count)
        except ValueError:
            return _most_frequent(counter)
    mean = sum(numbers) / len(numbers)
    return str(int(mean)) if float(mean).is_integer() else str(round(mean, 1))


def _numeric_or_mode(place: str) -> str:
    return "mean if numeric, else most frequent" if place == "sensitive" else "most frequent"


def count_rows_per_customer(records: Iterable[Any], validator: Any) -> RowsPerCustomer:
    """Read a whole customers file once and count customers on several differing rows."""
    counts = RowsPerCustomer()
    for record in records:
        if record.values is None:
            continue
        row, _ = validator.validate(record.values)
        if row is not None:
            counts.add(row)
    return counts


def aggregator_for(mode: str, validator: Any, plan: Any, *, dayfirst: bool) -> CustomerAggregator:
    """The aggregator for a customers file whose columns have been read once (`validator`)."""
    numeric = [c for c, role in validator.attribute_roles().items() if role == "behaviour"]
    methods = {c: numeric_method(c, plan.kind_of(c) == "boolean") for c in numeric}
    dates = [
        d.name for d in plan.decisions if d.kind == "date" and d.role in ("attribute", "sensitive")
    ]
    return CustomerAggregator(mode, numeric_methods=methods, date_columns=dates, dayfirst=dayfirst)


def aggregation_note(aggregator: CustomerAggregator) -> str:
    """What combining did, in one sentence for the job."""
    if aggregator.mode == "latest":
        how = aggregator.methods.get("*", "the last row")
        return (
            f"{aggregator.rows_merged:,} rows were set aside for {aggregator.customers:,} "
            f"customers: each customer's values come from {how} (--aggregate latest)."
        )
    by_method: dict[str, list[str]] = {}
    for column, method in aggregator.methods.items():
        by_method.setdefault(method, []).append(column)
    how = "; ".join(f"{method}: {', '.join(columns)}" for method, columns in by_method.items())
    return (
        f"{aggregator.rows_merged:,} rows were combined into the rows of "
        f"{aggregator.customers:,} customers (--aggregate combine) — {how}."
    )
