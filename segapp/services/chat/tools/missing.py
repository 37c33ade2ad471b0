"""Saying plainly that something asked for does not exist, and what there is instead.

"I don't have a segment called “X”. The segments are: …", "I don't have household
income. I have: spend, orders, …": the options are listed in the answer and
offered as clickable suggestions (questions about each), so the asker can pick
one. Only reportable names are offered: segments below k and topics too few
customers write about are never named.
"""

from __future__ import annotations

from typing import Any

from segapp.models import Topic
from segapp.selectors.topics import small_topic_numbers
from segapp.services.chat.tools.base import SUGGESTIONS_SHOWN, ToolContext, ToolResult
from segapp.services.chat.vocabulary import run_categories

KINDS = ("segment", "measure", "topic", "category", "condition")
LISTED = 8  # options written in the answer


def _listed(names: list[str]) -> str:
    """The first LISTED names, and "others" when there are more (`_unlisted` keeps how many:
    a count in a refusal would read as a figure about what was asked)."""
    shown = names[:LISTED]
    return ", ".join(shown) + (", and others" if len(names) > len(shown) else "")


def _unlisted(names: list[str]) -> int:
    return max(0, len(names) - LISTED)


def measure_labels(ctx: ToolContext) -> dict[str, str]:
    """Measure key → the label an answer writes, for the measures a question may name."""
    found = {"size": "size", "sentiment": "sentiment"}
    for key, info in ctx.measures().items():
        if info.get("kind") == "behaviour":
            found[key] = str(info.get("label") or key.replace("_", " ")).lower()
    return found


def no_such_segment(ctx: ToolContext, name: str, **data: Any) -> ToolResult:
    """I don't have a segment called “name”; the reportable segments, as suggestions too."""
    names = [s.name for s in ctx.reportable()]
    reason = f"I don't have a segment called “{name}”."
    if names:
        reason += " The segments are: " + _listed([f"“{n}”" for n in names]) + "."
    suggestions = [f"Describe the “{n}” segment." for n in names[:SUGGESTIONS_SHOWN]]
    return ToolResult(
        data={
            **data,
            "missing": "segment",
            "asked_for": name,
            "options": names,
            "unlisted": _unlisted(names),
        },
        refused=reason,
        suggestions=suggestions,
    )


def no_such_measure(ctx: ToolContext, name: str, **data: Any) -> ToolResult:
    """I don't have “name”; the measures the run holds, as suggestions too."""
    labels = list(measure_labels(ctx).values())
    reason = f"I don't have {name}. I have: {_listed(labels)}."
    behaviour = [label for label in labels if label not in ("size", "sentiment")]
    suggestions = [f"Which segment has the highest {label}?"
                   for label in behaviour[:SUGGESTIONS_SHOWN]]  # fmt: skip
    return ToolResult(
        data={
            **data,
            "missing": "measure",
            "asked_for": name,
            "options": labels,
            "unlisted": _unlisted(labels),
        },  # fmt: skip
        refused=reason,
        suggestions=suggestions,
    )


def _topics_by_size(ctx: ToolContext) -> list[str]:
    small = small_topic_numbers(ctx.run, ctx.k)
    rows = Topic.objects.filter(run=ctx.run, number__gte=0).order_by("-size", "number")
    return [label for number, label in rows.values_list("number", "label") if number not in small]


def no_such_topic(ctx: ToolContext, name: str, **data: Any) -> ToolResult:
    """Nobody writes about “name” (no topic of the run); the topics there are, largest first."""
    labels = _topics_by_size(ctx)
    reason = f"I don't have a topic about “{name}”: no topic of run {ctx.run.pk} covers it."
    if labels:
        reason += " The topics people write about most are: " + _listed(labels) + "."
    suggestions = [f"Where does {label} come up most?" for label in labels[:SUGGESTIONS_SHOWN]]
    return ToolResult(
        data={
            **data,
            "missing": "topic",
            "asked_for": name,
            "options": labels,
            "run": ctx.run.pk,
        },  # fmt: skip
        refused=reason,
        suggestions=suggestions,
    )


def no_such_words(
    ctx: ToolContext, words: str, data: dict[str, Any], *, some: bool = False
) -> ToolResult:
    """Nobody wrote “words” (in the group asked about), or with ``some`` fewer than k did;
    the topics there are instead."""
    found = no_such_topic(ctx, words)
    found.data = {**data, **found.data}
    said = (
        f"I don't have enough comments that mention “{words}” to report on."
        if some
        else f"I don't have any comments that mention “{words}”."
    )
    found.refused = (found.refused or "").replace(
        f"I don't have a topic about “{words}”: no topic of run {ctx.run.pk} covers it.", said
    )
    return found


def no_such_category(ctx: ToolContext, column: str, value: str, **data: Any) -> ToolResult:
    """No customers with column “value” to count; the column's values (held by k or more)."""
    categories = ctx.cached("categories", lambda: run_categories(ctx.run, ctx.k))
    label = column.replace("_", " ")
    values = categories.get(column, [])
    if not values:
        return no_such_measure(ctx, label, **data)
    reason = (
        f"I don't have customers with {label} “{value}”. The values of {label} are: "
        f"{_listed(values)}."
    )
    suggestions = [f"How many customers have {label} {v}?" for v in values[:SUGGESTIONS_SHOWN]]
    return ToolResult(
        data={
            **data,
            "missing": "category",
            "asked_for": value,
            "options": values,
            "unlisted": _unlisted(values),
        },  # fmt: skip
        refused=reason,
        suggestions=suggestions,
    )


def no_condition_read(ctx: ToolContext, phrase: str) -> ToolResult:
    """A counting question with a part no condition could be read from: nothing counted
    (a count without it would answer another question), the measures offered instead."""
    labels = [label for label in measure_labels(ctx).values() if label not in ("size", "sentiment")]
    reason = (
        f"I couldn't read “{phrase}” as a condition I can count on, so I haven't counted: "
        "a count without it would answer a different question. Write it with a number on "
        f"one of the measures I have: {_listed(labels)}."
    )
    return ToolResult(
        data={
            "missing": "condition",
            "asked_for": phrase,
            "options": labels,
            "unlisted": _unlisted(labels),
        },  # fmt: skip
        refused=reason,
        suggestions=[],
    )


def unknown(ctx: ToolContext, kind: str = "segment", name: str = "") -> ToolResult:
    """The answer to a question naming something the run does not have: a segment, a
    measure, a topic (or a category value, as "column=value")."""
    name = " ".join(str(name or "").split()) or "that"
    if kind == "measure":
        return no_such_measure(ctx, name)
    if kind == "condition":
        return no_condition_read(ctx, name)
    if kind == "topic":
        return no_such_topic(ctx, name)
    if kind == "category" and "=" in name:
        column, value = (part.strip() for part in name.split("=", 1))
        return no_such_category(ctx, column, value)
    return no_such_segment(ctx, name)
