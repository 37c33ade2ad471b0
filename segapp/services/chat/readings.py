"""The first sentence of every answer: how the chat read the question, in plain words.

"Counting customers whose spend (12 months) is above 1,000 in run 3." One sentence
per executed step, written from the step's arguments and its result's data only
(so grounding can check it), before the figures or the refusal. A step whose
result names no run (it failed before reaching a tool) has no reading.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from segapp.services.chat import answers_measures, figures
from segapp.services.chat.tools import ToolResult

OP_READINGS = {">": "is above", ">=": "is at least", "<": "is below", "<=": "is at most",
               "=": "is exactly", "==": "is"}  # fmt: skip


def reading(tool: str, args: dict[str, Any], result: ToolResult) -> str:
    """How step `tool` read its question, ending with the run it reads ("" when unknown)."""
    data = result.data
    if data.get("run") is None:
        return ""
    writer = READINGS.get(tool)
    if writer is None:
        return ""
    return writer(data, args).rstrip(".") + "."


def _q(name: Any) -> str:
    return f"“{name}”"


def _run(d: dict) -> str:
    return f"run {d['run']}"


def _who(d: dict, *, of: str = "of ") -> str:
    """ " of “Name”" for a result about one segment, "" for the whole run."""
    return f" {of}{_q(d['name'])}" if d.get("segment") is not None and d.get("name") else ""


def filter_words(wanted: dict[str, Any]) -> str:
    """One filter as read: "spend (12 months) is above 1,000", "region is “north”"."""
    label = str(wanted.get("label") or wanted.get("measure") or "").replace("_", " ").lower()
    op = str(wanted.get("op"))
    value = wanted.get("value")
    if op == "==":
        return f"{label} is {_q(value)}"
    written = figures.threshold(float(value)) if isinstance(value, int | float) else str(value)
    return f"{label} {OP_READINGS.get(op, op)} {written}"


def _filters(d: dict, args: dict) -> list[dict]:
    return list(d.get("filters") or args.get("filters") or [])


def _overview(d: dict, args: dict) -> str:
    return f"Looking at the segments of {_run(d)} and their sizes"


def _describe(d: dict, args: dict) -> str:
    if d.get("name"):
        return f"Describing {_q(d['name'])} (segment {d['segment']}) in {_run(d)}"
    return f"Describing segment {d.get('segment', args.get('segment'))} in {_run(d)}"


# What the built-in measures are called when a refused ranking carries no label of its own.
_BUILTIN_LABELS = {"negative_share": "share of negative comments", "sentiment": "sentiment",
                   "topic_share": "share of a topic", "documents": "documents written"}  # fmt: skip


def _rank(d: dict, args: dict) -> str:
    measure = str(d.get("measure") or args.get("measure") or "size")
    label = d.get("label") or _BUILTIN_LABELS.get(measure, measure)
    ends = "highest first" if (d.get("order") or args.get("order")) != "asc" else "lowest first"
    return f"Ranking the segments of {_run(d)} by {label}, {ends}"


def _compare(d: dict, args: dict) -> str:
    if d.get("a") and d.get("b"):
        return f"Comparing {_q(d['a']['name'])} with {_q(d['b']['name'])} in {_run(d)}"
    return f"Comparing two segments of {_run(d)}"


def _segment_topic(d: dict, args: dict) -> str:
    return f"Looking at what{_who(d, of='')} customers say about {d.get('label')} in {_run(d)}"


def _topic_where(d: dict, args: dict) -> str:
    if d.get("label"):
        return f"Looking for the segments that write most about {d['label']} in {_run(d)}"
    return f"Looking for where a topic comes up in {_run(d)}"


def _drivers(d: dict, args: dict) -> str:
    tone = d.get("tone") or "negative"
    who = _who(d) or " of all customers"
    return f"Looking for the topics behind the {tone} comments{who} in {_run(d)}"


def _positive(d: dict, args: dict) -> str:
    who = _who(d) or " of all customers"
    return f"Looking for what customers{who} like most, from their positive comments in {_run(d)}"


def _top_topics(d: dict, args: dict) -> str:
    who = _who(d, of="in ") or " overall"
    return f"Ranking the topics customers write about most{who} in {_run(d)}"


def _count(d: dict, args: dict) -> str:
    wanted = _filters(d, args)
    text = "Counting customers" + _who(d, of="in ")
    if wanted:
        text += " whose " + " and ".join(filter_words(w) for w in wanted)
    return f"{text} in {_run(d)}"


def _share(d: dict, args: dict) -> str:
    wanted = _filters(d, args)
    if not wanted and d.get("name"):
        return f"Working out what share of the customers of {_run(d)} are in {_q(d['name'])}"
    base = f"the customers of {_q(d['name'])}" if _who(d) else "all customers"
    said = " and ".join(filter_words(w) for w in wanted)
    return f"Working out what share of {base} in {_run(d)} are those whose {said}"


def _period(d: dict) -> str:
    if "period" not in d:
        return ""
    said = str(d.get("period") or "")
    if said.startswith(("since", "in ")):
        return f" {said}"  # "since June", "in 2025"
    return f" over {said}" if said else " over every month"


def _trend(d: dict, args: dict) -> str:
    measure = d.get("measure") or args.get("measure")
    if d.get("direction") is not None or (measure == "sentiment" and d.get("topic") is None):
        return _sentiment_trend(d, args)
    what = "mean sentiment" if measure == "sentiment" else "number of documents"
    subject = "of all documents" if d.get("topic") is None else f"about {d.get('label')}"
    if d.get("topic") is None and d.get("about"):
        subject = f"that mention {_q(d['about'])}"
    if d.get("topic") is not None and d.get("label") is None:
        subject = f"about topic {d['topic']}"
    return f"Following the {what} {subject} month by month{_period(d)} in {_run(d)}"


def _sentiment_trend(d: dict, args: dict) -> str:
    subject = "customers" + _who(d)
    if d.get("topic") is not None:
        subject += f" about {d['label']}"
    return (
        f"Comparing the mean sentiment of {subject} in the earlier and the later months"
        f"{_period(d)} in {_run(d)}"
    )


def _growing(d: dict, args: dict) -> str:
    how = "grew" if d.get("order", "desc") != "asc" else "fell"
    return (
        f"Comparing each topic's share of the documents in the earlier and the later months"
        f"{_period(d)} in {_run(d)}, to see which {how} most"
    )


def _run_change(d: dict, args: dict) -> str:
    if d.get("previous") is not None:
        return f"Comparing run {d['run']} with run {d['previous']}"
    return f"Comparing {_run(d)} with an earlier run"


def _customer(d: dict, args: dict) -> str:
    short = str(d.get("customer") or "")[:12]
    if d.get("given_as") == "external_id":
        return (
            f"Looking up the customer you know by your own id (pseudonym {short}…) and why "
            f"they are where they are in {_run(d)}"
        )
    return f"Looking up why customer {short}… is where they are in {_run(d)}"


def _list(d: dict, args: dict) -> str:
    who = _who(d) or " of a segment"
    return f"Listing customers{who} in {_run(d)}"


def _quotes(d: dict, args: dict) -> str:
    text = "Picking " + (f"{d['tone']} " if d.get("tone") else "") + "comments"
    text += f" of customers{_who(d)}" if _who(d) else ""
    if d.get("label"):
        text += f" on {d['label']}"
    if d.get("about"):
        text += f" that mention {_q(d['about'])}"
    return f"{text} in {_run(d)}"


def _evidence(d: dict, args: dict) -> str:
    goal = d.get("goal_words") or "a targeting decision"
    return f"Gathering what bears on {goal} for each segment of {_run(d)}"


def _unknown(d: dict, args: dict) -> str:
    kind = d.get("missing") or args.get("kind") or "segment"
    name = d.get("asked_for") or args.get("name") or ""
    return f"Looking for the {kind} {_q(name)} in {_run(d)}"


READINGS: dict[str, Callable[[dict, dict], str]] = {
    "overview": _overview,
    "describe_segment": _describe,
    "rank_segments": _rank,
    "compare_segments": _compare,
    "segment_topic": _segment_topic,
    "topic_where": _topic_where,
    "negative_drivers": _drivers,
    "positive_drivers": _positive,
    "top_topics": _top_topics,
    "count_members": _count,
    "share_members": _share,
    "topic_trend": _trend,
    "sentiment_trend": _sentiment_trend,
    "growing_topics": _growing,
    "run_change": _run_change,
    "customer_why": _customer,
    "list_customers": _list,
    "quotes": _quotes,
    "target_evidence": _evidence,
    "unknown": _unknown,
    **answers_measures.READINGS,
}


def picked_words(picks: list[dict[str, Any]], vocabulary) -> str:
    """How segments named by their place were read: "Reading “the happiest customers” as
    “Kibble lovers”, the segment with the highest mean sentiment." ("" without picks)."""
    names = {s.number: s.name for s in vocabulary.segments}
    labels = {m.key: m.label for m in vocabulary.measures}
    labels.update(size="size", sentiment="sentiment")
    said = []
    for pick in picks:
        name = names.get(pick.get("segment"))
        if name is None or not pick.get("phrase"):
            continue
        place = ORDINAL_WORDS.get(int(pick.get("position") or 1), "")
        end = "highest" if pick.get("order") == "desc" else "lowest"
        measure = str(labels.get(pick.get("measure"), pick.get("measure") or "")).lower()
        if measure == "size":
            which = f"the {place}{'largest' if end == 'highest' else 'smallest'} segment"
        else:
            which = f"the segment with the {place}{end} mean {measure}"
        said.append(f"Reading “{pick['phrase']}” as {_q(name)}, {which}.")
    return " ".join(said)


ORDINAL_WORDS = {1: "", 2: "second ", 3: "third ", 4: "fourth ", 5: "fifth "}
