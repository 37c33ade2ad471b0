"""Leases of running imports and runs, and the reaper that ends those whose worker died.

While a process works on a job (a task on a worker, or the CLI in the
foreground) it holds the job's *lease*: its name goes in `worker` and a
heartbeat thread refreshes `heartbeat_at` every few seconds, whatever the work
is doing (a long UMAP fit reports no progress for minutes, yet its process is
alive). When the work returns, the lease is released (`worker` emptied). A
process killed with -9, a machine that vanished, or work that broke off on an
exception without ending the job leaves a lease that goes stale.

The reaper (`reap_stalled_jobs`, on the beat schedule every minute) marks a
running job failed once its lease is older than `VOXSEG_JOB_LEASE_SECONDS`,
with the same clean-up as any failure: the uploaded copy of an import is
kept for a retry, as for any failed import (and, where imports commit per chunk,
the rows it wrote are removed), a run's
model folder is deleted. A run that was asked to stop is cancelled instead,
as soon as its worker has missed a few heartbeats. A running job with no
lease is between tasks (a run's analysis waiting for a free worker, an import
waiting for its retry); it is failed only when it has waited longer than any
task may take, since then no redelivery can come any more.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, connections
from django.db.models import Q
from django.utils import timezone

from segapp.models import ImportJob, ImportStatus, RunStatus, SegmentationRun
from segapp.services.ingest.partial import release_failed_import

logger = logging.getLogger(__name__)

RUNNING = "running"  # ImportStatus.RUNNING == RunStatus.RUNNING
Job = ImportJob | SegmentationRun


def lease_seconds() -> int:
    """How long a running job may go unheard before it counts as dead."""
    return max(int(settings.VOXSEG_JOB_LEASE_SECONDS), 1)


def beat_seconds() -> float:
    """How often a lease holder refreshes its heartbeat (a twentieth of the lease, 1–15 s)."""
    return min(15.0, max(1.0, lease_seconds() / 20))


def silent_after() -> float:
    """Missed heartbeats after which a holder is presumed gone (for cancelling at once)."""
    return 3 * beat_seconds()


def abandoned_after() -> int:
    """How long a running job may wait between tasks before no redelivery can come."""
    return int(settings.VOXSEG_LONGEST_TASK_SECONDS) + 600 + lease_seconds()


def worker_name() -> str:
    """Who holds a lease: the Celery node name when inside a task, else the host, and the pid."""
    from celery import current_task

    node = (
        getattr(getattr(current_task, "request", None), "hostname", None) if current_task else None
    )
    return f"{node or socket.gethostname()} pid {os.getpid()}"[:255]


@contextmanager
def lease(job: Job) -> Iterator[None]:
    """Hold `job`'s lease while the body runs: record the worker and keep its heartbeat fresh."""
    model, me = type(job), worker_name()
    now = timezone.now()
    model.objects.filter(pk=job.pk).update(worker=me, heartbeat_at=now)
    job.worker, job.heartbeat_at = me, now
    heartbeat = _Heartbeat(model, job.pk, me)
    heartbeat.start()
    try:
        yield
    except BaseException:
        # The work broke off without ending the job (a database error the task retries, a
        # time limit): the lease stays with this worker and goes stale, so the reaper ends
        # the job unless a retry takes it up first.
        heartbeat.stop()
        raise
    heartbeat.stop()
    model.objects.filter(pk=job.pk, worker=me).update(worker="")


class _Heartbeat(threading.Thread):
    """Refreshes one job's `heartbeat_at` every `beat_seconds()` until stopped."""

    def __init__(self, model: type[Job], pk: int, worker: str) -> None:
        super().__init__(name=f"heartbeat-{model._meta.model_name}-{pk}", daemon=True)
        self.model, self.pk, self.worker = model, pk, worker
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.wait(beat_seconds()):
                self._beat()
        finally:
            connections.close_all()  # this thread's connections only

    def _beat(self) -> None:
        try:
            if connection.vendor == "sqlite":  # never queue behind a writer for long
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA busy_timeout = 2000")
            self.model.objects.filter(pk=self.pk, status=RUNNING).update(
                heartbeat_at=timezone.now(), worker=self.worker
            )
        except Exception:  # noqa: BLE001 - a missed beat is retried; the lease allows many
            logger.debug("heartbeat of %s %s missed", self.model.__name__, self.pk, exc_info=True)

    def stop(self) -> None:
        """End the heartbeats (the lease is released by the caller)."""
        self._stopped.set()
        self.join(timeout=5)


