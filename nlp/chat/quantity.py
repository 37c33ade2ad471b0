"""Quantities in a question's words: numbers with their comparator (before or after), money,
percent and fraction marks, durations ("3 months", "60+ days") and periods ("in the last
year", "5 times a month", "this past year"), and the period or unit a column's name carries.

Pure functions over the word list of :class:`~nlp.chat.parse.Parse`; the linking steps
decide which measure each quantity belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.chat import lexicon as lx
from nlp.chat.lexicon.quantities import (
    ALL_TIME_WORDS,
    FRACTIONS,
    MOST_SHARE_PREPS,
    PERIOD_TOKENS,
    TIMES_WORDS,
    UNIT_FACTORS,
)
from nlp.chat.reading import comparator_at, trailing_comparator
from nlp.chat.text import column_tokens, parse_number

MONEY = frozenset(["$", "£", "€"])
_PERIOD_LEADS = frozenset(["in", "over", "during", "for", "within", "across", "from"])
_RECENT = frozenset(["last", "past", "previous", "recent"])
_EACH = frozenset(["a", "an", "per", "each", "every"])


@dataclass(frozen=True)
class Period:
    """A stretch of time named in the question: words ``start:end``, ``value`` ``unit``s.

    ``recent`` says it ends now ("the last 6 months", "this year"); ``rate`` that it is a
    frequency's denominator ("5 times a month").
    """

    start: int
    end: int
    value: float
    unit: str
    recent: bool = False
    rate: bool = False

    def days(self) -> float:
        """The period's length in days."""
        return self.value * UNIT_FACTORS["days"][self.unit]


@dataclass(frozen=True)
class Quantity:
    """A number of the question: words ``start:end`` (comparator included), its value and
    comparator (None: none written), and whether it is money, a percent or fraction (then
    ``value`` is already a fraction), or a duration (``unit``)."""

    start: int
    end: int
    at: int
    value: float
    op: str | None
    money: bool = False
    fraction: bool = False
    unit: str | None = None
    period: bool = False  # a period phrase "in the last 2 months", read as a duration


def periods(words: list[str]) -> list[Period]:
    """Every period the words name, left to right."""
    found: list[Period] = []
    i = 0
    while i < len(words):
        got = _period_at(words, i)
        if got is None:
            i += 1
            continue
        found.append(got)
        i = got.end
    return found


def _period_at(w: list[str], i: int) -> Period | None:
    n = len(w)
    j = i
    lead = w[j] in _PERIOD_LEADS
    if lead:
        j += 1
    if j < n and w[j] in {"the", "this", "these"}:
        j += 1
    recent = False
    while j < n and w[j] in _RECENT:
        recent = True
        j += 1
    if j < n and j > i and w[j - 1] == "this":
        recent = True
    if j < n and w[j] in _EACH and not recent and j + 1 < n and w[j + 1] in lx.UNITS:
        return Period(i, j + 2, 1, lx.UNITS[w[j + 1]], rate=w[j] != "a" or not lead)
    value = parse_number(w[j]) if j < n else None
    if value is not None and j + 1 < n and w[j + 1] in lx.UNITS and (recent or lead):
        return Period(i, j + 2, value, lx.UNITS[w[j + 1]], recent=recent)
    if j < n and w[j] in lx.UNITS and (recent or (lead and w[j - 1] in {"the", "this"})):
        return Period(i, j + 1, 1, lx.UNITS[w[j]], recent=True)
    if w[i] in {"yearly", "annual", "annually"}:
        return Period(i, i + 1, 1, "years", rate=True)
    if w[i] in {"monthly"}:
        return Period(i, i + 1, 1, "months", rate=True)
    return None


def all_time(words: list[str]) -> bool:
    """Whether the words say "over all time" ("in total", "lifetime", "overall")."""
    return any(x in ALL_TIME_WORDS for x in words) or "all time" in " ".join(words)


def column_period(key: str) -> Period | None:
    """The period a column covers by its name ("spend_12m": 12 months), or None."""
    for token in column_tokens(key):
        if token in PERIOD_TOKENS:
            value, unit = PERIOD_TOKENS[token]
            return Period(0, 0, value, unit)
        match = re.fullmatch(r"(\d+)(d|w|m|y)", token)
        if match:
            unit = {"d": "days", "w": "weeks", "m": "months", "y": "years"}[match.group(2)]
            return Period(0, 0, float(match.group(1)), unit)
    return None


