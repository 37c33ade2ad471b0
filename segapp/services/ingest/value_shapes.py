"""What a column's values look like: dates without separators, money, written text, channels.

Read from the sample of a column's values (:class:`~.values.ColumnProfile`)
by the field pickers (:mod:`.pickers`) and the detection (:mod:`.detect`),
so that a column whose name says nothing can still be recognised.
"""

from __future__ import annotations

import re
from datetime import date

from segapp.services.ingest import vocabulary as vocab
from segapp.services.ingest.values import ColumnProfile

__all__ = [
    "channel_share",
    "compact_date_share",
    "event_value_share",
    "is_written_text",
    "money_share",
    "rating_scale",
    "value_kind",
]

COMPACT_DATE = re.compile(r"^(19[7-9]\d|20\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
MONEY_VALUE = re.compile(r"^[-+(]?\s*\D{0,3}\s*-?[\d.,' ]*[.,]\d{2}\s*\D{0,3}\)?$")


def value_kind(profile: ColumnProfile) -> str:
    """What a column's values are: number, boolean, date, text, category, nested or empty."""
    if not profile.filled:
        return "empty"
    if profile.nested_share >= 0.5:
        return "nested"
    if profile.looks_boolean:
        return "boolean"
    if profile.looks_like_dates or compact_date_share(profile) >= 0.95:
        return "date"
    if profile.looks_numeric:
        return "number"
    if profile.looks_like_free_text:
        return "text"
    return "category"


def compact_date_share(profile: ColumnProfile) -> float:
    """Share of sampled values written as dates without separators (20240601)."""
    if not profile.samples:
        return 0.0
    found = 0
    for value in profile.samples:
        text = str(value).strip()
        if isinstance(value, bool) or not COMPACT_DATE.match(text):
            continue
        try:
            date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            continue
        found += 1
    return found / len(profile.samples)


def is_written_text(profile: ColumnProfile) -> bool:
    """Long writing by people (sentences with many different words), not codes or links."""
    if not profile.filled or profile.url_share >= 0.5 or profile.nested_share:
        return False
    if profile.mean_tokens < 3 or profile.number_share > 0.5:
        return False
    if profile.looks_like_free_text and profile.mean_words >= 4:
        return True
    return profile.mean_length >= 40 and profile.mean_words >= 5 and profile.distinct_words >= 30


def money_share(profile: ColumnProfile) -> float:
    """Share of sampled values written like money: two decimals or a currency sign."""
    if not profile.samples:
        return 0.0
    found = 0
    for value in profile.samples:
        text = str(value).strip()
        if isinstance(value, float) and not value.is_integer():
            text = f"{value:.2f}" if round(value, 2) == value else text
        signed = any(sign in text for sign in vocab.CURRENCY_SIGNS)
        if MONEY_VALUE.match(text) or (signed and re.search(r"\d", text)):
            found += 1
    return found / len(profile.samples)


def _value_key(value: str) -> str:
    return "_".join(vocab.value_words(value))


def channel_share(profile: ColumnProfile) -> float:
    """Share of filled values (by count) that name a contact channel (email, chat, web …)."""
    if not profile.filled:
        return 0.0
    known = 0
    for value, count in profile.top:
        key = _value_key(value)
        if key in vocab.CHANNEL_VALUES or (key and set(key.split("_")) <= vocab.CHANNEL_VALUES):
            known += count
    return known / profile.filled


def event_value_share(profile: ColumnProfile) -> float:
    """Share of distinct values written like event names (app_open, subscription_create)."""
    values = [value for value, _ in profile.top]
    if len(values) < 2 or profile.mean_tokens > 1.2:
        return 0.0
    found = sum(1 for value in values if set(vocab.value_words(value)) & vocab.EVENT_VALUE_WORDS)
    return found / len(values)


def rating_scale(profile: ColumnProfile) -> tuple[float, float] | None:
    """(lowest, highest) when the values are whole numbers on a 0–10 rating scale."""
    bounds = profile.number_range()
    if bounds is None or profile.number_share < 0.95 or profile.distinct > 11:
        return None
    whole = all(number.is_integer() for number in profile.numbers)
    if not whole or bounds[0] < 0 or bounds[1] > 10 or bounds[1] < 4:
        return None
    return bounds
