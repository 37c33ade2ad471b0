"""Uploads that wait: drafts previewed before anything is imported, and retries of failed jobs.

An upload through the web page first becomes a *draft* job (status ``draft``):
the file is kept under ``VOXSEG_DATA_DIR/uploads`` and nothing is read into
the database. The person importing checks the preview
(:mod:`segapp.services.ingest.preview`), changes column roles or the file type,
and confirms: the draft becomes a queued job with the chosen options. A draft
never confirmed is deleted with its file after ``VOXSEG_DRAFT_UPLOAD_HOURS``
(checked at every new draft and by the retention sweep), or at once when
discarded.

A failed job keeps its upload for the same time. Retrying it with a corrected
mapping creates a *new* job linked to the failed one (``retry_of``) that takes
the file over: the failed job keeps its record (error, row report) as it was,
the new one has its own counts and report, and a retry that fails in turn keeps
the file again and can be retried. Succeeded jobs delete their upload at once
(it holds raw ids and unredacted text).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone

from segapp.models import ImportFileType, ImportJob, ImportStatus
from segapp.services.ingest.columns import split_mapping
from segapp.services.ingest.fields import FIELDS, OPT_OUT_FIELD, normalise_name
from segapp.services.ingest.kept_uploads import kept_upload, upload_hours, uploads_dir
from segapp.services.ingest.options import ImportOptions, ImportRequestError
from segapp.services.ingest.preview import ROLES, ImportPreview, mapping_from_roles, preview_import
from segapp.services.ingest.readers import UnreadableFileError
from segapp.services.ingest.service import (
    create_import_job,
    enqueue_import_job,
    validate_request,
)

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 10


class ImportStateError(Exception):
    """The job is not in a state for what was asked (not a draft, not failed, file gone)."""


@dataclass(frozen=True)
class ExpiredUploads:
    """What one clean-up removed: drafts (with their files) and kept files of failed jobs."""

    drafts: int = 0
    failed_uploads: int = 0


def kept_until(job: ImportJob) -> datetime | None:
    """When a draft, or the kept upload of a failed job, will be deleted (None: not kept)."""
    if job.status == ImportStatus.DRAFT:
        return job.created_at + timedelta(hours=upload_hours())
    if job.status == ImportStatus.FAILED and job.finished_at and kept_upload(job):
        return job.finished_at + timedelta(hours=upload_hours())
    return None


def can_retry(job: ImportJob) -> bool:
    """Whether the job failed and its upload is still kept for a retry."""
    return job.status == ImportStatus.FAILED and kept_upload(job) is not None


# --- drafts -------------------------------------------------------------------------------


def create_draft(
    *,
    upload: IO[bytes],
    original_filename: str,
    file_type: str | None,
    options: ImportOptions,
    user=None,
    source: str = "ui",
) -> ImportJob:
    """Keep an upload as a draft job, with the file type VOXSEG guessed when none is given.

    Raises `ImportRequestError` (nothing kept) when the file cannot be read at all.
    Old drafts and kept uploads are cleaned up first.
    """
    expire_uploads()
    with transaction.atomic():
        job = create_import_job(
            file_type=file_type or ImportFileType.DOCUMENTS,
            original_filename=original_filename,
            options=options,
            source=source,
            upload=upload,
            user=user,
        )
        job.status = ImportStatus.DRAFT
        job.save(update_fields=["status"])
    try:
        preview = preview_import(
            Path(job.upload_path), file_type=file_type, options=options, rows=1
        )
    except UnreadableFileError as exc:
        _delete(job)
        raise ImportRequestError(str(exc)) from None
    if preview.file_type != job.file_type:
        job.file_type = preview.file_type
        job.save(update_fields=["file_type"])
    return job


def preview_job(
    job: ImportJob, *, file_type: str | None, options: ImportOptions, rows: int = PREVIEW_ROWS
) -> ImportPreview:
    """The preview of a draft's (or a failed job's kept) file under the given choices.

    Raises `ImportStateError` when the file is no longer kept and `ImportRequestError`
    when the choices make the file unreadable (a wrong delimiter, an unknown column …).
    """
    path = kept_upload(job)
    if path is None:
        raise ImportStateError(_gone_message(job))
    if file_type is not None:
        validate_request(file_type, options)
    try:
        return preview_import(path, file_type=file_type, options=options, rows=rows)
    except UnreadableFileError as exc:
        raise ImportRequestError(str(exc)) from None


def save_draft_choices(job: ImportJob, *, file_type: str, options: ImportOptions) -> None:
    """Remember what was chosen on a draft's preview, so that a reload shows it again."""
    if job.status != ImportStatus.DRAFT:
        return
    job.file_type, job.options = file_type, options.as_json()
    job.save(update_fields=["file_type", "options"])


