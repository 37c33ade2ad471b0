"""Answer text for the tools that answer shares, verbatims, trends with a direction, growing
topics, the most discussed topics, what customers like, member lists and targeting evidence.

Written like `compose`'s writers: a few plain sentences, every figure taken from
the result's data and written with `figures`.
"""

from __future__ import annotations

from collections.abc import Callable

from segapp.services.chat import figures
from segapp.services.chat.tools import ToolResult

DIRECTIONS = {"better": "getting better", "worse": "getting worse", "steady": "about the same"}


def _q(name: object) -> str:
    return f"“{name}”"


def _who(d: dict) -> str:
    return "all customers" if d.get("segment") is None else _q(d["name"])


def positive(d: dict, r: ToolResult) -> str:
    """What customers like most: the topics with the largest weight of positive documents."""
    drivers = d["drivers"][:3]
    first = drivers[0]
    text = (
        f"What {_who(d)} like most is {first['label']}: "
        f"{figures.share(first['positive_share'])} of those documents are positive, mean "
        f"sentiment {figures.sentiment(first['sentiment'])}."
    )
    if len(drivers) > 1:
        listed = ", ".join(
            f"{x['label']} ({figures.share(x['positive_share'])} positive)" for x in drivers[1:]
        )
        text += f" Next: {listed}."
    if r.quotes:
        text += " Some of their praise is quoted below."
    return text


def top_topics(d: dict, r: ToolResult) -> str:
    """The most discussed topics, with documents and share."""
    listed = "; ".join(
        f"{t['label']}, {figures.count(t['documents'])} documents ({figures.share(t['share'])})"
        for t in d["topics"]
    )
    return f"The most discussed topics for {_who(d)}: {listed}."


def share(d: dict, r: ToolResult) -> str:
    """A share of the base first, then the count behind it."""
    if d.get("of") == "run":
        return (
            f"{_q(d['name'])} is {figures.share(d['share'])} of the run's "
            f"{figures.count(d['members'])} customers ({figures.count(d['count'])} customers)."
        )
    who = "the run" if d.get("segment") is None else _q(d["name"])
    condition = f" {d['condition']}" if d.get("condition") else ""
    if d.get("fewer_than_k"):
        return (
            f"Fewer than {d['k']} customers in {who} have{condition or ' that'}; groups that "
            "small are not reported, so I give no share for them."
        )
    return (
        f"{figures.share(d['share'])} of the {figures.count(d['members'])} customers in {who} "
        f"have{condition}: {figures.count(d['count'])} customers."
    )


def sentiment_trend(d: dict, r: ToolResult) -> str:
    """Which way sentiment is going, from its earlier and later months."""
    subject = "Sentiment" + ("" if d.get("segment") is None else f" in {_q(d['name'])}")
    if d.get("topic") is not None:
        subject += f" about {d['label']}"
    elif d.get("about"):
        subject += f" in comments mentioning {d['label']}"
    early, late = d["early"], d["late"]
    text = (
        f"{subject} is {DIRECTIONS[d['direction']]}: the mean went from "
        f"{figures.sentiment(early['sentiment'])} ({_span(early)}) to "
        f"{figures.sentiment(late['sentiment'])} ({_span(late)}), a change of "
        f"{figures.sentiment(d['change'])}."
    )
    if d["direction"] == "steady":
        text += f" Changes smaller than {figures.sentiment(d['steady'])} count as steady."
    return text


VOLUME_DIRECTIONS = {"up": "going up", "down": "going down", "steady": "about the same"}


def volume_direction(d: dict) -> str:
    """Which way the number of documents goes: the earlier half of the months against the
    later half."""
    v = d["volume"]
    subject = "all documents" if d.get("topic") is None else f"documents about {d['label']}"
    if d.get("about"):
        subject = f"documents mentioning {d['label']}"
    early, late = v["early"], v["late"]
    text = (
        f"The number of {subject} is {VOLUME_DIRECTIONS[v['direction']]}: "
        f"{figures.count(early['documents'])} from {_span(early)} against "
        f"{figures.count(late['documents'])} from {_span(late)}"
    )
    if v.get("change") is not None:
        sign = "+" if v["change"] > 0 else ""
        text += f" ({sign}{figures.share(v['change'])})"
    return text + "."


def _span(half: dict) -> str:
    return figures.months(half["from"], half["to"])


def growing(d: dict, r: ToolResult) -> str:
    """The topics whose share of the documents grew (or fell) most."""
    early, late = d["early"], d["late"]
    span = f"from {_span(early)} against {_span(late)}"
    rows = d["topics"]
    top = rows[0]
    rising = d.get("order", "desc") != "asc"
    if rising and top["change"] <= 0:
        return f"No topic's share of the documents grew {span}; {top['label']} fell least " \
               f"({figures.points(top['change'])})."  # fmt: skip
    if not rising and top["change"] >= 0:
        return f"No topic's share of the documents fell {span}; {top['label']} grew least " \
               f"({figures.points(top['change'])})."  # fmt: skip
    how = "Growing fastest" if rising else "Falling fastest"
    text = (
        f"{how} ({span}): {top['label']}, {figures.share(top['before'])} → "
        f"{figures.share(top['after'])} of documents ({figures.points(top['change'])})."
    )
    others = [t for t in rows[1:3] if (t["change"] > 0) == rising and t["change"] != 0]
    if others:
        listed = ", ".join(f"{t['label']} ({figures.points(t['change'])})" for t in others)
        text += f" Then: {listed}."
    return text


def members(d: dict, r: ToolResult) -> str:
    """A sample of a segment's members and where to export them all."""
    text = (
        f"{_q(d['name'])} has {figures.count(d['members'])} customers; the table shows "
        f"{figures.count(d['shown'])} of them, most typical first, by pseudonym."
    )
    if d.get("can_export"):
        text += f" Export every member as CSV from {d['export']}."
    return text


def evidence(d: dict, r: ToolResult) -> str:
    """The figures that bear on a targeting decision, and whose decision it is."""
    rows = {s["name"]: s for s in d["segments"]}
    big = rows[d["largest"]]
    goal = d.get("goal_words") or "this"
    text = (
        f"For {goal}, here is what I have on the {figures.count(d['reported'])} "
        f"segments. The largest is {_q(big['name'])} with {figures.count(big['size'])} "
        f"customers ({figures.share(big['share'])})."
    )
    if d.get("most_positive") and d.get("most_negative"):
        up, down = rows[d["most_positive"]], rows[d["most_negative"]]
        text += (
            f" The most positive is {_q(up['name'])} ({figures.sentiment(up['sentiment'])}), the "
            f"most negative {_q(down['name'])} ({figures.sentiment(down['sentiment'])})."
        )
    for e in d["extremes"]:
        text += (
            f" {e['label'][:1].upper()}{e['label'][1:]}: highest in {_q(e['highest']['name'])} "
            f"({figures.number(e['highest']['value'])}), lowest in {_q(e['lowest']['name'])} "
            f"({figures.number(e['lowest']['value'])})."
        )
    return text + (
        " Which segment to target is your decision: these are the figures that bear on it, "
        "not a recommendation."
    )


def missing(d: dict, r: ToolResult) -> str:
    """What does not exist is said by the refusal itself (`tools.missing`): nothing more."""
    return ""


WRITERS: dict[str, Callable[[dict, ToolResult], str]] = {
    "unknown": missing,
    "positive_drivers": positive,
    "top_topics": top_topics,
    "share_members": share,
    "sentiment_trend": sentiment_trend,
    "growing_topics": growing,
    "list_customers": members,
    "target_evidence": evidence,
}
