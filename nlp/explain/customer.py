"""Why one customer belongs to a segment: the features pulling them towards it, and their rule."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from nlp.explain.rules import satisfies


def explain_customer(
    values: Mapping[str, float | None], profile: Mapping[str, Any], context: Mapping[str, Any]
) -> dict[str, Any]:
    """Why a customer belongs to a segment: the features pulling them towards it, and their rule.

    ``values`` holds the customer's interpretable features (missing ones count
    as the population median, as at fit). A feature pulls towards the segment
    when the value is nearer the segment's mean than the population's; the
    score is that difference of distances in population standard deviations.
    Features on which the segment hardly differs from everyone are left out.
    """
    stats = context.get("features", {})
    if profile.get("small"):
        return {"pulls": [], "rule": None}
    filled = {f: _value_or_median(values.get(f), stats.get(f, {})) for f in stats}
    pulls = []
    for feature, segment_mean in (profile.get("feature_means") or {}).items():
        s = stats.get(feature)
        value = filled.get(feature)
        if not s or value is None or not s.get("std") or s.get("mean") is None:
            continue
        if abs(segment_mean - s["mean"]) / s["std"] < 0.1:
            continue
        score = (abs(value - s["mean"]) - abs(value - segment_mean)) / s["std"]
        pulls.append(
            {
                "feature": feature,
                "label": s.get("label", feature),
                "value": round(float(value), 4),
                "segment_mean": segment_mean,
                "population_mean": s["mean"],
                "toward": score > 0,
                "score": round(float(score), 3),
            }
        )
    pulls.sort(key=lambda p: (-p["score"], p["feature"]))
    rule = next((r for r in profile.get("rules") or [] if satisfies(filled, r)), None)
    return {"pulls": pulls, "rule": rule}


def _value_or_median(value: Any, stats: Mapping[str, Any]) -> float | None:
    if value is not None and not (isinstance(value, float) and math.isnan(value)):
        return float(value)
    return stats.get("median")