def confirm_draft(job_id: int, *, file_type: str, options: ImportOptions) -> ImportJob:
    """Queue a draft for import with the chosen type and options.

    Raises `ImportStateError` when it is no longer a draft, `ImportRequestError`
    when the preview still has blocking problems.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ImportStatus.DRAFT:
            raise ImportStateError(_not_a_draft_message(job_id, job))
        _refuse_problems(preview_job(job, file_type=file_type, options=options, rows=1))
        job.status, job.file_type, job.options = ImportStatus.QUEUED, file_type, options.as_json()
        job.save(update_fields=["status", "file_type", "options"])
        enqueue_import_job(job)
    return job


def discard_draft(job_id: int) -> ImportJob:
    """Delete a draft and its file; raises `ImportStateError` when it is not a draft."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ImportStatus.DRAFT:
            raise ImportStateError(_not_a_draft_message(job_id, job))
        _delete(job)
    return job


# --- retries ------------------------------------------------------------------------------


def retry_import(
    job_id: int, *, file_type: str, options: ImportOptions, user=None, source: str = "ui"
) -> ImportJob:
    """Start a new job on a failed job's kept upload with new choices; return the new job.

    The new job points at the failed one (`retry_of`) and takes its file over.
    Raises `ImportStateError` when the job did not fail or its file is gone, and
    `ImportRequestError` when the new choices cannot work (unknown column, no customer id …).
    """
    with transaction.atomic():
        failed = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if failed is None:
            raise ImportStateError(f"There is no import #{job_id}.")
        if failed.status != ImportStatus.FAILED:
            raise ImportStateError(
                f"Import #{failed.pk} {failed.get_status_display().lower()}; only a failed "
                "import can be retried."
            )
        _refuse_problems(preview_job(failed, file_type=file_type, options=options, rows=1))
        retry = ImportJob.objects.create(
            file_type=file_type,
            source=source,
            original_filename=failed.original_filename,
            options=options.as_json(),
            created_by=user if getattr(user, "is_authenticated", False) else None,
            retry_of=failed,
            file_size=failed.file_size,
            file_sha256=failed.file_sha256,
        )
        _hand_over_upload(failed, retry)
        enqueue_import_job(retry)
    return retry


def _hand_over_upload(failed: ImportJob, retry: ImportJob) -> None:
    """Move the kept file to the retry (renamed for it); put it back if saving fails."""
    source = Path(failed.upload_path)
    target = uploads_dir() / f"{retry.pk}-{uuid.uuid4().hex}{source.suffix}"
    os.replace(source, target)
    try:
        retry.upload_path, failed.upload_path = str(target), ""
        retry.save(update_fields=["upload_path"])
        failed.save(update_fields=["upload_path"])
    except Exception:
        os.replace(target, source)
        raise


# --- previews that store nothing ----------------------------------------------------------


def preview_upload(
    upload: IO[bytes],
    *,
    original_filename: str,
    file_type: str | None,
    options: ImportOptions,
    rows: int = PREVIEW_ROWS,
) -> ImportPreview:
    """Preview an upload without keeping it: a dry run (the temporary copy is deleted).

    Raises `ImportRequestError` when the request or the file cannot be read.
    """
    if file_type is not None:
        validate_request(file_type, options)
    if hasattr(upload, "temporary_file_path"):  # a large upload is on disk already
        return _preview_path(Path(upload.temporary_file_path()), file_type, options, rows)
    suffix = Path(original_filename).suffix.lower()[:9]
    with tempfile.TemporaryDirectory(prefix="voxseg-preview-") as folder:
        path = Path(folder) / f"upload{suffix if suffix[1:].isalnum() else ''}"
        with path.open("wb") as out:
            shutil.copyfileobj(upload, out, 1024 * 1024)
        return _preview_path(path, file_type, options, rows)


