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
    "consent": "segmentation consent (per row)",
    "opt_out": "segmentation opt-out (per row; true = opted out)",
    "ignored": "ignored: another consent column",
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


@register.filter
def signed(value, digits: int = 2) -> str:
    """0.314 -> "+0.31", -0.2 -> "−0.20"; empty for None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    text = f"{abs(number):.{int(digits)}f}"
    return f"+{text}" if number > 0 else f"−{text}" if number < 0 else text


@register.filter
def effect_words(effect) -> str:
    """A standardised mean difference in words: "much higher", "slightly lower" …"""
    try:
        d = float(effect)
    except (TypeError, ValueError):
        return ""
    size = abs(d)
    if size < 0.2:
        return "about the same as everyone"
    degree = "much" if size >= 0.8 else "clearly" if size >= 0.5 else "slightly"
    return f"{degree} {'higher' if d > 0 else 'lower'} than everyone"


@register.filter
def mood(sentiment) -> str:
    """A mean compound sentiment in words."""
    try:
        s = float(sentiment)
    except (TypeError, ValueError):
        return "unknown"
    if s >= 0.35:
        return "very positive"
    if s >= 0.05:
        return "mostly positive"
    if s > -0.05:
        return "neutral"
    if s > -0.35:
        return "mostly negative"
    return "very negative"


@register.filter
def number(value, digits: int = 2) -> str:
    """A figure for people: thousands separated, at most `digits` decimals, no trailing zeros."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "–"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    text = f"{v:,.{int(digits)}f}".rstrip("0").rstrip(".")
    return text or "0"


@register.filter
def ordinal_word(n) -> str:
    """2 -> "2nd", 3 -> "3rd", 11 -> "11th"."""
    try:
        n = int(n)
    except (TypeError, ValueError):
        return ""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@register.filter
def feature_value(value, feature: str) -> str:
    """An interpretable feature's value: topic shares as "35% of texts", sentiment signed."""
    if value is None:
        return "–"
    if str(feature).startswith("topic:"):
        return f"{percent_int(value)}% of texts"
    if feature == "sentiment":
        return signed(value)
    return number(value)


@register.filter
def key_words(value) -> str:
    """A snake_case key as words: "audit_entries" -> "Audit entries"."""
    return str(value).replace("_", " ").capitalize()
