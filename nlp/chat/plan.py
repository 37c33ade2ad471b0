"""From an :class:`~nlp.chat.understand.Understanding` to a typed plan of tool calls, or a decline.

A plan is a list of :class:`Step` (a tool name and its arguments); the service runs
each step against the read-side selectors and composes the answer from the results
only. The tools (registered in :mod:`nlp.chat.intents`) and the arguments a plan gives
them (``None`` means "not given"):

==================  =================================================================
tool                args
==================  =================================================================
overview            {}
describe_segment    {"segment": int}
rank_segments       {"measure": str, "order": "desc"|"asc", "position": int,
                    "topic": int|None}  (measure: a behaviour column, "size",
                    "sentiment", "topic_share" or "documents"; topic for sentiment
                    about a topic or the share of a topic)
compare_segments    {"segments": [int, int]}
segment_topic       {"segment": int, "topic": int}
topic_where         {"topic": int}
negative_drivers    {"segment": int|None}  (None: all customers)
count_members       {"segment": int|None, "filters": [{"measure", "op", "value"}]}
topic_trend         {"topic": int|None, "measure": "volume"|"sentiment",
                    "period": dict|None}
run_change          {"against": "previous"|int, "run": int|None}
customer_why        {"customer": str}  (the 64-hex pseudonym)
quotes              {"segment": int|None, "topic": int|None, "limit": int,
                    "tone": "positive"|"negative"|None, "about": str|None}
sentiment_trend     {"topic": int|None, "segment": int|None, "period": dict|None}
top_topics          {"segment": int|None, "limit": int}
growing_topics      {"period": dict|None, "order": "desc"|"asc", "limit": int}
positive_drivers    {"segment": int|None}
target_evidence     {"goal": str|None}  (loyalty, win-back, upsell, retention or free text)
share_members       {"segment": int|None, "filters": [...], "position": int|None,
                    "order": "desc"|"asc"}  (position: the segment at that place by size)
list_customers      {"segment": int, "limit": int}
unknown             {"kind": "segment"|"measure"|"topic"|"category", "name": str}
                    (a name the run does not have; the answer lists what it has)
==================  =================================================================

A question naming a segment, topic or measure the run does not have is planned as
one ``unknown`` step (the answer says so and lists what there is, as suggestions).
When a question cannot be answered (out of scope, a required entity missing)
:func:`make_plan` returns a :class:`Decline` with a plain reason and questions it
can answer, built from the run's own names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nlp.chat.intents import TOOLS as TOOLS  # the tools a plan may name
from nlp.chat.intents import per_intent
from nlp.chat.parse import Understanding
from nlp.chat.vocabulary import Vocabulary

QUOTE_LIMIT = 5
MEMBER_LIMIT = 10
TOPIC_LIMIT = 5


@dataclass(frozen=True)
class Step:
    """One tool call: the tool's name and its keyword arguments."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: {"tool", "args"}."""
        return {"tool": self.tool, "args": dict(self.args)}


