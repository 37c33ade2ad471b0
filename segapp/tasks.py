"""Celery tasks: thin doors that take ids and call one service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from segapp.models import ImportJob
from segapp.services.ingest.service import mark_import_failed, run_import_job
from segapp.services.segmentation.assign import schedule_assignment

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="segapp.import_file",
    queue="celery",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=4,
    soft_time_limit=3 * 3600,
    time_limit=3 * 3600 + 300,
)
def import_file(self, job_id: int) -> None:
    """Run import job `job_id`; transient database errors retry with backoff."""
    if not ImportJob.objects.filter(pk=job_id).exists():
        logger.warning("import job %s no longer exists; nothing to do", job_id)
        return
    try:
        job = run_import_job(job_id)
    except (OperationalError, InterfaceError):
        if self.request.retries >= self.max_retries:
            mark_import_failed(job_id, "The database was unreachable; the import was abandoned.")
            return
        raise
    schedule_assignment(job)


RUN_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "max_retries": 4,
}


@shared_task(name="segapp.begin_segmentation", **RUN_TASK_OPTIONS)
def begin_segmentation(run_id: int) -> None:
    """Start run `run_id`: fan out the embedding chunks, or go straight to the analysis."""
    from segapp.services.segmentation.runs import begin_run, claim_analysis

    chunks = begin_run(run_id)
    for chunk in chunks:
        embed_segmentation_chunk.delay(run_id, chunk)
    if not chunks and claim_analysis(run_id):
        analyse_segmentation.delay(run_id)


@shared_task(name="segapp.embed_segmentation_chunk", **RUN_TASK_OPTIONS)
def embed_segmentation_chunk(run_id: int, text_hashes: list[str]) -> None:
    """Embed one chunk of a run's texts; the last chunk to finish starts the analysis."""
    from segapp.services.segmentation.runs import claim_analysis, embed_chunk

    embed_chunk(run_id, text_hashes)
    if claim_analysis(run_id):
        analyse_segmentation.delay(run_id)


@shared_task(
    name="segapp.analyse_segmentation",
    soft_time_limit=6 * 3600,
    time_limit=6 * 3600 + 300,
    **RUN_TASK_OPTIONS,
)
def analyse_segmentation(run_id: int) -> None:
    """Sentiment, topics, features, segments, metrics and results of run `run_id`."""
    from segapp.services.segmentation.runs import analyse_run

    analyse_run(run_id)


@shared_task(name="segapp.assign_new_customers", **RUN_TASK_OPTIONS)
def assign_new_customers() -> None:
    """Place customers who arrived since the latest run in its segments (no refitting)."""
    from segapp.services.segmentation.assign import assign_to_latest_run

    assign_to_latest_run()


PRIVACY_TASK_OPTIONS = {
    # A worker lost mid-erasure hands the request back to the broker; its finished
    # steps are recorded, so the redelivered task resumes where it stopped.
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(name="segapp.erase_customer", **PRIVACY_TASK_OPTIONS)
def erase_customer(request_id: int) -> None:
    """Work one erasure request (queued by the API or the privacy centre) to its end."""
    from segapp.models import PrivacyRequest
    from segapp.services.privacy import erasure

    request = PrivacyRequest.objects.filter(pk=request_id).first()
    if request is not None:
        erasure.erase(request)


@shared_task(name="segapp.resume_privacy_requests", **PRIVACY_TASK_OPTIONS)
def resume_privacy_requests() -> int:
    """Finish erasure requests left unfinished by a crash; return how many finished."""
    from segapp.services.privacy import erasure

    return len(erasure.resume_unfinished())


@shared_task(name="segapp.enforce_retention", **PRIVACY_TASK_OPTIONS)
def enforce_retention() -> dict:
    """Remove data older than its retention period (Celery beat, daily); return the counts."""
    from segapp.services.privacy import retention

    return retention.enforce(channel="beat").counts
