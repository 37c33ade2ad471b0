"""Reading runs and their results: shared by pages, API, exports and (later) chat."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from segapp.models import DocumentResult, Membership, RunStatus, Segment, SegmentationRun, Topic

SEGMENT_EXPORT_FIELDS = ("customer", "segment", "segment_name", "probability", "outlier")
DOCUMENT_EXPORT_FIELDS = (
    "document", "customer", "kind", "channel", "created_at",
    "sentiment", "sentiment_label", "topic", "topic_label",
)  # fmt: skip


class RunNotFound(LookupError):
    """No such run (or no successful run yet for `latest`); message for users."""


def runs() -> QuerySet[SegmentationRun]:
    """Runs, newest first."""
    return SegmentationRun.objects.select_related("created_by")


def get_run(ref: str | int) -> SegmentationRun:
    """A run by id, or the latest successful one for "latest"."""
    if str(ref) == "latest":
        run = SegmentationRun.objects.filter(status=RunStatus.SUCCEEDED).first()
        if run is None:
            raise RunNotFound("No segmentation run has succeeded yet.")
        return run
    try:
        return SegmentationRun.objects.get(pk=int(ref))
    except (ValueError, SegmentationRun.DoesNotExist):
        raise RunNotFound(f"No run {ref}.") from None


def segments_of(run: SegmentationRun) -> QuerySet[Segment]:
    """The segments of a run, by number."""
    return Segment.objects.filter(run=run).order_by("number")


def topics_of(run: SegmentationRun) -> QuerySet[Topic]:
    """The topics of a run, largest first."""
    return Topic.objects.filter(run=run).order_by("-size", "number")


def memberships_of(run: SegmentationRun) -> QuerySet[Membership]:
    """A run's memberships with customer and segments loaded."""
    return (
        Membership.objects.filter(run=run)
        .select_related("customer", "segment", "soft_segment")
        .order_by("id")
    )


def segment_export_rows(run: SegmentationRun, *, soft: bool = False) -> Iterator[dict]:
    """One row per customer: customer, segment, segment_name, probability, outlier.

    An outlier's `segment` is empty unless `soft`, when it is its most probable
    segment (and `outlier` stays true, so soft assignment is always visible).
    """
    for m in memberships_of(run).iterator(chunk_size=5000):
        segment = m.segment or (m.soft_segment if soft else None)
        probability = m.probability if m.segment else (m.soft_probability if soft else 0.0)
        yield {
            "customer": m.customer.pseudonym,
            "segment": "" if segment is None else segment.number,
            "segment_name": "" if segment is None else segment.name,
            "probability": round(probability or 0.0, 4),
            "outlier": m.outlier,
        }


def document_export_rows(run: SegmentationRun) -> Iterator[dict]:
    """One row per document of the run with its sentiment and topic."""
    labels = dict(Topic.objects.filter(run=run).values_list("number", "label"))
    rows = (
        DocumentResult.objects.filter(run=run)
        .select_related("document__customer")
        .order_by("document_id")
    )
    for r in rows.iterator(chunk_size=5000):
        doc = r.document
        yield {
            "document": doc.pk,
            "customer": doc.customer.pseudonym,
            "kind": doc.kind,
            "channel": doc.channel,
            "created_at": doc.created_at.isoformat() if doc.created_at else "",
            "sentiment": round(r.sentiment, 4),
            "sentiment_label": r.sentiment_label,
            "topic": "" if r.topic < 0 else r.topic,
            "topic_label": labels.get(r.topic, ""),
        }
