"""Uploads kept for a later step (drafts, failed jobs awaiting a retry) that hold a customer.

A kept upload is the file as the customer's company sent it: raw ids and
unredacted text. An erasure cannot edit such a file, so every kept upload
with a row of the erased customer is deleted: a draft goes with its file, a
failed job keeps its record and report but can no longer be retried (the
file has to be uploaded again, and the suppression mark then refuses the
customer's rows).

A file holds the customer when any value of any record, read as a customer
id, has the customer's pseudonym: the column mapping of a draft may still be
wrong, so no column is trusted to be the id.
"""

from __future__ import annotations

import logging

from django.db.models import Q

from segapp.models import ImportJob, ImportStatus
from segapp.services.ingest.kept_uploads import kept_upload
from segapp.services.ingest.readers import RecordReader, UnreadableFileError, sniff_format
from segapp.services.pseudonyms import normalise_external_id, pseudonymise

__all__ = ["delete_uploads_holding"]

logger = logging.getLogger(__name__)

ERASED_UPLOAD_NOTE = (
    "The upload of this job was deleted by an erasure request (it held the erased "
    "customer's rows); upload the file again to retry."
)


def delete_uploads_holding(pseudonym: str) -> int:
    """Delete every kept upload with a record of the customer; return how many went."""
    deleted = 0
    waiting = ImportJob.objects.filter(
        Q(status=ImportStatus.DRAFT) | Q(status=ImportStatus.FAILED)
    ).exclude(upload_path="")
    for job in waiting:
        path = kept_upload(job)
        if path is None or not _holds(path, pseudonym, delimiter=job.delimiter or None):
            continue
        path.unlink(missing_ok=True)
        if job.status == ImportStatus.DRAFT:
            job.delete()
        else:
            message = "\n".join(filter(None, [job.error_message, ERASED_UPLOAD_NOTE]))
            ImportJob.objects.filter(pk=job.pk).update(upload_path="", error_message=message)
        deleted += 1
    if deleted:
        logger.info("erasure deleted %s kept uploads", deleted)
    return deleted


def _holds(path, pseudonym: str, *, delimiter: str | None) -> bool:
    """Whether any value of any readable record of the file is the customer's id."""
    try:
        fmt = sniff_format(path, delimiter=delimiter)
    except UnreadableFileError:
        return False  # nothing VoxSeg could read from it, nothing it could import later
    with RecordReader(path, fmt) as records:
        for record in records:
            if record.values and any(
                _is_customer(value, pseudonym) for value in _leaves(record.values)
            ):
                return True
    return False


def _leaves(values):
    """Every scalar in a record, nested objects and lists included."""
    for value in values.values() if isinstance(values, dict) else values:
        if isinstance(value, dict | list):
            yield from _leaves(value)
        elif value is not None and not isinstance(value, bool):
            yield value


def _is_customer(value, pseudonym: str) -> bool:
    external_id = normalise_external_id(value)
    return bool(external_id) and pseudonymise(external_id) == pseudonym
