"""PII redaction of customer free text before it is stored or embedded.

Reviews, survey answers and social posts go through :class:`Redactor`, which
replaces personal data with typed placeholders in square brackets:

``[EMAIL]``, ``[PHONE]``, ``[CARD]``, ``[IBAN]``, ``[IP]`` (v4 and v6), ``[URL]``
(only URLs with a personal path, a query string or a token: a bare domain such as
``www.shop.com`` stays), ``[NAME]`` (person names, where a first-name list and the
surrounding words make them detectable) and ``[HANDLE]`` (social ``@mentions``: a
person's handle cannot be told from a brand's, so every ``@handle`` is redacted).

Privacy by shape: a value is redacted when it *looks like* personal data, never
only when it is valid. An address at ``example.test``, a number outside every
numbering plan, a card failing the Luhn check or an IBAN with a wrong checksum
is still what the customer typed as their address, number, card or account
(:mod:`nlp.redact.shapes`, :mod:`nlp.redact.phones`, :mod:`nlp.redact.names`).

A cheap pre-filter first decides whether a text could contain anything a
recogniser would flag; texts that cannot are returned unchanged. It is built
from the recognisers' own candidate patterns and must never skip a text the full
engine would change (the tests check this).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from nlp.redact.names import could_contain_name, find_names
from nlp.redact.phones import PHONE_CANDIDATE, could_be_phone, find_phones
from nlp.redact.shapes import (
    CANDIDATES,
    find_cards,
    find_emails,
    find_handles,
    find_ibans,
    find_ips,
    find_urls,
)

__all__ = ["PLACEHOLDERS", "Redaction", "Redactor"]

PLACEHOLDERS: tuple[str, ...] = ("EMAIL", "PHONE", "CARD", "IBAN", "IP", "URL", "NAME", "HANDLE")
"""The placeholder names that can appear, as ``[NAME]``, in redacted text."""

Span = tuple[int, int]

# Recognisers in priority order: when two detections overlap, the earlier one wins
# and absorbs the other's span, so a URL is never half-replaced as the e-mail
# address or number in its path, an IBAN never as a card number, a card number
# never as a phone number, an e-mail address never as a handle. Each comes with its
# confidence, compared with ``Redactor.score_threshold``.
_RECOGNISERS: tuple[tuple[str, Callable[[str], list[Span]], float], ...] = (
    ("URL", find_urls, 0.85),
    ("EMAIL", find_emails, 0.95),
    ("IBAN", find_ibans, 0.9),
    ("CARD", find_cards, 0.9),
    ("IP", find_ips, 0.9),
    ("PHONE", find_phones, 0.8),
    ("HANDLE", find_handles, 0.85),
    ("NAME", find_names, 0.6),
)
_PRIORITY = {placeholder: rank for rank, (placeholder, _, _) in enumerate(_RECOGNISERS)}


# ----------------------------------------------------------------------------------
# Pre-filter
# ----------------------------------------------------------------------------------


def _could_contain_pii(text: str, *, names: bool) -> bool:
    """Whether any recogniser could fire on ``text``; False means it is certainly clean.

    Every recogniser only reports matches of its candidate pattern (phones: seven
    digits or more with at most five non-word characters between neighbours), so a
    text none of them matches cannot change.
    """
    if could_be_phone(text) and PHONE_CANDIDATE.search(text) is not None:
        return True
    for needed, candidate in CANDIDATES:
        if (not needed or any(c in text for c in needed)) and candidate.search(text) is not None:
            return True
    return names and could_contain_name(text)


# ----------------------------------------------------------------------------------
# Overlaps
# ----------------------------------------------------------------------------------


@dataclass
class _Span:
    start: int
    end: int
    placeholder: str


def _resolve_overlaps(found: Iterable[_Span]) -> list[_Span]:
    """Non-overlapping spans: the preferred kind wins and absorbs what it overlaps."""
    candidates = sorted(
        found, key=lambda s: (_PRIORITY[s.placeholder], -(s.end - s.start), s.start)
    )
    kept: list[_Span] = []
    for candidate in candidates:
        overlapping = [k for k in kept if k.start < candidate.end and candidate.start < k.end]
        if not overlapping:
            kept.append(candidate)
            continue
        # Absorb the lower-priority detection so no part of it survives un-redacted.
        winner = overlapping[0]
        winner.start = min([candidate.start, *(k.start for k in overlapping)])
        winner.end = max([candidate.end, *(k.end for k in overlapping)])
        kept = [k for k in kept if k is winner or k not in overlapping]
    return sorted(kept, key=lambda s: s.start)


# ----------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redaction:
    """A redacted text and how many values of each kind were replaced."""

    text: str
    counts: dict[str, int] = field(default_factory=dict, hash=False)


class Redactor:
    """Replace PII in free text with typed placeholders such as ``[EMAIL]``.

    Like a scikit-learn estimator, ``__init__`` only stores its arguments; the
    first-name dictionary and phone metadata are read on first use and shared by
    all instances. Output is deterministic for a given input.

    :param detect_names: also look for person names (``[NAME]``).
    :param score_threshold: minimum confidence for a detection to count (shapes
        score 0.8-0.95, names 0.6).
    :param prefilter: skip the recognisers for texts that cannot contain PII;
        ``False`` runs every recogniser on every text (for tests and benchmarks).
    """

    def __init__(
        self, *, detect_names: bool = True, score_threshold: float = 0.4, prefilter: bool = True
    ):
        self.detect_names = detect_names
        self.score_threshold = score_threshold
        self.prefilter = prefilter

    def redact(self, text: str) -> Redaction:
        """Return ``text`` with every detected PII value replaced by its placeholder."""
        if self.prefilter and not _could_contain_pii(text, names=self.detect_names):
            return Redaction(text=text)
        found = [
            _Span(start, end, placeholder)
            for placeholder, find, score in _RECOGNISERS
            if score >= self.score_threshold and (placeholder != "NAME" or self.detect_names)
            for start, end in find(text)
            if end > start
        ]
        spans = _resolve_overlaps(found)
        if not spans:
            return Redaction(text=text)
        pieces = []
        position = 0
        for span in spans:
            pieces.append(text[position : span.start])
            pieces.append(f"[{span.placeholder}]")
            position = span.end
        pieces.append(text[position:])
        counts = Counter(s.placeholder for s in spans)
        return Redaction(
            text="".join(pieces), counts={p: counts[p] for p in PLACEHOLDERS if counts[p]}
        )

    def redact_many(self, texts: Iterable[str]) -> list[Redaction]:
        """Redact each text in order; texts without possible PII cost microseconds."""
        return [self.redact(text) for text in texts]
