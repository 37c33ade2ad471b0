"""k-anonymity at read time: the smallest group reported on, small segments, covered rules.

Every read of segments (personas, maps, bias, topics, the customer
explanations) asks here whether a group is large enough to say anything
about, against the current `VOXSEG_MIN_GROUP_SIZE`. The two lookup errors
are raised alike for what does not exist and for what is too small to show.
"""

from __future__ import annotations

from django.conf import settings

from segapp.models import Segment

__all__ = [
    "CustomerNotFound",
    "SegmentNotFound",
    "is_small",
    "min_group_size",
    "rule_members",
    "small_segment_name",
]


class SegmentNotFound(LookupError):
    """No such segment in the run, or one too small to report on; message for users."""


class CustomerNotFound(LookupError):
    """No such customer, or not part of the run asked about; message for users."""


def min_group_size() -> int:
    """k of k-anonymity: the smallest group anything is reported about."""
    return int(settings.VOXSEG_MIN_GROUP_SIZE)


def small_segment_name(k: int | None = None) -> str:
    """How a segment below k is named wherever it is listed."""
    return f"Small segment (fewer than {min_group_size() if k is None else k})"


def is_small(segment: Segment, k: int | None = None) -> bool:
    """Whether a segment is below k now (or was marked small when the run fitted it)."""
    k = min_group_size() if k is None else k
    return segment.size < k or bool((segment.profile or {}).get("small"))


def rule_members(rule: dict, size: int) -> int:
    """How many of the segment's members a rule covers."""
    return round(float(rule.get("coverage") or 0.0) * size)
