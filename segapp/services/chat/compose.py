"""Writing the answer: a few plain sentences per tool result, figures from the results only.

Every figure in the text is taken from a `ToolResult` and written with
`figures`, the same way the facts table writes it, so grounding can check the
text against the results. A refused step contributes its reason, word for word.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nlp.chat.intents import per_tool
from segapp.services.chat import answers, answers_measures, figures, readings
from segapp.services.chat.tools import ToolResult

ORDINALS = {1: "", 2: "second ", 3: "third ", 4: "fourth ", 5: "fifth ", 6: "sixth ",
            7: "seventh ", 8: "eighth ", 9: "ninth ", 10: "tenth "}  # fmt: skip


def compose(steps: list[tuple[str, dict[str, Any], ToolResult]]) -> str:
    """The answer to a plan's executed steps: (tool, args, result) in order, each step's
    reading of the question first (`readings`), then its figures or its refusal."""
    parts = []
    for tool, args, result in steps:
        said = readings.reading(tool, args, result)
        if said not in parts:
            parts.append(said)
        if result.refused:
            parts.append(result.refused)
            continue
        writer = WRITERS.get(tool)
        parts.append(writer(result.data, result) if writer else "")
    return " ".join(p for p in parts if p).strip()


def _quoted(name: str) -> str:
    return f"“{name}”"


def _overview(d: dict, r: ToolResult) -> str:
    text = (
        f"Run {d['run']} has {figures.count(d['segments'])} segments of "
        f"{figures.count(d['customers'])} customers."
    )
    sizes = {s["segment"]: s for s in d["sizes"]}
    if d.get("largest") is not None:
        big, small = sizes[d["largest"]], sizes[d["smallest"]]
        text += (
            f" The largest is {_quoted(big['name'])} with {figures.count(big['size'])} customers "
            f"({figures.share(big['share'])}); the smallest is {_quoted(small['name'])} with "
            f"{figures.count(small['size'])} ({figures.share(small['share'])})."
        )
    if d["small_segments"]:
        text += (
            f" {figures.count(d['small_segments'])} of them have fewer than {d['k']} customers "
            "and are not reported."
        )
    return text


def _describe(d: dict, r: ToolResult) -> str:
    text = (
        f"{_quoted(d['name'])} (segment {d['segment']}) has {figures.count(d['size'])} customers, "
        f"{figures.share(d['share'])} of the run."
    )
    if d.get("description"):
        text += f" {d['description']}"
    if d.get("sentiment") is not None:
        text += f" Their mean sentiment is {figures.sentiment(d['sentiment'])}."
    if d["topics"]:
        top = d["topics"][0]
        text += (
            f" They write most about {top['label']} ({figures.share(top['share'])} of their "
            "documents)."
        )
    traits = [t for t in d["traits"] if t.get("population_mean") is not None][:2]
    if traits:
        said = "; ".join(
            f"{t['label'].lower()} {figures.number(t['segment_mean'])} against "
            f"{figures.number(t['population_mean'])}"
            for t in traits
        )
        text += f" Compared with everyone: {said}."
    return text


def _rank(d: dict, r: ToolResult) -> str:
    write = _writer_of(r, d)
    chosen = d["ranking"][d["position"] - 1]
    direction = "highest" if d["order"] == "desc" else "lowest"
    if d["measure"] == "size":
        direction = "largest" if d["order"] == "desc" else "smallest"
    which = f"the {ORDINALS.get(d['position'], '')}{direction}"
    text = (
        f"{_quoted(chosen['name'])} (segment {chosen['segment']}) has {which} {d['label']}: "
        f"{write(chosen['value'])}."
    )
    if d["measure"] == "size":
        text = (
            f"{_quoted(chosen['name'])} (segment {chosen['segment']}) is {which} segment, with "
            f"{write(chosen['value'])} customers."
        )
    others = [x for x in d["ranking"] if x["segment"] != chosen["segment"]][:2]
    if others:
        listed = ", ".join(f"{_quoted(x['name'])} {write(x['value'])}" for x in others)
        text += f" Then: {listed}."
    return text


def _writer_of(r: ToolResult, d: dict) -> Callable[[float], str]:
    if d["measure"] == "size" or d["measure"] == "documents":
        return figures.count
    if d["measure"] == "sentiment":
        return figures.sentiment
    if d["measure"] in ("topic_share", "negative_share"):
        return figures.share
    return figures.number


def _compare(d: dict, r: ToolResult) -> str:
    a, b = d["a"], d["b"]
    text = (
        f"{_quoted(a['name'])} has {figures.count(a['size'])} customers and "
        f"{_quoted(b['name'])} {figures.count(b['size'])}."
    )
    if a.get("sentiment") is not None and b.get("sentiment") is not None:
        text += (
            f" Mean sentiment: {figures.sentiment(a['sentiment'])} against "
            f"{figures.sentiment(b['sentiment'])}."
        )
    if d["traits"]:
        said = "; ".join(
            f"{t['label'].lower()} {_trait(t, 'a')} against {_trait(t, 'b')}"
            for t in d["traits"][:3]
        )
        text += f" They differ most in {said}."
    if d["topics"]:
        t = d["topics"][0]
        text += (
            f" Documents about {t['label']}: {figures.share(t['a_share'])} against "
            f"{figures.share(t['b_share'])}."
        )
    return text


def _trait(t: dict, side: str) -> str:
    write = figures.sentiment if t["feature"] == "sentiment" else figures.number
    return write(t[side])


def _segment_topic(d: dict, r: ToolResult) -> str:
    text = (
        f"In {_quoted(d['name'])}, {figures.count(d['writers'])} customers write about "
        f"{d['label']}: {figures.count(d['documents'])} documents, {figures.share(d['share'])} of "
        f"the segment's, with a mean sentiment of {figures.sentiment(d['sentiment'])} "
        f"({figures.share(d['negative_share'])} negative)."
    )
    if r.quotes:
        text += " Some of what they say is quoted below."
    elif d.get("quotes_hidden"):
        text += " Your role does not show customers' words, so no quotes."
    return text


def _topic_where(d: dict, r: ToolResult) -> str:
    text = (
        f"The topic {_quoted(d['label'])} is {figures.share(d['share'])} of all documents "
        f"({figures.count(d['documents'])})."
    )
    if d["ranking"]:
        top = d["ranking"][0]
        text += (
            f" It comes up most in {_quoted(top['name'])}: {figures.share(top['share'])} of its "
            "documents"
        )
        if top.get("lift") is not None:
            text += f", {figures.ratio(top['lift'])} the average"
        text += "."
        others = d["ranking"][1:3]
        if others:
            listed = ", ".join(f"{_quoted(x['name'])} {figures.share(x['share'])}" for x in others)
            text += f" Then: {listed}."
    return text


def _negative(d: dict, r: ToolResult) -> str:
    who = "all customers" if d.get("segment") is None else _quoted(d["name"])
    drivers = d["drivers"][:3]
    first = drivers[0]
    text = (
        f"For {who}, negative sentiment comes most from {first['label']}: "
        f"{figures.share(first['negative_share'])} of those documents are negative, mean "
        f"sentiment {figures.sentiment(first['sentiment'])}."
    )
    if len(drivers) > 1:
        listed = ", ".join(
            f"{x['label']} ({figures.share(x['negative_share'])} negative)" for x in drivers[1:]
        )
        text += f" Next: {listed}."
    return text


def _count(d: dict, r: ToolResult) -> str:
    who = "the run" if d.get("segment") is None else _quoted(d["name"])
    condition = f" {d['condition']}" if d.get("condition") else ""
    if d["fewer_than_k"]:
        return (
            f"Fewer than {d['k']} customers in {who} have{condition or ' that'}; "
            "groups that small are not reported."
        )
    text = f"{figures.count(d['count'])} customers in {who}"
    if condition:
        text += (
            f" have{condition}, {figures.share(d['share'])} of its "
            f"{figures.count(d['members'])} customers."
        )
    else:
        text += "."
    return text


def _trend(d: dict, r: ToolResult) -> str:
    if d.get("direction") is not None:  # "is sentiment getting better?" (sentiment_trend)
        return answers.sentiment_trend(d, r)
    months = {m["month"]: m for m in d["months"]}
    key = "sentiment" if d["measure"] == "sentiment" else "documents"
    write = figures.sentiment if key == "sentiment" else figures.count
    first, last, peak = months[d["first"]], months[d["last"]], months[d["peak"]]
    what = "mean sentiment" if key == "sentiment" else "documents per month"
    subject = "All documents" if d["topic"] is None else f"The topic {_quoted(d['label'])}"
    text = (
        f"{subject}, {what}: {write(first[key])} in {d['first']} and {write(last[key])} in "
        f"{d['last']}; highest {write(peak[key])} in {d['peak']}."
    )
    if d.get("volume"):  # which way the number of documents goes, said first
        text = f"{answers.volume_direction(d)} {text}"
    return text


def _run_change(d: dict, r: ToolResult) -> str:
    text = (
        f"Run {d['run']} against run {d['previous']}: {figures.count(len(d['persisted']))} "
        f"segments persist, {figures.count(len(d['appeared']))} appeared and "
        f"{figures.count(len(d['vanished']))} vanished ({figures.count(d['previous_segments'])} → "
        f"{figures.count(d['segments'])} segments)."
    )
    changed = sorted(d["persisted"], key=lambda p: -abs(p["change"]))
    if changed and changed[0]["change"]:
        p = changed[0]
        text += (
            f" Biggest size change: {_quoted(p['name'])}, {figures.count(p['previous_size'])} → "
            f"{figures.count(p['size'])} customers."
        )
    if d["appeared"]:
        text += f" New: {', '.join(_quoted(s['name']) for s in d['appeared'][:3])}."
    if d["vanished"]:
        text += f" Gone: {', '.join(_quoted(s['name']) for s in d['vanished'][:3])}."
    if d["topic_shifts"]:
        s = d["topic_shifts"][0]
        text += (
            f" Largest topic shift: {s['label']}, {figures.share(s['before'])} → "
            f"{figures.share(s['after'])} of documents."
        )
    return text


def _customer(d: dict, r: ToolResult) -> str:
    who = f"Customer {d['short']}…"
    if d["segment"] is None:
        return f"{who} is an outlier: no segment is close enough to place them in."
    if d["small"]:
        return (
            f"{who} is in {_quoted(d['name'])}; nothing more is reported about groups that small."
        )
    placed = "is closest to" if d["outlier"] else "is in"
    text = (
        f"{who} {placed} {_quoted(d['name'])} (segment {d['segment']}, probability "
        f"{figures.probability(d['probability'])})."
    )
    pulls = [p for p in d["pulls"] if p["value"] is not None and p["segment_mean"] is not None]
    if pulls:
        said = "; ".join(
            f"{p['label'].lower()} {figures.number(p['value'])} (segment "
            f"{figures.number(p['segment_mean'])})"
            for p in pulls[:3]
        )
        text += f" What pulls them there: {said}."
    if d.get("rule"):
        text += f" They meet the segment's rule: {d['rule']}."
    if d.get("why_hidden"):
        text += " Why they are there is shown only to roles that may see customer profiles."
    return text


def _quotes(d: dict, r: ToolResult) -> str:
    about = []
    if d.get("name"):
        about.append(f"customers of {_quoted(d['name'])}")
    if d.get("label"):
        about.append(f"on {d['label']}")
    if d.get("about"):
        about.append(f"mentioning “{d['about']}”")
    subject = " ".join(about) or "customers"
    tone = f"{d['tone']} " if d.get("tone") else ""
    return f"{figures.count(d['count'])} {tone}quotes from {subject} (redacted), below."


#: One writer per tool (every registered tool has one).
WRITERS: dict[str, Callable[[dict, ToolResult], str]] = per_tool(
    {
        "overview": _overview,
        "describe_segment": _describe,
        "rank_segments": _rank,
        "compare_segments": _compare,
        "segment_topic": _segment_topic,
        "topic_where": _topic_where,
        "negative_drivers": _negative,
        "count_members": _count,
        "topic_trend": _trend,
        "run_change": _run_change,
        "customer_why": _customer,
        "quotes": _quotes,
        **answers.WRITERS,
        **answers_measures.WRITERS,
    }
)
