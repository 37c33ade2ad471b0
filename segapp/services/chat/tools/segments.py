"""Tools about the run's segments: the overview, one segment, a ranking, two side by side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from segapp.selectors import personas
from segapp.services.chat import figures
from segapp.services.chat.tools.base import (
    ToolContext,
    ToolResult,
    fact,
    no_segment,
    refused,
    segment_ref,
)
from segapp.services.chat.tools.documents import (
    documents_per_segment,
    matching_documents,
    topic_rows,
    writers_of,
)
from segapp.services.chat.tools.missing import no_such_measure
from segapp.services.chat.tools.topics import negative_part, words_sentiment

TRAITS_SHOWN = 3
COMPARE_TRAITS = 4
COMPARE_TOPICS = 3


def overview(ctx: ToolContext) -> ToolResult:
    """How many segments, their sizes and shares, the largest and the smallest."""
    shown = ctx.reportable()
    small = len(ctx.segments()) - len(shown)
    rows = [{**segment_ref(s), "size": s.size, "share": round(s.share, 4)} for s in shown]
    data: dict[str, Any] = {
        "run": ctx.run.pk,
        "segments": len(ctx.segments()),
        "reported": len(shown),
        "small_segments": small,
        "k": ctx.k,
        "customers": ctx.run.n_customers,
        "outlier_share": ctx.run.outlier_share,
        "sizes": rows,
    }
    facts = [fact("Segments", figures.count(len(ctx.segments()))),
             fact("Customers in the run", figures.count(ctx.run.n_customers))]  # fmt: skip
    if shown:
        by_size = sorted(shown, key=lambda s: (-s.size, s.number))
        data["largest"], data["smallest"] = by_size[0].number, by_size[-1].number
    for s in shown:
        facts.append(fact(s.name, f"{figures.count(s.size)} ({figures.share(s.share)})"))
    if small:
        facts.append(fact(f"Segments below k = {ctx.k}", figures.count(small)))
    table = {
        "columns": ["Segment", "Name", "Customers", "Share"],
        "rows": [[s.number, s.name, figures.count(s.size), figures.share(s.share)] for s in shown],
    }
    return ToolResult(data=data, facts=facts, table=table)


def describe_segment(ctx: ToolContext, segment: int) -> ToolResult:
    """One segment: size, share, description, sentiment, top topics and strongest traits."""
    if ctx.segment(int(segment)) is None:
        return no_segment(ctx, segment)
    try:
        persona = personas.get_persona(ctx.run, int(segment), with_quotes=False)
    except personas.SegmentNotFound:
        return no_segment(ctx, segment)
    topics = [t for t in persona["top_topics"] if t.get("share") is not None][:3]
    traits = [t for t in persona["traits"] if t.get("segment_mean") is not None][:TRAITS_SHOWN]
    data = {
        "segment": persona["number"],
        "name": persona["name"],
        "size": persona["size"],
        "share": round(persona["share"], 4),
        "description": persona["description"],
        "sentiment": persona["sentiment"],
        "topics": [
            {
                "topic": t["topic"],
                "label": t["label"],
                "share": t["share"],
                "sentiment": t.get("sentiment"),
            }
            for t in topics
        ],  # fmt: skip
        "traits": [
            {
                "feature": t["feature"],
                "label": t["label"],
                "segment_mean": t["segment_mean"],
                "population_mean": t.get("population_mean"),
                "direction": t.get("direction"),
            }
            for t in traits
        ],  # fmt: skip
    }
    facts = [
        fact("Customers", figures.count(persona["size"])),
        fact("Share of the run", figures.share(persona["share"])),
    ]
    if persona["sentiment"] is not None:
        facts.append(fact("Mean sentiment", figures.sentiment(persona["sentiment"])))
    for t in topics:
        facts.append(fact(f"Documents about {t['label']}", figures.share(t["share"])))
    for t in traits:
        population = t.get("population_mean")
        versus = "" if population is None else f" (everyone: {figures.number(population)})"
        facts.append(fact(t["label"], figures.number(t["segment_mean"]) + versus))
    return ToolResult(data=data, facts=facts)


def _measure_values(
    ctx: ToolContext, measure: str, topic: int | None
) -> tuple[str, dict[int, float], Callable[[float], str]] | str | None:
    """(label, value per reportable segment, formatter), a reason it cannot be ranked by, or
    None when the run has no such measure."""
    shown = ctx.reportable()
    if measure == "size":
        return "number of customers", {s.number: s.size for s in shown}, figures.count
    if measure == "documents":
        values = {s.number: (s.profile or {}).get("documents") for s in shown}
        return "documents written", _known(values), figures.count
    if measure in ("sentiment", "topic_share") and topic is not None:
        if topic not in ctx.topic_labels():
            return f"There is no topic {topic} in run {ctx.run.pk}."
        return _topic_measure(ctx, measure, topic)
    if measure == "topic_share":
        return "Which topic should the segments be ranked by? Name one."
    if measure == "negative_share":
        return _negative_shares(ctx, topic)
    if measure == "sentiment":
        values = {s.number: (s.profile or {}).get("sentiment") for s in shown}
        return "mean sentiment", _known(values), figures.sentiment
    info = ctx.measures().get(measure)
    if info is None or info.get("kind") != "behaviour":
        return None
    values = {s.number: personas._feature_means(s.profile or {}).get(measure) for s in shown}
    return f"mean {info.get('label') or measure}".lower(), _known(values), figures.number


def _negative_shares(
    ctx: ToolContext, topic: int | None
) -> tuple[str, dict[int, float], Callable[[float], str]] | str:
    """The share of each segment's comments (on `topic`, when given) that are negative, for
    segments with at least k writers of them: who complains most."""
    values: dict[int, float] = {}
    if topic is not None:
        if topic not in ctx.topic_labels():
            return f"There is no topic {topic} in run {ctx.run.pk}."
        rows = topic_rows(ctx, topic)
        for s in ctx.reportable():
            row = rows.get(s.number, {}).get(topic)
            if row and row["n"] and row["writers"] >= ctx.k:
                values[s.number] = round(row["negative"] / row["n"], 4)
        return f"share of negative comments about {ctx.topic_label(topic)}", values, figures.share
    for s in ctx.reportable():
        found = matching_documents(ctx, segment=s)
        if writers_of(found) >= ctx.k:
            values[s.number] = round(negative_part(found), 4)
    return "share of negative comments", values, figures.share


def _known(values: dict[int, Any]) -> dict[int, float]:
    return {n: float(v) for n, v in values.items() if v is not None}


def _topic_measure(
    ctx: ToolContext, measure: str, topic: int
) -> tuple[str, dict[int, float], Callable[[float], str]]:
    """Sentiment about / share of a topic per segment: the profile's top topics, else the
    run's document results (sentiment only where at least k members wrote about it)."""
    rows = topic_rows(ctx, topic)
    totals = documents_per_segment(ctx) if measure == "topic_share" else {}
    label = ctx.topic_label(topic)
    values: dict[int, float] = {}
    for s in ctx.reportable():
        stored = next(
            (t for t in (s.profile or {}).get("top_topics") or [] if t.get("topic") == topic), None
        )
        row = rows.get(s.number, {}).get(topic)
        if measure == "sentiment":
            if (
                stored
                and stored.get("sentiment") is not None
                and stored.get("customers", 0) >= ctx.k
            ):
                values[s.number] = float(stored["sentiment"])
            elif row and row["writers"] >= ctx.k:
                values[s.number] = round(float(row["sentiment"]), 4)
        elif stored and stored.get("share") is not None:
            values[s.number] = float(stored["share"])
        else:
            total = totals.get(s.number, 0)
            values[s.number] = round(row["n"] / total, 4) if row and total else 0.0
    if measure == "sentiment":
        return f"sentiment about {label}", values, figures.sentiment
    return f"share of documents about {label}", values, figures.share


