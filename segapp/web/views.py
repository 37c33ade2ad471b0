"""The dashboard: counts of what VoxSeg holds and the latest imports.

The import pages live in `import_views`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from segapp.selectors.customers import dataset_counts
from segapp.selectors.import_access import visible_jobs
from segapp.services.accounts import can, roles_of


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Counts of what VoxSeg holds and the latest imports."""
    context = {
        "counts": dataset_counts(),
        "recent": visible_jobs(request.user)[:8] if can(request.user, "view_imports") else [],
        "roles": sorted(roles_of(request.user)),
    }
    return render(request, "dashboard.html", context)
