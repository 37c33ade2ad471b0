"""The typed slots of a reading: :class:`Filter` and :class:`Understanding`, what the
interpreter returns, and :class:`Parse`, the working state the reading steps fill in."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from nlp.chat import lexicon as lx


@dataclass(frozen=True)
class Filter:
    """A condition on a measure: ``measure op value`` ("spend_12m > 500").

    ``percent`` says the number was written with "%"; ``value`` is then already a
    fraction when the measure is a rate or share (its name says so), else as written.
    With ``op`` "==" the measure is a categorical customer column and ``value``
    one of its values ("region == north").
    """

    measure: str
    op: str
    value: float | str
    percent: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "measure": self.measure,
            "op": self.op,
            "value": self.value,
            "percent": self.percent,
        }


@dataclass
class Understanding:
    """What a question asks: one intent of :data:`nlp.chat.intents.INTENTS` and its entities.

    ``segments`` and ``topics`` are numbers of the run's segments and topics;
    ``measure`` is a measure key (a behaviour column, "size", "sentiment",
    "topic_share" or "documents"); ``position`` 1 is the top of ``order``;
    ``unknown`` lists phrases that name something the run does not have.
    """

    intent: str
    segments: list[int] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)
    measure: str | None = None
    order: str = "desc"
    position: int = 1
    filters: list[Filter] = field(default_factory=list)
    customer: str | None = None
    runs: list[int | str] = field(default_factory=list)
    period: dict[str, Any] | None = None
    confidence: float = 0.0
    unknown: list[str] = field(default_factory=list)
    followup: bool = False
    tone: str | None = None  # "positive" / "negative" comments asked for
    about: str | None = None  # a subject's words no topic covers ("about couriers")
    goal: str | None = None  # what a targeting question wants to achieve ("loyalty")
    stat: str | None = None  # "mean" / "median" of a measure asked for
    attribute: str | None = None  # a customer attribute to break down by ("age", "region")
    per_segment: bool = False  # the breakdown or measure asked for each segment
    # what each unknown phrase names: "segment", "measure", "topic" or "category"
    unknown_kinds: dict[str, str] = field(default_factory=dict)
    # segments named by their place on a measure ("the biggest cluster"): each
    # {"segment", "measure", "order", "position"}
    picks: list[dict[str, Any]] = field(default_factory=list)
    # words that fit several segments alike: {"phrase", "segments", "question", "suggestions"}
    clarify: dict[str, Any] | None = None
    # the words that named the first topic when its label holds none of them (linked by a
    # deeper keyword or by meaning): the texts may name that subject in those very words
    topic_words: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what the service keeps as a conversation's context)."""
        data = asdict(self)
        data["filters"] = [f.to_dict() for f in self.filters]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Understanding:
        """The inverse of :meth:`to_dict`; unknown keys (e.g. answer entities) are ignored."""
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["filters"] = [
            Filter(
                measure=str(f["measure"]),
                op=str(f["op"]),
                value=str(f["value"]) if f["op"] == "==" else float(f["value"]),
                percent=bool(f.get("percent", False)),
            )
            for f in data.get("filters") or []
        ]
        values.setdefault("intent", "unsupported")
        return cls(**values)


@dataclass
class Parse:
    """Working state while reading one question."""

    words: list[str]
    used: set[int] = field(default_factory=set)
    segments: list[int] = field(default_factory=list)
    segment_spans: list[tuple[int, int]] = field(default_factory=list)
    seg_at: dict[int, int] = field(default_factory=dict)
    topics: list[int] = field(default_factory=list)
    topic_spans: list[tuple[int, int]] = field(default_factory=list)
    measure: str | None = None
    polarity: int = 1
    direction: int = 0
    position: int = 1
    ordinal: bool = False
    filters: list[Filter] = field(default_factory=list)
    customer: str | None = None
    runs: list[int | str] = field(default_factory=list)
    period: dict[str, Any] | None = None
    unknown: list[str] = field(default_factory=list)
    measure_unknown: list[str] = field(default_factory=list)
    cues: set[str] = field(default_factory=set)
    chunks: list[dict[str, Any]] = field(default_factory=list)
    tone: str | None = None
    about: str | None = None
    goal: str | None = None
    stat: str | None = None
    attribute: str | None = None
    per_segment: bool = False
    unknown_kinds: dict[str, str] = field(default_factory=dict)
    proper: dict[int, str] = field(default_factory=dict)  # words written as names, as written
    picks: list[dict[str, Any]] = field(default_factory=list)
    back: list[tuple[int, int]] = field(default_factory=list)  # words pointing back (follow-up)
    clarify: dict[str, Any] | None = None  # words that fit several segments alike
    # measure phrases of a counting question left without a condition: (start, end, column)
    loose: list[tuple[int, int, str]] = field(default_factory=list)
    # words written right before a comma or semicolon: a phrase never runs across them
    breaks: set[int] = field(default_factory=set)
    # conditions of a counting question with a number but no measure ("what about over 2k?")
    open_filters: list[Filter] = field(default_factory=list)


def masked(p: Parse) -> str:
    """The question with its linked segments and topics written "this segment", "this topic".

    In a follow-up the words that point back at the segments of the last answer
    ("they", "their", "that one", "those people": ``back``) are written "this
    segment" too, so the intent is read from what is asked of them.
    """
    words = list(p.words)
    marks: dict[int, str] = {}
    spans = [*p.segment_spans, *p.back]
    for start, end in spans:
        marks[start] = "this segment"
        for i in range(start + 1, end):
            marks[i] = ""
        if end < len(words) and words[end] in lx.PEOPLE_NOUNS:
            marks[end] = ""
    for start, end in p.topic_spans:
        marks[start] = "this topic"
        for i in range(start + 1, end):
            marks[i] = ""
    out = [marks.get(i, word) for i, word in enumerate(words)]
    text = " ".join(x for x in out if x)
    return re.sub(r"\b(the|a) this (segment|topic)", r"this \2", text)


# Words that point back at people named before; "that"/"this"/"it" only as "that one",
# "that group", "it" as a subject or object of a comparison.
_BACK = frozenset({"they", "them", "their", "theirs", "those", "these", "it", "its"})
_DEICTIC = frozenset({"that", "this", "those", "these"})
_BACK_NOUNS = frozenset({"one", "ones", "lot", "bunch", "cohort", "tribe", "segment", "cluster",
                         "group", "groups", "segments", "clusters", "persona"})  # fmt: skip


def anaphors(p: Parse) -> list[tuple[int, int]]:
    """Spans of the words that point back at the segments of the last answer."""
    w = p.words
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(w):
        if i in p.used:
            i += 1
            continue
        if w[i] in _DEICTIC:
            ahead = [j for j in range(i + 1, min(len(w), i + 3)) if j not in p.used]
            noun = next((j for j in ahead if w[j] in _BACK_NOUNS | lx.PEOPLE_NOUNS), None)
            if noun is not None:
                spans.append((i, noun + 1))
                i = noun + 1
                continue
        if w[i] in _BACK:
            spans.append((i, i + 1))
        i += 1
    return spans
