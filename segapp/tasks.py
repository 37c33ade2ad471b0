"""Celery tasks: thin doors that take ids and call one service.

Where each task runs is said in one place, `segapp.celery.TASK_QUEUES`. Each
task here states its time limits (soft, then hard five minutes later) and that
its result is ignored: job state lives in the database. Every hard limit stays
below `VOXSEG_LONGEST_TASK_SECONDS`, which the broker's visibility timeout
exceeds, so a task still running is never handed to a second worker.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from segapp.models import ImportJob
from segapp.services.ingest.service import mark_import_failed, run_import_job
from segapp.services.segmentation.assign import schedule_assignment
from segapp.services.transactions import database_error_message

logger = logging.getLogger(__name__)

GRACE = 300  # seconds between the soft limit (clean stop) and the hard one (killed)


def limits(hard: int) -> dict:
    """Soft and hard time limits for a task whose hard limit is `hard` seconds."""
    return {"soft_time_limit": max(hard - GRACE, 1), "time_limit": hard}


# Tasks acknowledge when they end, so a worker that dies hands its task back; they
# take ids and are idempotent, so running one again is harmless.
LATE_ACK = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}
DATABASE_RETRIES = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 4,
}


@shared_task(
    bind=True,
    name="segapp.import_file",
    **LATE_ACK,
    **DATABASE_RETRIES,
    **limits(settings.VOXSEG_IMPORT_TIME_LIMIT),
)
def import_file(self, job_id: int) -> None:
    """Run import job `job_id`; transient database errors retry with backoff."""
    if not ImportJob.objects.filter(pk=job_id).exists():
        logger.warning("import job %s no longer exists; nothing to do", job_id)
        return
    try:
        job = run_import_job(job_id, retry_transient=True)
    except (OperationalError, InterfaceError) as exc:
        if self.request.retries >= self.max_retries:
            mark_import_failed(job_id, database_error_message(exc))
            return
        raise
    schedule_assignment(job)


@shared_task(
    name="segapp.begin_segmentation", **LATE_ACK, **DATABASE_RETRIES, **limits(1800)
)  # fmt: skip
def begin_segmentation(run_id: int) -> None:
    """Start run `run_id`: fan out the embedding chunks, or go straight to the analysis."""
    from segapp.services.segmentation.runs import begin_run, claim_analysis

    chunks = begin_run(run_id)
    for chunk in chunks:
        embed_segmentation_chunk.delay(run_id, chunk)
    if not chunks and claim_analysis(run_id):
        analyse_segmentation.delay(run_id)


@shared_task(
    name="segapp.embed_segmentation_chunk", **LATE_ACK, **DATABASE_RETRIES, **limits(1800)
)  # fmt: skip
def embed_segmentation_chunk(run_id: int, text_hashes: list[str]) -> None:
    """Embed one chunk of a run's texts; the last chunk to finish starts the analysis."""
    from segapp.services.segmentation.runs import claim_analysis, embed_chunk

    embed_chunk(run_id, text_hashes)
    if claim_analysis(run_id):
        analyse_segmentation.delay(run_id)


@shared_task(
    name="segapp.analyse_segmentation",
    **LATE_ACK,
    **DATABASE_RETRIES,
    **limits(settings.VOXSEG_ANALYSIS_TIME_LIMIT),
)
def analyse_segmentation(run_id: int) -> None:
    """Sentiment, topics, features, segments, metrics and results of run `run_id`."""
    from segapp.services.segmentation.runs import analyse_run

    analyse_run(run_id)


@shared_task(
    name="segapp.assign_new_customers", **LATE_ACK, **DATABASE_RETRIES, **limits(3600)
)  # fmt: skip
def assign_new_customers() -> None:
    """Place customers who arrived since the latest run in its segments (no refitting)."""
    from segapp.services.segmentation.assign import assign_to_latest_run

    assign_to_latest_run()


# A worker lost mid-erasure hands the request back to the broker; its finished steps
# are recorded, so the redelivered task resumes where it stopped. An erasure may first
# wait for an import in flight to commit, hence an import's limit and half an hour more.
ERASURE_LIMITS = limits(settings.VOXSEG_IMPORT_TIME_LIMIT + 1800)


@shared_task(name="segapp.erase_customer", **LATE_ACK, **ERASURE_LIMITS)
def erase_customer(request_id: int) -> None:
    """Work one erasure request (queued by the API or the privacy centre) to its end."""
    from segapp.models import PrivacyRequest
    from segapp.services.privacy import erasure

    request = PrivacyRequest.objects.filter(pk=request_id).first()
    if request is not None:
        erasure.erase(request)


@shared_task(name="segapp.resume_privacy_requests", **LATE_ACK, **ERASURE_LIMITS)
def resume_privacy_requests() -> int:
    """Finish erasure requests left unfinished by a crash; return how many finished."""
    from segapp.services.privacy import erasure

    return len(erasure.resume_unfinished())


@shared_task(name="segapp.enforce_retention", **LATE_ACK, **limits(2 * 3600))
def enforce_retention() -> dict:
    """Remove data older than its retention period (Celery beat, daily); return the counts."""
    from segapp.services.privacy import retention

    return retention.enforce(channel="beat").counts


@shared_task(
    name="segapp.reap_stalled_jobs", acks_late=False, ignore_result=True, **limits(360)
)  # fmt: skip
def reap_stalled_jobs() -> dict:
    """Fail imports and runs whose worker stopped responding (Celery beat, every minute)."""
    from segapp.services.jobs import reap_stalled_jobs as reap

    reaped = reap()
    return {"imports": reaped.imports, "runs": reaped.runs, "cancelled": reaped.cancelled_runs}
