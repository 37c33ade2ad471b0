"""What a queued or stalled import or run is waiting for, in words for the person watching it.

Imports and runs have their own queues and workers (`segapp.celery`), so an
upload never waits behind an analysis; it can still wait behind other imports,
or for a worker that is not there. The counts come from the jobs recorded in
the database: queued and running jobs that were created before this one.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from segapp.celery import IMPORTS, RUNS
from segapp.models import ImportJob, ImportStatus, RunStatus, SegmentationRun
from segapp.services import jobs

# Jobs the CLI runs in its own process never wait for a worker.
IN_PROCESS_SOURCES = ("cli",)
NO_WORKER_AFTER = 60  # seconds in the queue with nothing ahead before we suggest a check


def waiting_for(job: ImportJob | SegmentationRun) -> str:
    """A sentence saying what holds the job up, or "" when nothing does (or it has ended)."""
    if isinstance(job, ImportJob):
        return _import_waiting_for(job)
    return _run_waiting_for(job)


def _import_waiting_for(job: ImportJob) -> str:
    if job.source in IN_PROCESS_SOURCES and job.status == ImportStatus.QUEUED:
        return ""
    if job.status == ImportStatus.QUEUED:
        others = ImportJob.objects.exclude(pk=job.pk).exclude(source__in=IN_PROCESS_SOURCES)
        running = others.filter(status=ImportStatus.RUNNING).count()
        queued = others.filter(status=ImportStatus.QUEUED, pk__lt=job.pk).count()
        return _queued_text(job, "import", IMPORTS, running, queued)
    if job.status == ImportStatus.RUNNING:
        return _silent_text(job, "import")
    return ""


def _run_waiting_for(run: SegmentationRun) -> str:
    if run.status == RunStatus.QUEUED:
        others = SegmentationRun.objects.exclude(pk=run.pk)
        running = others.filter(status=RunStatus.RUNNING).count()
        queued = others.filter(status=RunStatus.QUEUED, pk__lt=run.pk).count()
        return _queued_text(run, "run", RUNS, running, queued)
    if run.status == RunStatus.RUNNING:
        if not run.worker:
            step = "its analysis" if run.stage == "analyse" else "its next step"
            return f"Waiting for a free run worker to take up {step}."
        return _silent_text(run, "run")
    return ""


def _queued_text(job, noun: str, queue: str, running: int, queued: int) -> str:
    if running or queued:
        parts = [f"{running} running"] if running else []
        parts += [f"{queued} queued"] if queued else []
        ahead = running + queued
        plural = "s" if ahead != 1 else ""
        return (
            f"Waiting for a free {noun} worker: {ahead} {noun}{plural} ahead of it "
            f"({' and '.join(parts)})."
        )
    waited = (timezone.now() - job.created_at).total_seconds()
    if waited > NO_WORKER_AFTER:
        return (
            f"Waiting for a {noun} worker, with nothing ahead of it, for {int(waited // 60)} "
            f"min: check that a worker serves the '{queue}' queue."
        )
    return f"Waiting for a {noun} worker to pick it up."


def _silent_text(job, noun: str) -> str:
    """For a running job whose worker has missed heartbeats: when it will be given up."""
    if not job.worker or job.heartbeat_at is None or jobs.has_live_worker(job):
        return ""
    last = timezone.localtime(job.heartbeat_at)
    deadline = last + timedelta(seconds=jobs.lease_seconds())
    return (
        f"No word from its worker since {last:%H:%M:%S}; the {noun} is marked failed at "
        f"{deadline:%H:%M} unless the worker answers."
    )
