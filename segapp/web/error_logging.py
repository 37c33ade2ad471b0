"""How refused requests are logged: one line each, never a traceback (logging config only)."""

from __future__ import annotations

import logging

__all__ = ["ClientErrorsInOneLine"]


class ClientErrorsInOneLine(logging.Filter):
    """Log a refused request (4xx) in one line with its reason, without a traceback.

    Django logs a view's PermissionDenied on ``django.request`` at WARNING with
    the exception attached, which wrote a full traceback for every page a role
    may not open. A refusal is expected, so its line says what and why only;
    server errors (5xx) keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            reason = " ".join(str(record.exc_info[1] or "").split())
            record.msg = record.getMessage() + (f" ({reason})" if reason else "")
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
