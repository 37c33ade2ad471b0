"""Breaking customers down by an attribute: how many are in each age band, region or gender,
and a measure's mean per group ("average spend by region", "which region returns most").

A breakdown by a sensitive attribute (one declared sensitive, such as age, gender or
region) joins what a customer is with what they do, finer than the bias audit's
per-segment flags; it is given in aggregate only to roles that may see customers'
sensitive values and the bias audit (`SENSITIVE_CAPABILITIES`, analysts and admins),
and refused plainly to every other role, whatever the wording. Every group below k
shows no figure ("fewer than k"); when a breakdown would hide exactly one group, the
next smallest is hidden too, so the hidden one cannot be worked out from the total.
Age is shown in the bias audit's bands (`nlp.fairness.AGE_BANDS`).
"""

from __future__ import annotations

import math
import statistics
from typing import Any

from django.db.models import Avg

from nlp.fairness import AGE_BANDS, attribute_match
from segapp.models import DocumentResult, Membership
from segapp.selectors import personas
from segapp.selectors.customer_explanations import feature_number
from segapp.services.chat import figures
from segapp.services.chat.tools.base import ToolContext, ToolResult, fact, no_segment, refused
from segapp.services.ingest.name_words import SENSITIVE_WORDS
from segapp.services.sensitive import (
    canonical_sensitive,
    declared_sensitive_names,
    sensitive_key,
    without_sensitive,
)

SENSITIVE_CAPABILITIES = ("view_customer_profiles", "view_bias_audit")
"""Who may see a breakdown by a sensitive attribute: holders of every one of these."""

GROUPS_SHOWN = 12


def may_break_down_sensitive(ctx: ToolContext) -> bool:
    """Whether the asker may see breakdowns by sensitive attributes."""
    return all(ctx.allowed(c) for c in SENSITIVE_CAPABILITIES)


SENTIMENT = "sentiment"


def _rows(ctx: ToolContext) -> list[dict[str, Any]]:
    """Members outside segments below k: their attribute values, measures and segment."""

    def read() -> list[dict[str, Any]]:
        found = Membership.objects.filter(run=ctx.run)
        small = [s.pk for s in ctx.segments() if personas.is_small(s, ctx.k)]
        if small:
            found = found.exclude(segment__in=small)
        declared = declared_sensitive_names()
        hidden = frozenset(declared)
        rows = []
        for customer, number, sensitive, attributes, behaviour, events in found.values_list(
            "customer_id",
            "segment__number",
            "customer__sensitive",
            "customer__attributes",
            "customer__behaviour",
            "customer__event_features",
        ):
            values: dict[str, Any] = {}
            for name, value in (attributes or {}).items():
                values.setdefault(sensitive_key(name), value)
            held = canonical_sensitive(sensitive, declared=declared)
            values |= held
            numbers = without_sensitive({**(behaviour or {}), **(events or {})}, hidden)
            measures = {k: feature_number(v) for k, v in numbers.items()}
            rows.append({"segment": number, "values": values, "measures": measures,
                         "sensitive": frozenset(held), "customer": customer})  # fmt: skip
        return rows

    return ctx.cached("breakdown_rows", read)


