"""Template tags of the chart pages: the local plotly.js script tag."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from segapp.web.assets import plotly_js_url

register = template.Library()


@register.simple_tag
def plotly_script() -> str:
    """A <script> tag loading plotly.js from this server (never a CDN)."""
    return format_html('<script src="{}"></script>', plotly_js_url())
