"""The value of one measure: its mean or median over the run's customers or a segment's.

"What's the average basket?", "median spend over the last year?", "how often do
they open the app?": one behaviour column of the run, one statistic, the whole
run or one reportable segment. The answer gives the statistic asked for, the
other one beside it, the run's value when a segment was asked (to compare
with) and a table of the value in every reportable segment. Only members of
segments of at least k customers are read (`counts.member_rows`), so no figure
describes a group smaller than k.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

from segapp.services.chat import counts, figures
from segapp.services.chat.tools.base import (
    ToolContext,
    ToolResult,
    fact,
    no_segment,
    refused,
    segment_ref,
)
from segapp.services.chat.tools.missing import no_such_measure

STATS = ("mean", "median")


def _stat(values: list[float], stat: str) -> float | None:
    if not values:
        return None
    return float(statistics.median(values) if stat == "median" else statistics.fmean(values))


def _values(rows: list[dict[str, Any]], measure: str, segment: int | None) -> list[float]:
    found = []
    for row in rows:
        if segment is not None and row[counts.SEGMENT] != segment:
            continue
        value = row.get(measure)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            found.append(float(value))
    return found


def measure_value(
    ctx: ToolContext, measure: str = "", stat: str = "mean", segment: int | None = None
) -> ToolResult:
    """The mean (or median) of a behaviour measure over the run's customers, or a segment's.

    A segment's answer also gives the run's value; every answer carries a table of
    the value per reportable segment. Customers without a value are left out and counted.
    """
    stat = stat if stat in STATS else "mean"
    info = ctx.measures().get(str(measure))
    if info is None or info.get("kind") != "behaviour":
        return no_such_measure(ctx, str(measure or "that measure"), measure=measure, stat=stat)
    chosen = None
    if segment is not None:
        chosen = ctx.segment(int(segment))
        if chosen is None:
            return no_segment(ctx, segment)
    label = str(info.get("label") or measure.replace("_", " "))
    rows = counts.member_rows(ctx, with_sentiment=False)
    everyone = _values(rows, measure, None)
    if len(everyone) < ctx.k:
        return refused(
            f"Fewer than {ctx.k} customers have a value of {label.lower()}; nothing is "
            "reported about groups that small.",
            measure=measure,
            stat=stat,
        )
    mine = _values(rows, measure, chosen.number) if chosen else everyone
    if len(mine) < ctx.k:
        return refused(
            f"Fewer than {ctx.k} customers of {chosen.name} have a value of {label.lower()}; "
            "nothing is reported about groups that small.",
            **segment_ref(chosen),
            measure=measure,
            stat=stat,
        )
    other = "median" if stat == "mean" else "mean"
    data: dict[str, Any] = {
        "segment": chosen.number if chosen else None,
        "name": chosen.name if chosen else "the run",
        "measure": measure,
        "label": label,
        "stat": stat,
        "value": _stat(mine, stat),
        "other_stat": other,
        "other_value": _stat(mine, other),
        "customers": len(mine),
        "run_value": _stat(everyone, stat) if chosen else None,
    }
    who = chosen.name if chosen else "all customers"
    facts = [
        fact(f"{stat.capitalize()} {label.lower()}, {who}", figures.number(data["value"])),
        fact(f"{other.capitalize()} {label.lower()}, {who}", figures.number(data["other_value"])),
        fact(f"Customers with a value, {who}", figures.count(len(mine))),
    ]
    if chosen:
        facts.append(
            fact(
                f"{stat.capitalize()} {label.lower()}, all customers",
                figures.number(data["run_value"]),
            )  # fmt: skip
        )
    table_rows = []
    for s in ctx.reportable():
        values = _values(rows, measure, s.number)
        if len(values) >= ctx.k:
            table_rows.append(
                [s.name, figures.number(_stat(values, stat)), figures.count(len(values))]
            )
    table = {"columns": ["Segment", f"{stat.capitalize()} {label.lower()}", "Customers"],
             "rows": table_rows}  # fmt: skip
    return ToolResult(data=data, facts=facts, table=table)
