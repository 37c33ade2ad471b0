"""Small display filters for the templates."""

from __future__ import annotations

from django import template

from segapp.services.ingest.readers import DELIMITER_NAMES

register = template.Library()

ROLE_LABELS = {
    "customer_id": "customer id (pseudonymised)",
    "text": "text (redacted)",
    "metadata": "metadata",
    "attribute": "customer attribute (text)",
    "behaviour": "behavioural feature (numeric)",
    "sensitive": "sensitive: kept for audits, never segmented on",
    "dropped": "dropped: direct identifier, not stored",
}


@register.filter
def thousands(value) -> str:
    """1234567 -> 1,234,567."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""


@register.filter
def percent_int(fraction) -> int:
    """0.456 -> 46."""
    try:
        return round(float(fraction) * 100)
    except (TypeError, ValueError):
        return 0


@register.filter
def delimiter_name(delimiter: str) -> str:
    """ "," -> "comma"."""
    return DELIMITER_NAMES.get(delimiter, delimiter)


@register.filter
def role_label(role: str) -> str:
    """What a column role means, in words."""
    return ROLE_LABELS.get(role, role.replace("_", " "))
