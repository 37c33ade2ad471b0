"""Sentiment labels: VADER's convention for scores and the star-rating convention."""

from __future__ import annotations

import math

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
"""The three sentiment labels, in the column order of :meth:`RatingHead.predict_proba`."""


def label_of(compound: float, *, threshold: float = 0.05) -> str:
    """The label of a compound score, by VADER's convention (±0.05 around neutral).

    The product stores ``label_of(score)`` for every scorer. On the rating head's
    score, P(positive) - P(negative), "neutral" means those two are within 0.05.
    """
    if compound >= threshold:
        return "positive"
    if compound <= -threshold:
        return "negative"
    return "neutral"


def rating_label(rating: float, *, scale_min: float = 1.0, scale_max: float = 5.0) -> str:
    """The label of a rating: 4-5 stars positive, 3 neutral, 1-2 negative.

    Other scales are rescaled linearly to 1-5 first, so on a 0-10 scale
    (``scale_min=0, scale_max=10``) 7-10 is positive, 4-6 neutral and 0-3
    negative. Half stars on the boundary go outwards (3.5 positive, 2.5 negative).
    """
    if not scale_min < scale_max:
        raise ValueError(f"scale_min ({scale_min}) must be below scale_max ({scale_max})")
    if math.isnan(rating) or not scale_min <= rating <= scale_max:
        raise ValueError(f"rating {rating} is outside the scale {scale_min:g}-{scale_max:g}")
    stars = 1.0 + 4.0 * (rating - scale_min) / (scale_max - scale_min)
    if stars >= 3.5:
        return "positive"
    if stars <= 2.5:
        return "negative"
    return "neutral"
