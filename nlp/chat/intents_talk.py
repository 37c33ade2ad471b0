"""The intents and tools about what customers write: the most discussed topics, topics
growing fastest, what customers like most, sentiment getting better or worse, and the
evidence behind a targeting decision.

Plain data (no dataclass) that :mod:`nlp.chat.intents` turns into its
:class:`~nlp.chat.intents.Tool` and :class:`~nlp.chat.intents.Intent` entries, so the
registry stays one list. Exemplars use the same placeholders as the registry's
("this segment", "this topic").
"""

from __future__ import annotations

from typing import Any

_SEGMENT = {"type": "integer", "description": "A segment number of the run."}
_TOPIC = {"type": "integer", "description": "A topic number of the run."}
_PERIOD = {
    "type": "object",
    "description": 'A period: {"last": n, "unit": "months"}, {"since": "YYYY-MM"}, {"year": n},'
    ' {"year": "this"}.',
}
_LIMIT = {"type": "integer", "minimum": 1}

#: (name, what it answers, arguments, required arguments) of each tool.
TALK_TOOLS: tuple[tuple[str, str, dict[str, Any], tuple[str, ...]], ...] = (
    (
        "quotes",
        "Redacted quotes of a segment and/or a topic; tone keeps positive or negative ones, "
        "about keeps texts holding the subject's words (when no topic covers it).",
        {
            "segment": _SEGMENT,
            "topic": _TOPIC,
            "limit": _LIMIT,
            "tone": {"type": "string", "enum": ["positive", "negative"]},
            "about": {"type": "string"},
        },  # fmt: skip
        (),
    ),
    (
        "top_topics",
        "The most discussed topics (of a segment, or overall), by documents.",
        {"segment": _SEGMENT, "limit": _LIMIT},
        (),
    ),
    (
        "growing_topics",
        "Topics whose share of the documents grew (order desc) or fell (asc) most in a period.",
        {"period": _PERIOD, "order": {"type": "string", "enum": ["desc", "asc"]}, "limit": _LIMIT},
        (),
    ),
    (
        "positive_drivers",
        "What customers (of a segment, or all) like most: topics by their positive documents.",
        {"segment": _SEGMENT},
        (),
    ),
    (
        "sentiment_trend",
        "Whether sentiment (overall, about a topic or of a segment) is getting better or worse "
        "over a period.",
        {"topic": _TOPIC, "segment": _SEGMENT, "period": _PERIOD, "about": {"type": "string"}},
        (),
    ),
    (
        "target_evidence",
        "The figures per segment that bear on a targeting decision (the decision stays the "
        "asker's).",
        {
            "goal": {
                "type": "string",
                "description": "loyalty, win-back, upsell, retention or "
                "the goal in the asker's words",
            }
        },  # fmt: skip
        (),
    ),
)

#: (name, what it asks, tools, exemplars) of each intent.
TALK_INTENTS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "top_topics",
        "What customers (of a segment) talk about most.",
        ("top_topics",),
        (
            "what do customers talk about most",
            "what are the most discussed topics",
            "what are the main themes in the feedback",
            "top subjects in the reviews",
            "what is on the mind of this segment",
            "what do this segment talk about",
            "what are the biggest talking points",
            "which topics come up most often",
            "what are people writing about",
            "main subjects customers bring up",
            "list the topics by how often they are mentioned",
            "what are the most common topics for this segment",
        ),
    ),
    (
        "growing_topics",
        "Which topics are growing (or falling) fastest over a period.",
        ("growing_topics",),
        (
            "which topics are growing fastest",
            "what is the fastest rising topic",
            "which subjects are trending up",
            "what are people suddenly talking about more",
            "which theme has grown the most",
            "any emerging themes",
            "which topics are declining",
            "what is taking off in the feedback",
            "which topics are people talking about less and less",
            "what new themes are coming up",
        ),
    ),
    (
        "liked_most",
        "What customers (of a segment) like most.",
        ("positive_drivers",),
        (
            "what do customers like most",
            "what do this segment love",
            "what makes our customers happy",
            "what are customers most positive about",
            "what do people praise",
            "what do this segment enjoy the most",
            "what are the highlights for customers",
            "what do customers appreciate",
        ),
    ),
    (
        "target_advice",
        "Which segment to target with an action: the evidence, the decision left to the asker.",
        ("target_evidence",),
        (
            "which segment should we target with a loyalty programme",
            "who should we go after with a win-back campaign",
            "which group should we focus on first",
            "should we stop sending discounts to this segment",
            "where should we push the new feature first",
            "who should get the retention offer",
            "which segment would benefit most from an upsell",
            "what would you do about this segment",
            "what should we fix first",
            "which customers should we prioritise",
            "would you recommend a campaign for this segment",
        ),
    ),
)
