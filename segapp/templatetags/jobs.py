"""`{{ job|waiting_for }}`: what a queued or stalled import or run is waiting for."""

from __future__ import annotations

from django import template

from segapp.selectors.jobs import waiting_for as waiting_for_text

register = template.Library()


@register.filter
def waiting_for(job) -> str:
    """The sentence of `segapp.selectors.jobs.waiting_for`, or ""."""
    return waiting_for_text(job)
