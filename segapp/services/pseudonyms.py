"""Customer pseudonyms: the keyed HMAC of SPEC §11, the only customer id VoxSeg keeps."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def pseudonymise(external_id: str, *, key: str | None = None) -> str:
    """Return the pseudonym of an external customer id (lowercase hex HMAC-SHA256).

    `hmac.new(PSEUDONYM_KEY.encode(), external_id.encode(), hashlib.sha256).hexdigest()`:
    an integrator holding the key can map its own ids; nobody else can.
    """
    secret = settings.PSEUDONYM_KEY if key is None else key
    return hmac.new(secret.encode(), external_id.encode(), hashlib.sha256).hexdigest()


def normalise_external_id(value: object) -> str:
    """The canonical string form of an external id as read from a file.

    Surrounding whitespace is dropped and integral floats from JSON (`12.0`)
    become `12`, so the same customer maps to the same pseudonym from CSV and JSON.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
