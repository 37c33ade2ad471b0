"""Live progress of a running import, shared through the cache.

The rows of an import are written in one transaction, so the job's own row is
only updated at the start and the end; while it runs, workers publish progress
here and the UI, API and CLI read it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.core.cache import cache

CACHE_SECONDS = 6 * 3600


@dataclass(frozen=True)
class ImportProgress:
    """Counts so far of a running import."""

    fraction: float
    rows_read: int = 0
    rows_imported: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0


ProgressCallback = Callable[[ImportProgress], None]


def _key(job_id: int) -> str:
    return f"voxseg:import-progress:{job_id}"


def publish_progress(job_id: int, progress: ImportProgress) -> None:
    """Make a running job's progress visible to other processes."""
    cache.set(_key(job_id), asdict(progress), CACHE_SECONDS)


def read_progress(job_id: int) -> ImportProgress | None:
    """The last published progress of a job, or None."""
    value = cache.get(_key(job_id))
    return ImportProgress(**value) if value else None


def clear_progress(job_id: int) -> None:
    """Forget a finished job's live progress (its row now has the final figures)."""
    cache.delete(_key(job_id))
