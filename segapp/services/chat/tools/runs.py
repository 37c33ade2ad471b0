"""The run-to-run tool: what changed between two successful runs."""

from __future__ import annotations

from typing import Any

from segapp.models import Membership, RunStatus, Segment, SegmentationRun, Topic
from segapp.selectors import personas
from segapp.selectors.topics import small_topic_numbers
from segapp.services.chat import figures
from segapp.services.chat.tools.base import ToolContext, ToolResult, fact, refused

CHANGES_SHOWN = 3
MIN_OVERLAP = 0.5  # Jaccard overlap from which a segment persists into the next run (as naming)


def run_change(
    ctx: ToolContext, against: str | int = "previous", run: int | None = None
) -> ToolResult:
    """What changed between two successful runs: segments that persist (with size changes),
    appear and vanish, and the biggest shifts in the topic mix."""
    current = ctx.run
    if run is not None:
        current = SegmentationRun.objects.filter(pk=int(run), status=RunStatus.SUCCEEDED).first()
        if current is None:
            return refused(f"There is no successful run {run}.", run=run)
    previous = _earlier_run(current, against)
    if previous is None:
        reason = (
            f"There is no successful run before run {current.pk} to compare with."
            if against == "previous"
            else f"There is no successful run {against}."
        )
        return refused(reason, run=current.pk, against=against)
    now, before = _reportable(current, ctx.k), _reportable(previous, ctx.k)
    pairs = _persisting(current, previous, now, before)
    persisted = [
        {"segment": n.number, "name": n.name, "previous_segment": o.number,
         "previous_size": o.size, "size": n.size, "change": n.size - o.size}
        for n, o in pairs
    ]  # fmt: skip
    kept_new, kept_old = {n.number for n, _ in pairs}, {o.number for _, o in pairs}
    appeared = [{"segment": s.number, "name": s.name, "size": s.size}
                for s in now if s.number not in kept_new]  # fmt: skip
    vanished = [{"segment": s.number, "name": s.name, "size": s.size}
                for s in before if s.number not in kept_old]  # fmt: skip
    shifts = _topic_shifts(current, previous)
    data = {
        "run": current.pk, "previous": previous.pk,
        "segments": len(now), "previous_segments": len(before),
        "customers": current.n_customers, "previous_customers": previous.n_customers,
        "persisted": persisted, "appeared": appeared, "vanished": vanished,
        "topic_shifts": shifts[:CHANGES_SHOWN],
    }  # fmt: skip
    facts = [
        fact(f"Segments (run {previous.pk} → run {current.pk})",
             f"{figures.count(len(before))} → {figures.count(len(now))}"),
        fact("Customers", f"{figures.count(previous.n_customers)} → "
                          f"{figures.count(current.n_customers)}"),
        fact("Segments that persist", figures.count(len(persisted))),
        fact("New segments", figures.count(len(appeared))),
        fact("Segments gone", figures.count(len(vanished))),
    ]  # fmt: skip
    for p in sorted(persisted, key=lambda p: -abs(p["change"]))[:CHANGES_SHOWN]:
        sizes = f"{figures.count(p['previous_size'])} → {figures.count(p['size'])}"
        facts.append(fact(f"{p['name']}: customers", sizes))
    for s in shifts[:CHANGES_SHOWN]:
        moved = f"{figures.share(s['before'])} → {figures.share(s['after'])}"
        facts.append(fact(f"Documents about {s['label']}", moved))
    return ToolResult(data=data, facts=facts)


def _earlier_run(current: SegmentationRun, against: str | int) -> SegmentationRun | None:
    succeeded = SegmentationRun.objects.filter(status=RunStatus.SUCCEEDED).exclude(pk=current.pk)
    if against in (None, "previous"):
        earlier = succeeded.filter(created_at__lte=current.created_at, pk__lt=current.pk)
        return earlier.order_by("-created_at", "-id").first()
    try:
        return succeeded.filter(pk=int(against)).first()
    except (TypeError, ValueError):
        return None


def _reportable(run: SegmentationRun, k: int) -> list[Segment]:
    return [
        s for s in Segment.objects.filter(run=run).order_by("number") if not personas.is_small(s, k)
    ]


def _persisting(
    current: SegmentationRun, previous: SegmentationRun, now: list[Segment], before: list[Segment]
) -> list[tuple[Segment, Segment]]:
    """(new, old) pairs: the run's recorded `continues`, else customers overlapping by
    Jaccard ≥ 0.5 (each old segment continues into at most one new one)."""
    old = {s.number: s for s in before}
    pairs: dict[int, tuple[Segment, Segment]] = {}
    for s in now:
        continues = (s.profile or {}).get("continues") or {}
        if continues.get("run") == previous.pk and continues.get("segment") in old:
            pairs[s.number] = (s, old[continues["segment"]])
    if pairs or not now or not before:
        return list(pairs.values())
    members_now, members_before = _members(current), _members(previous)
    candidates = []
    for s in now:
        for o in before:
            a, b = members_now.get(s.number, set()), members_before.get(o.number, set())
            overlap = len(a & b) / len(a | b) if a | b else 0.0
            if overlap >= MIN_OVERLAP:
                candidates.append((overlap, s, o))
    lent: set[int] = set()
    for _, s, o in sorted(candidates, key=lambda c: (-c[0], c[1].number, c[2].number)):
        if s.number not in pairs and o.number not in lent:
            pairs[s.number], lent = (s, o), lent | {o.number}
    return list(pairs.values())


def _members(run: SegmentationRun) -> dict[int, set[int]]:
    rows = Membership.objects.filter(run=run, segment__isnull=False).values_list(
        "segment__number", "customer_id"
    )
    found: dict[int, set[int]] = {}
    for number, customer in rows.iterator(chunk_size=5000):
        found.setdefault(number, set()).add(customer)
    return found


def _topic_shifts(current: SegmentationRun, previous: SegmentationRun) -> list[dict[str, Any]]:
    """Topics (matched by label) whose share of the documents moved most between the runs."""

    def shares(run: SegmentationRun) -> dict[str, float]:
        total = run.n_documents or 1
        found: dict[str, float] = {}
        small = small_topic_numbers(run)
        rows = Topic.objects.filter(run=run).values_list("number", "label", "size")
        for _, label, size in (r for r in rows if r[0] not in small):
            found[label] = found.get(label, 0.0) + size / total
        return found

    after, before = shares(current), shares(previous)
    shifts = [
        {"label": label, "before": round(before.get(label, 0.0), 4),
         "after": round(after.get(label, 0.0), 4),
         "change": round(after.get(label, 0.0) - before.get(label, 0.0), 4)}
        for label in sorted(set(after) | set(before))
    ]  # fmt: skip
    shifts = [s for s in shifts if s["change"] != 0]
    return sorted(shifts, key=lambda s: (-abs(s["change"]), s["label"]))