def _with_moods(ctx: ToolContext, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with each member's mean document sentiment as the measure "sentiment"."""

    def read() -> dict[int, float]:
        found = (
            DocumentResult.objects.filter(run=ctx.run)
            .values("document__customer_id")
            .annotate(mood=Avg("sentiment"))
            .values_list("document__customer_id", "mood")
        )
        return dict(found)

    moods = ctx.cached("breakdown_moods", read)
    return [{**r, "measures": {**r["measures"], SENTIMENT: moods.get(r["customer"])}} for r in rows]


def _is_sensitive(ctx: ToolContext, key: str) -> bool:
    """Declared sensitive, held in a member's sensitive values, or named like a sensitive column."""
    if attribute_match(key) in declared_sensitive_names():
        return True
    if any(key in row["sensitive"] for row in _rows(ctx)):
        return True
    return bool(set(key.split("_")) & SENSITIVE_WORDS)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _age_band(age: float) -> str:
    if age < AGE_BANDS[0][0]:
        return f"under {AGE_BANDS[0][0]}"
    for low, high in AGE_BANDS:
        if high is None or age < high + 1:
            return f"{low}+" if high is None else f"{low}–{high}"
    return f"{AGE_BANDS[-1][0]}+"


def _group_of(key: str, value: Any, numeric: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if numeric:
        number = _number(value)
        return None if number is None else _age_band(number)
    return str(value).strip().lower()


def _attribute_values(rows: list[dict[str, Any]], key: str) -> tuple[bool, bool]:
    """(present, numeric age-like) for an attribute key."""
    given = [r["values"][key] for r in rows if r["values"].get(key) not in (None, "")]
    if not given:
        return False, False
    numeric = "age" in key.split("_") and all(_number(v) is not None for v in given)
    return True, numeric


def _hide_small(groups: dict[str, list[dict]], k: int) -> set[str]:
    small = {g for g, members in groups.items() if len(members) < k}
    if len(small) == 1 and len(groups) > 2:
        rest = sorted((len(m), g) for g, m in groups.items() if g not in small)
        small.add(rest[0][1])
    return small


def _mean(rows: list[dict], measure: str) -> float | None:
    values = [v for r in rows if (v := _number(r["measures"].get(measure))) is not None]
    return statistics.fmean(values) if values else None


def breakdown(
    ctx: ToolContext,
    attribute: str = "",
    segment: int | None = None,
    measure: str | None = None,
    by_segment: bool = False,
) -> ToolResult:
    """Customers (of a segment, or of the run) per group of `attribute`, with the mean of
    `measure` per group when asked; `by_segment`: the attribute summarised per segment."""
    key = sensitive_key(str(attribute or ""))
    label = key.replace("_", " ")
    base: dict[str, Any] = {"attribute": key, "segment": segment, "measure": measure}
    if not key:
        return refused("Break customers down by what? Name an attribute such as a region.", **base)
    if _is_sensitive(ctx, key) and not may_break_down_sensitive(ctx):
        return refused(
            f"I can't show a breakdown by {label} to your role: breakdowns by sensitive "
            "attributes (such as age, gender or region) are for analysts and admins only.",
            **base,
            sensitive=True,
        )
    chosen = None
    if segment is not None:
        chosen = ctx.segment(int(segment))
        if chosen is None:
            return no_segment(ctx, segment)
    rows = _rows(ctx)
    present, numeric = _attribute_values(rows, key)
    if not present:
        return refused(f"I don't have {label} for the customers of run {ctx.run.pk}.", **base)
    info = ctx.measures().get(measure or "") if measure else None
    if measure == SENTIMENT:  # "any difference in mood between men and women"
        rows, info = _with_moods(ctx, rows), {"label": "sentiment"}
    elif measure and (info is None or info.get("kind") != "behaviour"):
        measure, info = None, None
    base["measure"] = measure
    measure_label = str((info or {}).get("label") or measure or "").lower()
    if by_segment:
        return _per_segment(ctx, rows, key, label, numeric, base)
    scope = [r for r in rows if chosen is None or r["segment"] == chosen.number]
    groups: dict[str, list[dict]] = {}
    for row in scope:
        group = _group_of(key, row["values"].get(key), numeric)
        groups.setdefault(group or "not given", []).append(row)
    hidden = _hide_small(groups, ctx.k)
    total = len(scope)
    shown = []
    for group, members in groups.items():
        entry: dict[str, Any] = {"group": group, "hidden": group in hidden}
        if group not in hidden:
            entry |= {"count": len(members), "share": round(len(members) / max(1, total), 4)}
            if measure:
                entry["mean"] = _mean(members, measure)
        shown.append(entry)
    order = (lambda e: -(e.get("mean") or -math.inf)) if measure else (lambda e: -e.get("count", 0))
    shown.sort(key=lambda e: (e["hidden"], order(e)))
    data = {**base, "name": chosen.name if chosen else "the run", "label": label,
            "measure_label": measure_label, "customers": total, "groups": shown[:GROUPS_SHOWN],
            "k": ctx.k, "sensitive": _is_sensitive(ctx, key),
            "hidden_groups": len(hidden)}  # fmt: skip
    facts = [fact(f"{e['group']}", _group_figure(e, measure)) for e in shown[:GROUPS_SHOWN]]
    columns = ["Group", "Customers", "Share"] + ([f"Mean {measure_label}"] if measure else [])
    table_rows = [
        [e["group"], figures.count(e["count"]), figures.share(e["share"])]
        + ([_figure(e["mean"], measure) if e.get("mean") is not None else "–"] if measure else [])
        for e in shown
        if not e["hidden"]
    ]
    return ToolResult(data=data, facts=facts, table={"columns": columns, "rows": table_rows})


def _figure(value: float, measure: str) -> str:
    return figures.sentiment(value) if measure == SENTIMENT else figures.number(value)


def _group_figure(entry: dict[str, Any], measure: str | None) -> str:
    if entry["hidden"]:
        return "fewer than k (not shown)"
    text = f"{figures.count(entry['count'])} ({figures.share(entry['share'])})"
    if measure and entry.get("mean") is not None:
        text = f"mean {_figure(entry['mean'], measure)}; {text}"
    return text


def _per_segment(
    ctx: ToolContext, rows: list[dict], key: str, label: str, numeric: bool, base: dict
) -> ToolResult:
    """The attribute in each reportable segment: its mean (numbers) and its largest group."""
    segments = []
    for s in ctx.reportable():
        members = [r for r in rows if r["segment"] == s.number]
        groups: dict[str, int] = {}
        for row in members:
            group = _group_of(key, row["values"].get(key), numeric)
            if group:
                groups[group] = groups.get(group, 0) + 1
        if not groups or len(members) < ctx.k:
            continue
        top, n = max(groups.items(), key=lambda kv: kv[1])
        entry = {"segment": s.number, "name": s.name, "customers": len(members), "top": top,
                 "top_share": round(n / len(members), 4) if n >= ctx.k else None}  # fmt: skip
        if numeric:
            values = [v for r in members if (v := _number(r["values"].get(key))) is not None]
            entry["mean"] = statistics.fmean(values) if values else None
        segments.append(entry)
    data = {**base, "by_segment": True, "label": label, "segments": segments, "k": ctx.k,
            "name": "the run", "numeric": numeric}  # fmt: skip
    facts = [fact(e["name"], _segment_figure(e, label)) for e in segments]
    columns = ["Segment", "Customers", *([f"Mean {label}"] if numeric else []), "Largest group"]
    table_rows = [
        [e["name"], figures.count(e["customers"])]
        + ([figures.number(e["mean"])] if numeric and e.get("mean") is not None else [])
        + [_top_words(e)]
        for e in segments
    ]
    return ToolResult(data=data, facts=facts, table={"columns": columns, "rows": table_rows})


def _top_words(entry: dict[str, Any]) -> str:
    if entry.get("top_share") is None:
        return "–"
    return f"{entry['top']} ({figures.share(entry['top_share'])})"


def _segment_figure(entry: dict[str, Any], label: str) -> str:
    parts = []
    if entry.get("mean") is not None:
        parts.append(f"mean {label} {figures.number(entry['mean'])}")
    if entry.get("top_share") is not None:
        parts.append(f"most in {_top_words(entry)}")
    return "; ".join(parts) or "–"
