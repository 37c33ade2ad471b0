"""Tools about topics: what a segment says about one, where one comes up, what drives
negative (or positive) sentiment, and the most discussed topics."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q

from segapp.models import DocumentResult, Segment
from segapp.selectors import personas
from segapp.selectors.topics import TopicNotFound, get_topic, small_topic_numbers
from segapp.services.chat import figures
from segapp.services.chat.tools.base import (
    ToolContext,
    ToolResult,
    fact,
    no_segment,
    no_topic,
    segment_ref,
)
from segapp.services.chat.tools.documents import (
    documents_per_segment,
    matching_documents,
    topic_documents,
    topic_rows,
    writers_of,
)

DRIVERS_SHOWN = 3
WHERE_SHOWN = 3
TOPICS_SHOWN = 5


def segment_topic(ctx: ToolContext, segment: int, topic: int) -> ToolResult:
    """What a segment says about a topic: its share, sentiment, writers, and quotes."""
    chosen = ctx.segment(int(segment))
    if chosen is None:
        return no_segment(ctx, segment)
    if int(topic) not in ctx.topic_labels():
        return no_topic(ctx, topic)
    topic = int(topic)
    row = topic_rows(ctx, topic).get(chosen.number, {}).get(topic)
    total = documents_per_segment(ctx).get(chosen.number, 0)
    label = ctx.topic_label(topic)
    data: dict[str, Any] = {**segment_ref(chosen), "topic": topic, "label": label, "k": ctx.k}
    if row is None or row["writers"] < ctx.k:
        data["writers"] = "fewer than k"
        reason = (
            f"Fewer than {ctx.k} customers of “{chosen.name}” write about {label}, so I can't "
            "report on what they say about it."
        )
        return ToolResult(data=data, facts=[], refused=reason)
    share = round(row["n"] / total, 4) if total else 0.0
    data.update(
        documents=row["n"], share=share, writers=row["writers"],
        sentiment=round(row["sentiment"], 4),
        negative_share=round(row["negative"] / row["n"], 4) if row["n"] else 0.0,
    )  # fmt: skip
    facts = [
        fact("Documents on the topic", figures.count(row["n"])),
        fact("Share of the segment's documents", figures.share(share)),
        fact("Customers writing about it", figures.count(row["writers"])),
        fact("Their mean sentiment on it", figures.sentiment(data["sentiment"])),
        fact("Negative documents on it", figures.share(data["negative_share"])),
    ]
    quotes = []
    if ctx.allowed("view_documents"):
        quotes = topic_documents(ctx, topic=topic, segment=chosen, limit=3)
    else:
        data["quotes_hidden"] = True
    return ToolResult(data=data, facts=facts, quotes=quotes)


def topic_where(ctx: ToolContext, topic: int) -> ToolResult:
    """Where a topic comes up most: each segment's share of documents on it, and the lift."""
    try:
        found = get_topic(ctx.run, int(topic), with_documents=False)
    except (TopicNotFound, TypeError, ValueError):
        return no_topic(ctx, topic)
    rows = topic_rows(ctx, found.number)
    totals = documents_per_segment(ctx)
    overall = found.share or 0.0
    ranking = []
    for s in ctx.reportable():
        row = rows.get(s.number, {}).get(found.number)
        total = totals.get(s.number, 0)
        if not row or not total:
            continue
        share = round(row["n"] / total, 4)
        ranking.append({
            **segment_ref(s), "share": share, "documents": row["n"],
            "lift": round(share / overall, 2) if overall else None,
            "sentiment": round(row["sentiment"], 4) if row["writers"] >= ctx.k else None,
        })  # fmt: skip
    ranking.sort(key=lambda r: (-r["share"], r["segment"]))
    data = {
        "topic": found.number,
        "label": found.label,
        "documents": found.size,
        "share": round(overall, 4),
        "sentiment": found.sentiment,
        "ranking": ranking,
    }
    facts = [fact("Documents on the topic", figures.count(found.size)),
             fact("Share of all documents", figures.share(overall))]  # fmt: skip
    if found.sentiment is not None:
        facts.append(fact("Mean sentiment on the topic", figures.sentiment(found.sentiment)))
    for r in ranking[:WHERE_SHOWN]:
        facts.append(fact(f"{r['name']}: share of its documents", figures.share(r["share"])))
    table = {
        "columns": ["Segment", "Name", "Share of its documents", "Lift", "Sentiment"],
        "rows": [
            [
                r["segment"],
                r["name"],
                figures.share(r["share"]),
                figures.ratio(r["lift"]) if r["lift"] is not None else "",
                figures.sentiment(r["sentiment"]) if r["sentiment"] is not None else "",
            ]
            for r in ranking
        ],  # fmt: skip
    }
    return ToolResult(data=data, facts=facts, table=table)


