"""Web pages of runs: start, follow, cancel/retry, segments, topics and exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from segapp.selectors.exports import csv_lines
from segapp.selectors.runs import (
    DOCUMENT_EXPORT_FIELDS,
    SEGMENT_EXPORT_FIELDS,
    RunNotFound,
    document_export_rows,
    get_run,
    runs,
    segment_export_rows,
    segments_of,
    topics_of,
)
from segapp.selectors.topics import TopicNotFound, get_topic
from segapp.services.accounts import can
from segapp.services.segmentation.runs import (
    RunError,
    create_run,
    enqueue_run,
    request_cancel,
    retry_run,
)
from segapp.web.run_forms import RunForm


def _require(request: HttpRequest, capability: str) -> None:
    if not can(request.user, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability.replace('_', ' ')}).")


def _run_or_404(ref):
    try:
        return get_run(ref)
    except RunNotFound as exc:
        raise Http404(str(exc)) from None


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """Runs with a form to start one."""
    _require(request, "view_runs")
    form = RunForm(request.POST or None)
    if request.method == "POST":
        _require(request, "start_runs")
        if form.is_valid():
            try:
                run = create_run(parameters=form.parameters(), source="ui", user=request.user)
            except RunError as exc:
                form.add_error(None, str(exc))
            else:
                enqueue_run(run)
                messages.success(request, f"Run #{run.pk} queued.")
                return redirect("run-detail", run_id=run.pk)
    page = Paginator(runs(), 20).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "can_start": can(request.user, "start_runs")}
    return render(request, "runs/list.html", context)


@login_required
def run_detail(request: HttpRequest, run_id) -> HttpResponse:
    """A run: progress while it runs; then metrics, segments and topics."""
    _require(request, "view_runs")
    run = _run_or_404(run_id)
    context = {
        "run": run,
        "segments": segments_of(run),
        "topics": topics_of(run),
        "can_start": can(request.user, "start_runs"),
        "can_export": can(request.user, "view_members"),
    }
    return render(request, "runs/detail.html", context)


@login_required
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress fragment polled by the run page (htmx)."""
    _require(request, "view_runs")
    run = _run_or_404(run_id)
    response = render(request, "partials/run_status.html", {"run": run})
    if run.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    """Ask a run to stop."""
    _require(request, "start_runs")
    run = request_cancel(_run_or_404(run_id).pk)
    messages.info(request, f"Run #{run.pk}: cancellation requested.")
    return redirect("run-detail", run_id=run.pk)


@login_required
@require_POST
def run_retry(request: HttpRequest, run_id: int) -> HttpResponse:
    """Start a new run with the same parameters."""
    _require(request, "start_runs")
    new = retry_run(_run_or_404(run_id).pk, user=request.user)
    enqueue_run(new)
    messages.success(request, f"Run #{new.pk} queued with the same parameters.")
    return redirect("run-detail", run_id=new.pk)


@login_required
def segment_detail(request: HttpRequest, run_id: int, number: int) -> HttpResponse:
    """One segment: size, topics, sentiment, behaviour against everyone."""
    _require(request, "view_runs")
    run = _run_or_404(run_id)
    segment = segments_of(run).filter(number=number).first()
    if segment is None:
        raise Http404("No such segment in this run.")
    return render(request, "runs/segment.html", {"run": run, "segment": segment})


@login_required
def topic_detail(request: HttpRequest, run_id, number: int) -> HttpResponse:
    """One topic: what it is, how people feel about it, who talks about it, typical quotes."""
    _require(request, "view_runs")
    run = _run_or_404(run_id)
    try:
        topic = get_topic(run, number, with_documents=can(request.user, "view_documents"))
    except TopicNotFound as exc:
        raise Http404(str(exc)) from None
    return render(request, "runs/topic.html", {"run": run, "topic": topic})


@login_required
def run_export(request: HttpRequest, run_id: int, what: str) -> StreamingHttpResponse:
    """CSV export of a run's memberships (`segments`) or documents (`documents`)."""
    _require(request, "view_members")
    run = _run_or_404(run_id)
    if what == "segments":
        rows, fields = segment_export_rows(run), SEGMENT_EXPORT_FIELDS
    elif what == "documents":
        _require(request, "view_documents")
        rows, fields = document_export_rows(run), DOCUMENT_EXPORT_FIELDS
    else:
        raise Http404("Unknown export.")

    response = StreamingHttpResponse(csv_lines(rows, fields), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="run-{run.pk}-{what}.csv"'
    return response
