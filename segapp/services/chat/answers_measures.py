"""Answer text and reading sentences for a measure's value and for breakdowns by an attribute.

Written like `compose`'s writers: a few plain sentences, every figure taken from
the result's data and written with `figures`; the reading sentence (`READINGS`)
says how the question was read before the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from segapp.services.chat import figures
from segapp.services.chat.tools.base import ToolResult

STAT_WORDS = {"mean": "mean", "median": "median"}


def _q(name: object) -> str:
    return f"“{name}”"


def measure_value(d: dict, r: ToolResult) -> str:
    """The statistic asked for, the other one beside it, and the run's value for a segment."""
    label = str(d["label"]).lower()
    who = "all customers" if d.get("segment") is None else _q(d["name"])
    text = (
        f"The {d['stat']} {label} of {who} is {figures.number(d['value'])} "
        f"({figures.count(d['customers'])} customers; {d['other_stat']} "
        f"{figures.number(d['other_value'])})."
    )
    if d.get("run_value") is not None:
        text += f" For all customers it is {figures.number(d['run_value'])}."
    return text


def breakdown(d: dict, r: ToolResult) -> str:
    """Customers per group, with the measure's mean per group when asked."""
    if d.get("by_segment"):
        return _by_segment(d)
    who = "the run" if d.get("segment") is None else _q(d["name"])
    shown = [g for g in d["groups"] if not g["hidden"]]
    if d.get("measure") and any(g.get("mean") is not None for g in shown):
        written = figures.sentiment if d["measure"] == "sentiment" else figures.number
        listed = "; ".join(
            f"{g['group']}: {written(g['mean'])} ({figures.count(g['count'])} customers)"
            for g in shown
            if g.get("mean") is not None
        )
        text = f"Mean {d['measure_label']} by {d['label']} in {who}: {listed}."
        top = next(g for g in shown if g.get("mean") is not None)
        text += f" Highest: {top['group']}."
    elif not shown:
        return (
            f"None of the {d['label']} groups of the {figures.count(d['customers'])} customers "
            f"of {who} has {d['k']} or more customers, so I don't show any."
        )
    else:
        listed = "; ".join(
            f"{g['group']}: {figures.share(g['share'])} ({figures.count(g['count'])})"
            for g in shown
        )
        text = f"The {figures.count(d['customers'])} customers of {who} by {d['label']}: {listed}."
    if d.get("hidden_groups"):
        text += (
            f" {figures.count(d['hidden_groups'])} groups have fewer than {d['k']} customers "
            "and are not shown."
        )
    return text


def _by_segment(d: dict) -> str:
    parts = []
    for s in d["segments"]:
        said = []
        if s.get("mean") is not None:
            said.append(f"mean {d['label']} {figures.number(s['mean'])}")
        if s.get("top_share") is not None:
            said.append(f"most in {s['top']} ({figures.share(s['top_share'])})")
        if said:
            parts.append(f"{_q(s['name'])}: {', '.join(said)}")
    if not parts:
        return f"No segment has enough customers with a value of {d['label']} to report."
    return f"{d['label'].capitalize()} by segment: " + "; ".join(parts) + "."


def read_measure_value(d: dict, args: dict[str, Any]) -> str:
    """ "Working out the mean spend (12 months) of “X” in run 3"."""
    label = str(d.get("label") or d.get("measure") or args.get("measure") or "").lower()
    stat = d.get("stat") or args.get("stat") or "mean"
    who = f" of {_q(d['name'])}" if d.get("segment") is not None and d.get("name") else (
        " of all customers")  # fmt: skip
    return f"Working out the {stat} {label}{who} in run {d['run']}"


def read_breakdown(d: dict, args: dict[str, Any]) -> str:
    """ "Breaking the customers of run 3 down by region (mean spend per group)"."""
    label = str(d.get("attribute") or args.get("attribute") or "an attribute").replace("_", " ")
    if d.get("by_segment") or args.get("by_segment"):
        return f"Summarising {label} in each segment of run {d['run']}"
    who = f"the customers of {_q(d['name'])}" if d.get("segment") is not None and d.get(
        "name") else "the customers"  # fmt: skip
    text = f"Breaking {who} in run {d['run']} down by {label}"
    if d.get("measure_label"):
        text += f", with the mean {d['measure_label']} of each group"
    return text


WRITERS: dict[str, Callable[[dict, ToolResult], str]] = {
    "measure_value": measure_value,
    "breakdown": breakdown,
}
READINGS: dict[str, Callable[[dict, dict], str]] = {
    "measure_value": read_measure_value,
    "breakdown": read_breakdown,
}
