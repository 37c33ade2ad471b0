"""Reading a run's topics as people read them: quotes, related topics, who talks about them.

Shared by the topic pages and the topics API. A whole topic list costs a fixed
number of queries, however many topics there are: the topics, then every
representative document of every topic at once, then the run's segments.
Document texts are only read when the caller asks for them (`with_documents`),
so a role that may not see customers' words never has them loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from segapp.models import DocumentResult, Segment, SegmentationRun, Topic
from segapp.selectors.personas import min_group_size

# How many segments a topic lists as "talking about it most".
MAX_SEGMENTS_PER_TOPIC = 5


class TopicNotFound(LookupError):
    """No topic with this number in the run; message for users."""


@dataclass(frozen=True)
class RepresentativeDocument:
    """A document quoted for a topic: its redacted text and how the run scored it."""

    id: int
    text: str
    kind: str
    rating: float | None
    sentiment: float
    sentiment_label: str


@dataclass(frozen=True)
class TopicSegment:
    """A segment talking about a topic.

    `share` is the share of the segment's documents on the topic, `lift` that
    share against everyone's (2.0: twice as often as the average customer).
    """

    number: int
    name: str
    share: float
    lift: float | None
    sentiment: float | None


@dataclass(frozen=True)
class RelatedTopic:
    """Another topic of the same run, named for a link."""

    number: int
    label: str
    size: int


@dataclass(frozen=True)
class TopicOverview:
    """One topic with everything its page and API entry show.

    `share` is the topic's share of all documents of the run. `parent` is the
    broader topic it belongs to when the run stored one (`parent_number` alone
    otherwise); `siblings` share its parent, `children` name it as parent.
    `representative_documents` is empty and `documents_hidden` true when the
    caller did not ask for texts.
    """

    number: int
    label: str
    keywords: tuple[str, ...]
    size: int
    share: float | None
    sentiment: float | None
    aspect_sentiment: float | None
    parent_number: int | None
    parent: RelatedTopic | None
    children: tuple[RelatedTopic, ...]
    siblings: tuple[RelatedTopic, ...]
    representative_documents: tuple[RepresentativeDocument, ...]
    documents_hidden: bool
    segments: tuple[TopicSegment, ...]
    small: bool = False


def small_topic_label(k: int | None = None) -> str:
    """What a topic written by fewer than k customers is called (never its own words)."""
    return f"Small topic (fewer than {min_group_size() if k is None else k} writers)"


def writers_per_topic(run: SegmentationRun) -> dict[int, int]:
    """How many distinct customers wrote each topic's documents in the run (one query)."""
    rows = (
        DocumentResult.objects.filter(run=run)
        .order_by()
        .values("topic")
        .annotate(writers=Count("document__customer", distinct=True))
    )
    return {row["topic"]: row["writers"] for row in rows}


def small_topic_numbers(run: SegmentationRun, k: int | None = None) -> set[int]:
    """Topics of the run written by fewer than k customers: their words are never shown."""
    k = min_group_size() if k is None else k
    writers = writers_per_topic(run)
    numbers = Topic.objects.filter(run=run).values_list("number", flat=True)
    return {n for n in numbers if writers.get(n, 0) < k}


def topic_overviews(run: SegmentationRun, *, with_documents: bool) -> list[TopicOverview]:
    """The topics of a run, largest first, each with its quotes and segments (4 queries).

    A topic written by fewer than k customers is `small`: its label, keywords,
    sentiment, quotes and segments are withheld (k-anonymity).
    """
    topics = _topics(run)
    return _overviews(run, topics, topics, with_documents=with_documents)


def get_topic(run: SegmentationRun, number: int, *, with_documents: bool) -> TopicOverview:
    """One topic of a run by number; `TopicNotFound` when the run has no such topic."""
    topics = _topics(run)
    chosen = [t for t in topics if t.number == number]
    if not chosen:
        raise TopicNotFound(f"No topic {number} in run {run.pk}.")
    return _overviews(run, topics, chosen, with_documents=with_documents)[0]


