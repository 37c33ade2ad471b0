"""Customer columns as the chat reads them: categories under canonical keys, measures safe to offer.

A sensitive attribute lives in `Customer.sensitive` under its canonical key,
but older rows, other imports and attributes may spell one name differently
("Gender", "gender", "LoyaltyMember"). The chat counts and filters on one
category per name, keyed as `services.sensitive` keys it (the declared key,
else the canonical key of the best spelling); a value in `sensitive` wins over
one in `attributes`. A name declared sensitive is never a behaviour measure,
even in a run that clustered on it before it was declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nlp.fairness import attribute_match
from segapp.models import SegmentationRun
from segapp.services.sensitive import canonical_sensitive, sensitive_key


def category_values(
    attributes: Mapping[str, Any] | None,
    sensitive: Mapping[str, Any] | None,
    *,
    declared: Mapping[str, str],
) -> dict[str, str]:
    """One customer's text values of attributes and sensitive columns, by canonical key.

    `declared` is `services.sensitive.declared_sensitive_names()` (key by match).
    Spellings of one name are one key; the sensitive value wins, then the first
    text given.
    """
    values: dict[str, str] = {}
    for name, value in canonical_sensitive(sensitive, declared=declared).items():
        if isinstance(value, str) and value.strip():
            values[name] = value
    for name, value in (attributes or {}).items():
        key = declared.get(attribute_match(name)) or sensitive_key(name)
        if key not in values and isinstance(value, str) and value.strip():
            values[key] = value
    return values


def behaviour_measures(
    run: SegmentationRun, *, declared: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """The run's features (`explain_context["features"]`) whose names are not declared sensitive."""
    features = (run.explain_context or {}).get("features") or {}
    return {
        name: info
        for name, info in features.items()
        if isinstance(info, dict) and attribute_match(name) not in declared
    }
