"""Persona names that stay recognisable across runs.

A segment that persists from one run to the next keeps the name people
already know, even when its generated name would differ slightly.

Persistence is measured on the customers both runs saw, so that customers
arriving (or leaving) between the runs do not make a segment look new: of the
earlier segment's members still present, most went to the new segment
(``kept``), and of the new segment's members the earlier run already had, most
came from the earlier segment (``came_from``). Each earlier segment lends its
name to at most one new segment.
"""

from __future__ import annotations

from collections import defaultdict

from segapp.models import Membership, RunStatus, Segment, SegmentationRun

MIN_OVERLAP = 0.5
_NAME_LENGTH = Segment._meta.get_field("name").max_length


def carry_names(run: SegmentationRun) -> int:
    """Rename ``run``'s segments after their continuing segment in the previous successful run.

    Records ``"continues": {"run", "segment", "overlap", "kept", "came_from"}`` in each renamed
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
    current, before = _members(run), _members(previous)
    matches = _matches(current, before, _seen(run), _seen(previous), segments, earlier)
    carried: dict[int, tuple[int, dict[str, float]]] = {}
    lent: set[int] = set()
    for _, number, old, figures in matches:
        if number not in carried and old not in lent:
            carried[number], lent = (old, figures), lent | {old}
    taken = {earlier[old].name for old, _ in carried.values()}
    for number in sorted(segments):
        segment = segments[number]
        if number in carried:
            old, figures = carried[number]
            segment.name = earlier[old].name
            continues = {"run": previous.pk, "segment": old, **figures}
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


def _seen(run: SegmentationRun) -> set[int]:
    """Every customer the run placed or left out (members, outliers, late placements)."""
    return set(Membership.objects.filter(run=run).values_list("customer_id", flat=True))


def _matches(current, previous, seen_now, seen_before, segments, earlier):
    """(score, new number, old number, figures) of persisting pairs, best first.

    Only customers both runs saw count. A pair persists when more than
    MIN_OVERLAP of the earlier segment's remaining members went to the new
    one and more than MIN_OVERLAP of the new one's previously seen members came
    from the earlier one; ``overlap`` is the Jaccard index on those customers.
    """
    both = seen_now & seen_before
    pairs = []
    for number, mine in current.items():
        if segments[number].profile.get("small"):
            continue
        mine = mine & both
        for old, theirs in previous.items():
            if earlier[old].profile.get("small"):
                continue
            theirs = theirs & both
            shared = len(mine & theirs)
            if not shared:
                continue
            kept, came_from = shared / len(theirs), shared / len(mine)
            if kept > MIN_OVERLAP and came_from > MIN_OVERLAP:
                figures = {
                    "overlap": round(shared / len(mine | theirs), 4),
                    "kept": round(kept, 4),
                    "came_from": round(came_from, 4),
                }
                pairs.append((min(kept, came_from), number, old, figures))
    return sorted(pairs, key=lambda p: (-p[0], p[1], p[2]))


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name[: _NAME_LENGTH - 4]} {number}" in taken:
        number += 1
    return f"{name[: _NAME_LENGTH - 4]} {number}"