def _preview_path(path: Path, file_type, options: ImportOptions, rows: int) -> ImportPreview:
    try:
        return preview_import(path, file_type=file_type, options=options, rows=rows)
    except UnreadableFileError as exc:
        raise ImportRequestError(str(exc)) from None


# --- clean-up -----------------------------------------------------------------------------


def expire_uploads(*, now: datetime | None = None) -> ExpiredUploads:
    """Delete drafts older than VOXSEG_DRAFT_UPLOAD_HOURS with their files, and the kept
    uploads of jobs that failed longer ago than that. Cheap when there is nothing to do."""
    cutoff = (now or timezone.now()) - timedelta(hours=upload_hours())
    drafts = 0
    for job in ImportJob.objects.filter(status=ImportStatus.DRAFT, created_at__lt=cutoff):
        _delete(job)
        drafts += 1
    kept = ImportJob.objects.filter(
        status=ImportStatus.FAILED,
        finished_at__lt=cutoff,
        upload_path__startswith=str(uploads_dir()),
    )
    files = 0
    for job in kept:
        _delete_file(job)
        ImportJob.objects.filter(pk=job.pk).update(upload_path="")
        files += 1
    if drafts or files:
        logger.info("deleted %s old draft imports and %s kept uploads", drafts, files)
    return ExpiredUploads(drafts=drafts, failed_uploads=files)


def _delete(job: ImportJob) -> None:
    _delete_file(job)
    job.delete()


def _delete_file(job: ImportJob) -> None:
    path = kept_upload(job)
    if path is not None:
        path.unlink(missing_ok=True)


# --- messages -----------------------------------------------------------------------------


def _refuse_problems(preview: ImportPreview) -> None:
    if preview.problems:
        raise ImportRequestError(" ".join(preview.problems))


def _not_a_draft_message(job_id: int, job: ImportJob | None) -> str:
    if job is None:
        return (
            f"There is no draft import #{job_id}: it was discarded, or deleted after "
            f"{_hours()} unconfirmed."
        )
    return f"Import #{job.pk} is no longer a draft: it is {job.get_status_display().lower()}."


def _gone_message(job: ImportJob) -> str:
    if job.status == ImportStatus.FAILED and job.retries.exists():
        retry = job.retries.order_by("-pk").first()
        return f"The file of import #{job.pk} was handed to its retry, import #{retry.pk}."
    return (
        f"The file of import #{job.pk} is no longer kept (uploads are deleted when an import "
        f"succeeds, and {_hours()} after it fails); upload it again."
    )


def _hours() -> str:
    hours = upload_hours()
    return f"{hours:g} hour{'s' if hours != 1 else ''}"


def roles_for(file_type: str) -> tuple[str, ...]:
    """The roles the column picker offers for a file type (those that type can use)."""
    fields = {spec.name for spec in FIELDS[file_type]} | {OPT_OUT_FIELD}
    kept = ("attribute", "behaviour") if file_type == ImportFileType.CUSTOMERS else ("metadata",)
    return tuple(
        role for role in ROLES if role in fields or role in kept or role in ("sensitive", "drop")
    )


def with_roles(options: ImportOptions, roles: dict[str, str]) -> ImportOptions:
    """Options whose mapping is the roles picked per column (column -> role of `ROLES`).

    The picker shows every column chosen before, so its roles replace the whole
    mapping and the sensitive list. Raises `ImportRequestError` for an unknown role.
    """
    try:
        mapping = mapping_from_roles(roles)
    except UnreadableFileError as exc:
        raise ImportRequestError(str(exc)) from None
    return replace(options, mapping=mapping, sensitive=())


def chosen_columns(file_type: str, options: ImportOptions, columns: list[str]) -> set[str]:
    """The columns whose role the person chose (mapped, picked or listed as sensitive)."""
    try:
        fields, overrides, _ = split_mapping(file_type, options.mapping, columns)
    except UnreadableFileError:
        return set()
    listed = {normalise_name(name) for name in options.sensitive}
    sensitive = {column for column in columns if normalise_name(column) in listed}
    return set(fields.values()) | set(overrides) | sensitive
