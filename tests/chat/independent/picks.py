"""Filling a bank entry's placeholders from a run: which segment, topic and customer it means.

An entry says how to pick (`"segment": "highest:total_spend"`, `"topic":
"most_negative"`, `"customer": "any"`); the pick is computed here from the run's
stored data (`truth.RunData`), deterministically (an entry's "any" depends on
its id only), and the question is written with the real segment name (or its
lower-case, shortened or mistyped form), topic label and the shop's own
customer id. A follow-up without picks of its own inherits those of the entry
it follows ("and how many of them are there?").
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from tests.chat.bank import alias, typo
from tests.chat.independent.truth import RunData, segment_values


class BankError(ValueError):
    """An entry the bank cannot be asked with (an unknown column, kind or picker)."""


@dataclass(frozen=True)
class Asked:
    """One entry, ready to ask: the question as typed and what it refers to."""

    entry: dict
    question: str
    user: str
    segment: int | None = None
    segment2: int | None = None
    topic: int | None = None
    customer: str | None = None  # pseudonym; None for an unknown customer
    external_id: str | None = None

    @property
    def id(self) -> str:
        return str(self.entry.get("id"))

    @property
    def expect(self) -> dict:
        return self.entry.get("expect") or {}


def _spread(key: str, n: int) -> int:
    return zlib.crc32(key.encode()) % max(1, n)


def segment_order(data: RunData, how: str) -> list[int]:
    """The reportable segments in the order `how` prefers them (the pick first)."""
    numbers = sorted(data.names)
    if not numbers:
        raise BankError("the run has no reportable segment")
    if how in ("largest", "smallest"):
        sizes = segment_values(data, "size")
        return sorted(numbers, key=lambda n: (-sizes[n] if how == "largest" else sizes[n], n))
    if how in ("most_negative", "most_positive"):
        moods = segment_values(data, "sentiment")
        sign = 1 if how == "most_negative" else -1
        return sorted(numbers, key=lambda n: (sign * moods.get(n, 0.0), n))
    if ":" in how:
        direction, column = how.split(":", 1)
        if column not in data.columns or direction not in ("highest", "lowest"):
            raise BankError(f"cannot pick a segment by {how!r}: columns are {data.columns}")
        means = segment_values(data, column)
        sign = -1 if direction == "highest" else 1
        return sorted(numbers, key=lambda n: (sign * means.get(n, 0.0), n))
    raise BankError(f"unknown segment picker {how!r}")


def pick_segment(data: RunData, how: str, key: str, avoid: int | None = None) -> int:
    """The segment `how` picks ("any": one chosen by `key`), never `avoid`."""
    if how == "any":
        numbers = sorted(data.names)
        start = _spread(key, len(numbers))
        order = numbers[start:] + numbers[:start]
    else:
        order = segment_order(data, how)
    chosen = [n for n in order if n != avoid] or order
    return chosen[0]


def segment_form(data: RunData, number: int, form: str | None, key: str) -> str:
    """A segment's name as a person writes it: as named, lower-case, shortened or mistyped."""
    name = data.names[number]
    if form == "lower":
        return name.lower()
    if form == "typo":
        return typo(name, _spread(key, 7))
    if form == "short":
        short = alias(data.segment(number), data)  # type: ignore[arg-type]
        return short or name.lower()
    return name


def topic_counts(data: RunData) -> dict[int, int]:
    """Documents per topic of the run (outliers left out)."""
    counts = data.documents[data.documents["topic"] >= 0]["topic"].value_counts()
    return {int(t): int(c) for t, c in counts.items() if int(t) in data.topics}


def pick_topic(data: RunData, how: str, key: str) -> int:
    """The topic `how` picks: the largest, the most negative (k writers or more), or any."""
    counts = topic_counts(data)
    if not counts:
        raise BankError("the run has no topic")
    if how == "largest":
        return min(counts, key=lambda t: (-counts[t], t))
    if how == "any":
        numbers = sorted(counts)
        return numbers[_spread(key, len(numbers))]
    if how == "most_negative":
        docs = data.documents[data.documents["topic"] >= 0]
        grouped = docs.groupby("topic").agg(
            sentiment=("sentiment", "mean"), writers=("customer", "nunique")
        )
        grouped = grouped[grouped["writers"] >= data.k]
        return int(grouped["sentiment"].idxmin())
    raise BankError(f"unknown topic picker {how!r}")


def pick_customer(
    data: RunData, how: str, key: str, external: dict[str, str]
) -> tuple[str | None, str]:
    """(pseudonym, the shop's id) of a customer placed in a reportable segment, or an id in the
    shop's format that no customer has (pseudonym None)."""
    known = sorted(external.values())
    if how == "unknown":
        sample = known[0] if known else "C-000000"
        digits = re.search(r"\d+", sample)
        width = len(digits.group(0)) if digits else 6
        prefix = sample[: digits.start()] if digits else "C-"
        taken = set(known)
        for n in range(10**width - 1, 0, -1):
            candidate = f"{prefix}{n:0{width}d}"
            if candidate not in taken:
                return None, candidate
    if how != "any":
        raise BankError(f"unknown customer picker {how!r}")
    placed = data.customers[data.customers["segment"].isin(list(data.names))]
    # by the shop's id, so the pick does not depend on the pseudonym key of the deployment
    candidates = sorted((p for p in placed.index if p in external), key=external.get)
    if not candidates:
        raise BankError("no placed customer has a known external id")
    chosen = candidates[_spread(key, len(candidates))]
    return chosen, external[chosen]


def fill(entry: dict, data: RunData, external: dict[str, str], before: Asked | None) -> Asked:
    """The entry with its placeholders filled and its picks resolved."""
    key = str(entry.get("id"))
    segment = segment2 = topic = None
    customer = external_id = None
    if before is not None:
        segment, segment2, topic = before.segment, before.segment2, before.topic
        customer, external_id = before.customer, before.external_id

    def new(pick: str) -> bool:  # a follow-up picking as the question it follows keeps its pick
        return bool(entry.get(pick)) and (before is None or entry[pick] != before.entry.get(pick))

    if new("segment"):
        segment = pick_segment(data, entry["segment"], key)
    if new("segment2") or (entry.get("segment2") and segment2 == segment):
        segment2 = pick_segment(data, entry["segment2"], key + "/2", avoid=segment)
    if new("topic"):
        topic = pick_topic(data, entry["topic"], key)
    if new("customer"):
        customer, external_id = pick_customer(data, entry["customer"], key, external)
    question = str(entry["question"])
    form = entry.get("segment_form")
    replacements = {
        "{segment}": segment_form(data, segment, form, key) if segment is not None else None,
        "{segment2}": data.names[segment2] if segment2 is not None else None,
        "{topic}": data.topics[topic] if topic is not None else None,
        "{customer}": external_id,
    }
    for placeholder, value in replacements.items():
        if placeholder in question:
            if value is None:
                raise BankError(f"{key}: {placeholder} has nothing to fill it")
            question = question.replace(placeholder, value)
    # a follow-up is asked in the conversation it follows, so by the same user
    user = before.user if before is not None else (entry.get("user") or "analyst")
    return Asked(entry, question, str(user), segment, segment2, topic, customer, external_id)
