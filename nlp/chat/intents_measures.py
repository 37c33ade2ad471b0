"""The intents and tools about one measure's value and breakdowns of customers by an attribute.

Plain data (no dataclass) that :mod:`nlp.chat.intents` turns into its
:class:`~nlp.chat.intents.Tool` and :class:`~nlp.chat.intents.Intent` entries, so the
registry stays one list. Exemplars use the registry's placeholders ("this segment").
"""

from __future__ import annotations

from typing import Any

_SEGMENT = {"type": "integer", "description": "A segment number of the run."}

#: (name, what it answers, arguments, required arguments) of each tool.
MEASURE_TOOLS: tuple[tuple[str, str, dict[str, Any], tuple[str, ...]], ...] = (
    (
        "measure_value",
        "The mean or median of a behaviour measure over all customers or a segment's, with "
        "the value in every segment.",
        {
            "measure": {"type": "string", "description": "a behaviour column of the run"},
            "stat": {"type": "string", "enum": ["mean", "median"]},
            "segment": _SEGMENT,
        },
        ("measure",),
    ),
    (
        "breakdown",
        "Customers (of a segment, or all) per group of an attribute such as age band, region "
        "or gender, with a measure's mean per group; by_segment: the attribute per segment. "
        "Sensitive attributes only for roles that may see them.",
        {
            "attribute": {"type": "string"},
            "segment": _SEGMENT,
            "measure": {"type": "string"},
            "by_segment": {"type": "boolean"},
        },
        ("attribute",),
    ),
)

#: (name, what it asks, tools, exemplars) of each intent.
MEASURE_INTENTS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "measure_value",
        "The average (mean or median) of a measure, overall or in a segment.",
        ("measure_value",),
        (
            "what is the average spend",
            "what's the median basket size",
            "what is the mean order count in this segment",
            "average return rate of this segment",
            "how often do customers use the app on average",
            "how long have customers been with us on average",
            "what does a typical customer spend",
            "how many orders does a typical customer place in a year",
        ),
    ),
    (
        "breakdown",
        "How customers (of a segment) split by an attribute such as age, gender or region.",
        ("breakdown",),
        (
            "break this segment down by age",
            "what is the gender split of our customers",
            "average spend by region",
            "show me the age profile of this segment",
            "how does spend vary by region",
            "which region has the highest return rate",
            "age distribution of our customers",
            "regional breakdown of customers",
        ),
    ),
)
