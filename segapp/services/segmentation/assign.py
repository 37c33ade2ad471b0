"""Place customers who arrived after a run in its segments, with the run's saved model.

No refitting: the new customers' documents are embedded (through the shared
cache), scored and featurised exactly as at fit, and HDBSCAN's prediction data
places them (`approximate_predict`). Their memberships are marked
`assigned_after_fit`; segment sizes and metrics stay those of the fit.
Customers who withdrew consent, and customers the run was fitted on, are
skipped; customers placed by an earlier pass are placed again with what is
known of them now.

Only customers holding what the segments were fitted on are placed
(`FittedSegmentation.place`): someone who has written nothing is not put in
segments defined by what their members write, nor is a customer lacking the
behaviour columns of the fit placed by invented values. They get an
`UnplacedCustomer` row with the reason instead, and wait for the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from django.db import transaction
from django.utils import timezone

from segapp.models import (
    ImportStatus,
    Membership,
    PlacementPass,
    RunStatus,
    Segment,
    SegmentationRun,
    UnplacedCustomer,
)
from segapp.services.segmentation import artifacts
from segapp.services.segmentation import embeddings as cache
from segapp.services.segmentation.inputs import load_run_inputs

if TYPE_CHECKING:
    from nlp.model import Placement

logger = logging.getLogger(__name__)


@dataclass
class Assignment:
    """What one assignment pass did."""

    run_id: int
    assigned: int
    outliers: int
    waiting: int = 0  # not placed: they lack what the segments were fitted on
    waiting_by_reason: dict[str, int] | None = None


def latest_run() -> SegmentationRun | None:
    """The latest successful run that saved a model, if any."""
    return (
        SegmentationRun.objects.filter(status=RunStatus.SUCCEEDED)
        .exclude(artifact_digest="")
        .order_by("-finished_at", "-id")
        .first()
    )


def assign_new_customers(run: SegmentationRun) -> Assignment:
    """Place every consenting customer the run was not fitted on who holds what it was
    fitted on; record why the others wait. Returns counts.

    Customers placed by an earlier pass are placed again, so documents that
    arrived after their customer count (and a customer who no longer holds
    what the fit used loses the earlier place).
    """
    model = artifacts.load_model(run)
    present = Membership.objects.filter(run=run, assigned_after_fit=False).values("customer_id")
    inputs = load_run_inputs(exclude_customer_ids=present)
    if inputs.n_customers == 0:
        _save(run, inputs, None)
        return Assignment(run.pk, 0, 0)
    unplaced = model.unplaceable(inputs.documents, inputs.behaviour)
    documents = inputs.documents[~inputs.documents["customer"].isin(set(unplaced))]
    documents = documents.reset_index(drop=True)
    placement = model.place(documents, inputs.behaviour, _vectors(run, documents))
    _save(run, inputs, placement)
    reasons: dict[str, int] = {}
    for why in placement.unplaced.values():
        reasons[why.reason] = reasons.get(why.reason, 0) + 1
    labels = placement.labels
    return Assignment(
        run.pk, int(len(labels)), int((labels < 0).sum()), len(placement.unplaced), reasons
    )


def _vectors(run: SegmentationRun, documents) -> np.ndarray | None:
    """Embeddings of these documents with the run's embedder (computed where missing)."""
    hashes = documents["text_hash"].tolist()
    if not hashes:
        return None
    from segapp.services.segmentation.runs import embedder_for

    embedder_id = run.model_versions.get("embedder", "")
    embedder = embedder_for(run)
    if embedder_id and embedder.model_id != embedder_id:
        raise artifacts.NoSavedModel(
            f"Run {run.pk} was fitted with {embedder_id}; the configured embedder is "
            f"{embedder.model_id}. Start a new run."
        )
    cache.embed_missing(hashes, embedder)
    return cache.load_vectors(hashes, embedder.model_id, embedder.dimension)


@transaction.atomic
def _save(run: SegmentationRun, inputs, placement: Placement | None) -> None:
    """Replace the run's placed-after memberships and waiting customers with this pass's,
    and note when (clients' cached answers about the run are revalidated from then on)."""
    UnplacedCustomer.objects.filter(run=run).delete()
    PlacementPass.objects.update_or_create(
        run=run,
        defaults={
            "placed_at": timezone.now(),
            "placed_after": 0 if placement is None else len(placement.customers),
            "waiting": 0 if placement is None else len(placement.unplaced),
        },
    )
    if placement is None:
        return
    segments = {s.number: s for s in Segment.objects.filter(run=run)}
    customers = [inputs.customer_ids[p] for p in inputs.behaviour.index]
    for start in range(0, len(customers), 5000):
        Membership.objects.filter(
            run=run, assigned_after_fit=True, customer_id__in=customers[start : start + 5000]
        ).delete()
    Membership.objects.bulk_create(
        [
            Membership(
                run=run,
                customer_id=inputs.customer_ids[pseudonym],
                segment=segments.get(int(label)),
                probability=float(strength),
                outlier=int(label) < 0,
                soft_segment=segments.get(int(label)),
                soft_probability=float(strength),
                assigned_after_fit=True,
            )
            for pseudonym, label, strength in zip(
                placement.customers, placement.labels, placement.strengths, strict=True
            )
        ],
        batch_size=2000,
    )
    UnplacedCustomer.objects.bulk_create(
        [
            UnplacedCustomer(
                run=run,
                customer_id=inputs.customer_ids[pseudonym],
                reason=why.reason,
                missing=list(why.missing),
            )
            for pseudonym, why in placement.unplaced.items()
        ],
        batch_size=2000,
    )


def assign_to_latest_run() -> Assignment | None:
    """Assign new customers to the latest run with a saved model (None when there is none)."""
    from segapp.services.locks import exclusive

    run = latest_run()
    if run is None:
        return None
    with exclusive("assign", run.pk) as mine:
        if not mine:  # another worker is assigning to this run right now
            return None
        try:
            return assign_new_customers(run)
        except artifacts.NoSavedModel as exc:
            logger.warning("new customers not assigned: %s", exc)
            return None


def schedule_assignment(job) -> None:
    """After a successful import that added customers or documents, queue their assignment."""
    if job.status != ImportStatus.SUCCEEDED or not (job.rows_imported or job.rows_updated):
        return
    if latest_run() is None:
        return
    from segapp.tasks import assign_new_customers as task

    transaction.on_commit(task.delay)
