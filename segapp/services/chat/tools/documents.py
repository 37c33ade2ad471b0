"""The document queries several tools share: per segment and topic figures, and quotable texts.

Every query counts the run's document results of members of the run's
segments; callers drop segments below k before reporting.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, F, Q

from segapp.models import DocumentResult, Segment, Topic
from segapp.services.chat.tools.base import ToolContext

SEGMENT_KEY = "document__customer__memberships__segment__number"
SCANNED = 500  # candidate documents read to choose quotes from


def topic_rows(ctx: ToolContext, topic: int | None = None) -> dict[int, dict[int, dict]]:
    """Per segment number, per topic: documents, mean sentiment, negatives, writers (one query)."""
    found = DocumentResult.objects.filter(
        run=ctx.run,
        document__customer__memberships__run=ctx.run,
        document__customer__memberships__segment__isnull=False,
    )
    if topic is not None:
        found = found.filter(topic=topic)
    rows = (
        found.values("topic", number=F(SEGMENT_KEY))
        .annotate(
            n=Count("id"),
            sentiment=Avg("sentiment"),
            negative=Count("id", filter=Q(sentiment_label="negative")),
            writers=Count("document__customer", distinct=True),
        )
        .order_by()
    )
    by_segment: dict[int, dict[int, dict]] = {}
    for row in rows:
        by_segment.setdefault(row["number"], {})[row["topic"]] = row
    return by_segment


def documents_per_segment(ctx: ToolContext) -> dict[int, int]:
    """How many documents of the run each segment's members wrote (one query)."""
    rows = (
        DocumentResult.objects.filter(
            run=ctx.run,
            document__customer__memberships__run=ctx.run,
            document__customer__memberships__segment__isnull=False,
        )
        .values(number=F(SEGMENT_KEY))
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["number"]: row["n"] for row in rows}


def matching_documents(
    ctx: ToolContext,
    *,
    topic: int | None = None,
    segment: Segment | None = None,
    tone: str | None = None,
    words: list[str] | None = None,
    any_words: bool = False,
):
    """The run's document results of a topic and/or segment, of one sentiment label
    ("positive", "negative"; None: any), whose text holds every one of `words` (with
    `any_words`, at least one of them)."""
    found = DocumentResult.objects.filter(run=ctx.run)
    if topic is not None:
        found = found.filter(topic=topic)
    if segment is not None:
        found = found.filter(
            document__customer__memberships__run=ctx.run,
            document__customer__memberships__segment=segment,
        )
    if tone in ("positive", "negative"):
        found = found.filter(sentiment_label=tone)
    if any_words and words:
        held = Q()
        for word in words:
            held |= Q(document__text__icontains=word)
        return found.filter(held)
    for word in words or []:
        found = found.filter(document__text__icontains=word)
    return found


def writers_of(found) -> int:
    """How many different customers wrote the documents of `found` (a `matching_documents`)."""
    return found.values("document__customer").distinct().count()


def topic_documents(
    ctx: ToolContext, *, topic: int | None, segment: Segment | None, negative: bool = False,
    limit: int, tone: str | None = None, words: list[str] | None = None, any_words: bool = False,
) -> list[dict[str, Any]]:  # fmt: skip
    """Up to `limit` redacted texts (different customers) of a topic and/or segment.

    Documents the run chose as representative (the persona's quotes, the
    topic's representative documents) come first; then the rest by id. With a
    `tone` ("negative": `negative`) only documents of that sentiment label, the
    strongest first; with `words` only texts holding every one of them.
    """
    tone = "negative" if negative else tone
    found = matching_documents(
        ctx, topic=topic, segment=segment, tone=tone, words=words, any_words=any_words
    )
    preferred = [int(pk) for pk in ((segment.profile or {}).get("quotes") or [])] if segment else []
    if topic is not None:
        stored = Topic.objects.filter(run=ctx.run, number=topic).values_list(
            "representative_documents", flat=True
        )
        preferred += [int(pk) for pk in (stored.first() or [])]
    rank = {pk: i for i, pk in enumerate(preferred)}
    order = {"negative": "sentiment", "positive": "-sentiment"}.get(tone or "", "document_id")
    rows = found.order_by(order, "document_id").values(
        "document_id", "document__text", "document__customer_id", "topic", "sentiment"
    )[:SCANNED]
    rows = sorted(rows, key=lambda r: rank.get(r["document_id"], len(rank)))
    chosen, writers = [], set()
    for row in rows:
        if row["document__customer_id"] in writers or not row["document__text"]:
            continue
        writers.add(row["document__customer_id"])
        quote = {"document": row["document_id"], "text": row["document__text"]}
        if segment is not None:
            quote["segment"] = segment.number
        chosen.append(quote)
        if len(chosen) >= limit:
            break
    return chosen
