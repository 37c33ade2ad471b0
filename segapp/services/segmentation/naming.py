"""Persona names that stay recognisable across runs.

A segment that persists from one run to the next (mostly the same customers)
keeps the name people already know, even when its generated name would differ
slightly. Persistence is measured by the Jaccard overlap of the two segments'
customers; each earlier segment lends its name to at most one new segment.
"""

from __future__ import annotations

from collections import defaultdict

from segapp.models import Membership, RunStatus, Segment, SegmentationRun

MIN_OVERLAP = 0.5
_NAME_LENGTH = Segment._meta.get_field("name").max_length


def carry_names(run: SegmentationRun) -> int:
    """Rename ``run``'s segments after their continuing segment in the previous successful run.

    Records ``"continues": {"run", "segment", "overlap"}`` in each renamed
    segment's profile and keeps names unique within the run (a segment whose
    own name is now taken gets a numeral). Returns how many names were carried.
    """
    previous = (
        SegmentationRun.objects.filter(status=RunStatus.SUCCEEDED)
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-id")
        .first()
    )
    if previous is None:
        return 0
    segments = {s.number: s for s in Segment.objects.filter(run=run)}
    earlier = {s.number: s for s in Segment.objects.filter(run=previous)}
    matches = _matches(_members(run), _members(previous), segments, earlier)
    carried: dict[int, tuple[int, float]] = {}
    lent: set[int] = set()
    for overlap, number, old in matches:
        if number not in carried and old not in lent:
            carried[number], lent = (old, overlap), lent | {old}
    taken = {earlier[old].name for old, _ in carried.values()}
    for number in sorted(segments):
        segment = segments[number]
        if number in carried:
            old, overlap = carried[number]
            segment.name = earlier[old].name
            continues = {"run": previous.pk, "segment": old, "overlap": round(overlap, 4)}
            segment.profile = {**segment.profile, "continues": continues}
        else:
            segment.name = _unique(segment.name, taken)
            taken.add(segment.name)
        segment.profile = {**segment.profile, "name": segment.name}
    Segment.objects.bulk_update(list(segments.values()), ["name", "profile"])
    return len(carried)


def _members(run: SegmentationRun) -> dict[int, set[int]]:
    rows = Membership.objects.filter(run=run, segment__isnull=False).values_list(
        "segment__number", "customer_id"
    )
    members: dict[int, set[int]] = defaultdict(set)
    for number, customer in rows.iterator(chunk_size=5000):
        members[number].add(customer)
    return members


def _matches(current, previous, segments, earlier) -> list[tuple[float, int, int]]:
    """(overlap, new number, old number) of pairs overlapping enough, best first."""
    pairs = []
    for number, mine in current.items():
        if segments[number].profile.get("small"):
            continue
        for old, theirs in previous.items():
            if earlier[old].profile.get("small"):
                continue
            overlap = len(mine & theirs) / len(mine | theirs)
            if overlap >= MIN_OVERLAP:
                pairs.append((overlap, number, old))
    return sorted(pairs, key=lambda p: (-p[0], p[1], p[2]))


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name[: _NAME_LENGTH - 4]} {number}" in taken:
        number += 1
    return f"{name[: _NAME_LENGTH - 4]} {number}"
