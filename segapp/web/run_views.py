"""Web pages of runs: start, follow, cancel/retry, topics and exports (personas: persona_views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from segapp.models import AuditAction
from segapp.selectors.exports import csv_lines
from segapp.selectors.personas import persona_list
from segapp.selectors.placement import run_placement, run_populations
from segapp.selectors.run_progress import run_progress
from segapp.selectors.runs import (
    DOCUMENT_EXPORT_FIELDS,
    SEGMENT_EXPORT_FIELDS,
    document_export_rows,
    runs,
    segment_export_rows,
    topics_of,
)
from segapp.selectors.topics import TopicNotFound, get_topic
from segapp.selectors.trends import topic_trend
from segapp.services.accounts import can
from segapp.services.audit import record
from segapp.services.segmentation.runs import (
    RunError,
    create_run,
    enqueue_run,
    request_cancel,
    retry_run,
)
from segapp.web.access import require, run_or_404
from segapp.web.run_forms import RunForm


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """Runs with a form to start one."""
    require(request, "view_runs")
    form = RunForm(request.POST or None)
    if request.method == "POST":
        require(request, "start_runs")
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
    require(request, "view_runs")
    run = run_or_404(run_id)
    succeeded = run.status == "succeeded"
    context = {
        "run": run,
        "progress": run_progress(run),
        "populations": run_populations(run),
        "placement": run_placement(run).as_dict() if succeeded else None,
        "segments": persona_list(run) if succeeded else [],
        "topics": topics_of(run),
        "can_start": can(request.user, "start_runs"),
        "can_export": can(request.user, "view_members"),
    }
    return render(request, "runs/detail.html", context)


@login_required
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress fragment polled by the run page (htmx)."""
    require(request, "view_runs")
    run = run_or_404(run_id)
    context = {"run": run, "progress": run_progress(run)}
    response = render(request, "partials/run_status.html", context)
    if run.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    """Ask a run to stop."""
    require(request, "start_runs")
    run = request_cancel(run_or_404(run_id).pk)
    messages.info(request, f"Run #{run.pk}: cancellation requested.")
    return redirect("run-detail", run_id=run.pk)


@login_required
@require_POST
def run_retry(request: HttpRequest, run_id: int) -> HttpResponse:
    """Start a new run with the same parameters."""
    require(request, "start_runs")
    try:
        new = retry_run(run_or_404(run_id).pk, user=request.user)
    except RunError as exc:
        messages.error(request, str(exc))
        return redirect("run-detail", run_id=run_id)
    enqueue_run(new)
    messages.success(request, f"Run #{new.pk} queued with the same parameters.")
    return redirect("run-detail", run_id=new.pk)


@login_required
def topic_detail(request: HttpRequest, run_id, number: int) -> HttpResponse:
    """One topic: what it is, how people feel about it, who talks about it, typical quotes."""
    require(request, "view_runs")
    run = run_or_404(run_id)
    try:
        topic = get_topic(run, number, with_documents=can(request.user, "view_documents"))
    except TopicNotFound as exc:
        raise Http404(str(exc)) from None
    if topic.small:
        raise Http404(f"{topic.label}: nothing about it is shown.")
    trend = topic_trend(run, number)
    chart = {
        "months": [m.month.isoformat() for m in trend.months],
        "documents": [m.documents for m in trend.months],
        "sentiment": [m.sentiment for m in trend.months],
    }
    context = {"run": run, "topic": topic, "trend": trend, "chart": chart}
    return render(request, "runs/topic.html", context)


@login_required
def run_export(request: HttpRequest, run_id: int, what: str) -> StreamingHttpResponse:
    """CSV export of a run's memberships (`segments`) or documents (`documents`)."""
    require(request, "view_members")
    run = run_or_404(run_id)
    if what == "segments":
        rows, fields = segment_export_rows(run), SEGMENT_EXPORT_FIELDS
        action = AuditAction.EXPORT_SEGMENTS
    elif what == "documents":
        require(request, "view_documents")
        rows, fields = document_export_rows(run), DOCUMENT_EXPORT_FIELDS
        action = AuditAction.EXPORT_DOCUMENTS
    else:
        raise Http404("Unknown export.")
    record(request.user, action, f"run {run.pk}", format="csv")

    response = StreamingHttpResponse(csv_lines(rows, fields), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="run-{run.pk}-{what}.csv"'
    return response
