"""How long write transactions last, by database, and what a lock that never came means.

PostgreSQL lets many writers work at once, so an import writes all its rows in
one transaction: a job that failed wrote nothing. SQLite (the embedded mode)
has one writer at a time: a transaction as long as a whole import would make
every other write (a login, a chat answer, an opt-out, an upload) wait until it
failed. There each chunk of an import commits on its own (and chunks are
smaller), and a failed job removes what its chunks wrote
(`segapp.services.ingest.partial`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction

# Rows per chunk where chunks commit on their own: a chunk holds the only write lock while
# its rows are redacted and written, so it is kept to a second or two of work.
ONE_WRITER_CHUNK_ROWS = 250


def chunk_rows(default: int) -> int:
    """Rows per chunk of a long job: `default`, or fewer where each chunk holds the database."""
    return min(default, ONE_WRITER_CHUNK_ROWS) if commits_per_chunk() else default


def commits_per_chunk() -> bool:
    """Whether long jobs commit chunk by chunk (one-writer databases) instead of once."""
    return connection.vendor == "sqlite"


@contextmanager
def job_transaction() -> Iterator[None]:
    """The transaction around a whole job: one on PostgreSQL, none where chunks commit."""
    if commits_per_chunk():
        yield
        return
    with transaction.atomic():
        yield


def chunk_transaction():
    """A chunk's transaction: its own where chunks commit, else part of the job's."""
    return transaction.atomic(savepoint=False)


def is_busy(exc: BaseException) -> bool:
    """Whether a database error is SQLite's "database is locked" (another writer held on)."""
    cause: BaseException | None = exc
    while cause is not None:
        if getattr(cause, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return True
        cause = cause.__cause__
    return False


def database_error_message(exc: BaseException, *, what: str = "the import") -> str:
    """What a user is told when a transient database error stopped `what` for good."""
    if is_busy(exc):
        seconds = settings.VOXSEG_SQLITE_BUSY_SECONDS
        return (
            f"The embedded database was busy with other writes for more than {seconds} s, so "
            f"{what} stopped. Retry it once the other work has finished, or use "
            "PostgreSQL (DATABASE_URL) to run imports side by side."
        )
    return f"The database was unreachable, so {what} was abandoned; retry it."
