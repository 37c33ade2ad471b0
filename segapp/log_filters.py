"""Logging filters that keep personal data out of log files.

Request logs (``django.server``, ``django.request``, gunicorn's access log) write
URLs, and customer pages and API paths carry the customer's pseudonym. A log
file is not reached by erasure, so pseudonyms are masked before any handler
writes a record: a log line can say that a customer page was read, never whose.
"""

from __future__ import annotations

import logging
import re

__all__ = ["PSEUDONYM_MASK", "MaskPseudonyms", "mask_pseudonyms"]

PSEUDONYM_MASK = "[pseudonym]"
"""What a pseudonym reads as in a log line."""

# A pseudonym is 64 hex digits (SPEC §11); either case, as the API accepts both.
_PSEUDONYM = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])")


def mask_pseudonyms(text: str) -> str:
    """``text`` with every pseudonym-shaped run of 64 hex digits replaced by the mask."""
    return _PSEUDONYM.sub(PSEUDONYM_MASK, text)


class MaskPseudonyms(logging.Filter):
    """Rewrite a record's message and string arguments so no pseudonym reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place; never drops it."""
        if isinstance(record.msg, str):
            record.msg = mask_pseudonyms(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        return True


def _masked(value: object) -> object:
    return mask_pseudonyms(value) if isinstance(value, str) else value
