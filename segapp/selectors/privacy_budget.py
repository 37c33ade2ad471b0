"""Reading the differential-privacy budget: totals, what was spent, the latest releases.

For the privacy centre's budget card and the budget API. Read-only: a budget
that was never used is reported with the configured totals and nothing spent,
without creating its row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from segapp.models import PrivacyBudget, PrivacyRelease

DATASET = "customers"  # the one dataset every run releases facts about (segapp.services.dp)
LAST_RELEASES = 5
OWN_CHANNELS = ("api", "token")  # releases a user asked for themselves (not the CLI's)
COMPOSITION = "basic sequential composition: the epsilons and deltas of all releases add up"


def budget_status(
    dataset: str = DATASET, *, last: int = LAST_RELEASES, requested_by: str | None = None
) -> dict[str, Any]:
    """The budget of `dataset`: totals, spent, remaining, the number of releases and the
    `last` latest releases (newest first), in two queries plus one for the count.

    `requested_by` (a username) limits the releases counted and listed to those
    that user asked for through the API or a policy token; None lists everyone's
    (for admins and privacy officers). Totals and spending are the dataset's.
    """
    budget = PrivacyBudget.objects.filter(dataset=dataset).first()
    if budget is None:
        totals = (float(settings.VOXSEG_DP_EPSILON_BUDGET), float(settings.VOXSEG_DP_DELTA_BUDGET))
        spent, releases, updated_at = (0.0, 0.0), PrivacyRelease.objects.none(), None
    else:
        totals = (budget.epsilon_total, budget.delta_total)
        spent = (budget.epsilon_spent, budget.delta_spent)
        releases, updated_at = PrivacyRelease.objects.filter(budget=budget), budget.updated_at
        if requested_by is not None:
            releases = releases.filter(requested_by=requested_by, channel__in=OWN_CHANNELS)
    latest = releases.order_by("-created_at", "-id").values(
        "id", "run_id", "epsilon", "delta", "seed", "requested_by", "channel", "created_at"
    )[:last]
    return {
        "dataset": dataset,
        "epsilon_total": totals[0],
        "epsilon_spent": spent[0],
        "epsilon_remaining": _left(totals[0], spent[0]),
        "delta_total": totals[1],
        "delta_spent": spent[1],
        "delta_remaining": _left(totals[1], spent[1]),
        "epsilon_used_share": round(min(1.0, spent[0] / totals[0]), 4) if totals[0] else 1.0,
        "releases": releases.count(),
        "last_releases": [
            {
                "release": row["id"],
                "run": row["run_id"],
                "epsilon": row["epsilon"],
                "delta": row["delta"],
                "seeded": row["seed"] is not None,
                "requested_by": row["requested_by"],
                "channel": row["channel"],
                "created_at": row["created_at"],
            }
            for row in latest
        ],
        "composition": COMPOSITION,
        "updated_at": updated_at,
    }


def _left(total: float, spent: float) -> float:
    return max(0.0, float(f"{total - spent:.15g}"))