def rank_segments(
    ctx: ToolContext,
    measure: str = "size",
    order: str = "desc",
    position: int = 1,
    topic: int | None = None,
    about: str | None = None,
) -> ToolResult:
    """Segments ranked by a measure; `position` picks one (1: top, 2: second …); `about`
    ranks by the sentiment (or, for "negative_share", the share of negative ones) of
    comments holding its words (a subject no topic covers)."""
    if about and topic is None and measure in ("sentiment", "negative_share"):
        negative = measure == "negative_share"
        measured = words_sentiment(ctx, about, negative_share=negative)
        if isinstance(measured, tuple):
            measured = (*measured, figures.share if negative else figures.sentiment)
    else:
        measured = _measure_values(ctx, str(measure or "size"), topic)
    if measured is None:
        return no_such_measure(ctx, str(measure), measure=measure, topic=topic)
    if isinstance(measured, str):
        return refused(measured, measure=measure, topic=topic)
    label, values, write = measured
    if not values:
        return refused(f"No segment has a {label} I can report.", measure=measure, topic=topic)
    descending = order != "asc"
    names = {s.number: s.name for s in ctx.reportable()}
    ranked = sorted(values.items(), key=lambda item: (-item[1] if descending else item[1], item[0]))
    ranking = [
        {"segment": n, "name": names[n], "value": round(v, 4), "rank": i + 1}
        for i, (n, v) in enumerate(ranked)
    ]
    position = max(1, int(position or 1))
    data: dict[str, Any] = {
        "measure": measure,
        "label": label,
        "order": "desc" if descending else "asc",
        "position": position,
        "topic": topic,
        "ranking": ranking,
    }
    if position > len(ranking):
        return refused(f"Only {len(ranking)} segments have a {label} I can report.", **data)
    chosen = ranking[position - 1]
    data["answer"] = chosen["segment"]
    facts = [fact(f"{r['name']}: {label}", write(r["value"])) for r in ranking]
    table = {
        "columns": ["Rank", "Segment", "Name", label[:1].upper() + label[1:]],
        "rows": [[r["rank"], r["segment"], r["name"], write(r["value"])] for r in ranking],
    }
    return ToolResult(data=data, facts=facts, table=table)


