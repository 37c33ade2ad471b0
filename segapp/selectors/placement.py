"""How many customers a run holds, per segment: fitted, placed after the run, members now.

The one source of these figures for every page, export, API answer and
private release, so that none contradicts another:

- **fitted**: the customers the run fitted into the segment (its stored size;
  persona statistics, traits and topics describe them);
- **placed after**: customers who arrived later and were placed in it by the
  run's saved model (`services.segmentation.assign`);
- **members**: the rows member lists and exports hold now, i.e. fitted minus
  those withdrawn since (opted out or erased) plus those placed after.

Customers who arrived later but lack what the segments were fitted on are in
no segment: they wait for the next run (`waiting`, with the reason per customer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from segapp.models import (
    Customer,
    Membership,
    RunPopulations,
    RunStatus,
    Segment,
    SegmentationRun,
    UnplacedCustomer,
    UnplacedReason,
)

FITTED_LABEL = "customers the run was fitted on"
PLACED_AFTER_LABEL = "placed after the run by its model"
MEMBERS_LABEL = "members now (fitted, less any withdrawn since, plus placed after)"


@dataclass(frozen=True)
class SegmentCounts:
    """A segment's customers: fitted, placed after the run, withdrawn since, members now."""

    number: int
    fitted: int
    placed_after: int
    withdrawn: int

    @property
    def members(self) -> int:
        """Rows its member lists and exports hold now."""
        return self.fitted - self.withdrawn + self.placed_after

    def as_dict(self) -> dict[str, int]:
        """The figures as the API and templates show them."""
        return {
            "fitted": self.fitted,
            "placed_after": self.placed_after,
            "withdrawn": self.withdrawn,
            "members": self.members,
        }


@dataclass(frozen=True)
class RunPlacement:
    """A run's customers: fitted, placed after it (in segments or none), waiting for a new run."""

    fitted: int
    placed_after: int
    placed_after_outliers: int
    waiting: int
    waiting_by_reason: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form; each reason with its words."""
        labels = dict(UnplacedReason.choices)
        return {
            "fitted": self.fitted,
            "placed_after": self.placed_after,
            "placed_after_outliers": self.placed_after_outliers,
            "waiting": self.waiting,
            "waiting_reasons": [
                {"reason": reason, "customers": n, "text": labels.get(reason, reason)}
                for reason, n in sorted(self.waiting_by_reason.items())
            ],
        }


def segment_counts(
    run: SegmentationRun, segments: Iterable[Segment] | None = None
) -> dict[int, SegmentCounts]:
    """Every segment of the run by number with its counts (one query when the run's
    `segments` are given, two otherwise)."""
    current = (
        Membership.objects.filter(run=run, segment__isnull=False)
        .values("segment__number")
        .annotate(
            fitted=Count("id", filter=Q(assigned_after_fit=False)),
            after=Count("id", filter=Q(assigned_after_fit=True)),
        )
        .order_by()
    )
    now = {row["segment__number"]: row for row in current}
    counts = {}
    sizes = (
        [(s.number, s.size) for s in segments]
        if segments is not None
        else Segment.objects.filter(run=run).values_list("number", "size")
    )
    for number, size in sizes:
        row = now.get(number) or {"fitted": 0, "after": 0}
        counts[number] = SegmentCounts(
            number=number,
            fitted=size,
            placed_after=row["after"],
            withdrawn=max(0, size - row["fitted"]),
        )
    return counts


def counts_of(run: SegmentationRun, number: int) -> SegmentCounts | None:
    """One segment's counts (None when the run has no such segment), in one query."""
    row = (
        Segment.objects.filter(run=run, number=number)
        .annotate(
            fitted_now=Count("members", filter=Q(members__assigned_after_fit=False)),
            after=Count("members", filter=Q(members__assigned_after_fit=True)),
        )
        .values_list("size", "fitted_now", "after")
        .first()
    )
    if row is None:
        return None
    size, fitted_now, after = row
    return SegmentCounts(number, size, after, max(0, size - fitted_now))


def counts_of_segment(segment: Segment) -> SegmentCounts:
    """The counts of a segment already read (one query)."""
    now = Membership.objects.filter(segment=segment).aggregate(
        fitted=Count("id", filter=Q(assigned_after_fit=False)),
        after=Count("id", filter=Q(assigned_after_fit=True)),
    )
    return SegmentCounts(
        number=segment.number,
        fitted=segment.size,
        placed_after=now["after"] or 0,
        withdrawn=max(0, segment.size - (now["fitted"] or 0)),
    )


def with_counts(summary: dict[str, Any], counts: SegmentCounts | None) -> dict[str, Any]:
    """A persona summary with its `counts`; a segment listed as small (k-anonymity) gets none."""
    if not summary.get("small") and counts is not None:
        summary["counts"] = counts.as_dict()
    return summary


def with_count_headers(response, counts: SegmentCounts | None):
    """A member export's response carrying the segment's counts, each figure named."""
    if counts is not None:
        response["X-Segment-Fitted"] = str(counts.fitted)
        response["X-Segment-Placed-After"] = str(counts.placed_after)
        response["X-Segment-Members"] = str(counts.members)
    return response


def run_placement(run: SegmentationRun) -> RunPlacement:
    """The run's customers: fitted, placed after (and of those, in no segment), waiting."""
    rows = Membership.objects.filter(run=run).aggregate(
        fitted=Count("id", filter=Q(assigned_after_fit=False)),
        after=Count("id", filter=Q(assigned_after_fit=True)),
        after_outliers=Count("id", filter=Q(assigned_after_fit=True, segment__isnull=True)),
    )
    waiting = dict(
        _waiting(run)
        .values_list("reason")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("reason", "n")
    )
    return RunPlacement(
        fitted=run.n_customers,
        placed_after=rows["after"] or 0,
        placed_after_outliers=rows["after_outliers"] or 0,
        waiting=sum(waiting.values()),
        waiting_by_reason=waiting,
    )


def waiting_reason(run: SegmentationRun, customer: Customer) -> dict[str, Any] | None:
    """Why a customer is in none of the run's segments although it arrived after it, or None."""
    row = _waiting(run).filter(customer=customer).first()
    if row is None:
        return None
    return {
        "reason": row.reason,
        "text": row.get_reason_display(),
        "missing": list(row.missing or []),
        "checked_at": row.checked_at,
    }


def waiting_runs(customer: Customer) -> list[dict[str, Any]]:
    """Every successful run the customer arrived after but could not be placed in, newest first."""
    rows = (
        UnplacedCustomer.objects.filter(customer=customer, run__status=RunStatus.SUCCEEDED)
        .select_related("run")
        .order_by("-run__created_at", "-run_id")
    )
    return [
        {
            "run": row.run_id,
            "reason": row.reason,
            "text": row.get_reason_display(),
            "missing": list(row.missing or []),
            "checked_at": row.checked_at,
        }
        for row in rows
    ]


def run_populations(run: SegmentationRun) -> dict[str, Any] | None:
    """The populations report stored when the run began (None before, or for older runs)."""
    row = RunPopulations.objects.filter(run=run).first()
    return None if row is None else row.report


def _waiting(run: SegmentationRun):
    """Waiting customers who still consent (an opt-out since takes them out of every list)."""
    return UnplacedCustomer.objects.filter(run=run, customer__segmentation_consent=True)
