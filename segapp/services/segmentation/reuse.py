"""The result cache: a run on unchanged data and parameters reuses the results it would recompute.

Every run records a fingerprint of everything its results depend on: the
consenting customers (and their database ids), every document's content hash,
rating, kind and owner, the behaviour values, the run parameters, the embedding
model id, the versions of the libraries and the source of `nlp/`. A later run
with the same fingerprint copies the earlier run's segments, memberships,
topics, per-document results and saved model instead of fitting them again;
the pipeline is deterministic for fixed inputs and seed, so the copy is what
the fit would have produced. Any change (a new document, an erased customer, a
consent withdrawn, another parameter, new code) changes the fingerprint and
the run fits again, reusing the cached embeddings and, where the texts they
depend on are unchanged, the cached text results (`text_results`: sentiment,
topics and sentiment per topic).
"""

from __future__ import annotations

import hashlib
import json
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
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
from segapp.services.segmentation import artifacts

BATCH = 2000
_TRUTH_METRICS = ("truth_ari", "truth_ari_soft")


def input_fingerprint(inputs, parameters: dict, model_id: str, libraries: dict) -> str:
    """SHA-256 of everything a run's results depend on (see the module docstring)."""
    sha = hashlib.sha256()
    settings = {"parameters": parameters, "model": model_id, "libraries": libraries,
                "code": code_digest()}  # fmt: skip
    sha.update(json.dumps(settings, sort_keys=True, default=str).encode())
    documents = inputs.documents[["document_id", "customer", "text_hash", "rating", "kind"]]
    sha.update(pd.util.hash_pandas_object(documents.astype(str), index=False).to_numpy().tobytes())
    customers = pd.Series(inputs.customer_ids, dtype="object").astype(str)
    sha.update(pd.util.hash_pandas_object(customers, index=True).to_numpy().tobytes())
    behaviour = inputs.behaviour.sort_index(axis=1)
    sha.update(json.dumps([str(c) for c in behaviour.columns]).encode())
    if behaviour.shape[1]:
        values = behaviour.astype(float).fillna(np.nan)
        sha.update(pd.util.hash_pandas_object(values, index=True).to_numpy().tobytes())
    return sha.hexdigest()


# nlp modules that read a run's results but never change them.
OUTSIDE_RESULTS = frozenset({"fairness.py", "dp.py", "dp_bounds.py"})


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the `nlp/` sources: results of other code are never reused."""
    import nlp

    sha = hashlib.sha256()
    for path in sorted(Path(nlp.__file__).parent.glob("*.py")):
        if path.name in OUTSIDE_RESULTS:
            continue
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()


def find_reusable(run: SegmentationRun, fingerprint: str) -> SegmentationRun | None:
    """The latest successful run with this fingerprint whose results are still whole."""
    return (
        SegmentationRun.objects.filter(status=RunStatus.SUCCEEDED, input_fingerprint=fingerprint)
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-id")
        .first()
    )


@transaction.atomic
def save_reused_results(
    run: SegmentationRun, source: SegmentationRun, inputs, truth: list[str] | None
) -> None:
    """Copy `source`'s results into `run` in one transaction and mark `run` done."""
    started = time.perf_counter()
    run.refresh_from_db(fields=["cancel_requested", "timings"])
    segments = _copy_segments(source, run)
    labels = _copy_memberships(source, run, segments)
    _copy_topics(source, run)
    _copy_document_results(source, run)
    run.artifact_dir, run.artifact_digest = artifacts.copy_model(source, run)
    run.n_segments, run.outlier_share = source.n_segments, source.outlier_share
    run.metrics = _metrics(source.metrics, labels, inputs, truth)
    run.sentiment, run.model_versions = source.sentiment, source.model_versions
    run.explain_context = source.explain_context  # profiles (names, quotes) come with the segments
    run.notes = [
        *source.notes,
        f"Documents, behaviour and parameters are unchanged since run {source.pk}: "
        "its results were reused instead of being computed again.",
    ]
    run.reused_from = source
    run.timings = {**run.timings, "reuse": round(time.perf_counter() - started, 3)}
    run.status, run.finished_at, run.stage = RunStatus.SUCCEEDED, timezone.now(), "done"
    run.save()


def _copy_segments(source, run) -> dict[int, Segment]:
    """New segments like the source's; returns source segment id -> new segment."""
    old = list(Segment.objects.filter(run=source).order_by("number"))
    Segment.objects.bulk_create(
        [
            Segment(
                run=run, number=s.number, name=s.name, size=s.size, share=s.share, profile=s.profile
            )
            for s in old
        ]  # fmt: skip
    )
    new = {s.number: s for s in Segment.objects.filter(run=run)}
    return {s.pk: new[s.number] for s in old}


def _copy_memberships(source, run, segments: dict[int, Segment]) -> dict[int, tuple[int, int]]:
    """Copy the fitted customers' memberships; return customer id -> (label, soft label)."""
    rows = Membership.objects.filter(run=source, assigned_after_fit=False).values_list(
        "customer_id", "segment_id", "probability", "outlier", "soft_segment_id",
        "soft_probability", "x", "y",
    )  # fmt: skip
    copies, labels = [], {}
    for customer, segment, prob, outlier, soft, soft_prob, x, y in rows.iterator(chunk_size=BATCH):
        mine, mine_soft = segments.get(segment), segments.get(soft)
        labels[customer] = (
            mine.number if mine else -1,
            mine_soft.number if mine_soft else -1,
        )
        copies.append(
            Membership(
                run=run,
                customer_id=customer,
                segment=mine,
                probability=prob,
                outlier=outlier,
                soft_segment=mine_soft,
                soft_probability=soft_prob,
                x=x,
                y=y,
            )  # fmt: skip
        )
    Membership.objects.bulk_create(copies, batch_size=BATCH)
    return labels


def _copy_topics(source, run) -> None:
    Topic.objects.bulk_create(
        [
            Topic(
                run=run,
                number=t.number,
                label=t.label,
                keywords=t.keywords,
                size=t.size,
                sentiment=t.sentiment,
                aspect_sentiment=t.aspect_sentiment,
                representative_documents=t.representative_documents,
                parent_number=t.parent_number,
            )  # fmt: skip
            for t in Topic.objects.filter(run=source)
        ]
    )


def _copy_document_results(source, run) -> None:
    rows = DocumentResult.objects.filter(run=source).values_list(
        "document_id", "topic", "sentiment", "sentiment_label"
    )
    DocumentResult.objects.bulk_create(
        (
            DocumentResult(run=run, document_id=d, topic=t, sentiment=s, sentiment_label=lab)
            for d, t, s, lab in rows.iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )


def _metrics(metrics: dict, labels: dict[int, tuple[int, int]], inputs, truth) -> dict:
    """The source's metrics, with agreement against this run's ground truth (if any) redone."""
    from sklearn.metrics import adjusted_rand_score

    kept = {k: v for k, v in metrics.items() if k not in _TRUTH_METRICS}
    if truth is None:
        return kept
    order = [inputs.customer_ids[c] for c in inputs.behaviour.index]
    hard = [labels[pk][0] for pk in order]
    soft = [labels[pk][1] for pk in order]
    kept["truth_ari"] = float(adjusted_rand_score(truth, hard))
    kept["truth_ari_soft"] = float(adjusted_rand_score(truth, soft))
    return kept