def compare_segments(ctx: ToolContext, segments: list[int]) -> ToolResult:
    """Two segments side by side: sizes, sentiment, the most different traits and topics."""
    numbers = [int(n) for n in (segments or [])][:2]
    if len(numbers) < 2 or numbers[0] == numbers[1]:
        return refused("Name two different segments to compare.", segments=numbers)
    for number in numbers:
        if ctx.segment(number) is None:
            return no_segment(ctx, number)
    compared = personas.compare_personas(ctx.run, numbers[0], numbers[1])
    a, b = compared["a"], compared["b"]
    traits = [t for t in compared["traits"] if t["difference"] is not None]
    traits = [t for t in traits if not t["feature"].startswith("topic:")][:COMPARE_TRAITS]
    topics = compared["topics"][:COMPARE_TOPICS]
    data = {
        "a": {**_side(a)},
        "b": {**_side(b)},
        "traits": [
            {
                "feature": t["feature"],
                "label": t["label"],
                "a": round(t["a"], 4),
                "b": round(t["b"], 4),
            }
            for t in traits
        ],  # fmt: skip
        "topics": [
            {
                "topic": t["topic"],
                "label": t["label"],
                "a_share": t["a_share"],
                "b_share": t["b_share"],
            }
            for t in topics
        ],  # fmt: skip
    }
    facts = [fact(f"{a['name']}: customers", figures.count(a["size"])),
             fact(f"{b['name']}: customers", figures.count(b["size"]))]  # fmt: skip
    for side in (a, b):
        if side["sentiment"] is not None:
            facts.append(
                fact(f"{side['name']}: mean sentiment", figures.sentiment(side["sentiment"]))
            )
    rows = []
    for t in traits:
        write = figures.sentiment if t["feature"] == "sentiment" else figures.number
        facts.append(fact(t["label"], f"{write(t['a'])} vs {write(t['b'])}"))
        rows.append([t["label"], write(t["a"]), write(t["b"])])
    for t in topics:
        shares = f"{figures.share(t['a_share'])} vs {figures.share(t['b_share'])}"
        facts.append(fact(f"Documents about {t['label']}", shares))
        rows.append([f"Documents about {t['label']}", figures.share(t["a_share"]),
                     figures.share(t["b_share"])])  # fmt: skip
    table = {"columns": ["", a["name"], b["name"]], "rows": rows}
    return ToolResult(data=data, facts=facts, table=table)


def _side(persona: dict) -> dict[str, Any]:
    return {
        "segment": persona["number"],
        "name": persona["name"],
        "size": persona["size"],
        "share": round(persona["share"], 4),
        "sentiment": persona["sentiment"],
    }
