"""Thresholds that cannot be differenced: population bands and per-question band grids.

Exact counts over arbitrary thresholds let anyone single a customer out: "spent
over 3005.12?" 33, "over 3005.14?" 32, and the same pair with "in london" tells
where the one customer at 3005.13 lives. For roles without customer-level access
the chat therefore counts against a coarse grid instead of the number asked:

1. The **population grid** of a measure: its 5%-quantiles over the run's members,
   rounded to figures of two significant digits (a customer's exact value is never
   shown) and merged until every band between adjacent points holds at least
   max(k, 5% of the members) customers (:func:`population_grid`).
2. The **grid of one question** keeps only those population points at which no
   group the question could be differenced against is split into a band of 1 to
   k-1 customers (:func:`question_grid`). The groups are the cells of every
   partition a difference can reach: for each condition of the question, the
   members meeting the other conditions split by that condition's column (every
   value of a category, in and out of a numeric range). Cells that cannot be
   split into two bands of k are pooled, with the members whose value is
   missing, into one remainder (:func:`pool_cells`); a question whose own cell
   is pooled gets no threshold at all. For the segment asked about only its own
   cell and that remainder (outliers, segments below 2k) are kept whole: these
   roles cannot see anyone's segment, and requiring every segment to be cut at
   the same points would leave no threshold for any segment.
3. The threshold asked for snaps to the nearest point of that grid
   (:func:`snap`), so two answers about one group differ by whole bands of at
   least k customers, and a category group's remainder (what is left after
   subtracting its siblings) changes by at least k or not at all.

Everything here is plain Python over lists of numbers; which members and groups
a question reaches is decided by `services.chat.counts`.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

BAND_SHARE = 0.05  # population bands hold at least this share of the members (and k)
QUANTILES = tuple(i / 20 for i in range(1, 20))  # the 5% quantiles


def nice(value: float) -> float:
    """`value` to two significant digits, as the chat writes it (below 10: two decimals).

    Grid points are written in answers, so they are never a customer's own value.
    """
    if value == 0 or not math.isfinite(value):
        return float(value)
    digits = 1 - int(math.floor(math.log10(abs(value))))
    rounded = round(value, digits)
    return round(rounded, 2) if abs(rounded) < 10 else float(rounded)


def band_size(members: int, k: int, *, share: float = BAND_SHARE) -> int:
    """The fewest customers a population band may hold: max(k, share of the members)."""
    return max(int(k), math.ceil(share * members))


def _below(ordered: Sequence[float], point: float) -> int:
    return bisect_left(ordered, point)


def population_grid(values: Sequence[float], *, k: int, share: float = BAND_SHARE) -> list[float]:
    """Interior grid points of a measure over the run's members, ascending.

    The 5%-quantiles, rounded by :func:`nice`, kept from the bottom up only where
    the band since the last kept point and everything above hold at least
    :func:`band_size` members each. Bands are [point, next point).
    """
    ordered = sorted(float(v) for v in values)
    if not ordered:
        return []
    least = band_size(len(ordered), k, share=share)
    candidates = sorted({nice(ordered[min(len(ordered) - 1, int(q * len(ordered)))])
                         for q in QUANTILES})  # fmt: skip
    kept: list[float] = []
    last = 0
    for point in candidates:
        below = _below(ordered, point)
        if below - last >= least and len(ordered) - below >= least:
            kept.append(point)
            last = below
    return kept


def pool_cells(
    cells: Mapping[Hashable, Sequence[float]], own: Hashable, *, k: int, siblings: bool = True
) -> tuple[list[list[float]], bool]:
    """The groups a partition contributes, and whether the question's own cell was pooled.

    `cells` maps each key of the partition (a category value, a segment, in/out
    of a range; None for a missing value) to its members' values of the measure
    being thresholded. Cells of fewer than 2k members cannot be split into two
    bands of k, so they are pooled with the missing values into one remainder;
    while that remainder holds 1 to k-1 members the smallest other cell joins it.
    Every returned group must be cut into bands of 0 or at least k members.
    With `siblings` off only the own cell and the remainder are returned (for a
    partition whose members' keys the asker cannot know, such as segments).
    """
    sizes = {key: len(values) for key, values in cells.items()}
    pooled = {key for key, n in sizes.items() if key is None or n < 2 * k}
    rest = sorted(
        (key for key in sizes if key not in pooled), key=lambda key: (sizes[key], str(key))
    )
    while 0 < sum(sizes[key] for key in pooled) < k and rest:
        pooled.add(rest.pop(0))
    groups = [sorted(cells[key]) for key in sizes
              if key not in pooled and (siblings or key == own)]  # fmt: skip
    remainder = sorted(v for key in pooled for v in cells[key])
    if remainder:
        groups.append(remainder)
    return groups, own in pooled


def _fine(count: int, k: int) -> bool:
    return count == 0 or count >= k


def question_grid(
    points: Sequence[float], groups: Sequence[Sequence[float]], *, k: int
) -> list[float]:
    """The population points a question may use: from the bottom up, a point is kept when
    every group holds 0 or at least k members both in the band since the last kept point
    and from the point up. `groups` are sorted value lists."""
    kept: list[float] = []
    last = [0] * len(groups)
    for point in points:
        below = [_below(group, point) for group in groups]
        if all(
            _fine(b - start, k) and _fine(len(group) - b, k)
            for group, b, start in zip(groups, below, last, strict=True)
        ):
            kept.append(point)
            last = below
    return kept


@dataclass(frozen=True)
class Band:
    """The values a snapped threshold counts: low <= value < high (None: unbounded)."""

    low: float | None = None
    high: float | None = None

    def holds(self, value: float) -> bool:
        """Whether `value` falls in the band."""
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)

    @property
    def nobody(self) -> bool:
        """A band no value can fall in (a threshold above every band)."""
        return self.low == math.inf or self.high == -math.inf


def snap(op: str, value: float, kept: Sequence[float], *, lowest: float, highest: float) -> Band:
    """The band counted for `op value` on a question grid `kept` (ascending, not empty).

    ">"/">=" become "at least the nearest point", "<"/"<=" "under it"; the ends of
    the measure (`lowest`, `highest`: its smallest and largest value, used only
    for distances) stand for "everyone" and "no one". "=" counts the band that
    holds the value.
    """
    if op == "=":
        low = max((p for p in kept if p <= value), default=None)
        high = min((p for p in kept if p > value), default=None)
        return Band(low, high)
    options: list[tuple[float, float | None]] = [(lowest, None), *((p, p) for p in kept)]
    options.append((highest, math.inf))
    _, point = min(options, key=lambda option: (abs(option[0] - value), option[0]))
    if op in (">", ">="):
        return Band(low=point)
    if point is None:
        return Band(high=-math.inf)
    return Band(high=None if point == math.inf else point)
