"""Web pages: thin views over selectors and services, rendered with templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from segapp.models import ImportJob
from segapp.selectors.customers import dataset_counts
from segapp.selectors.imports import import_jobs, issue_report_lines, job_issues, job_status
from segapp.services.accounts import can, roles_of
from segapp.services.ingest.service import (
    ImportOptions,
    ImportRequestError,
    create_import_job,
    enqueue_import_job,
)
from segapp.web.forms import ImportForm


def _require(request: HttpRequest, capability: str) -> None:
    if not can(request.user, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability.replace('_', ' ')}).")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Counts of what VoxSeg holds and the latest imports."""
    context = {
        "counts": dataset_counts(),
        "recent": import_jobs()[:8] if can(request.user, "view_imports") else [],
        "roles": sorted(roles_of(request.user)),
    }
    return render(request, "dashboard.html", context)


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """All import jobs, newest first."""
    _require(request, "view_imports")
    page = Paginator(import_jobs(), 25).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    """The upload page: a file and what it holds; the import runs on a worker."""
    _require(request, "import_data")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        options = ImportOptions(
            mapping=data["mapping"],
            sensitive=data["sensitive"],
            default_kind=data["default_kind"],
            delimiter=data["delimiter"] or None,
            dayfirst=data["dayfirst"] or None,
        )
        try:
            job = create_import_job(
                file_type=data["file_type"],
                original_filename=data["file"].name,
                options=options,
                source="ui",
                upload=data["file"],
                user=request.user,
            )
        except ImportRequestError as exc:
            form.add_error(None, str(exc))
        else:
            enqueue_import_job(job)
            messages.success(request, f"Import #{job.pk} queued: {job.original_filename}.")
            return redirect("import-detail", job_id=job.pk)
    return render(request, "imports/new.html", {"form": form})


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job: live progress while it runs, then counts, mapping and the row report."""
    _require(request, "view_imports")
    job = get_object_or_404(import_jobs(), pk=job_id)
    issues = Paginator(job_issues(job), 50).get_page(request.GET.get("page"))
    context = {"job": job, "status": job_status(job), "issues": issues}
    return render(request, "imports/detail.html", context)


@login_required
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment polled by the job page (htmx)."""
    _require(request, "view_imports")
    job = get_object_or_404(ImportJob, pk=job_id)
    response = render(
        request, "partials/import_status.html", {"job": job, "status": job_status(job)}
    )
    if job.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # reload once to show the final report
    return response


@login_required
def import_report(request: HttpRequest, job_id: int) -> StreamingHttpResponse:
    """Download the row-level report as CSV."""
    _require(request, "view_imports")
    job = get_object_or_404(ImportJob, pk=job_id)
    response = StreamingHttpResponse(issue_report_lines(job), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response
