"""The chat's intents and tools, listed once: every layer reads them from here.

An :class:`Intent` is a kind of question: what it asks, the tools whose results
answer it, and labelled exemplar questions the interpreter compares a question
with. A :class:`Tool` is one read the service can run: what it answers and its
arguments as JSON Schema properties (the plan builds these arguments; an LLM
backend is offered the same schema). The interpreter scores :data:`INTENTS`,
:func:`nlp.chat.plan.make_plan` has one builder per intent and names only
:data:`TOOLS`, and the service's composer and LLM backend key on the same names.

Exemplars are written with placeholders ("this segment", "this topic",
"customer X") because the interpreter embeds questions with their linked
entities masked the same way: intent is then decided by what is asked, not by
which segment is named. Nothing here names a run's personas, topics or columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from nlp.chat.intents_measures import MEASURE_INTENTS, MEASURE_TOOLS
from nlp.chat.intents_people import PEOPLE_INTENTS, PEOPLE_TOOLS
from nlp.chat.intents_talk import TALK_INTENTS, TALK_TOOLS


@dataclass(frozen=True)
class Tool:
    """One tool: its name, what it answers, its arguments (JSON Schema) and which are required."""

    name: str
    answers: str
    parameters: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Intent:
    """One kind of question: what it asks, the tools that answer it, its exemplar questions."""

    name: str
    asks: str
    tools: tuple[str, ...]
    exemplars: tuple[str, ...]


_SEGMENT = {"type": "integer", "description": "A segment number of the run."}
_TOPIC = {"type": "integer", "description": "A topic number of the run."}
_FILTER = {
    "type": "object",
    "properties": {
        "measure": {"type": "string"},
        "op": {"type": "string", "enum": [">", ">=", "<", "<=", "=", "=="]},
        "value": {
            "type": ["number", "string"],
            "description": "a number; with op == a category value",
        },
    },
    "required": ["measure", "op", "value"],
}

#: Every tool a plan may name, in the order they are offered.
TOOL_REGISTRY: tuple[Tool, ...] = (
    Tool("overview", "How many segments there are, their sizes and shares."),
    Tool(
        "describe_segment",
        "One segment: size, description, sentiment, topics, traits.",
        {"segment": _SEGMENT},
        ("segment",),
    ),
    Tool(
        "rank_segments",
        "Rank segments by a measure: size, sentiment, negative_share (share of negative "
        "comments: who complains most), topic_share, documents or a behaviour column; topic "
        "for sentiment / negative share about a topic or share of it; position 1 is the top.",
        {
            "measure": {"type": "string"},
            "order": {"type": "string", "enum": ["desc", "asc"]},
            "position": {"type": "integer", "minimum": 1},
            "topic": _TOPIC,
            "about": {"type": "string"},
        },
        ("measure",),
    ),
    Tool(
        "compare_segments",
        "Two segments side by side.",
        {"segments": {"type": "array", "items": _SEGMENT}},
        ("segments",),
    ),
    Tool(
        "segment_topic",
        "What a segment says about a topic.",
        {"segment": _SEGMENT, "topic": _TOPIC},
        ("segment", "topic"),
    ),
    Tool("topic_where", "Which segments talk about a topic most.", {"topic": _TOPIC}, ("topic",)),
    Tool(
        "negative_drivers",
        "Topics driving negative sentiment (in a segment, or overall).",
        {"segment": _SEGMENT},
    ),
    Tool(
        "count_members",
        "Count customers (of a segment) whose behaviour or category (op ==) matches filters.",
        {"segment": _SEGMENT, "filters": {"type": "array", "items": _FILTER}},
        ("filters",),
    ),
    Tool(
        "topic_trend",
        "A topic's documents or sentiment per month.",
        {"topic": _TOPIC, "measure": {"type": "string", "enum": ["volume", "sentiment"]}},
    ),
    Tool("run_change", "What changed since the previous run."),
    Tool(
        "customer_why",
        "One customer's segment and why (64-hex pseudonym).",
        {"customer": {"type": "string"}},
        ("customer",),
    ),
    *(Tool(*spec) for spec in TALK_TOOLS),  # quotes and the tools about what customers write
    *(Tool(*spec) for spec in MEASURE_TOOLS),  # a measure's value, breakdowns by an attribute
    *(Tool(*spec) for spec in PEOPLE_TOOLS),  # shares, member lists, names the run lacks
)

#: Every intent the interpreter can read, "unsupported" (declined) last.
INTENT_REGISTRY: tuple[Intent, ...] = (
    Intent(
        "overview",
        "How many segments there are and how big they are.",
        tools=("overview",),
        exemplars=(
            "give me an overview of the segments",
            "how many segments are there",
            "what segments do we have",
            "list all the segments with their sizes",
            "summarise the segmentation for me",
            "what are the main customer groups",
            "show me all the personas",
            "how are our customers split into segments",
            "what does our customer base look like",
            "which segments exist and how big are they",
            "what groups of customers did you find",
            "give me the big picture",
        ),
    ),
    Intent(
        "describe_segment",
        "Who one segment's customers are: size, description, sentiment, topics, traits.",
        tools=("describe_segment",),
        exemplars=(
            "tell me about this segment",
            "describe this segment",
            "who are this segment",
            "what is this segment like",
            "what characterises this segment",
            "give me the profile of this segment",
            "what do we know about this segment",
            "explain this segment to me",
            "what are this segment into",
            "what kind of customers are in this segment",
            "summarise this segment",
            "what defines this segment",
        ),
    ),
    Intent(
        "rank_segments",
        "Which segment is at the top (or bottom, or n-th) of a measure.",
        tools=("rank_segments",),
        exemplars=(
            "which segment spends the most",
            "which segment is the happiest",
            "which segments are most negative",
            "rank the segments by spend",
            "which group has the highest order frequency",
            "what is the largest segment",
            "which segment is the smallest",
            "who are our most valuable customers",
            "sort the segments by sentiment",
            "which segments complain most about this topic",
            "which segment has the lowest return rate",
            "top segments by revenue",
            "which customers are most likely to churn",
            "what is the second biggest segment",
            "which segment is least satisfied",
            "which segment buys most often",
        ),
    ),
    Intent(
        "compare_segments",
        "How two segments differ.",
        tools=("compare_segments",),
        exemplars=(
            "how does this segment differ from this segment",
            "compare this segment and this segment",
            "this segment vs this segment",
            "what is the difference between this segment and this segment",
            "how are this segment and this segment different",
            "contrast this segment with this segment",
            "is this segment similar to this segment",
            "this segment compared with this segment",
            "what separates this segment from this segment",
            "put this segment and this segment side by side",
        ),
    ),
    Intent(
        "segment_topic",
        "What a segment says about a topic.",
        tools=("segment_topic", "describe_segment", "topic_where", "quotes"),
        exemplars=(
            "what does this segment say about this topic",
            "how does this segment feel about this topic",
            "what do this segment think of this topic",
            "what are this segment saying regarding this topic",
            "this segment opinions on this topic",
            "how do this segment talk about this topic",
            "do this segment like this topic",
            "what is the view of this segment on this topic",
            "how happy are this segment with this topic",
        ),
    ),
    Intent(
        "topic_where",
        "Which segments talk about a topic most.",
        tools=("topic_where",),
        exemplars=(
            "where does this topic come up most",
            "which segment talks most about this topic",
            "who mentions this topic the most",
            "which customers care most about this topic",
            "which segments discuss this topic",
            "who is talking about this topic",
            "in which segment is this topic most common",
            "who brings up this topic",
            "which group raises this topic most often",
        ),
    ),
    Intent(
        "negative_drivers",
        "What drives negative sentiment, in a segment or overall.",
        tools=("negative_drivers",),
        exemplars=(
            "what is driving negative sentiment in this segment",
            "why are this segment unhappy",
            "what do this segment complain about",
            "what are the main complaints of this segment",
            "what makes this segment angry",
            "what are the pain points of this segment",
            "why is this segment dissatisfied",
            "what frustrates our customers",
            "what are customers complaining about",
            "what are the biggest problems for this segment",
            "what causes bad reviews in this segment",
        ),
    ),
    Intent(
        "count_filter",
        "How many customers (of a segment) meet conditions on measures or categories.",
        tools=("count_members",),
        exemplars=(
            "how many customers in this segment spent over 500",
            "how many customers have more than 3 orders",
            "count the customers in this segment with a return rate under 20%",
            "number of customers who spent at least 1000",
            "how many members does this segment have",
            "how many people in this segment bought more than 10 times",
            "how many customers are there",
            "how many customers have a balance above 2000",
            "how many in this segment are under 30",
        ),
    ),
    Intent(
        "topic_trend",
        "How a topic's volume or sentiment moves month by month.",
        tools=("topic_trend", "sentiment_trend"),
        exemplars=(
            "how has this topic changed over time",
            "is this topic trending up",
            "monthly volume of this topic",
            "sentiment about this topic over the last 6 months",
            "is this topic getting worse",
            "trend of this topic by month",
            "are complaints about this topic increasing",
            "how many people talked about this topic each month",
            "show the evolution of this topic",
            "is this topic growing or shrinking",
        ),
    ),
    Intent(
        "run_change",
        "What changed between this run and an earlier one.",
        tools=("run_change",),
        exemplars=(
            "what changed since the last run",
            "how do the segments differ from the previous run",
            "what is new in this run compared with the last one",
            "which segments appeared or disappeared since last time",
            "compare this run with the previous run",
            "did the segments change since the previous segmentation",
            "what is different from the last segmentation",
            "how did the segments shift between runs",
        ),
    ),
    Intent(
        "customer_why",
        "Which segment one customer is in, and why.",
        tools=("customer_why",),
        exemplars=(
            "why is customer X in this segment",
            "which segment is customer X in",
            "explain customer X",
            "what segment does customer X belong to and why",
            "tell me about customer X",
            "why was customer X put there",
        ),
    ),
    Intent(
        "show_quotes",
        "Redacted quotes of a segment and/or about a topic.",
        tools=("quotes",),
        exemplars=(
            "show me quotes",
            "give me some examples of what they said",
            "show me some comments from this segment",
            "what are some verbatims about this topic",
            "let me read some reviews from this segment",
            "show me what customers wrote about this topic",
            "any example quotes",
            "can I see what they actually wrote",
        ),
    ),
    *(Intent(*spec) for spec in TALK_INTENTS),
    *(Intent(*spec) for spec in MEASURE_INTENTS),
    *(Intent(*spec) for spec in PEOPLE_INTENTS),
    Intent(
        "unsupported",
        "Anything else: out of scope, or a change to the data (declined).",
        tools=(),
        exemplars=(
            "what is the weather tomorrow",
            "write me a poem",
            "who will win the election",
            "what is the stock price of apple",
            "delete customer X",
            "tell me a joke",
            "what is the capital of france",
            "send an email to all customers",
            "book a meeting for tomorrow",
            "translate this into spanish",
            "what is your favourite colour",
            "predict next year's revenue",
            "rename this segment",
            "how do I cook pasta",
            "who won the football match",
            "what is the meaning of life",
        ),
    ),
)

#: The intent names, in registry order.
INTENTS: tuple[str, ...] = tuple(i.name for i in INTENT_REGISTRY)
#: The tool names, in registry order.
TOOLS: tuple[str, ...] = tuple(t.name for t in TOOL_REGISTRY)
#: Exemplar questions per intent.
INTENT_EXEMPLARS: dict[str, tuple[str, ...]] = {i.name: i.exemplars for i in INTENT_REGISTRY}

_V = TypeVar("_V")


def intent(name: str) -> Intent:
    """The intent called ``name`` (KeyError for a name the registry does not have)."""
    for found in INTENT_REGISTRY:
        if found.name == name:
            return found
    raise KeyError(name)


def tool(name: str) -> Tool:
    """The tool called ``name`` (KeyError for a name the registry does not have)."""
    for found in TOOL_REGISTRY:
        if found.name == name:
            return found
    raise KeyError(name)


def per_intent(table: Mapping[str, _V]) -> dict[str, _V]:
    """``table`` as a dict, checked to hold exactly one entry per registered intent."""
    return _checked(table, INTENTS, "intent")


def per_tool(table: Mapping[str, _V]) -> dict[str, _V]:
    """``table`` as a dict, checked to hold an entry for every registered tool (extra tools
    of the service that no plan names yet are allowed)."""
    missing = [name for name in TOOLS if name not in table]
    if missing:
        raise ValueError(f"no entry for tool(s) {', '.join(missing)}")
    return dict(table)


def _checked(table: Mapping[str, _V], names: tuple[str, ...], what: str) -> dict[str, _V]:
    missing = [n for n in names if n not in table]
    extra = [n for n in table if n not in names]
    if missing or extra:
        raise ValueError(f"{what} table: missing {missing}, not registered {extra}")
    return dict(table)
