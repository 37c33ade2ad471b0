"""How the chat writes figures: one format per kind, used by the tools' facts and the answers.

Every figure a person reads goes through these functions, so the same value is
written the same way in the facts table and in the answer text (and grounding
can recognise it).
"""

from __future__ import annotations


def count(value: int | float) -> str:
    """A number of customers or documents: 1,234."""
    return f"{int(round(value)):,}"


def share(value: float) -> str:
    """A share in [0, 1] as a percentage with one decimal: 13.4%."""
    return f"{value:.1%}"


def points(value: float) -> str:
    """A change of a share, in percentage points: +2.5 points."""
    return f"{value * 100:+.1f} points"


def sentiment(value: float) -> str:
    """A mean compound sentiment in [-1, 1], signed: +0.27, -0.05."""
    return f"{value:+.2f}"


def number(value: float) -> str:
    """Any other measure: whole above 100, one decimal above 10, else two decimals."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:.2f}"


def threshold(value: float) -> str:
    """A number a question was given ("2", "0.70", "1,000"): whole numbers as they were typed."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return number(value)


def months(first: str, last: str) -> str:
    """A span of months: "2025-01 to 2025-03", or one month alone ("2025-03")."""
    return str(first) if first == last else f"{first} to {last}"


def probability(value: float) -> str:
    """A membership probability: 0.87."""
    return f"{value:.2f}"


def ratio(value: float) -> str:
    """A lift: 2.3×."""
    return f"{value:.1f}×"
