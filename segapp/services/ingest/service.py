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

import hashlib
import logging
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from nlp.redact import Redactor
from segapp.models import ImportFileType, ImportJob, ImportRowIssue, ImportStatus
from segapp.services import jobs, locks, transactions
from segapp.services.ingest.columns import ColumnPlan, plan_columns
from segapp.services.ingest.event_features import refresh_event_features
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
from segapp.services.ingest.rows import KINDS, RowIssue, RowValidator
from segapp.services.ingest.writers import ChunkResult, CustomerWriter, DocumentWriter, EventWriter
from segapp.services.privacy import suppression
from segapp.services.pseudonyms import pseudonymise

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000
SUPPRESSED_REASON = "customer was erased; re-import is suppressed"
MAX_STORED_ISSUES = 50_000
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
WRITERS = {
    ImportFileType.DOCUMENTS: DocumentWriter,
    ImportFileType.CUSTOMERS: CustomerWriter,
    ImportFileType.EVENTS: EventWriter,
}


class ImportRequestError(ValueError):
    """The import request itself is invalid (unknown type, bad option); message for users."""


@dataclass(frozen=True)
class ImportOptions:
    """What the person importing asked for, beyond the file itself."""

    mapping: dict[str, str] = field(default_factory=dict)
    sensitive: tuple[str, ...] = ()
    default_kind: str = "review"
    delimiter: str | None = None
    dayfirst: bool | None = None
    consent: bool | None = None

    def as_json(self) -> dict:
        """JSON-safe form stored on the job."""
        return {
            "mapping": self.mapping,
            "sensitive": list(self.sensitive),
            "default_kind": self.default_kind,
            "delimiter": self.delimiter,
            "dayfirst": self.dayfirst,
            "consent": self.consent,
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportOptions:
        """Inverse of `as_json`."""
        return cls(
            mapping=dict(data.get("mapping") or {}),
            sensitive=tuple(data.get("sensitive") or ()),
            default_kind=data.get("default_kind") or "review",
            delimiter=data.get("delimiter"),
            dayfirst=data.get("dayfirst"),
            consent=data.get("consent"),
        )


def validate_request(file_type: str, options: ImportOptions) -> None:
    """Refuse an import request that cannot make sense, before any file is stored."""
    if file_type not in ImportFileType.values:
        raise ImportRequestError(
            f"Unknown file type {file_type!r}; expected one of: {', '.join(ImportFileType.values)}."
        )
    if KINDS.get(options.default_kind) != options.default_kind:
        raise ImportRequestError(
            f"Unknown default kind {options.default_kind!r}; expected review, survey or social."
        )


def create_import_job(
    *,
    file_type: str,
    original_filename: str,
    options: ImportOptions,
    source: str,
    upload: IO[bytes] | None = None,
    path: Path | None = None,
    user=None,
) -> ImportJob:
    """Record an import job. An `upload` is copied under the data dir until the job has run;
    a local `path` (the CLI) is read in place."""
    validate_request(file_type, options)
    job = ImportJob.objects.create(
        file_type=file_type,
        source=source,
        original_filename=Path(original_filename).name[:255] or "upload",
        options=options.as_json(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if upload is not None:
        target = _upload_dir() / f"{job.pk}-{uuid.uuid4().hex}{_safe_suffix(original_filename)}"
        size, digest = _copy_and_hash(upload, target)
        job.upload_path = str(target)
    else:
        size, digest = _hash_file(path)
        job.upload_path = str(path)
    job.file_size, job.file_sha256 = size, digest
    job.save(update_fields=["upload_path", "file_size", "file_sha256"])
    return job


def _upload_dir() -> Path:
    folder = Path(settings.VOXSEG_DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _safe_suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""


def _copy_and_hash(upload: IO[bytes], target: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        for chunk in iter(lambda: upload.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _hash_file(path: Path | None) -> tuple[int, str]:
    if path is None or not path.is_file():
        return 0, ""
    with path.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256")
    return path.stat().st_size, digest.hexdigest()


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
    _discard_rows(job)  # of an earlier attempt, where its chunks committed
    job.status, job.started_at, job.progress = ImportStatus.RUNNING, timezone.now(), 0.0
    job.error_message = ""
    job.save(update_fields=["status", "started_at", "progress", "error_message"])


def _mark_failed(job: ImportJob, message: str) -> None:
    job.status, job.finished_at, job.error_message = ImportStatus.FAILED, timezone.now(), message
    job.rows_imported = job.rows_updated = job.rows_duplicate = 0
    job.save()
    release_failed_import(job)


def release_failed_import(job: ImportJob) -> None:
    """Clean up after a failed job: its uploaded copy, its live progress, and the rows its
    chunks wrote where they commit on their own (`segapp.services.ingest.partial`)."""
    _discard_rows(job)
    _discard_upload(job)
    clear_progress(job.pk)


def _discard_rows(job: ImportJob) -> None:
    from segapp.services.ingest.partial import discard_partial_import

    discard_partial_import(job)


def _discard_upload(job: ImportJob) -> None:
    """Delete the stored copy of an uploaded file: it holds raw ids and unredacted text."""
    if not job.upload_path:
        return
    path = Path(job.upload_path)
    uploads = (Path(settings.VOXSEG_DATA_DIR) / "uploads").resolve()
    if path.resolve().parent == uploads:
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
        )
        _record_plan(job, fmt, plan)
        validator = RowValidator(
            job.file_type,
            plan,
            max_text_chars=settings.VOXSEG_MAX_TEXT_CHARS,
            default_kind=options.default_kind,
            dayfirst=settings.VOXSEG_DATES_DAYFIRST
            if options.dayfirst is None
            else options.dayfirst,
        )
        consent = options.consent
        writer = WRITERS[job.file_type](
            job,
            redactor,
            consent=settings.VOXSEG_DEFAULT_SEGMENTATION_CONSENT if consent is None else consent,
        )
        tally = _Tally()
        redactor.redact_many(["Warm-up: loads the engines before any chunk holds the database."])
        with transactions.job_transaction():
            for chunk in _chunks(iter(reader)):
                with transactions.chunk_transaction():
                    _import_chunk(job, chunk, validator, writer, redactor, tally)
                _report(job, reader, tally, progress)
            if job.file_type == ImportFileType.EVENTS and tally.imported:
                refresh_event_features()
            _mark_succeeded(job, tally, validator.attribute_roles())
    _discard_upload(job)
    if progress:
        progress(_snapshot(1.0, tally))


def _record_plan(job: ImportJob, fmt: FileFormat, plan: ColumnPlan) -> None:
    job.file_format, job.encoding, job.delimiter = fmt.kind, fmt.encoding_label, fmt.delimiter
    job.column_mapping = plan.mapping
    job.column_roles = [{"column": c, "role": r} for c, r in plan.roles.items()]
    job.save(
        update_fields=["file_format", "encoding", "delimiter", "column_mapping", "column_roles"]
    )


def _chunks(records: Iterator[RawRecord]) -> Iterator[list[RawRecord]]:
    while chunk := list(islice(records, transactions.chunk_rows(CHUNK_ROWS))):
        yield chunk


def _import_chunk(job, chunk, validator, writer, redactor, tally: _Tally) -> None:
    rows, issues = [], []
    for record in chunk:
        tally.read += 1
        if record.values is None:
            issues.append((record.number, RowIssue("", record.problem)))
            tally.rejected += 1
            continue
        row, row_issues = validator.validate(record.values)
        issues.extend((record.number, issue) for issue in row_issues)
        if row is None:
            tally.rejected += 1
        else:
            warnings = sum(issue.severity == "warning" for issue in row_issues)
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
    if tally.read == 0:
        job.error_message = "The file has a header but no data rows."
    job.save()


def enqueue_import_job(job: ImportJob) -> None:
    """Hand the job to the workers once the transaction that created it commits."""
    from segapp.tasks import import_file

    transaction.on_commit(lambda: import_file.delay(job.pk))
