"""How a group feels, led by the shares of negative, neutral and positive texts.

A mean compound score hides a split group: a mean of +0.07 can be 41% negative
texts beside 48% positive ones. The words used for a group's mood therefore
follow the shares; the mean is kept as a secondary figure. Every figure is
rounded here, once, so that a page's header, description and tables show the
same number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

MOODS = ("negative", "neutral", "positive")
MOSTLY = 0.6  # a mood that leads with this share, while its opposite stays small, is "mostly"
SMALL = 0.2  # the opposite mood's share under which "mostly" may be said
SIZEABLE = 0.3  # both poles at least this large …
CLOSE = 0.2  # … and this close to each other: the group is split
LABEL_THRESHOLD = 0.05  # VADER's convention: |compound| below this is neutral


def sentiment_summary(scores: Sequence[float] | np.ndarray) -> dict[str, Any] | None:
    """Shares of negative / neutral / positive texts, the mean, and the mood in words.

    Returns None without any scored text. Shares are whole percents (as
    fractions) that add up to 1; the mean has two decimals.
    """
    values = np.asarray(scores, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return None
    counts = np.array(
        [
            np.sum(values <= -LABEL_THRESHOLD),
            np.sum(np.abs(values) < LABEL_THRESHOLD),
            np.sum(values >= LABEL_THRESHOLD),
        ],
        dtype=float,
    )
    mix = dict(zip(MOODS, whole_percents(counts), strict=True))
    return {
        "mix": mix,
        "mean": round(float(values.mean()), 2),
        "words": mood_words(mix),
        "texts": int(len(values)),
    }


def whole_percents(counts: np.ndarray) -> list[float]:
    """Counts as shares in whole percents adding up to 100 (largest remainders)."""
    total = float(counts.sum())
    if total <= 0:
        return [0.0] * len(counts)
    exact = counts / total * 100
    floors = np.floor(exact)
    missing = int(round(100 - floors.sum()))
    order = np.argsort(-(exact - floors), kind="stable")
    floors[order[:missing]] += 1
    return [round(float(f) / 100, 2) for f in floors]


def mood_words(mix: dict[str, float]) -> str:
    """The mood of a mix of shares in words: "mostly positive", "split"…"""
    negative = float(mix.get("negative") or 0.0)
    neutral = float(mix.get("neutral") or 0.0)
    positive = float(mix.get("positive") or 0.0)
    if positive >= MOSTLY and negative < SMALL:
        return "mostly positive"
    if negative >= MOSTLY and positive < SMALL:
        return "mostly negative"
    if neutral >= MOSTLY:
        return "mostly neutral"
    if positive >= SIZEABLE and negative >= SIZEABLE and abs(positive - negative) < CLOSE:
        return "split between positive and negative"
    if positive > negative:
        return "mixed, leaning positive"
    if negative > positive:
        return "mixed, leaning negative"
    return "mixed"


def mix_text(mix: dict[str, float]) -> str:
    """The shares as a reader sees them: "41% negative · 11% neutral · 48% positive"."""
    return " · ".join(f"{round(float(mix.get(m) or 0.0) * 100)}% {m}" for m in MOODS)
