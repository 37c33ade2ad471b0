"""The segment map: customers' 2-D positions grouped by segment, ready for a scatter plot.

The positions come from the run (`Membership.x`, `.y`); customers placed after
the fit by the saved model have none and are left out. The points are read in
one query; beyond `max_points` they are thinned deterministically (every n-th
customer in id order), so the same run always draws the same picture. A point
carries no customer id: the map shows where groups lie, not who is where.
Segments smaller than k (`VOXSEG_MIN_GROUP_SIZE`) are drawn as "small segment"
without a name or a link, like everywhere else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from segapp.models import Membership, Segment, SegmentationRun
from segapp.selectors.personas import is_small, min_group_size, small_segment_name

# Most points a map draws; bigger runs are thinned to about this many.
MAX_MAP_POINTS = 5000


@dataclass(frozen=True)
class MapGroup:
    """The points of one segment (or of the outliers) on the map.

    `number` is None for outliers. `small` segments (fewer than k customers)
    keep their points but lose their name and link.
    """

    number: int | None
    name: str
    small: bool
    outlier: bool
    x: tuple[float, ...]
    y: tuple[float, ...]

    @property
    def shown(self) -> int:
        """How many of the group's customers the map draws."""
        return len(self.x)


@dataclass(frozen=True)
class SegmentMap:
    """Every group's points; `shown` of `total` mapped customers (every `step`-th when thinned)."""

    groups: tuple[MapGroup, ...]
    total: int
    shown: int
    step: int

    @property
    def thinned(self) -> bool:
        """Whether only a sample of the customers is drawn."""
        return self.step > 1


def segment_map(run: SegmentationRun, *, max_points: int | None = None) -> SegmentMap:
    """A run's customers by segment, thinned to about `max_points` (MAX_MAP_POINTS; 2 queries)."""
    max_points = MAX_MAP_POINTS if max_points is None else max_points
    k = min_group_size()
    segments = {
        s.pk: (s.number, s.name, is_small(s, k))
        for s in Segment.objects.filter(run=run).only("id", "number", "name", "size", "profile")
    }
    rows = list(
        Membership.objects.filter(run=run, assigned_after_fit=False)
        .order_by("id")
        .values_list("x", "y", "segment_id")
    )
    total = len(rows)
    step = max(1, math.ceil(total / max_points)) if max_points > 0 else 1
    points: dict[int | None, tuple[list[float], list[float]]] = {}
    for x, y, segment_id in rows[::step]:
        xs, ys = points.setdefault(segment_id if segment_id in segments else None, ([], []))
        xs.append(round(x, 3))
        ys.append(round(y, 3))
    groups = []
    for segment_id, (xs, ys) in points.items():
        if segment_id is None:
            groups.append(MapGroup(None, "Outliers", False, True, tuple(xs), tuple(ys)))
            continue
        number, name, small = segments[segment_id]
        label = small_segment_name(k) if small else name
        groups.append(MapGroup(number, label, small, False, tuple(xs), tuple(ys)))
    groups.sort(key=lambda g: (g.outlier, g.small, g.number if g.number is not None else 0))
    return SegmentMap(
        groups=tuple(groups), total=total, shown=sum(g.shown for g in groups), step=step
    )
