"""How far a run has come and about how long it has left: for the run page, API and terminal.

A run reports its own progress as it goes (``SegmentationRun.stage_progress``:
the share of its texts embedded, the analysis stage it is in and how far that
stage is). Stages cost very different times, so the share of the whole run
weighs each stage by what it costs on the reference machine for this run's
numbers of texts and customers (``bench/results/pipeline.md``); only the
proportions matter. The time left is the run's own pace so far, carried over
the share still to do, and is given only once the run has done enough to
judge its pace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from segapp.models import SegmentationRun

EMBED = "embed"
ANALYSE = "analyse"

STAGE_LABELS = {
    EMBED: "embedding texts",
    "sentiment": "scoring sentiment",
    "topics": "finding topics",
    "features": "building features",
    "segments": "finding segments",
    "metrics": "measuring segments",
    "profiles": "profiling segments",
    "explain": "explaining segments",
}
"""Stages in the order a run passes them, in words."""

# Seconds on the 2-core reference machine per text or customer (24,874 texts and 6,500
# customers: embed 48 s; sentiment 15 s beside topics 15 s; segments 9 s; the rest ~5 s).
_PER_TEXT = {EMBED: 1 / 500, "sentiment": 0.0003, "topics": 0.0006}
_PER_CUSTOMER = {"features": 0.00003, "segments": 0.0014, "metrics": 0.00005, "explain": 0.0001}
_FIXED_SECONDS = {"profiles": 0.2, "explain": 1.0, "metrics": 0.2}
_MIN_SHARE_FOR_ESTIMATE = 0.03
_MIN_SECONDS_FOR_ESTIMATE = 3.0


@dataclass(frozen=True)
class RunProgress:
    """A run's progress: share done (0-1), stage in words, seconds left when known."""

    share: float
    stage: str
    seconds_left: int | None
    stages: list[tuple[str, str]] = field(default_factory=list)  # (label, done|running|waiting)

    @property
    def time_left(self) -> str:
        """ "about 2 min left", "under 10 s left", or "" while the pace is not known."""
        return time_left_words(self.seconds_left)


def run_progress(run: SegmentationRun) -> RunProgress:
    """Where an unfinished run stands; a finished one is at share 1 with nothing left."""
    stages = list(STAGE_LABELS)
    if run.is_finished:
        return RunProgress(1.0, "finished", 0, [(STAGE_LABELS[s], "done") for s in stages])
    progress = run.stage_progress or {}
    costs = _stage_costs(progress.get("to_embed", 0), run.n_documents, run.n_customers)
    current = EMBED if run.stage in ("", EMBED) else progress.get("current") or "sentiment"
    current = current if current in costs else "sentiment"
    fraction = (
        float(progress.get(EMBED, 0.0))
        if current == EMBED
        else float(progress.get("stage_fraction", 0.0))
    )
    index = stages.index(current)
    done_cost = sum(costs[s] for s in stages[:index]) + costs[current] * min(1.0, fraction)
    share = min(1.0, done_cost / sum(costs.values())) if sum(costs.values()) else 0.0
    states = [
        (STAGE_LABELS[s], "done" if i < index else "running" if i == index else "waiting")
        for i, s in enumerate(stages)
    ]
    if run.started_at is None:
        return RunProgress(0.0, "waiting for a worker", None, states)
    elapsed = (timezone.now() - run.started_at).total_seconds()
    left = None
    if share >= _MIN_SHARE_FOR_ESTIMATE and elapsed >= _MIN_SECONDS_FOR_ESTIMATE:
        left = int(round(elapsed * (1 - share) / share))
    return RunProgress(round(share, 3), STAGE_LABELS[current], left, states)


def time_left_words(seconds: int | None) -> str:
    """Seconds left in words, rounded the way a person would say them."""
    if seconds is None:
        return ""
    if seconds < 10:
        return "under 10 s left"
    if seconds < 90:
        return f"about {int(round(seconds, -1))} s left"
    return f"about {int(round(seconds / 60))} min left"


def _stage_costs(to_embed: int, n_texts: int, n_customers: int) -> dict[str, float]:
    costs = {EMBED: to_embed * _PER_TEXT[EMBED]}
    for stage in list(STAGE_LABELS)[1:]:
        costs[stage] = (
            n_texts * _PER_TEXT.get(stage, 0.0)
            + n_customers * _PER_CUSTOMER.get(stage, 0.0)
            + _FIXED_SECONDS.get(stage, 0.0)
        )
    return costs
