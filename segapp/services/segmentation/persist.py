"""Saving a run's results in one transaction: a reader never sees half a run."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from segapp.models import (
    DocumentResult,
    Membership,
    RunStatus,
    Segment,
    SegmentationRun,
    Topic,
)
from segapp.services.segmentation.naming import carry_names

BATCH = 2000


@transaction.atomic
def save_results(run: SegmentationRun, inputs, result) -> None:
    """Write segments, memberships, topics and per-document results, then mark the run done.

    Persona quotes are stored as Document ids; names of segments that persist
    from the previous successful run are carried over (`naming.carry_names`).
    """
    run.refresh_from_db(fields=["cancel_requested", "timings"])
    embedding = {"embed": run.timings["embed"]} if "embed" in run.timings else {}
    segments = _save_segments(run, inputs, result)
    _save_memberships(run, inputs, result, segments)
    carry_names(run)
    _save_topics(run, inputs, result)
    _save_document_results(run, inputs, result)
    n = len(result.customer_ids)
    run.n_segments = len(segments)
    run.outlier_share = float(result.outlier.sum() / n) if n else None
    stages = {k: v for k, v in result.timings.items() if not (k == "embed" and embedding)}
    run.metrics, run.timings = result.metrics, {**embedding, **stages}
    run.notes, run.sentiment = result.notes, result.sentiment_choice
    run.explain_context = result.explain_context
    run.status, run.finished_at, run.stage = RunStatus.SUCCEEDED, timezone.now(), "done"
    run.save()


def _save_segments(run, inputs, result) -> dict[int, Segment]:
    n = len(result.customer_ids)
    document_ids = inputs.documents["document_id"].tolist()
    name_length = Segment._meta.get_field("name").max_length
    segments = []
    for profile in result.segment_profiles:
        quotes = [int(document_ids[i]) for i in profile.get("quotes", [])]
        name = (profile.get("name") or f"Segment {profile['segment'] + 1}")[:name_length]
        segments.append(
            Segment(
                run=run,
                number=profile["segment"],
                name=name,
                size=profile["size"],
                share=profile["size"] / n if n else 0.0,
                profile={**profile, "name": name, "quotes": quotes},
            )
        )
    Segment.objects.bulk_create(segments)
    return {s.number: s for s in Segment.objects.filter(run=run)}


def _save_memberships(run, inputs, result, segments: dict[int, Segment]) -> None:
    rows = []
    for i, pseudonym in enumerate(result.customer_ids):
        label, soft = int(result.labels[i]), int(result.soft_labels[i])
        rows.append(
            Membership(
                run=run,
                customer_id=inputs.customer_ids[pseudonym],
                segment=segments.get(label),
                probability=float(result.probabilities[i]),
                outlier=bool(result.outlier[i]),
                soft_segment=segments.get(soft),
                soft_probability=float(result.soft_probabilities[i]),
                x=float(result.map_2d[i, 0]),
                y=float(result.map_2d[i, 1]),
            )
        )
    Membership.objects.bulk_create(rows, batch_size=BATCH)


def _save_topics(run, inputs, result) -> None:
    document_ids = inputs.documents["document_id"].tolist()
    Topic.objects.bulk_create(
        [
            Topic(
                run=run,
                number=topic.topic_id,
                label=topic.label[:200],
                keywords=list(topic.keywords),
                size=topic.size,
                sentiment=result.topic_sentiment.get(topic.topic_id),
                aspect_sentiment=result.topic_aspect_sentiment.get(topic.topic_id),
                representative_documents=[int(document_ids[i]) for i in topic.representative_docs],
                parent_number=topic.parent_id,
            )
            for topic in result.topics
        ]
    )


def _save_document_results(run, inputs, result) -> None:
    document_ids = inputs.documents["document_id"].tolist()
    DocumentResult.objects.bulk_create(
        (
            DocumentResult(
                run=run,
                document_id=int(document_id),
                topic=int(result.doc_topics[i]),
                sentiment=float(result.doc_sentiment[i]),
                sentiment_label=result.doc_sentiment_labels[i],
            )
            for i, document_id in enumerate(document_ids)
        ),
        batch_size=BATCH,
    )
