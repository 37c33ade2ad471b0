"""Recording an import request: checks at the door, the job row, the uploaded copy.

`create_import_job` refuses what cannot make sense before anything runs (an
unknown type or option, a file that is not text data such as a PNG or a zip, a
mapping naming a column the file does not have), so doors can answer 400; an
upload is copied under the data dir until the job has run; a local path (the
CLI) is read in place.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path
from typing import IO

from segapp.models import ImportFileType, ImportJob
from segapp.services.ingest.columns import split_mapping
from segapp.services.ingest.kept_uploads import uploads_dir
from segapp.services.ingest.options import AGGREGATE_MODES, ImportOptions, ImportRequestError
from segapp.services.ingest.readers import (
    RecordReader,
    UnreadableFileError,
    read_head,
    refuse_binary,
    sniff_format,
)
from segapp.services.ingest.rows import KINDS


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
    if options.aggregate is not None and options.aggregate not in AGGREGATE_MODES:
        raise ImportRequestError(
            f"Unknown aggregation {options.aggregate!r}; expected one of: "
            f"{', '.join(AGGREGATE_MODES)}."
        )
    if options.aggregate and file_type != ImportFileType.CUSTOMERS:
        raise ImportRequestError("Rows are only combined per customer in a customers file.")


def check_file(path: Path, file_type: str, options: ImportOptions) -> None:
    """Refuse, before a job exists, a file that is not text data or a mapping naming absent columns.

    Other problems (an empty or malformed file) fail the job with their message when it runs.
    """
    try:
        refuse_binary(read_head(path))
    except UnreadableFileError as exc:
        raise ImportRequestError(str(exc)) from None
    if not options.mapping:
        return
    try:
        fmt = sniff_format(path, delimiter=options.delimiter)
        with RecordReader(path, fmt) as reader:
            columns = reader.columns
    except UnreadableFileError:
        return  # said when the job runs
    try:
        split_mapping(file_type, options.mapping, columns)
    except UnreadableFileError as exc:
        raise ImportRequestError(str(exc)) from None


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
        target = uploads_dir() / f"{job.pk}-{uuid.uuid4().hex}{_safe_suffix(original_filename)}"
        size, digest = _copy_and_hash(upload, target)
        job.upload_path = str(target)
    else:
        size, digest = _hash_file(path)
        job.upload_path = str(path)
    if size:
        try:
            check_file(Path(job.upload_path), file_type, options)
        except ImportRequestError:
            if upload is not None:
                Path(job.upload_path).unlink(missing_ok=True)
            job.delete()
            raise
    job.file_size, job.file_sha256 = size, digest
    job.save(update_fields=["upload_path", "file_size", "file_sha256"])
    return job


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
