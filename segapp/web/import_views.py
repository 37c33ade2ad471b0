"""Import pages: upload, preview and confirm, follow a job, read its report, retry it.

An upload becomes a draft (`services/ingest/drafts.py`) and opens its preview:
every column with the role VoxSeg guessed and why, a picker per column, the
file type, and Import once nothing blocks. Changing a picker posts the form
with htmx and swaps in the new preview. A failed job whose upload is kept opens
the same preview with its old choices ("Fix the mapping and retry").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from segapp.models import ImportFileType, ImportJob, ImportStatus
from segapp.selectors.import_access import (
    issue_lines,
    may_open_draft,
    may_read_values,
    report_lines,
    visible_jobs,
)
from segapp.selectors.imports import job_issues, job_status
from segapp.services.accounts import can
from segapp.services.ingest import drafts
from segapp.services.ingest.drafts import ImportStateError
from segapp.services.ingest.options import ImportOptions, ImportRequestError
from segapp.services.ingest.preview import ColumnGuess
from segapp.web.access import require
from segapp.web.forms import PreviewForm, UploadForm


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """All import jobs, newest first (drafts: only one's own)."""
    require(request, "view_imports")
    page = Paginator(visible_jobs(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    """The upload page: a file becomes a draft whose preview opens next; nothing is imported."""
    require(request, "import_data")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = drafts.create_draft(
                upload=upload,
                original_filename=upload.name,
                file_type=form.cleaned_data["file_type"],
                options=ImportOptions(),
                user=request.user,
            )
        except ImportRequestError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(
                reverse("import-preview", args=[job.pk])
                + ("" if form.cleaned_data["file_type"] else "?guessed=1")
            )
    status = 400 if form.errors else 200
    context = {"form": form, "hours": drafts.upload_hours()}
    return render(request, "imports/new.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, job_id: int) -> HttpResponse:
    """A draft's preview; POST re-renders it with new choices, or imports with `action=import`."""
    require(request, "import_data")
    imported = ImportJob.objects.exclude(status=ImportStatus.DRAFT).filter(pk=job_id).first()
    if imported is not None and request.method == "GET":
        return redirect("import-detail", job_id=imported.pk)  # an old link to a confirmed draft
    if request.headers.get("HX-Request") and not ImportJob.objects.filter(pk=job_id).exists():
        return _draft_gone(request)  # deleted while its page was open: say so, start again
    job = _draft_or_404(request, job_id)
    if request.method == "GET":
        guessed = bool(request.GET.get("guessed"))
        form = _stored_form(job)
        return _render_preview(request, job, form, target=_draft_target(job), guess=guessed)
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return _render_preview(request, job, form, target=_draft_target(job))
    options = _chosen_options(form, base=job)
    if request.POST.get("action") == "import":
        try:
            queued = drafts.confirm_draft(
                job.pk, file_type=form.cleaned_data["file_type"], options=options
            )
        except ImportStateError as exc:
            messages.error(request, str(exc))
            return redirect("import-list")
        except ImportRequestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Import #{queued.pk} queued: {queued.original_filename}.")
            return redirect("import-detail", job_id=queued.pk)
    else:
        drafts.save_draft_choices(job, file_type=form.cleaned_data["file_type"], options=options)
    return _render_preview(request, job, form, target=_draft_target(job), options=options)


@login_required
@require_POST
def import_discard(request: HttpRequest, job_id: int) -> HttpResponse:
    """Delete a draft and its file."""
    job = _draft_or_404(request, job_id)
    try:
        drafts.discard_draft(job.pk)
    except ImportStateError as exc:
        messages.error(request, str(exc))
        return redirect("import-list")
    messages.success(request, f"Discarded {job.original_filename}: nothing was imported.")
    return redirect("import-new")


@login_required
@require_http_methods(["GET", "POST"])
def import_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    """A failed job's kept file, previewed with its old choices; Import starts a new job."""
    require(request, "import_data")
    job = get_object_or_404(ImportJob, pk=job_id)
    if not drafts.can_retry(job):
        messages.error(request, _cannot_retry_message(job))
        return redirect("import-detail", job_id=job.pk)
    target = reverse("import-retry", args=[job.pk])
    if request.method == "GET":
        return _render_preview(request, job, _stored_form(job), target=target)
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return _render_preview(request, job, form, target=target)
    options = _chosen_options(form, base=job)
    if request.POST.get("action") == "import":
        try:
            retry = drafts.retry_import(
                job.pk,
                file_type=form.cleaned_data["file_type"],
                options=options,
                user=request.user,
                source="ui",
            )
        except ImportStateError as exc:
            messages.error(request, str(exc))
            return redirect("import-detail", job_id=job.pk)
        except ImportRequestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Import #{retry.pk} queued: retry of #{job.pk}.")
            return redirect("import-detail", job_id=retry.pk)
    return _render_preview(request, job, form, target=target, options=options)


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job: live progress while it runs, then counts, mapping and the row report."""
    require(request, "view_imports")
    job = get_object_or_404(visible_jobs(request.user), pk=job_id)
    if job.status == ImportStatus.DRAFT:
        return redirect("import-preview", job_id=job.pk)
    page = Paginator(job_issues(job), 50).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "status": job_status(job),
        "issues": page,
        "issue_lines": issue_lines(page.object_list, user=request.user),
        "values_hidden": not may_read_values(request.user),
        "can_retry": drafts.can_retry(job) and can(request.user, "import_data"),
        "kept_until": drafts.kept_until(job),
        "retries": list(job.retries.order_by("pk").values_list("pk", flat=True)),
        "columns": [
            (item["column"], item["role"], (job.column_reasons or {}).get(item["column"], ""))
            for item in job.column_roles
        ],
    }
    return render(request, "imports/detail.html", context)


@login_required
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment polled by the job page (htmx)."""
    require(request, "view_imports")
    job = get_object_or_404(visible_jobs(request.user), pk=job_id)
    response = render(
        request, "partials/import_status.html", {"job": job, "status": job_status(job)}
    )
    if job.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # reload once to show the final report
    return response


@login_required
def import_report(request: HttpRequest, job_id: int) -> StreamingHttpResponse:
    """Download the row-level report as CSV (values hidden from roles that may not read texts)."""
    require(request, "view_imports")
    job = get_object_or_404(visible_jobs(request.user), pk=job_id)
    response = StreamingHttpResponse(report_lines(job, user=request.user), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response


# --- the preview ------------------------------------------------------------------------


ROLE_NAMES = {
    "customer_id": "Customer id",
    "text": "Text",
    "created_at": "Date",
    "rating": "Rating",
    "amount": "Amount",
    "event_type": "Event type",
    "status": "Status",
    "kind": "Document kind",
    "channel": "Channel",
    "behaviour": "Behavioural",
    "attribute": "Attribute",
    "sensitive": "Sensitive",
    "drop": "Identifier: drop",
    "consent": "Consent",
    "opt_out": "Opt-out",
    "metadata": "Metadata",
}


@dataclass(frozen=True)
class PreviewColumn:
    """One column as the preview table shows it: the guess, the picker's state, its choices."""

    guess: ColumnGuess
    chosen: bool
    choices: tuple[tuple[str, str], ...]  # (role, label)


def _render_preview(
    request: HttpRequest,
    job: ImportJob,
    form: PreviewForm,
    *,
    target: str,
    options: ImportOptions | None = None,
    guess: bool = False,
) -> HttpResponse:
    """The preview page, or only its form when htmx asks; 400 when the choices do not work.

    `guess` previews as if no type were given, so that the page says why VoxSeg chose it.
    """
    file_type = (
        form.cleaned_data["file_type"] if form.is_bound and form.is_valid() else None
    ) or job.file_type
    options = options or ImportOptions.from_json(job.options)
    preview, error = None, ""
    try:
        preview = drafts.preview_job(job, file_type=None if guess else file_type, options=options)
        file_type = preview.file_type
    except ImportRequestError as exc:
        error = str(exc)
    except ImportStateError as exc:
        raise Http404(str(exc)) from None
    context = {
        "job": job,
        "form": form,
        "file_type": file_type,
        "options": options,
        "preview": preview,
        "columns": _columns(preview, file_type, options) if preview else [],
        "grid": _grid(preview) if preview else [],
        "error": error,
        "target": target,
        "roles_reset": form.is_bound and form.is_valid() and form.roles_reset(),
        "retrying": job.status == ImportStatus.FAILED,
        "kept_until": drafts.kept_until(job),
        "type_choices": ImportFileType.choices,
        "blocked": bool(
            error or form.errors or form.non_field_errors() or preview is None or preview.problems
        ),
    }
    htmx = bool(request.headers.get("HX-Request"))
    blocked = error or form.errors
    status = 400 if blocked and request.method == "POST" and not htmx else 200
    template = "imports/_preview.html" if htmx else "imports/preview.html"
    return render(request, template, context, status=status)


def _columns(preview, file_type: str, options: ImportOptions) -> list[PreviewColumn]:
    names = [column.name for column in preview.columns]
    chosen = drafts.chosen_columns(file_type, options, names)
    offered = drafts.roles_for(file_type)
    columns = []
    for column in preview.columns:
        roles = offered if column.role in offered else (column.role, *offered)
        choices = tuple((role, ROLE_NAMES.get(role, role.replace("_", " "))) for role in roles)
        columns.append(PreviewColumn(column, column.name in chosen, choices))
    return columns


def _grid(preview) -> list[list[tuple]]:
    """The first rows as (value, role) in column order (templates cannot index a dict)."""
    return [
        [(row.get(column.name), column.role) for column in preview.columns] for row in preview.rows
    ]


def _stored_form(job: ImportJob) -> PreviewForm:
    options = ImportOptions.from_json(job.options)
    return PreviewForm(initial=PreviewForm.initial_for(file_type=job.file_type, options=options))


def _chosen_options(form: PreviewForm, *, base: ImportJob) -> ImportOptions:
    stored = ImportOptions.from_json(base.options)
    return drafts.with_roles(form.options(base=stored), form.roles())


def _draft_or_404(request: HttpRequest, job_id: int) -> ImportJob:
    require(request, "import_data")
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None and job.status != ImportStatus.DRAFT:
        raise Http404(
            f"Import #{job.pk} is no longer a draft: it is {job.get_status_display().lower()}."
        )
    if job is None:
        raise Http404(_gone_message())
    if not may_open_draft(request.user, job):
        raise PermissionDenied("This draft belongs to someone else.")
    return job


def _draft_gone(request: HttpRequest) -> HttpResponse:
    messages.error(request, _gone_message())
    response = HttpResponse(status=200)
    response["HX-Redirect"] = reverse("import-new")
    return response


def _gone_message() -> str:
    return (
        "No such draft: it was imported, discarded, or deleted after "
        f"{drafts.upload_hours():g} hours unconfirmed. Upload the file again."
    )


def _draft_target(job: ImportJob) -> str:
    return reverse("import-preview", args=[job.pk])


def _cannot_retry_message(job: ImportJob) -> str:
    if job.status != ImportStatus.FAILED:
        status = job.get_status_display().lower()
        return f"Import #{job.pk} {status}; only a failed import can be retried."
    retry = job.retries.order_by("-pk").first()
    if retry is not None:
        return f"Import #{job.pk} was already retried as import #{retry.pk}."
    return (
        f"The file of import #{job.pk} is no longer kept (deleted "
        f"{drafts.upload_hours():g} hours after the import failed); upload it again."
    )
