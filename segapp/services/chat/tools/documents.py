"""The document queries several tools share: per segment and topic figures, and quotable texts.

Every query counts the run's document results of members of the run's
segments; callers drop segments below k before reporting.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Avg, Count, F, Q

from segapp.models import DocumentResult, Segment, Topic
from segapp.services.chat.tools.base import ToolContext

SEGMENT_KEY = "document__customer__memberships__segment__number"
SCANNED = 500  # candidate documents read to choose quotes from
MAX_WORDS = 4  # words of an "about …" search
# Words of a request that say nothing about the subject ("comments about the delivery").
STOP_WORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "about",
        "with",
        "our",
        "their",
        "they",
        "them",
        "what",
        "that",
        "this",
        "those",
        "these",
        "some",
        "any",
        "from",
        "comment",
        "comments",
        "quote",
        "quotes",
        "verbatim",
        "verbatims",
        "customer",
        "customers",
        "say",
        "says",
        "said",
    ]
)

# Endings cut so that a word's forms meet at the start of a word ("sustainability" and
# "sustainable" at "sustain", "deliveries" and "delivered" at "deliver"), longest first.
_ENDINGS = ("abilities", "ability", "ibility", "ility", "ations", "ation", "ness", "ments",
            "ment", "able", "ible", "ies", "ing", "ed", "es", "s", "y")  # fmt: skip
_STEM_LEAST = 4


def search_stem(word: str) -> str:
    """The start a word's forms share: the longest ending of :data:`_ENDINGS` cut while at
    least four letters stay."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _STEM_LEAST:
            return word[: -len(ending)]
    return word


def written_words(about: str | None) -> list[str]:
    """The words of an "about …" search as the asker wrote them (for answers to show), in the
    order of :func:`search_words`."""
    words = re.findall(r"[^\W\d_][^\W\d_]{2,}", str(about or "").lower())
    kept = [w for w in words if w not in STOP_WORDS]
    stems = {}
    for w in kept:
        stems.setdefault(search_stem(w), w)
    return list(stems.values())[:MAX_WORDS]


def search_words(about: str | None) -> list[str]:
    """The words of an "about …" search as stems that start a word of a text (see
    :func:`search_stem`): lower case, 3+ letters, no stop words, a few."""
    words = re.findall(r"[^\W\d_][^\W\d_]{2,}", str(about or "").lower())
    stems = [search_stem(w) for w in words if w not in STOP_WORDS]
    return list(dict.fromkeys(stems))[:MAX_WORDS]


def holds_word(stem: str, field: str = "document__text") -> Q:
    """Texts with a word starting with ``stem`` ("deliver" finds "Delivery", not "undeliverable"
    … nor "chocolate" for "late"): a case-blind match at a word's start, on every database."""
    return Q(**{f"{field}__iregex": rf"(^|[^a-z0-9]){re.escape(stem)}"})


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


def subject_match(run, words: list[str], k: int) -> Q:
    """Which texts are about a subject of several words: those holding every word ("flight
    delays", "gift wrapping"); when fewer than k customers wrote all of them and every word
    is written somewhere, those holding any ("delivery, late parcels, couriers"). A subject
    nobody writes about matches (almost) nothing either way."""
    every, some = Q(), Q()
    for word in words:
        every &= holds_word(word)
        some |= holds_word(word)
    if len(words) <= 1:
        return every
    results = DocumentResult.objects.filter(run=run)
    if results.filter(every).values("document__customer").distinct().count() >= k:
        return every
    # a list of subjects ("delivery, late parcels, couriers") when every word is written
    # somewhere; a subject with a word nobody writes ("mortgage rates") is not there at all
    listed = all(results.filter(holds_word(word)).exists() for word in words)
    return some if listed else every


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
            held |= holds_word(word)
        return found.filter(held)
    for word in words or []:
        found = found.filter(holds_word(word))
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
