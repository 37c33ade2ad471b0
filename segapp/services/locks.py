"""Exclusive work across workers: PostgreSQL advisory locks, held by a database session.

A broker may deliver a task twice (a redelivery after a visibility timeout, or
after the worker that held it died). Work that must not run twice at once
(an import job, a run's analysis) takes a lock keyed by its id; a second
delivery finds it taken and leaves. If the holder dies, its database session
ends and the lock is released, so the redelivered task can take over.
On SQLite (embedded mode, one worker) the lock always succeeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

NAMESPACES = {"import": 1, "analysis": 2}


@contextmanager
def exclusive(kind: str, key: int) -> Iterator[bool]:
    """Yield True if this process now holds the `kind` lock for `key`, else False."""
    if connection.vendor != "postgresql":
        yield True
        return
    namespace = NAMESPACES[kind]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, key])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])
