"""Exclusive work across workers: PostgreSQL advisory locks, held by a database session.

A broker may deliver a task twice (a redelivery after a visibility timeout, or
after the worker that held it died). Work that must not run twice at once
(an import job, a run's analysis, placement after a run) takes a lock keyed by its id; a second
delivery finds it taken and leaves. If the holder dies, its database session
ends and the lock is released, so the redelivered task can take over.
On SQLite (embedded mode, one worker) the lock always succeeds.

A second pattern guards erasure against imports in flight: an import chunk
holds a *shared* transaction lock while it checks re-import suppression and
writes; an erasure, once its suppression mark is committed, waits for the
*exclusive* lock once, so every import that checked before the mark has
committed (and its rows are erased with the rest) and every later check sees it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

NAMESPACES = {"import": 1, "analysis": 2, "suppression": 3, "assign": 4}


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


def share_until_commit(kind: str, key: int = 0) -> None:
    """Hold the `kind` lock for `key` in shared mode until the current transaction ends.

    Waits while an exclusive holder has it (see :func:`wait_for_sharers`).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [NAMESPACES[kind], key])


def wait_for_sharers(kind: str, key: int = 0) -> None:
    """Block until no transaction holds the `kind` lock for `key` in shared mode.

    Takes the lock exclusively and lets it go at once: a barrier. Transactions
    asking for the shared lock meanwhile queue behind it, so it is never starved.
    """
    if connection.vendor != "postgresql":
        return
    namespace = NAMESPACES[kind]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [namespace, key])
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])