def representative_documents(
    run: SegmentationRun, topics: Iterable[Topic]
) -> dict[int, tuple[RepresentativeDocument, ...]]:
    """Per topic number, its representative documents in the run's order, in one query.

    A document erased since the run is skipped: the topic keeps its id, the
    document and its result are gone.
    """
    topics = list(topics)
    wanted = {int(pk) for t in topics for pk in t.representative_documents}
    if not wanted:
        return {t.number: () for t in topics}
    rows = (
        DocumentResult.objects.filter(run=run, document_id__in=wanted)
        .order_by()
        .values(
            "document_id",
            "document__text",
            "document__kind",
            "document__rating",
            "sentiment",
            "sentiment_label",
        )
    )
    found = {
        row["document_id"]: RepresentativeDocument(
            id=row["document_id"],
            text=row["document__text"],
            kind=row["document__kind"],
            rating=row["document__rating"],
            sentiment=row["sentiment"],
            sentiment_label=row["sentiment_label"],
        )
        for row in rows
    }
    return {
        t.number: tuple(found[int(pk)] for pk in t.representative_documents if int(pk) in found)
        for t in topics
    }


def segments_talking_about(run: SegmentationRun) -> dict[int, tuple[TopicSegment, ...]]:
    """Per topic number, the segments that talk about it most (by share, then lift), in one query.

    Read from each segment's profile, which lists only its top topics: a
    segment where the topic is not among them is not counted.
    """
    by_topic: dict[int, list[TopicSegment]] = {}
    for segment in (
        Segment.objects.filter(run=run).order_by("number").only("number", "name", "profile")
    ):
        for entry in (segment.profile or {}).get("top_topics", []):
            by_topic.setdefault(int(entry["topic"]), []).append(
                TopicSegment(
                    number=segment.number,
                    name=segment.name,
                    share=float(entry.get("share") or 0.0),
                    lift=entry.get("lift"),
                    sentiment=entry.get("sentiment"),
                )
            )
    return {
        number: tuple(sorted(found, key=_most_talked_first)[:MAX_SEGMENTS_PER_TOPIC])
        for number, found in by_topic.items()
    }


def _most_talked_first(segment: TopicSegment) -> tuple[float, float, int]:
    lift = segment.lift if segment.lift is not None else float("-inf")
    return (-segment.share, -lift, segment.number)


def _topics(run: SegmentationRun) -> list[Topic]:
    return list(Topic.objects.filter(run=run).order_by("-size", "number"))


def _overviews(
    run: SegmentationRun,
    every_topic: list[Topic],
    chosen: list[Topic],
    *,
    with_documents: bool,
) -> list[TopicOverview]:
    k = min_group_size()
    writers = writers_per_topic(run)
    small = {t.number for t in every_topic if writers.get(t.number, 0) < k}
    documents = representative_documents(run, chosen) if with_documents else {}
    segments = segments_talking_about(run)
    hidden = small_topic_label(k)
    related = {
        t.number: RelatedTopic(t.number, hidden if t.number in small else t.label, t.size)
        for t in every_topic
    }
    return [
        TopicOverview(
            number=t.number,
            label=hidden if t.number in small else t.label,
            keywords=() if t.number in small else tuple(t.keywords),
            size=t.size,
            share=t.size / run.n_documents if run.n_documents else None,
            sentiment=None if t.number in small else t.sentiment,
            aspect_sentiment=None if t.number in small else t.aspect_sentiment,
            parent_number=t.parent_number,
            parent=related.get(t.parent_number) if t.parent_number is not None else None,
            children=tuple(related[c.number] for c in every_topic if c.parent_number == t.number),
            siblings=tuple(
                related[s.number]
                for s in every_topic
                if t.parent_number is not None
                and s.parent_number == t.parent_number
                and s.number != t.number
            ),
            representative_documents=() if t.number in small else documents.get(t.number, ()),
            documents_hidden=not with_documents or t.number in small,
            segments=() if t.number in small else segments.get(t.number, ()),
            small=t.number in small,
        )
        for t in chosen
    ]
