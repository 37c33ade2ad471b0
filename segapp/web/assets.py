"""Front-end libraries shipped inside installed Python packages, served from here (no CDN).

plotly.js comes with the `plotly` package (`plotly/package_data/plotly.min.js`).
Its URL carries the package version, so browsers may keep it for a year and
pick up a new file as soon as the package is upgraded.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.views.decorators.http import require_GET

ONE_YEAR = 365 * 24 * 3600


@cache
def plotly_js_path() -> Path:
    """Where the installed plotly package keeps its minified plotly.js."""
    return Path(str(files("plotly") / "package_data" / "plotly.min.js"))


@cache
def plotly_version() -> str:
    """The installed plotly package's version (part of the script's URL)."""
    return version("plotly")


def plotly_js_url() -> str:
    """The versioned URL of plotly.min.js."""
    return reverse("plotly-js", kwargs={"version": plotly_version()})


@require_GET
def plotly_js(request: HttpRequest, version: str) -> FileResponse:
    """plotly.min.js from the installed package; long-lived cache for the current version."""
    path = plotly_js_path()
    if version != plotly_version() or not path.exists():
        raise Http404("No such plotly version here.")
    response = FileResponse(path.open("rb"), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