def negative_drivers(ctx: ToolContext, segment: int | None = None) -> ToolResult:
    """Topics driving negative sentiment: the share of documents that are negative posts on
    each topic (its share × its negative rate), among topics at least k customers wrote about."""
    return _drivers(ctx, segment, "negative")


def positive_drivers(ctx: ToolContext, segment: int | None = None) -> ToolResult:
    """What customers like most: topics weighted by their share of positive documents (the
    share of documents that are positive posts on the topic), among topics at least k
    customers wrote about; quotes of the strongest praise for readers of documents."""
    return _drivers(ctx, segment, "positive")


def _drivers(ctx: ToolContext, segment: int | None, tone: str) -> ToolResult:
    chosen = None
    if segment is not None:
        chosen = ctx.segment(int(segment))
        if chosen is None:
            return no_segment(ctx, segment)
    rows = _driver_rows(ctx, chosen)
    total = sum(r["n"] for r in rows)
    small = small_topic_numbers(ctx.run, ctx.k)
    drivers = []
    for row in rows:
        if row["topic"] < 0 or row["topic"] in small or row["writers"] < ctx.k or not row[tone]:
            continue
        drivers.append({
            "topic": row["topic"], "label": ctx.topic_label(row["topic"]),
            "weight": round(row[tone] / total, 4),
            "share": round(row["n"] / total, 4),
            f"{tone}_share": round(row[tone] / row["n"], 4),
            "sentiment": round(row["sentiment"], 4),
        })  # fmt: skip
    sign = 1 if tone == "negative" else -1
    drivers.sort(key=lambda d: (-d["weight"], sign * d["sentiment"], d["topic"]))
    data: dict[str, Any] = {"segment": None, "name": "all customers", "documents": total,
                            "tone": tone, "drivers": drivers[:6]}  # fmt: skip
    if chosen is not None:
        data.update(segment_ref(chosen))
    if not drivers:
        return ToolResult(
            data=data,
            refused=f"No topic that at least {ctx.k} customers write about has {tone} "
            "documents here.",
        )
    facts = []
    for d in drivers[:DRIVERS_SHOWN]:
        facts.append(fact(f"{d['label']}: {tone} documents", figures.share(d[f"{tone}_share"])))
        facts.append(fact(f"{d['label']}: mean sentiment", figures.sentiment(d["sentiment"])))
    quotes = []
    if ctx.allowed("view_documents"):
        quotes = topic_documents(ctx, topic=drivers[0]["topic"], segment=chosen, tone=tone, limit=2)
    table = {
        "columns": ["Topic", "Share of documents", tone.capitalize(), "Mean sentiment"],
        "rows": [[d["label"], figures.share(d["share"]), figures.share(d[f"{tone}_share"]),
                  figures.sentiment(d["sentiment"])] for d in drivers[:6]],
    }  # fmt: skip
    return ToolResult(data=data, facts=facts, quotes=quotes, table=table)


def _driver_rows(ctx: ToolContext, segment: Segment | None) -> list[dict]:
    found = DocumentResult.objects.filter(run=ctx.run)
    if segment is not None:
        found = found.filter(
            document__customer__memberships__run=ctx.run,
            document__customer__memberships__segment=segment,
        )
    else:
        small = [s.pk for s in ctx.segments() if personas.is_small(s, ctx.k)]
        if small:
            found = found.exclude(
                document__customer__memberships__segment__in=small,
            )
    return list(
        found.values("topic")
        .annotate(
            n=Count("id"),
            sentiment=Avg("sentiment"),
            negative=Count("id", filter=Q(sentiment_label="negative")),
            positive=Count("id", filter=Q(sentiment_label="positive")),
            writers=Count("document__customer", distinct=True),
        )
        .order_by()
    )


