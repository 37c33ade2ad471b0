"""Reading one cell of a file: numbers, dates, consent, texts and values as people write them.

Pure Python: no database. A value that cannot be read raises
:class:`InvalidValue`, whose message says why for the user ("'five' is not a
number"); it may quote the value, so the service redacts it before storing.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from dateutil import parser as date_parser

__all__ = [
    "InvalidValue",
    "as_behaviour_number",
    "clip_text",
    "is_missing",
    "parse_consent",
    "parse_datetime",
    "parse_number",
    "plain_value",
    "quoted",
]

MISSING = {"", "na", "n/a", "null", "none", "nan", "-", "--", "?"}
TRUE_WORDS = {"true", "yes", "y"}
FALSE_WORDS = {"false", "no", "n"}
# Consent values: yes/no words follow the column (inverted in an opt-out column);
# the words that name the decision itself mean the same in either column.
CONSENT_YES = {"yes", "y", "true", "t", "1", "1.0", "on", "ja", "j", "oui", "si", "sí", "sim"}
CONSENT_NO = {"no", "n", "false", "f", "0", "0.0", "off", "nein", "non", "não", "nao"}
CONSENTED_WORDS = {
    "opted in", "opt in", "optin", "optedin", "granted", "given", "consented", "agreed",
}  # fmt: skip
REFUSED_WORDS = {
    "opted out", "opt out", "optout", "optedout", "withdrawn", "refused", "declined", "denied",
    "revoked", "not consented",
}  # fmt: skip
MAX_ATTRIBUTE_CHARS = 500
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
CURRENCY = re.compile(r"^[\s$£€¥]*(?P<num>[-+]?[\d.,\s]+?)\s*(?:[$£€¥]|[A-Z]{3})?$")


class InvalidValue(ValueError):
    """A value that cannot be read; the message says why, for the user."""


def is_missing(value: Any) -> bool:
    """Whether a cell holds no value (blank, NA, null …)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in MISSING


def parse_number(value: Any) -> float:
    """Read a number written as people write them: 12, 12.5, "1,234.50", "$45", "4,5"."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        match = CURRENCY.match(text)
        if not match:
            raise InvalidValue(f"{quoted(text)} is not a number")
        digits = _plain_digits(match.group("num").replace(" ", ""))
        try:
            number = float(digits)
        except ValueError:
            raise InvalidValue(f"{quoted(text)} is not a number") from None
    if not math.isfinite(number):
        raise InvalidValue(f"{quoted(value)} is not a finite number")
    return number


def _plain_digits(digits: str) -> str:
    """A number's digits with one decimal point: "1.057,46" and "1,057.46" are 1057.46."""
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return digits.replace(thousands, "").replace(decimal, ".")
    if digits.count(",") == 1 and re.search(r",\d{1,2}$", digits):
        return digits.replace(",", ".")  # decimal comma: "4,5", "12,50"
    return digits.replace(",", "")


def parse_datetime(value: Any, *, dayfirst: bool, now: datetime) -> datetime:
    """Read a date or timestamp; naive times are UTC; epoch seconds or milliseconds are accepted."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d{9,13}(\.\d+)?\s*", value):
        value = float(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value > 1e11:
            value = value / 1000  # epoch milliseconds
        try:
            moment = datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise InvalidValue(f"{quoted(value)} is not a date") from None
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                moment = date_parser.parse(text, dayfirst=dayfirst)
            except (ValueError, OverflowError):
                raise InvalidValue(f"{quoted(text)} is not a date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment < EARLIEST:
        raise InvalidValue(f"{moment.date().isoformat()} is before 1970")
    if moment > now + timedelta(days=1):
        raise InvalidValue(f"{moment.date().isoformat()} is in the future")
    return moment


def parse_consent(value: Any, *, inverted: bool = False) -> bool:
    """Read a consent cell: yes/no, y/n, true/false, 1/0, opted in/out, granted/withdrawn.

    In an opt-out column (`inverted`) yes/true/1 mean the customer opted out;
    words naming the decision ("opted out", "granted" …) mean the same in both.
    """
    if isinstance(value, bool):
        return value != inverted
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value) != inverted
    word = re.sub(r"[\s_\-]+", " ", str(value).strip().lower())
    if word in CONSENTED_WORDS:
        return True
    if word in REFUSED_WORDS:
        return False
    if word in CONSENT_YES | CONSENT_NO:
        return (word in CONSENT_YES) != inverted
    raise InvalidValue(
        f"consent {quoted(value)} is not a consent value; use yes/no, true/false, 1/0, "
        "opted in/opted out or granted/withdrawn"
    )


def clip_text(raw: Any, max_chars: int) -> tuple[str | None, int, bool, str]:
    """A document text as stored before redaction: (text, original length, truncated, problem).

    `text` is None and `problem` says why when there is no usable text; a text
    over `max_chars` is cut to the limit (and `truncated` is True).
    """
    if isinstance(raw, dict | list):
        return None, 0, False, "the text is a JSON object or list, not text"
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, 0, False, "the text is empty"
    length = len(text)
    if length <= max_chars:
        return text, length, False, ""
    return text[:max_chars], length, True, ""


def quoted(value: Any, limit: int = 60) -> str:
    """A value as an issue message quotes it: repr, cut to ``limit`` characters."""
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def as_behaviour_number(value: Any) -> float | None:
    """A customer column's value as a behavioural number (true/yes count as 1), else None."""
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return 1.0 if value.strip().lower() in TRUE_WORDS else 0.0
    try:
        return parse_number(value)
    except InvalidValue:
        return None


def plain_value(value: Any) -> Any:
    """A JSON-safe value, strings stripped and capped."""
    if isinstance(value, str):
        return value.strip()[:MAX_ATTRIBUTE_CHARS]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