def has_live_worker(job: Job, *, now: datetime | None = None) -> bool:
    """Whether a process holds `job`'s lease and was heard from within a few heartbeats."""
    if not job.worker or job.heartbeat_at is None:
        return False
    now = now or timezone.now()
    return (now - job.heartbeat_at).total_seconds() <= silent_after()


@dataclass
class Reaped:
    """Jobs the reaper ended: ids of failed imports, failed runs and cancelled runs."""

    imports: list[int] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)
    cancelled_runs: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.imports or self.runs or self.cancelled_runs)


def reap_stalled_jobs(*, now: datetime | None = None) -> Reaped:
    """End every running import and run whose worker stopped responding; return them."""
    now = now or timezone.now()
    reaped = Reaped()
    for job in ImportJob.objects.filter(_stalled(now)).only("pk", "worker", "heartbeat_at"):
        if _end(ImportJob, job, ImportStatus.FAILED, stalled_message(job), now):
            _release_import(job.pk)
            reaped.imports.append(job.pk)
    cancel_due = Q(status=RUNNING, cancel_requested=True) & (
        Q(worker="") | Q(heartbeat_at__lt=now - timedelta(seconds=silent_after()))
    )
    runs = SegmentationRun.objects.filter(_stalled(now) | cancel_due).only(
        "pk", "worker", "heartbeat_at", "cancel_requested"
    )
    for run in runs:
        if run.cancel_requested:
            status, message = RunStatus.CANCELLED, cancelled_message(run)
        else:
            status, message = RunStatus.FAILED, stalled_message(run)
        if _end(SegmentationRun, run, status, message, now):
            _release_run(run.pk)
            (reaped.cancelled_runs if run.cancel_requested else reaped.runs).append(run.pk)
    if reaped:
        logger.warning("reaped jobs whose worker stopped: %s", reaped)
    return reaped


def end_dead_run(run: SegmentationRun, message: str) -> bool:
    """Cancel a running run at once if no live worker holds it; True if it was ended."""
    if run.status != RUNNING or has_live_worker(run):
        return False
    if not _end(SegmentationRun, run, RunStatus.CANCELLED, message, timezone.now()):
        return False
    _release_run(run.pk)
    return True


def stalled_message(job: Job) -> str:
    """Why the reaper failed a job, for the person who started it."""
    if job.worker and job.heartbeat_at is not None:
        return (
            f"The worker stopped responding at {_clock(job.heartbeat_at)} ({job.worker}); retry it."
        )
    return "No worker took it up again after it was interrupted; retry it."


def cancelled_message(run: SegmentationRun) -> str:
    """Why a run asked to stop was cancelled by the reaper, not by its worker."""
    if run.worker and run.heartbeat_at is not None:
        return f"Cancelled by request; its worker had stopped at {_clock(run.heartbeat_at)}."
    return "Cancelled by request while it waited for a worker."


def _stalled(now: datetime) -> Q:
    lease_cutoff = now - timedelta(seconds=lease_seconds())
    abandon_cutoff = now - timedelta(seconds=abandoned_after())
    held_and_silent = ~Q(worker="") & Q(heartbeat_at__lt=lease_cutoff)
    unheld_too_long = Q(worker="") & (
        Q(heartbeat_at__lt=abandon_cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=abandon_cutoff)
    )
    return Q(status=RUNNING) & (held_and_silent | unheld_too_long)


def _end(model: type[Job], job: Job, status: str, message: str, now: datetime) -> bool:
    """Move `job` from running to `status`, unless its worker was heard from meanwhile."""
    ended = model.objects.filter(
        pk=job.pk, status=RUNNING, worker=job.worker, heartbeat_at=job.heartbeat_at
    ).update(status=status, finished_at=now, error_message=message, worker="")
    return ended == 1


def _release_import(job_id: int) -> None:
    release_failed_import(ImportJob.objects.get(pk=job_id))


def _release_run(run_id: int) -> None:
    from segapp.services.segmentation import artifacts

    artifacts.delete_files(run_id)


def _clock(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %Z").strip()
