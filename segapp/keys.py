"""The deployment's secret keys (SECRET_KEY, PSEUDONYM_KEY): given, or generated and kept.

Read by the settings, so nothing here needs configured settings. Production must give both
keys in the environment: the settings refuse to start without them (a key
everyone knows lets anyone compute the pseudonym of a guessed customer id
and forge sessions). The embedded mode (one machine: SQLite and the
filesystem broker under var/), DEBUG and the test suite may leave them out:
each key is then generated once from the operating system's random source
and stored beside the embedded database, readable only by its owner, so
every process of that machine shares it and it never changes.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The built-in keys of earlier versions: public, so never accepted in production.
PUBLIC_KEYS = frozenset({"voxseg-embedded-not-for-production", "voxseg-embedded-pseudonym-key"})


class MissingKey(ImproperlyConfigured):
    """Production started without a key it needs; the message says what to set."""


def deployment_key(name: str, *, given: str, folder: Path, may_generate: bool) -> str:
    """The key `name`: `given` when set, else (where allowed) the one stored in `folder`.

    Raises MissingKey when the key is missing, or is a known public value,
    and may not be generated (production).
    """
    if given and not (given in PUBLIC_KEYS and not may_generate):
        return given
    if not may_generate:
        problem = "is a publicly known value" if given else "is not set"
        raise MissingKey(
            f"{name} {problem}. Production (DEBUG off, with DATABASE_URL or a server broker) "
            f"needs SECRET_KEY and PSEUDONYM_KEY in the environment, each a long random "
            f"string, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            f"Keep PSEUDONYM_KEY forever: changing it orphans every stored customer."
        )
    return stored_key(name, folder)


def stored_key(name: str, folder: Path) -> str:
    """The key kept in `folder`/`name`, made on first use (mode 0600); safe for processes
    starting at the same time: the first to create the file writes it, the others read it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(50))
    return _read(path)


def _read(path: Path) -> str:
    """The key in `path`, waiting briefly for a process that is still writing it."""
    for _ in range(50):
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        time.sleep(0.02)
    raise MissingKey(f"The key file {path} is empty; delete it to have a new key generated.")
