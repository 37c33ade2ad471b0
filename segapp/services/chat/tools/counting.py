"""Tools that count members: how many (of a segment, or of the run) meet filters, and what
share of the base they are.

A count between 1 and k-1 is reported as "fewer than k". Roles without
customer-level access get numeric thresholds rounded to population bands
(`services.chat.counts`), and the answer says so.
"""

from __future__ import annotations

from typing import Any

from nlp.chat.lexicon.measures import ATTRIBUTE_TERMS
from segapp.services.chat import counts, figures
from segapp.services.chat.tools.base import (
    ToolContext,
    ToolError,
    ToolResult,
    fact,
    no_segment,
    refused,
    segment_ref,
)
from segapp.services.chat.tools.breakdowns import may_break_down_sensitive
from segapp.services.chat.tools.missing import no_such_category, no_such_measure
from segapp.services.chat.vocabulary import run_categories


def count_members(
    ctx: ToolContext, segment: int | None = None, filters: list[dict] | None = None
) -> ToolResult:
    """How many members (of a segment, or of the run) match behaviour and category filters.

    A count between 1 and k-1 is reported as "fewer than k". Roles without
    customer-level access get numeric thresholds rounded to population bands
    (`counts`), and the answer says so.
    """
    chosen = None
    if segment is not None:
        chosen = ctx.segment(int(segment))
        if chosen is None:
            return no_segment(ctx, segment)
    features = ctx.measures()
    wanted = []
    categories: dict[str, list[str]] | None = None
    for f in filters or []:
        key, op = str(f.get("measure")), str(f.get("op", ">"))
        if op == "==":
            if categories is None:
                categories = ctx.cached("categories", lambda: run_categories(ctx.run, ctx.k))
            value = str(f.get("value", "")).strip().lower()
            if value not in categories.get(key, []):
                return no_such_category(ctx, key, value, measure=key, filters=list(filters))
            wanted.append({"measure": key, "label": key.replace("_", " "), "op": op,
                           "value": value})  # fmt: skip
            continue
        info = features.get(key)
        if op not in counts.OPS or not isinstance(f.get("value"), int | float):
            raise ToolError(f"Invalid filter {f!r}.")
        if info is None and _sensitive_number(ctx, key):
            if not may_break_down_sensitive(ctx):  # the breakdowns' policy, for counts too
                reason = (f"Counts by {key} are shown only to roles that may see customers' "
                          "sensitive values and the bias audit.")  # fmt: skip
                return refused(reason, filters=list(filters))
            wanted.append({"measure": counts.SENSITIVE_NUMBER + key, "label": key, "op": op,
                           "value": float(f["value"])})  # fmt: skip
            continue
        if info is None or info.get("kind") not in ("behaviour", "sentiment"):
            return no_such_measure(ctx, key, measure=key, filters=list(filters or []))
        wanted.append({"measure": key, "label": info.get("label") or key, "op": op,
                       "value": float(f["value"])})  # fmt: skip
    counted = counts.count(ctx, chosen.number if chosen else None, wanted)
    who = chosen.name if chosen else "the run"
    data: dict[str, Any] = {
        "segment": chosen.number if chosen else None,
        "name": who,
        "filters": [{**w, "value": w["value"]} for w in wanted],
        "members": counted.members,
        "k": ctx.k,
    }
    if counted.withheld:
        return refused(counted.withheld, **data)
    data["condition"] = counted.condition
    if counted.rounded:
        data["rounded"] = counted.rounded
    matching = counted.matching or 0
    if 0 < matching < ctx.k:
        data["count"], data["fewer_than_k"] = None, True
        shown = f"fewer than {ctx.k}"
    else:
        data["count"], data["fewer_than_k"] = matching, False
        shown = figures.count(matching)
        data["share"] = round(matching / counted.members, 4) if counted.members else 0.0
    facts = [fact(f"Customers in {who}", figures.count(counted.members))]
    condition = counted.condition
    facts.append(fact(f"Of them with {condition}" if condition else "Of them", shown))
    if data.get("share") is not None and wanted:
        facts.append(fact("Share", figures.share(data["share"])))
    facts.extend(fact(label, value) for label, value in counted.facts)
    return ToolResult(data=data, facts=facts)


def _sensitive_number(ctx: ToolContext, key: str) -> bool:
    """Whether `key` is a protected attribute people ask about ("age", as the breakdowns name
    them) and some member has a number under it; any other name declared sensitive is never
    counted on."""
    if key not in set(ATTRIBUTE_TERMS.values()):
        return False
    name = counts.SENSITIVE_NUMBER + key
    return any(name in row for row in counts.member_rows(ctx, with_sentiment=False))


def share_members(
    ctx: ToolContext,
    segment: int | None = None,
    filters: list[dict] | None = None,
    position: int | None = None,
    order: str = "desc",
) -> ToolResult:
    """What share of the base a group is: with filters, the share of the segment's (or the
    run's) customers who meet them; with a segment alone, the segment's share of the run;
    with `position` alone, the share of the segment at that place by size ("the biggest
    cohort": position 1, order "desc").

    The same checks as `count_members` (k, rounded thresholds); a share of a group below k
    is withheld with its count.
    """
    if segment is None and not filters and position:
        ranked = sorted(ctx.reportable(), key=lambda s: (s.size, -s.number), reverse=order != "asc")
        if not 1 <= int(position) <= len(ranked):
            return refused(f"Run {ctx.run.pk} has {len(ranked)} segments I can report on.")
        segment = ranked[int(position) - 1].number
    if filters:
        result = count_members(ctx, segment=segment, filters=filters)
        result.data["asked"] = "share"
        return result
    if segment is None:
        return refused(
            "A share of what? Name a segment, or a condition such as a region or a spend.",
            asked="share",
        )
    chosen = ctx.segment(int(segment))
    if chosen is None:
        return no_segment(ctx, segment)
    data: dict[str, Any] = {
        **segment_ref(chosen), "asked": "share", "of": "run", "count": chosen.size,
        "members": ctx.run.n_customers, "share": round(chosen.share, 4), "filters": [],
        "fewer_than_k": False, "k": ctx.k,
    }  # fmt: skip
    facts = [
        fact("Customers in the run", figures.count(ctx.run.n_customers)),
        fact(f"Of them in {chosen.name}", figures.count(chosen.size)),
        fact("Share", figures.share(chosen.share)),
    ]
    return ToolResult(data=data, facts=facts)