def column_unit(key: str) -> str | None:
    """The unit a duration column is counted in ("days_since_last_order": days), or None."""
    tokens = column_tokens(key)
    for i, token in enumerate(tokens):
        if token in lx.UNITS and token != "quarter" and (i == 0 or tokens[i - 1] != "per"):
            return lx.UNITS[token]
    return None


def convert(value: float, unit: str, to: str) -> float:
    """A duration of ``value`` ``unit`` in unit ``to`` (months of 30 days, years of 12 months)."""
    return round(value * UNIT_FACTORS[to][unit], 4)


def is_rate_column(key: str) -> bool:
    """Whether a column holds a share between 0 and 1 by its name (rate, share, ratio...)."""
    return bool(set(column_tokens(key)) & {"rate", "share", "ratio", "proportion", "fraction",
                                            "percent", "percentage", "pct"})  # fmt: skip


def quantities(words: list[str], skip: set[int]) -> list[Quantity]:
    """Every number of the words outside ``skip``, with its comparator, marks and unit."""
    found: list[Quantity] = []
    i = 0
    while i < len(words):
        got = None if i in skip else _quantity_at(words, i)
        if got is None:
            i += 1
            continue
        found.append(got)
        i = got.end
    return found


def _most_of(w: list[str], i: int) -> Quantity | None:
    """ "on most orders", "for most of their purchases": more than half (a fraction)."""
    if w[i] != "most" or i == 0 or w[i - 1] not in MOST_SHARE_PREPS or i + 1 >= len(w):
        return None
    end = i + 1 + (w[i + 1] == "of")
    return Quantity(i, end, i, 0.5, ">", fraction=True)


def _number_at(w: list[str], j: int) -> tuple[float, int, bool] | None:
    """(value, words taken, fraction?) of a number or a fraction in words at ``j``."""
    if j >= len(w):
        return None
    first = w[j]
    count = 1.0
    k = j
    numbered = first in {"a", "one"} or first in lx.NUMBER_WORDS
    if numbered and k + 1 < len(w) and w[k + 1] in FRACTIONS:
        count = 1.0 if first in {"a", "one"} else float(lx.NUMBER_WORDS[first])
        k += 1
    if w[k] in FRACTIONS and (k > j or first == "half"):
        return count * FRACTIONS[w[k]], k - j + 1, True
    if first in {"a", "an"} and k + 1 < len(w) and w[k + 1] in lx.UNITS:
        return 1.0, 1, False  # "less than a year": one of the unit
    if first in TIMES_WORDS:  # "at least twice": a count of times
        return float(TIMES_WORDS[first]), 1, False
    value = parse_number(first)
    if value is None:
        return None
    return value, 1, False


def _quantity_at(w: list[str], i: int) -> Quantity | None:
    special = _most_of(w, i) or _grand(w, i)
    if special:
        return special
    op = None
    j = i
    found = comparator_at(w, i)
    if found:
        op, length = found
        j = i + length
    money = j < len(w) and w[j] in MONEY
    if money:
        j += 1
    number = _number_at(w, j)
    if number is None:
        return None
    value, taken, fraction = number
    if op is None and not fraction and w[j] in {"a", "an", "one"}:
        return None
    if op is None and w[j] in TIMES_WORDS:
        op = "="  # "ordered once": one order, no more
    at, end = j, j + taken
    if end < len(w) and w[end] in {"%", "percent"}:
        value, fraction, end = value / 100, True, end + 1
    unit = None
    for _ in range(2):  # "60+ days", "60 days or more"
        trailing = trailing_comparator(w, end)
        if trailing:
            op, end = trailing[0], end + trailing[1]
        elif end < len(w) and w[end] in lx.UNITS and unit is None:
            unit, end = lx.UNITS[w[end]], end + 1
    if fraction and end < len(w) and w[end] == "of":
        end += 1
    return Quantity(i, end, at, value, op, money=money, fraction=fraction, unit=unit)


def _grand(w: list[str], i: int) -> Quantity | None:
    """ "a grand", "2 grand", "over a grand": thousands of money."""
    op, j = None, i
    found = comparator_at(w, i)
    if found:
        op, j = found[0], i + found[1]
    if j + 1 >= len(w) or w[j + 1] != "grand":
        return None
    count = 1.0 if w[j] in {"a", "one"} else parse_number(w[j])
    if count is None:
        return None
    end = j + 2
    trailing = trailing_comparator(w, end)
    if trailing:
        op, end = trailing[0], end + trailing[1]
    return Quantity(i, end, j, count * 1000, op, money=True)
