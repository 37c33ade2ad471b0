"""Reading import jobs: live progress, and the row-level report as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from segapp.models import ImportJob, ImportRowIssue, ImportStatus
from segapp.selectors.exports import csv_lines
from segapp.services.ingest.progress import read_progress

REPORT_COLUMNS = ("row", "column", "severity", "reason")


@dataclass(frozen=True)
class JobStatus:
    """A job's status and counts, live while it runs."""

    status: str
    progress: float
    rows_read: int
    rows_imported: int
    rows_duplicate: int
    rows_rejected: int


def import_jobs() -> QuerySet[ImportJob]:
    """Import jobs, newest first, with who started them."""
    return ImportJob.objects.select_related("created_by")


def job_status(job: ImportJob) -> JobStatus:
    """Status and counts of a job: the cache's live figures while it runs."""
    live = read_progress(job.pk) if job.status == ImportStatus.RUNNING else None
    if live is not None:
        return JobStatus(
            job.status,
            live.fraction,
            live.rows_read,
            live.rows_imported,
            live.rows_duplicate,
            live.rows_rejected,
        )
    return JobStatus(
        job.status,
        job.progress,
        job.rows_read,
        job.rows_imported,
        job.rows_duplicate,
        job.rows_rejected,
    )


def job_issues(job: ImportJob, *, severity: str | None = None) -> QuerySet[ImportRowIssue]:
    """Row-level issues of a job in row order."""
    issues = ImportRowIssue.objects.filter(job=job)
    return issues.filter(severity=severity) if severity else issues


def issue_report_lines(job: ImportJob) -> Iterator[str]:
    """The row-level report of a job as CSV text (row, column, severity, reason)."""
    rows = (
        {
            "row": issue.row_number,
            "column": issue.column,
            "severity": issue.severity,
            "reason": issue.reason,
        }
        for issue in job_issues(job).iterator(chunk_size=2000)
    )
    return csv_lines(rows, REPORT_COLUMNS)