@dataclass(frozen=True)
class Plan:
    """The steps that answer a question, in order, and the intent they answer."""

    steps: list[Step]
    intent: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: {"intent", "steps": [{"tool", "args"}]}."""
        return {"intent": self.intent, "steps": [s.to_dict() for s in self.steps]}


@dataclass(frozen=True)
class Decline:
    """A plain refusal: why, and 2-4 questions the chat can answer instead."""

    reason: str
    suggestions: list[str] = field(default_factory=list)


def make_plan(understanding: Understanding, vocabulary: Vocabulary | None = None) -> Plan | Decline:
    """The plan answering ``understanding``, or a :class:`Decline` saying plainly why not.

    ``vocabulary`` (the run's) only feeds the suggestions of a decline and the names
    in its reason; without it suggestions are generic.
    """
    u = understanding
    vocab = vocabulary or Vocabulary()
    if u.clarify:  # words that fit several segments alike: ask which, with each as a choice
        return Decline(u.clarify["question"], list(u.clarify.get("suggestions") or []))
    if u.unknown and u.intent != "unsupported":  # the answer names the options there are
        kind = u.unknown_kinds.get(u.unknown[0]) or _unknown_kind(u)
        return Plan([Step("unknown", {"kind": kind, "name": u.unknown[0]})], intent=u.intent)
    declined = _decline_reason(u, vocab)
    if declined:
        return Decline(declined, suggest_questions(vocab, understanding=u))
    builder = _BUILDERS.get(u.intent)
    if builder is None:  # pragma: no cover - every intent has a builder
        return Decline("I can't answer that kind of question.", suggest_questions(vocab))
    result = builder(u)
    if isinstance(result, str):
        return Decline(result, suggest_questions(vocab, understanding=u))
    return Plan(steps=result, intent=u.intent)


# --- declines -------------------------------------------------------------------------------


def _decline_reason(u: Understanding, vocab: Vocabulary) -> str | None:
    if u.unknown:
        return _unknown_reason(u, vocab)
    if u.intent == "unsupported":
        return (
            "I can't answer that: I only answer questions about this run's customer segments, "
            "their topics, sentiment and behaviour, how they changed, and why a customer is in "
            "a segment."
        )
    return None


def _unknown_reason(u: Understanding, vocab: Vocabulary) -> str:
    phrase = u.unknown[0]
    kind = _unknown_kind(u)
    if kind == "measure":
        known = ", ".join(m.label.lower() for m in vocab.behaviour()[:6])
        tail = f" The measures I have are size, sentiment{', ' + known if known else ''}."
        return f"I don't have a measure called “{phrase}”.{tail}"
    if kind == "topic":
        return f"I don't know a topic called “{phrase}” in this run."
    return f"I don't know a segment called “{phrase}” in this run."


def _unknown_kind(u: Understanding) -> str:
    if u.intent in {"rank_segments", "count_filter"} and not u.measure:
        return "measure"
    if u.intent in {"segment_topic", "topic_where", "topic_trend"} and not u.topics:
        return "topic"
    if u.segments or u.intent in {"rank_segments", "overview"}:
        return "topic"
    return "segment"


def suggest_questions(
    vocabulary: Vocabulary, *, understanding: Understanding | None = None, limit: int = 4
) -> list[str]:
    """2-4 questions the chat can answer about this run, built from its own names."""
    segments = [s for s in vocabulary.segments if not s.small]
    topics = list(vocabulary.topics)
    behaviour = vocabulary.behaviour()
    out: list[str] = ["How many segments are there and how big are they?"]
    if segments:
        out.append(f"Describe the “{segments[0].name}” segment.")
    if topics:
        out.append(f"Which segments are most negative about {topics[0].phrase()}?")
    if len(segments) >= 2:
        out.append(f"How does “{segments[0].name}” differ from “{segments[1].name}”?")
    if behaviour:
        out.append(f"Which segment has the highest {behaviour[0].label.lower()}?")
    if topics:
        out.append(f"Where does {topics[-1].phrase()} come up most?")
    if len(out) < 2:
        out.append("Which segment is the largest?")
    return out[:limit]


# --- builders, one per intent: a list of steps or a reason to decline ------------------------


def _overview(u: Understanding) -> list[Step] | str:
    return [Step("overview", {})]


def _describe(u: Understanding) -> list[Step] | str:
    if not u.segments:
        return "Which segment do you mean? Name it, give its number, or describe it."
    return [Step("describe_segment", {"segment": n}) for n in u.segments[:3]]


def _rank(u: Understanding) -> list[Step] | str:
    measure = u.measure or "size"
    topic = u.topics[0] if u.topics else None
    if measure == "topic_share" and topic is None:
        return "Which topic do you want the segments ranked by?"
    args = {"measure": measure, "order": u.order, "position": max(1, u.position), "topic": topic}
    if u.about and topic is None:
        args["about"] = u.about  # a subject no topic covers: comments holding its words
    return [Step("rank_segments", args)]


def _compare(u: Understanding) -> list[Step] | str:
    if len(u.segments) < 2:
        return "Which two segments should I compare? Name both."
    return [Step("compare_segments", {"segments": list(u.segments[:2])})]


def _segment_topic(u: Understanding) -> list[Step] | str:
    if not u.topics and not u.segments:
        return "Which segment and which topic do you mean?"
    if not u.topics:
        return _describe(u)
    if not u.segments:
        return [
            Step("topic_where", {"topic": u.topics[0]}),
            Step("quotes", {"segment": None, "topic": u.topics[0], "limit": QUOTE_LIMIT}),
        ]
    return [Step("segment_topic", {"segment": s, "topic": u.topics[0]}) for s in u.segments[:3]]


def _topic_where(u: Understanding) -> list[Step] | str:
    if not u.topics:
        return "Which topic do you mean? Name it or some of its words."
    return [Step("topic_where", {"topic": t}) for t in u.topics[:2]]


def _negative(u: Understanding) -> list[Step] | str:
    if not u.segments:
        return [Step("negative_drivers", {"segment": None})]
    return [Step("negative_drivers", {"segment": s}) for s in u.segments[:3]]


def _count(u: Understanding) -> list[Step] | str:
    filters = [f.to_dict() for f in u.filters]
    segments = u.segments[:3] or [None]
    return [Step("count_members", {"segment": s, "filters": filters}) for s in segments]


def _trend(u: Understanding) -> list[Step] | str:
    topics = u.topics[:2] or [None]
    about = {"about": u.about} if u.about and not u.topics else {}  # a subject no topic covers
    if u.measure == "sentiment":  # which way sentiment goes, of a segment or about a topic
        segment = u.segments[0] if u.segments else None
        return [
            Step("sentiment_trend", {"topic": t, "segment": segment, "period": u.period, **about})
            for t in topics
        ]
    return [
        Step("topic_trend", {"topic": t, "measure": "volume", "period": u.period, **about})
        for t in topics
    ]


def _run_change(u: Understanding) -> list[Step] | str:
    named = [r for r in u.runs if isinstance(r, int)]
    if len(named) >= 2:
        return [Step("run_change", {"against": named[0], "run": named[1]})]
    if len(named) == 1:
        return [Step("run_change", {"against": named[0], "run": None})]
    return [Step("run_change", {"against": "previous", "run": None})]


def _customer(u: Understanding) -> list[Step] | str:
    if not u.customer:
        return "Which customer? Give their 64-character pseudonym."
    return [Step("customer_why", {"customer": u.customer})]


def _quotes(u: Understanding) -> list[Step] | str:
    topic = u.topics[0] if u.topics else None
    segments = u.segments[:2] or [None]
    args = {"topic": topic, "limit": QUOTE_LIMIT, "tone": u.tone, "about": u.about}
    return [Step("quotes", {"segment": s, **args}) for s in segments]


def _top_topics(u: Understanding) -> list[Step] | str:
    return [
        Step("top_topics", {"segment": s, "limit": TOPIC_LIMIT}) for s in u.segments[:2] or [None]
    ]


def _growing(u: Understanding) -> list[Step] | str:
    args = {"period": u.period, "order": u.order, "limit": TOPIC_LIMIT}
    return [Step("growing_topics", args)]


def _liked(u: Understanding) -> list[Step] | str:
    return [Step("positive_drivers", {"segment": s}) for s in u.segments[:2] or [None]]


def _target(u: Understanding) -> list[Step] | str:
    return [Step("target_evidence", {"goal": u.goal})]


def _share(u: Understanding) -> list[Step] | str:
    filters = [f.to_dict() for f in u.filters]
    if u.segments or filters:
        segments = u.segments[:3] or [None]
        return [Step("share_members", {"segment": s, "filters": filters}) for s in segments]
    if u.measure == "size" or u.position > 1:  # "the biggest cohort", "the second smallest"
        args = {"segment": None, "filters": [], "position": u.position, "order": u.order}
        return [Step("share_members", args)]
    return "A share of what? Name a segment, or a condition such as a spend or a region."


def _list_customers(u: Understanding) -> list[Step] | str:
    if not u.segments:
        return "Which segment's customers should I list? Name the segment."
    return [Step("list_customers", {"segment": u.segments[0], "limit": MEMBER_LIMIT})]


_NOT_COLUMNS = (None, "size", "sentiment", "negative_share", "topic_share", "documents")


def _measure_value(u: Understanding) -> list[Step] | str:
    if u.measure in _NOT_COLUMNS:
        return "Which measure do you want the value of? Name one, such as spend or orders."
    args = {"measure": u.measure, "stat": u.stat or "mean"}
    return [Step("measure_value", {**args, "segment": s}) for s in u.segments[:3] or [None]]


def _breakdown(u: Understanding) -> list[Step] | str:
    if not u.attribute:
        return "Break customers down by what? Name an attribute, such as a region."
    measure = None if u.measure in _NOT_COLUMNS and u.measure != "sentiment" else u.measure
    args = {"attribute": u.attribute, "measure": measure}
    if u.per_segment and not u.segments:
        return [Step("breakdown", {**args, "segment": None, "by_segment": True})]
    segments = u.segments[:2] or [None]
    return [Step("breakdown", {**args, "segment": s, "by_segment": False}) for s in segments]


def _unsupported(u: Understanding) -> list[Step] | str:  # pragma: no cover - declined earlier
    return "I can't answer that."


_BUILDERS = per_intent(
    {
        "overview": _overview,
        "describe_segment": _describe,
        "rank_segments": _rank,
        "compare_segments": _compare,
        "segment_topic": _segment_topic,
        "topic_where": _topic_where,
        "negative_drivers": _negative,
        "count_filter": _count,
        "topic_trend": _trend,
        "run_change": _run_change,
        "customer_why": _customer,
        "show_quotes": _quotes,
        "top_topics": _top_topics,
        "growing_topics": _growing,
        "liked_most": _liked,
        "target_advice": _target,
        "share": _share,
        "list_customers": _list_customers,
        "measure_value": _measure_value,
        "breakdown": _breakdown,
        "unsupported": _unsupported,
    }
)