def top_topics(
    ctx: ToolContext, segment: int | None = None, limit: int = TOPICS_SHOWN
) -> ToolResult:
    """The most discussed topics (of a segment, or overall): documents, share, writers and
    mean sentiment, among topics at least k customers write about."""
    chosen = None
    if segment is not None:
        chosen = ctx.segment(int(segment))
        if chosen is None:
            return no_segment(ctx, segment)
    rows = _driver_rows(ctx, chosen)
    total = sum(r["n"] for r in rows)
    small = small_topic_numbers(ctx.run, ctx.k)
    topics = [
        {"topic": r["topic"], "label": ctx.topic_label(r["topic"]), "documents": r["n"],
         "share": round(r["n"] / total, 4), "writers": r["writers"],
         "sentiment": round(r["sentiment"], 4)}
        for r in rows
        if r["topic"] >= 0 and r["topic"] not in small and r["writers"] >= ctx.k
    ]  # fmt: skip
    topics.sort(key=lambda t: (-t["documents"], t["topic"]))
    limit = max(1, min(int(limit or TOPICS_SHOWN), 20))
    data: dict[str, Any] = {"segment": None, "name": "all customers", "documents": total,
                            "topics": topics[:limit], "k": ctx.k}  # fmt: skip
    if chosen is not None:
        data.update(segment_ref(chosen))
    if not topics:
        return ToolResult(
            data=data, refused=f"No topic is written about by at least {ctx.k} customers here."
        )
    facts = [fact(f"Documents about {t['label']}",
                  f"{figures.count(t['documents'])} ({figures.share(t['share'])})")
             for t in topics[:limit]]  # fmt: skip
    table = {
        "columns": ["Topic", "Documents", "Share of documents", "Customers", "Mean sentiment"],
        "rows": [[t["label"], figures.count(t["documents"]), figures.share(t["share"]),
                  figures.count(t["writers"]), figures.sentiment(t["sentiment"])]
                 for t in topics[:limit]],
    }  # fmt: skip
    return ToolResult(data=data, facts=facts, table=table)


def words_sentiment(
    ctx: ToolContext, about: str, negative_share: bool = False
) -> tuple[str, dict[int, float]] | str:
    """(label, mean sentiment per reportable segment of the comments about `about`
    (`subject_match`)), for segments where at least k members wrote them; with
    `negative_share`, the share of those comments that are negative instead; a reason when
    no comment holds them."""
    from segapp.services.chat.tools.documents import search_words, subject_match, written_words

    about_text, words = about, search_words(about)
    if not words:
        return "Which subject should the segments be ranked by? Name it."
    values: dict[int, float] = {}
    subject = subject_match(ctx.run, words, ctx.k)
    for segment in ctx.reportable():
        found = matching_documents(ctx, segment=segment).filter(subject)
        if writers_of(found) < ctx.k:
            continue
        if negative_share:
            values[segment.number] = round(negative_part(found), 4)
        else:
            values[segment.number] = float(found.aggregate(mean=Avg("sentiment"))["mean"])
    if not values:
        listed = " or ".join(f"“{w}”" for w in written_words(about_text))
        return (f"I don't have enough comments that mention {listed} in any segment to rank "
                "the segments by them.")  # fmt: skip
    shown = written_words(about_text)
    named = ", ".join(shown[:-1]) + (" or " if len(shown) > 1 else "") + shown[-1]
    what = "share of negative comments" if negative_share else "sentiment of comments"
    return f"{what} mentioning {named}", values


def negative_part(documents) -> float:
    """The share of `documents` (a queryset) whose sentiment label is negative (0 if none)."""
    negative = Count("id", filter=Q(sentiment_label="negative"))
    counted = documents.aggregate(n=Count("id"), negative=negative)
    return counted["negative"] / counted["n"] if counted["n"] else 0.0
