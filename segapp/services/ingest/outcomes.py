"""What an order's status means for its customer's behaviour.

A status column (``Order Status``, ``Financial Status`` …) says whether an
event row was a purchase. Values are read as words, so ``Cancelled by
customer``, ``CANCELED`` and ``payment_failed`` are understood:

- **return**: refunded, returned, chargeback (also partly refunded) — counted
  as returns (`returns`, `return_amount`), never as spend;
- **cancelled**: cancelled, failed, declined, voided, rejected, abandoned,
  expired — no money changed hands: not a purchase and not a return;
- **pending**: pending, processing, on hold, awaiting payment, unpaid,
  unfulfilled — not (yet) a purchase: money was not collected, so counting it
  would overstate spend; a later export with the final status counts it then;
- **purchase**: completed, paid, delivered, shipped, fulfilled, settled …

A value none of these words name is treated as a purchase (the status gives
no reason to exclude it) and is counted under its own name on the job, so a
reader can see it. A negative amount is a refund whatever the status.
Precedence when a value names two outcomes: return, cancelled, pending, purchase.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from segapp.services.ingest.vocabulary import NEGATION_WORDS, fold, status_words

PURCHASE, RETURN, CANCELLED, PENDING, UNKNOWN = "purchase", "return", "cancelled", "pending", ""
OUTCOME_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    (RETURN, frozenset({"refunded", "refund", "returned", "return", "chargeback", "charged_back",
                        "reversed", "reimbursed", "rma"})),
    (CANCELLED, frozenset({"cancelled", "canceled", "cancel", "failed", "failure", "declined",
                           "voided", "void", "rejected", "abandoned", "expired", "denied", "error",
                           "fraud", "aborted", "unsuccessful"})),
    (PENDING, frozenset({"pending", "processing", "hold", "awaiting", "unpaid", "unfulfilled",
                         "authorized", "authorised", "open", "draft", "backordered", "placed",
                         "waiting", "queued", "created", "new", "initiated", "in_progress"})),
    (PURCHASE, frozenset({"completed", "complete", "paid", "delivered", "shipped", "fulfilled",
                          "settled", "success", "successful", "succeeded", "closed", "done",
                          "captured", "approved", "dispatched", "purchased", "confirmed",
                          "finished", "ok", "accepted", "sold", "collected", "received"})),
)  # fmt: skip
# The same outcomes in German, French, Spanish, Italian, Portuguese and Dutch (`vocabulary`).
OUTCOME_WORDS = tuple(
    (outcome, words | status_words().get(outcome, frozenset())) for outcome, words in OUTCOME_WORDS
)


def _words(value: str) -> set[str]:
    text = re.sub(r"[^a-z]+", " ", fold(str(value)).lower()).split()
    words = set(text)
    words |= {f"{a}_{b}" for a, b in zip(text, text[1:], strict=False)}
    return words


def classify_status(value: object) -> str:
    """The outcome a status value names: purchase, return, cancelled, pending, or "" (unknown)."""
    words = _words(str(value))
    if not words:
        return UNKNOWN
    negated = bool(words & NEGATION_WORDS)
    for outcome, vocabulary in OUTCOME_WORDS:
        if words & vocabulary:
            if negated and outcome == PURCHASE:
                return PENDING  # "not delivered", "not paid"
            return outcome
    return UNKNOWN


def status_coverage(values: Iterable[str]) -> tuple[float, bool]:
    """Share of distinct values that name a known outcome, and whether any is not a purchase."""
    values = list(values)
    if not values:
        return 0.0, False
    outcomes = [classify_status(value) for value in values]
    known = sum(1 for outcome in outcomes if outcome)
    return known / len(values), any(o in (RETURN, CANCELLED) for o in outcomes)


OUTCOME_LABELS = {
    PURCHASE: "purchase",
    RETURN: "return",
    CANCELLED: "not a purchase (cancelled or failed)",
    PENDING: "not a purchase yet (pending)",
    UNKNOWN: "not recognised: counted as a purchase",
}


@dataclass
class OutcomeTally:
    """What the statuses and amounts of an events file said, for the job and its notes."""

    statuses: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    negative_rows: int = 0
    negative_total: float = 0.0
    _outcome_of: dict[str, str] = field(default_factory=dict)

    def add(self, status: str, outcome: str, amount: float | None) -> None:
        """Count one valid event row."""
        negative = amount is not None and amount < 0
        if negative:
            self.negative_rows += 1
            self.negative_total += -amount
        if status:
            self.statuses[status] += 1
            self._outcome_of.setdefault(status, classify_status(status))
        if status or negative:
            self.outcomes[outcome or "unknown"] += 1

    def notes(self) -> list[str]:
        """Sentences saying what was counted how."""
        notes = []
        if self.statuses:
            shown = "; ".join(
                f"{status}: {count:,} ({OUTCOME_LABELS[self._outcome_of[status]]})"
                for status, count in self.statuses.most_common(12)
            )
            more = f"; and {len(self.statuses) - 12} more" if len(self.statuses) > 12 else ""
            notes.append(
                f"Rows per status — {shown}{more}. Only purchases count towards recency, "
                "frequency and spend; refunds and returns count as returns."
            )
        if self.negative_rows:
            notes.append(
                f"{self.negative_rows:,} rows with a negative amount (together "
                f"{self.negative_total:,.2f}) were read as refunds and counted as returns, "
                "not as spend."
            )
        return notes
