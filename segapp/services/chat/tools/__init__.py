"""The chat's tools: one function per tool name of a plan, reading selectors only.

Each tool takes a `ToolContext` (run, user, k) and the plan step's arguments and
returns a `ToolResult` (`base`). Checks live in the tools, never in the answer:
customers need `explain_customers`, member lists `view_members`, quotes
`view_documents`, product managers and integrations get aggregates only, and
no group below k is reported (a filtered count between 1 and k-1 reads "fewer
than k"; roles without customer-level access get numeric thresholds rounded to
population bands, see `services.chat.counts`). A tool that cannot answer
returns a result with `refused` set to a plain reason, and names the options
when what was asked for does not exist (`missing`).

The tools by subject: `segments` (overview, one segment, ranking, comparison),
`topics` (a segment on a topic, where a topic comes up, what drives negative or
positive sentiment, the most discussed topics), `quotes` (verbatims),
`counting` (counts and shares), `trends` (a topic's months, sentiment getting
better or worse, topics growing), `customers` (why one customer, a member
sample), `runs` (what changed between runs), `advice` (the evidence for a
targeting decision) and `missing` (what does not exist, and what does).
`TOOLS` is the one registry `run_tool` calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from segapp.services.chat.tools.advice import target_evidence
from segapp.services.chat.tools.base import (
    MAX_QUOTE_LIMIT,
    QUOTE_LIMIT,
    ToolContext,
    ToolError,
    ToolResult,
    fact,
    refused,
    segment_ref,
)
from segapp.services.chat.tools.breakdowns import breakdown
from segapp.services.chat.tools.counting import count_members, share_members
from segapp.services.chat.tools.customers import customer_why, list_customers
from segapp.services.chat.tools.measures import measure_value
from segapp.services.chat.tools.missing import unknown
from segapp.services.chat.tools.quotes import quotes
from segapp.services.chat.tools.runs import run_change
from segapp.services.chat.tools.segments import (
    compare_segments,
    describe_segment,
    overview,
    rank_segments,
)
from segapp.services.chat.tools.topics import (
    negative_drivers,
    positive_drivers,
    segment_topic,
    top_topics,
    topic_where,
)
from segapp.services.chat.tools.trends import growing_topics, sentiment_trend, topic_trend

TOOLS: dict[str, Callable[..., ToolResult]] = {
    "overview": overview,
    "describe_segment": describe_segment,
    "rank_segments": rank_segments,
    "compare_segments": compare_segments,
    "segment_topic": segment_topic,
    "topic_where": topic_where,
    "negative_drivers": negative_drivers,
    "positive_drivers": positive_drivers,
    "top_topics": top_topics,
    "count_members": count_members,
    "share_members": share_members,
    "topic_trend": topic_trend,
    "sentiment_trend": sentiment_trend,
    "growing_topics": growing_topics,
    "run_change": run_change,
    "customer_why": customer_why,
    "list_customers": list_customers,
    "quotes": quotes,
    "target_evidence": target_evidence,
    "unknown": unknown,
    "measure_value": measure_value,
    "breakdown": breakdown,
}


def run_tool(ctx: ToolContext, name: str, args: dict[str, Any] | None = None) -> ToolResult:
    """Call tool `name` with `args`; ToolError for an unknown tool or arguments it does not take.

    Every result names the run it was read from (`data["run"]`), which its answer's
    reading sentence cites.
    """
    tool = TOOLS.get(name)
    if tool is None:
        raise ToolError(f"There is no tool called {name!r}.")
    try:
        result = tool(ctx, **(args or {}))
    except TypeError as exc:
        raise ToolError(f"{name}: {exc}") from None
    except (KeyError, AttributeError, ValueError) as exc:
        raise ToolError(f"{name}: invalid arguments ({exc})") from None
    result.data.setdefault("run", ctx.run.pk)
    return result


__all__ = [
    "MAX_QUOTE_LIMIT",
    "QUOTE_LIMIT",
    "TOOLS",
    "ToolContext",
    "ToolError",
    "ToolResult",
    "compare_segments",
    "count_members",
    "customer_why",
    "describe_segment",
    "fact",
    "growing_topics",
    "list_customers",
    "negative_drivers",
    "overview",
    "positive_drivers",
    "quotes",
    "rank_segments",
    "refused",
    "run_change",
    "run_tool",
    "segment_ref",
    "segment_topic",
    "sentiment_trend",
    "share_members",
    "target_evidence",
    "top_topics",
    "topic_trend",
    "topic_where",
    "unknown",
]
