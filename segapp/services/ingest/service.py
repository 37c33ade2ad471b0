"""The import use case: one service behind the upload page, the API and the CLI.

`create_import_job` records what was asked and keeps the uploaded file until a
worker has read it; `run_import_job` reads, validates, redacts, pseudonymises
and writes the rows of one job in a single transaction, so a job either lands
whole (good rows kept, bad rows reported) or not at all. On SQLite (embedded,
one writer at a time) each chunk commits on its own so the rest of the product
stays writable, and a failed job removes the documents, events and row issues
its chunks wrote (`services/transactions.py`).

Rows of customers who were erased with re-import suppression on are refused
(:mod:`segapp.services.privacy.suppression`), whatever the file type.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from nlp.redact import Redactor
from segapp.models import ImportFileType, ImportJob, ImportRowIssue, ImportStatus
from segapp.services import jobs, locks, transactions
from segapp.services.ingest.aggregate import (
    CustomerAggregator,
    aggregation_note,
    aggregator_for,
    count_rows_per_customer,
    several_rows_message,
)
from segapp.services.ingest.columns import ColumnPlan, plan_columns, unsure_notes
from segapp.services.ingest.creation import create_import_job, validate_request
from segapp.services.ingest.event_features import refresh_event_features
from segapp.services.ingest.idmask import IdMasker
from segapp.services.ingest.kept_uploads import kept_upload
from segapp.services.ingest.options import ImportOptions, ImportRequestError
from segapp.services.ingest.outcomes import OutcomeTally
from segapp.services.ingest.partial import discard_partial_import, release_failed_import
from segapp.services.ingest.progress import (
    ImportProgress,
    ProgressCallback,
    clear_progress,
    publish_progress,
)
from segapp.services.ingest.readers import (
    FileFormat,
    RawRecord,
    RecordReader,
    UnreadableFileError,
    sniff_format,
)
from segapp.services.ingest.rows import EventRow, RowIssue, RowValidator
from segapp.services.ingest.writers import ChunkResult, CustomerWriter, DocumentWriter, EventWriter
from segapp.services.privacy import suppression
from segapp.services.pseudonyms import pseudonymise

logger = logging.getLogger(__name__)

__all__ = [
    "ImportOptions", "ImportRequestError", "create_import_job", "enqueue_import_job",
    "mark_import_failed", "run_import_job", "shared_redactor", "validate_request",
]  # fmt: skip

CHUNK_ROWS = 2000
SAMPLE_RECORDS = 500
SUPPRESSED_REASON = "customer was erased; re-import is suppressed"
MAX_STORED_ISSUES = 50_000
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
WRITERS = {
    ImportFileType.DOCUMENTS: DocumentWriter,
    ImportFileType.CUSTOMERS: CustomerWriter,
    ImportFileType.EVENTS: EventWriter,
}


def run_import_job(
    job_id: int,
    *,
    progress: ProgressCallback | None = None,
    redactor: Redactor | None = None,
    retry_transient: bool = False,
) -> ImportJob:
    """Run one import job to its end and return it.

    Idempotent: a finished job is returned as it is; a job another worker holds
    (a redelivered task) is left to it; a job found running whose worker died
    starts again from the top, since its transaction was rolled back (or, where
    chunks commit, what they wrote is removed first). The job's lease
    (`services/jobs.py`) is held meanwhile. Transient database errors (such as
    SQLite's "database is locked") fail the job with a clear message, or
    propagate with `retry_transient` so that the task can retry.
    """
    with locks.exclusive("import", job_id) as mine:
        job = ImportJob.objects.get(pk=job_id)
        if job.is_finished or not mine:  # done, or another worker is on it right now
            return job
        with jobs.lease(job):
            return _run_locked(
                job, progress=progress, redactor=redactor, retry_transient=retry_transient
            )


def _run_locked(job: ImportJob, *, progress, redactor, retry_transient: bool) -> ImportJob:
    _mark_running(job)
    try:
        _import(job, progress=progress, redactor=redactor or shared_redactor())
    except UnreadableFileError as exc:
        _mark_failed(job, str(exc))
    except TRANSIENT_ERRORS as exc:
        if retry_transient:
            raise
        logger.warning("import %s stopped on a database error: %s", job.pk, exc)
        _mark_failed(job, transactions.database_error_message(exc))
    except DatabaseError:
        logger.exception("import %s failed in the database", job.pk)
        _mark_failed(job, "The database refused the data; nothing was imported (see the logs).")
    except Exception:
        logger.exception("import %s failed unexpectedly", job.pk)
        _mark_failed(job, "An unexpected error stopped this import; nothing was imported.")
    finally:
        clear_progress(job.pk)
    return job


def mark_import_failed(job_id: int, message: str) -> None:
    """Give up on a job (e.g. after the task's last retry), saying why."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None and not job.is_finished:
        _mark_failed(job, message)


_REDACTOR: Redactor | None = None


def shared_redactor() -> Redactor:
    """One redactor per process: building its engines takes a moment."""
    global _REDACTOR
    if _REDACTOR is None:
        _REDACTOR = Redactor()
    return _REDACTOR


def _mark_running(job: ImportJob) -> None:
    discard_partial_import(job)  # of an earlier attempt, where its chunks committed
    job.status, job.started_at, job.progress = ImportStatus.RUNNING, timezone.now(), 0.0
    job.error_message = ""
    job.save(update_fields=["status", "started_at", "progress", "error_message"])


def _mark_failed(job: ImportJob, message: str) -> None:
    job.status, job.finished_at, job.error_message = ImportStatus.FAILED, timezone.now(), message
    job.rows_imported = job.rows_updated = job.rows_duplicate = 0
    job.save()
    release_failed_import(job)


def _discard_upload(job: ImportJob) -> None:
    """Delete the stored copy of an uploaded file: it holds raw ids and unredacted text."""
    path = kept_upload(job)
    if path is not None:
        path.unlink(missing_ok=True)


@dataclass
class _Tally:
    read: int = 0
    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    warnings: int = 0
    consent_changes: int = 0
    redactions: dict[str, int] = field(default_factory=dict)
    outcomes: OutcomeTally = field(default_factory=OutcomeTally)
    notes: list[str] = field(default_factory=list)
    merged: int = 0
    aggregation: dict = field(default_factory=dict)

    def add(self, result: ChunkResult) -> None:
        self.imported += result.imported
        self.updated += result.updated
        self.duplicates += result.duplicates
        self.consent_changes += result.consent_changes
        for name, count in result.redactions.items():
            self.redactions[name] = self.redactions.get(name, 0) + count


def _import(job: ImportJob, *, progress: ProgressCallback | None, redactor: Redactor) -> None:
    options = ImportOptions.from_json(job.options)
    path = Path(job.upload_path)
    fmt = sniff_format(path, delimiter=options.delimiter)
    with RecordReader(path, fmt) as reader:
        plan = plan_columns(
            job.file_type,
            reader.columns,
            explicit=options.mapping,
            sensitive=options.sensitive,
            fmt=fmt,
            samples=reader.sample(SAMPLE_RECORDS),
        )
        _record_plan(job, fmt, plan)
        dayfirst = _dayfirst(options, plan)
        validator = RowValidator(
            job.file_type,
            plan,
            max_text_chars=settings.VOXSEG_MAX_TEXT_CHARS,
            default_kind=options.default_kind,
            dayfirst=dayfirst,
        )
        consent = options.consent
        writer = WRITERS[job.file_type](
            job,
            redactor,
            consent=settings.VOXSEG_DEFAULT_SEGMENTATION_CONSENT if consent is None else consent,
            masker=IdMasker(plan.id_pattern),
        )
        tally = _Tally()
        aggregator = None
        if job.file_type == ImportFileType.CUSTOMERS:
            aggregator = _customers_aggregator(reader, validator, plan, options, dayfirst)
        redactor.redact_many(["Warm-up: loads the engines before any chunk holds the database."])
        with transactions.job_transaction():
            if aggregator is None:
                for chunk in _chunks(iter(reader)):
                    with transactions.chunk_transaction():
                        _import_chunk(job, chunk, validator, writer, redactor, tally)
                    _report(job, reader, tally, progress)
            else:
                _import_aggregated(job, reader, validator, writer, redactor, tally, aggregator,
                                   progress)  # fmt: skip
            tally.notes.extend(tally.outcomes.notes())
            if plan.looks_like and plan.looks_like != job.file_type and plan.suggestion:
                tally.notes.append(plan.suggestion)
            tally.notes.extend(unsure_notes(plan))
            if job.file_type == ImportFileType.EVENTS and tally.imported:
                refresh_event_features()
            sensitive_columns = plan.columns_with_role("sensitive")
            if job.file_type == ImportFileType.CUSTOMERS or sensitive_columns:
                # Declared names leave behaviour/attributes for `sensitive` in this transaction.
                from segapp.services.sensitive import declare_sensitive

                declare_sensitive(sensitive_columns)
            _mark_succeeded(job, tally, validator.attribute_roles())
    _discard_upload(job)
    if progress:
        progress(_snapshot(1.0, tally))


def _dayfirst(options: ImportOptions, plan: ColumnPlan) -> bool:
    """Explicit choice, else what the file's dates show (13/02/2024), else the setting."""
    if options.dayfirst is not None:
        return options.dayfirst
    if plan.dayfirst is not None:
        return plan.dayfirst
    return settings.VOXSEG_DATES_DAYFIRST


def _customers_aggregator(
    reader: RecordReader, validator: RowValidator, plan: ColumnPlan, options: ImportOptions,
    dayfirst: bool,
) -> CustomerAggregator | None:  # fmt: skip
    """Read a customers file once; refuse it when customers have several differing rows,
    unless rows are to be combined (then the aggregator to use)."""
    counts = count_rows_per_customer(iter(reader), validator)
    if not counts.conflicting:
        return None
    if not options.aggregate:
        dates = [d.name for d in plan.decisions if d.kind == "date" and d.role == "attribute"]
        from segapp.services.ingest.aggregate import snapshot_column

        raise UnreadableFileError(
            several_rows_message(
                counts.conflicting,
                counts.rows,
                counts.customers,
                looks_like_events=plan.looks_like == ImportFileType.EVENTS,
                snapshot=snapshot_column(dates),
            )  # fmt: skip
        )
    return aggregator_for(options.aggregate, validator, plan, dayfirst=dayfirst)


def _import_aggregated(
    job, reader, validator, writer, redactor, tally: _Tally, aggregator, progress
) -> None:
    """Validate every row into the aggregator, then write one combined row per customer."""
    for chunk in _chunks(iter(reader)):
        issues: list = []
        for record in chunk:
            row, warnings = _validated(record, validator, issues, tally)
            if row is not None:
                aggregator.add(row, record.number)
                tally.warnings += warnings
        with transactions.chunk_transaction():
            _store_issues(job, issues, redactor, tally)
        _report(job, reader, tally, progress)
    combined = aggregator.rows()
    id_column = validator.plan.mapping["customer_id"]
    for start in range(0, len(combined), CHUNK_ROWS):
        issues = []
        numbered = [(number, row, 0) for number, row in combined[start : start + CHUNK_ROWS]]
        with transactions.chunk_transaction():
            rows = _refuse_suppressed(numbered, id_column, issues, tally)
            if rows:
                tally.add(writer.write(rows))
            _store_issues(job, issues, redactor, tally)
    tally.merged = aggregator.rows_merged
    tally.aggregation = {"mode": aggregator.mode, "columns": aggregator.methods}
    tally.notes.append(aggregation_note(aggregator))


def _validated(record: RawRecord, validator: RowValidator, issues: list, tally: _Tally):
    """(row or None, warnings) for one record, counting it as read (and rejected)."""
    tally.read += 1
    if record.values is None:
        issues.append((record.number, RowIssue("", record.problem)))
        tally.rejected += 1
        return None, 0
    row, row_issues = validator.validate(record.values)
    issues.extend((record.number, issue) for issue in row_issues)
    if row is None:
        tally.rejected += 1
        return None, 0
    if isinstance(row, EventRow):
        tally.outcomes.add(row.status, row.outcome, row.amount)
    return row, sum(issue.severity == "warning" for issue in row_issues)


def _record_plan(job: ImportJob, fmt: FileFormat, plan: ColumnPlan) -> None:
    job.file_format, job.encoding, job.delimiter = fmt.kind, fmt.encoding_label, fmt.delimiter
    job.column_mapping = plan.mapping
    job.column_roles = [{"column": c, "role": r} for c, r in plan.roles.items()]
    job.column_reasons = {c: plan.reason_of(c) for c in plan.roles}
    job.suggested_type = plan.looks_like if plan.looks_like != job.file_type else ""
    job.save(
        update_fields=[
            "file_format", "encoding", "delimiter", "column_mapping", "column_roles",
            "column_reasons", "suggested_type",
        ]
    )  # fmt: skip


def _chunks(records: Iterator[RawRecord]) -> Iterator[list[RawRecord]]:
    while chunk := list(islice(records, transactions.chunk_rows(CHUNK_ROWS))):
        yield chunk


def _import_chunk(job, chunk, validator, writer, redactor, tally: _Tally) -> None:
    rows, issues = [], []
    for record in chunk:
        row, warnings = _validated(record, validator, issues, tally)
        if row is not None:
            rows.append((record.number, row, warnings))
    rows = _refuse_suppressed(rows, validator.plan.mapping["customer_id"], issues, tally)
    if rows:
        tally.add(writer.write(rows))
    _store_issues(job, issues, redactor, tally)


def _refuse_suppressed(numbered_rows, id_column: str, issues: list, tally: _Tally) -> list:
    """The rows whose customer was not erased under suppression; the others are rejected.

    `numbered_rows` holds (row number, row, warnings); warnings count for kept rows only.
    """
    erased: set[str] = set()
    if numbered_rows and suppression.enabled():
        # Held to the import's commit: an erasure starting now waits for it.
        locks.share_until_commit("suppression")
        erased = suppression.suppressed(pseudonymise(r.external_id) for _, r, _ in numbered_rows)
    kept = []
    for number, row, warnings in numbered_rows:
        if erased and pseudonymise(row.external_id) in erased:
            issues.append((number, RowIssue(id_column, SUPPRESSED_REASON)))
            tally.rejected += 1
        else:
            tally.warnings += warnings
            kept.append(row)
    return kept


def _store_issues(job, issues, redactor: Redactor, tally: _Tally) -> None:
    room = MAX_STORED_ISSUES - ImportRowIssue.objects.filter(job=job).count() if issues else 0
    if room <= 0:
        return
    reasons = redactor.redact_many([issue.reason for _, issue in issues[:room]])
    ImportRowIssue.objects.bulk_create(
        [
            ImportRowIssue(
                job=job,
                row_number=number,
                column=issue.column[:255],
                severity=issue.severity,
                reason=reason.text,
            )
            for (number, issue), reason in zip(issues[:room], reasons, strict=True)
        ],
        batch_size=1000,
    )


def _snapshot(fraction: float, tally: _Tally) -> ImportProgress:
    return ImportProgress(
        fraction=round(fraction, 4),
        rows_read=tally.read,
        rows_imported=tally.imported,
        rows_duplicate=tally.duplicates,
        rows_rejected=tally.rejected,
    )


def _report(job, reader: RecordReader, tally: _Tally, progress: ProgressCallback | None) -> None:
    snapshot = _snapshot(min(reader.bytes_read / max(reader.size, 1), 0.99), tally)
    publish_progress(job.pk, snapshot)
    if progress:
        progress(snapshot)


def _mark_succeeded(job: ImportJob, tally: _Tally, attribute_roles: dict[str, str]) -> None:
    job.status, job.finished_at, job.progress = ImportStatus.SUCCEEDED, timezone.now(), 1.0
    for item in job.column_roles:  # numeric customer columns turned out to be behaviour
        item["role"] = attribute_roles.get(item["column"], item["role"])
    job.rows_read, job.rows_imported, job.rows_updated = tally.read, tally.imported, tally.updated
    job.rows_duplicate, job.rows_rejected = tally.duplicates, tally.rejected
    job.warnings, job.redaction_counts = tally.warnings, tally.redactions
    job.status_counts = dict(tally.outcomes.statuses)
    job.outcome_counts = dict(tally.outcomes.outcomes)
    job.rows_merged, job.aggregation, job.notes = tally.merged, tally.aggregation, tally.notes
    if tally.read == 0:
        job.error_message = "The file has a header but no data rows."
    job.save()


def enqueue_import_job(job: ImportJob) -> None:
    """Hand the job to the workers once the transaction that created it commits."""
    from segapp.tasks import import_file

    transaction.on_commit(lambda: import_file.delay(job.pk))
