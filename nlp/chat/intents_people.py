"""The intents and tools about the groups and the people in them: a group's share of the
base, a segment's customers listed, and the plain answer for a name the run does not
have.

Plain data (no dataclass) that :mod:`nlp.chat.intents` turns into its
:class:`~nlp.chat.intents.Tool` and :class:`~nlp.chat.intents.Intent` entries, so the
registry stays one list. Exemplars use the same placeholders as the registry's
("this segment", "customer X").
"""

from __future__ import annotations

from typing import Any

_SEGMENT = {"type": "integer", "description": "A segment number of the run."}
_FILTER = {
    "type": "object",
    "properties": {
        "measure": {"type": "string"},
        "op": {"type": "string", "enum": [">", ">=", "<", "<=", "=", "=="]},
        "value": {"type": ["number", "string"], "description": "a number; with op == a category"},
    },
    "required": ["measure", "op", "value"],
}

#: (name, what it answers, arguments, required arguments) of each tool.
PEOPLE_TOOLS: tuple[tuple[str, str, dict[str, Any], tuple[str, ...]], ...] = (
    (
        "share_members",
        "What share of the base a group is: a segment's share of the run's customers, the "
        "share of the (segment's) customers meeting filters, or, with position, the share of "
        "the segment at that place by size (order desc: largest first).",
        {
            "segment": _SEGMENT,
            "filters": {"type": "array", "items": _FILTER},
            "position": {"type": "integer", "minimum": 1},
            "order": {"type": "string", "enum": ["desc", "asc"]},
        },
        (),
    ),
    (
        "list_customers",
        "A sample of a segment's customers (pseudonyms, most typical first) and the link to "
        "export them all; roles that may list members only.",
        {"segment": _SEGMENT, "limit": {"type": "integer", "minimum": 1}},
        ("segment",),
    ),
    (
        "unknown",
        "The plain answer for something the run does not have (a segment, a measure, a topic, "
        'or a category value as "column=value"), listing what it has instead.',
        {
            "kind": {"type": "string", "enum": ["segment", "measure", "topic", "category"]},
            "name": {"type": "string"},
        },
        ("kind", "name"),
    ),
)

#: (name, what it asks, tools, exemplars) of each intent. ``unknown`` answers any intent whose
#: question names a segment, measure or topic the run does not have.
PEOPLE_INTENTS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "share",
        "How big a group is as a share of the base: a segment, or the customers meeting "
        "conditions.",
        ("share_members", "unknown"),
        (
            "what share of our customers are in this segment",
            "what percentage of customers belong to this segment",
            "what proportion of the customer base is this segment",
            "how big is this segment",
            "what is the size of this segment",
            "this segment as a share of all customers",
            "what % of the base is this segment",
            "what percentage of customers spent over 500",
            "what share of customers have more than 3 orders",
            "what fraction of our customers are in the north",
            "how large is this segment compared with the whole base",
        ),
    ),
    (
        "list_customers",
        "The customers of one segment, listed (a sample) with the link to export them.",
        ("list_customers", "unknown"),
        (
            "list the customers in this segment",
            "show me the members of this segment",
            "give me the customer ids in this segment",
            "export the customers of this segment",
            "who exactly is in this segment, customer by customer",
            "which customers are in this segment",
        ),
    ),
)
