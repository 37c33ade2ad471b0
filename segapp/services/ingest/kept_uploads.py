"""Where uploaded copies wait, and how long a kept one stays.

A leaf of the import area: drafts, the import service and erasure all ask
where a job's upload is without importing each other.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from segapp.models import ImportJob

__all__ = ["kept_upload", "upload_hours", "uploads_dir"]


def upload_hours() -> float:
    """How long a draft, or the upload of a failed job, is kept."""
    return float(getattr(settings, "VOXSEG_DRAFT_UPLOAD_HOURS", 24) or 0)


def uploads_dir() -> Path:
    """Where uploaded copies are kept until a worker has read them."""
    folder = Path(settings.VOXSEG_DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def kept_upload(job: ImportJob) -> Path | None:
    """The stored copy of the job's upload, if VOXSEG still holds it (never a CLI's own file)."""
    if not job.upload_path:
        return None
    path = Path(job.upload_path)
    if path.resolve().parent != uploads_dir().resolve() or not path.is_file():
        return None
    return path
