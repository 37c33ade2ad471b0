"""Re-import suppression: a one-way mark of erased customers, so no later file brings them back.

The mark is an HMAC of the pseudonym under a key derived for this purpose
alone (`settings.VOXSEG_SUPPRESSION_KEY`, else PSEUDONYM_KEY with a domain
label), so it is neither the pseudonym nor reversible to it or the external id.
Suppression is optional (`settings.VOXSEG_REIMPORT_SUPPRESSION`). The same
marks, under their own label, remember documents whose text was corrected, so
re-importing the original does not undo a rectification.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings

from segapp.models import SuppressedIdentity

_DOMAIN = b"voxseg re-import suppression v1"
_SUPERSEDED = "superseded document:"


def enabled() -> bool:
    """Whether erased customers are remembered (as a one-way mark) to refuse their re-import."""
    return bool(getattr(settings, "VOXSEG_REIMPORT_SUPPRESSION", False))


def mark_of(pseudonym: str) -> str:
    """The suppression mark of a pseudonym (hex HMAC-SHA256 under the suppression key)."""
    secret = getattr(settings, "VOXSEG_SUPPRESSION_KEY", "") or settings.PSEUDONYM_KEY
    key = hmac.new(secret.encode(), _DOMAIN, hashlib.sha256).digest()
    return hmac.new(key, pseudonym.encode(), hashlib.sha256).hexdigest()


def suppress(pseudonym: str) -> bool:
    """Remember an erased customer's mark when suppression is on; True when a new one was stored."""
    if not enabled():
        return False
    return SuppressedIdentity.objects.get_or_create(digest=mark_of(pseudonym))[1]


def suppressed(pseudonyms: Iterable[str]) -> set[str]:
    """Those of `pseudonyms` whose customers were erased with suppression on."""
    by_mark = {mark_of(p): p for p in set(pseudonyms)}
    if not by_mark:
        return set()
    found = SuppressedIdentity.objects.filter(digest__in=list(by_mark)).values_list(
        "digest", flat=True
    )
    return {by_mark[mark] for mark in found}


def supersede(content_hash: str) -> None:
    """Remember that a document with this content hash was corrected (rectification).

    The original text then never comes back by re-importing the file it came
    from: the import counts such a row as a duplicate of the corrected document.
    """
    SuppressedIdentity.objects.get_or_create(digest=mark_of(_SUPERSEDED + content_hash))


def superseded(content_hashes: Iterable[str]) -> set[str]:
    """Those of `content_hashes` whose documents were corrected since they were imported."""
    by_mark = {mark_of(_SUPERSEDED + h): h for h in set(content_hashes)}
    if not by_mark:
        return set()
    found = SuppressedIdentity.objects.filter(digest__in=list(by_mark)).values_list(
        "digest", flat=True
    )
    return {by_mark[mark] for mark in found}
