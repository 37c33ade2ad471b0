"""What every chat tool shares: its context (run, asker, k), its result, refusals and facts.

A tool takes a `ToolContext` and the plan step's arguments and returns a
`ToolResult`: `data` (a compact JSON-ready summary, shown as the plan step's
result), `facts` (label/value pairs a person reads, formatted by `figures`),
`quotes` (redacted document texts, only for roles with `view_documents`, only
about groups of at least k writers), an optional small `table` and
`suggestions` (clickable follow-up questions, such as the names a refusal
offers instead). A tool that cannot answer returns a result with `refused` set
to a plain reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from segapp.models import Segment, SegmentationRun, Topic
from segapp.selectors import personas
from segapp.selectors.topics import small_topic_label, small_topic_numbers
from segapp.services.accounts import can
from segapp.services.chat.customer_columns import behaviour_measures
from segapp.services.sensitive import declared_sensitive_names

QUOTE_LIMIT = 5
MAX_QUOTE_LIMIT = 10
SUGGESTIONS_SHOWN = 6  # names offered as clickable suggestions when one asked for is missing


@dataclass
class ToolContext:
    """What every tool needs: the run, who asks (None: the command line's operator), and k.

    Segments and topic labels are read once per question and shared by its steps.
    """

    run: SegmentationRun
    user: Any
    k: int
    _segments: list[Segment] | None = field(default=None, repr=False)
    _labels: dict[int, str] | None = field(default=None, repr=False)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()` once per question for `key` (member values, grids), then the same value."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def allowed(self, capability: str) -> bool:
        """Whether the asker may use `capability`; the command line's operator may do all."""
        return self.user is None or can(self.user, capability)

    def measures(self) -> dict[str, dict[str, Any]]:
        """The run's features that may be offered as measures (none declared sensitive)."""
        return self.cached(
            "measures", lambda: behaviour_measures(self.run, declared=declared_sensitive_names())
        )

    def segments(self) -> list[Segment]:
        """The run's segments by number (one query, then cached)."""
        if self._segments is None:
            self._segments = list(Segment.objects.filter(run=self.run).order_by("number"))
        return self._segments

    def reportable(self) -> list[Segment]:
        """The segments of at least k customers."""
        return [s for s in self.segments() if not personas.is_small(s, self.k)]

    def segment(self, number: int) -> Segment | None:
        """A reportable segment by number, or None."""
        return next((s for s in self.reportable() if s.number == number), None)

    def topic_labels(self) -> dict[int, str]:
        """Topic number → label (one query, then cached)."""
        if self._labels is None:
            small = small_topic_numbers(self.run)
            hidden = small_topic_label()
            self._labels = {
                number: hidden if number in small else label
                for number, label in Topic.objects.filter(run=self.run).values_list(
                    "number", "label"
                )
            }
        return self._labels

    def topic_label(self, number: int) -> str:
        """A topic's label, or "topic N" when the run has none by that number."""
        return self.topic_labels().get(number, f"topic {number}")


@dataclass
class ToolResult:
    """What a tool found: data for the plan, facts and quotes for people, maybe a table,
    and questions worth asking next (shown as clickable suggestions)."""

    data: dict[str, Any] = field(default_factory=dict)
    facts: list[dict[str, str]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    table: dict[str, Any] | None = None
    refused: str | None = None
    suggestions: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The compact result shown in the plan ("how I answered")."""
        found = dict(self.data)
        if self.refused:
            found["refused"] = self.refused
        if self.quotes:
            found["quotes"] = [q["document"] for q in self.quotes]
        return found


class ToolError(ValueError):
    """A tool was called with arguments it does not take (an LLM's invented call, say)."""


def refused(reason: str, **data: Any) -> ToolResult:
    """A result that says plainly why the tool cannot answer."""
    return ToolResult(data=dict(data), refused=reason)


def fact(label: str, value: str) -> dict[str, str]:
    """One label/value pair of the facts table."""
    return {"label": label, "value": value}


def segment_ref(segment: Segment) -> dict[str, Any]:
    """How a segment is named in data: number and name."""
    return {"segment": segment.number, "name": segment.name}


def no_segment(ctx: ToolContext, number: Any) -> ToolResult:
    """The refusal for a segment number the run lacks or reports nothing about (below k)."""
    if any(s.number == number for s in ctx.segments()):
        return refused(
            f"Segment {number} has fewer than {ctx.k} customers; nothing is reported about "
            "groups that small.",
            segment=number,
            k=ctx.k,
        )
    return refused(f"There is no segment {number} in run {ctx.run.pk}.", segment=number)


def no_topic(ctx: ToolContext, number: Any) -> ToolResult:
    """The refusal for a topic number the run lacks."""
    return refused(f"There is no topic {number} in run {ctx.run.pk}.", topic=number)
