"""Persona pages: the segment map, a persona per segment, comparisons, members' exports, customers.

Thin doors over `selectors.personas`, `selectors.maps` and `selectors.trends`.
Who sees what follows the role capabilities: every role reads personas;
member lists and exports need view_members/export_members (never product
managers); quotes need view_documents; customer pages need explain_customers.
Every export and every customer page view writes an audit entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from segapp.models import AuditAction
from segapp.selectors.exports import csv_lines
from segapp.selectors.maps import segment_map
from segapp.selectors.personas import (
    MEMBER_EXPORT_FIELDS,
    CustomerNotFound,
    SegmentNotFound,
    compare_personas,
    explain_customer,
    get_persona,
    member_export_rows,
    members,
    persona_list,
)
from segapp.selectors.placement import counts_of, with_count_headers
from segapp.selectors.runs import RunNotFound, get_run
from segapp.selectors.topics import topic_overviews
from segapp.selectors.trends import topic_volumes
from segapp.services.accounts import can
from segapp.services.audit import record, record_customer_list
from segapp.web.access import require, run_or_404

MEMBERS_PER_PAGE = 25
OUTLIER_COLOUR = "#c3c7cf"
SMALL_COLOUR = "#e2e4e9"
# Colour of segment n: PALETTE[n % len(PALETTE)], the same on the map, list and charts.
PALETTE = (
    "#4f46e5", "#0e9384", "#dd6b20", "#c11574", "#2e90fa", "#66c61c",
    "#9e77ed", "#e31b54", "#b54708", "#15b79e", "#6172f3", "#ee46bc",
)  # fmt: skip


def segment_colour(number: int) -> str:
    """The colour of a segment on every chart."""
    return PALETTE[number % len(PALETTE)]


def _persona_or_404(run, number: int, *, with_quotes: bool) -> dict:
    try:
        return get_persona(run, number, with_quotes=with_quotes)
    except SegmentNotFound as exc:
        raise Http404(str(exc)) from None


def _succeededrun_or_404(ref):
    run = run_or_404(ref)
    if run.status != "succeeded":
        raise Http404(f"Run {run.pk} has no results ({run.get_status_display().lower()}).")
    return run


@login_required
def segment_overview(request: HttpRequest, run_id) -> HttpResponse:
    """The segment map (2-D projection, coloured by segment) beside the list of personas."""
    require(request, "view_personas")
    run = _succeededrun_or_404(run_id)
    personas = persona_list(run)
    for persona in personas:
        persona["colour"] = SMALL_COLOUR if persona["small"] else segment_colour(persona["number"])
    drawn = segment_map(run)
    groups = [
        {
            "name": group.name,
            "colour": OUTLIER_COLOUR
            if group.outlier
            else SMALL_COLOUR
            if group.small
            else segment_colour(group.number),
            "url": None
            if group.outlier or group.small
            else reverse("segment-detail", args=[run.pk, group.number]),
            "x": group.x,
            "y": group.y,
        }
        for group in drawn.groups
    ]
    context = {"run": run, "personas": personas, "map": drawn, "map_groups": groups}
    return render(request, "runs/map.html", context)


@login_required
def segment_detail(request: HttpRequest, run_id, number: int) -> HttpResponse:
    """A persona page: who they are, what they talk about and feel, how they behave and say it."""
    require(request, "view_personas")
    run = _succeededrun_or_404(run_id)
    persona = _persona_or_404(run, number, with_quotes=can(request.user, "view_documents"))
    persona["colour"] = segment_colour(number)
    others = [p for p in persona_list(run) if not p["small"] and p["number"] != number]
    member_page = None
    if can(request.user, "view_members"):
        member_page = Paginator(members(run, number), MEMBERS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        shown = [m.customer.pseudonym for m in member_page.object_list]
        if shown:  # a page of customers: one audit entry naming each of them
            record_customer_list(
                request.user, shown, listing=f"run {run.pk} segment {number} members"
            )
    charts = {
        "colour": persona["colour"],
        "topics": [
            {
                "label": t["label"],
                "lift": t.get("lift"),
                "share": t.get("share"),
                "sentiment": t.get("sentiment"),
            }
            for t in persona["top_topics"]
        ],  # fmt: skip
        "traits": [
            {
                "label": t["label"],
                "effect": t["effect_size"],
                "segment": t["segment_mean"],
                "population": t["population_mean"],
            }
            for t in persona["traits"]
        ],  # fmt: skip
        "mix": persona.get("sentiment_mix") or {},
    }
    context = {
        "run": run,
        "persona": persona,
        "others": others,
        "member_page": member_page,
        "charts": charts,
        "can_export": can(request.user, "export_members"),
        "can_explain": can(request.user, "explain_customers"),
    }
    return render(request, "runs/segment.html", context)


@login_required
def segment_export(request: HttpRequest, run_id, number: int, fmt: str) -> StreamingHttpResponse:
    """The members of a segment as CSV or JSON for activation (pseudonyms only); audited."""
    require(request, "export_members")
    run = _succeededrun_or_404(run_id)
    if fmt not in ("csv", "json"):
        raise Http404("Exports are CSV or JSON.")
    try:
        rows = member_export_rows(run, number)
    except SegmentNotFound as exc:
        raise Http404(str(exc)) from None
    record(request.user, AuditAction.EXPORT_MEMBERS, f"run {run.pk} segment {number}", format=fmt)
    if fmt == "csv":
        body, content_type = csv_lines(rows, MEMBER_EXPORT_FIELDS), "text/csv"
    else:
        body, content_type = _json_array(rows), "application/json"
    response = StreamingHttpResponse(body, content_type=content_type)
    filename = f"run-{run.pk}-segment-{number}-members.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return with_count_headers(response, counts_of(run, number))


def _json_array(rows: Iterator[dict]) -> Iterator[str]:
    yield "["
    for i, row in enumerate(rows):
        yield ("," if i else "") + json.dumps(row, cls=DjangoJSONEncoder)
    yield "]\n"


@login_required
def segment_compare(request: HttpRequest, run_id) -> HttpResponse:
    """Two personas side by side: traits, topics, sentiment, rules; a form picks them."""
    require(request, "view_personas")
    run = _succeededrun_or_404(run_id)
    choices = [p for p in persona_list(run) if not p["small"]]
    numbers = [p["number"] for p in choices]
    a, b, error = _pair(request, numbers)
    comparison = None
    if a is not None and b is not None and not error:
        try:
            comparison = compare_personas(run, a, b)
        except SegmentNotFound as exc:
            error = str(exc)
    compare_chart = None
    if comparison:
        compare_chart = {
            "a": comparison["a"]["name"],
            "b": comparison["b"]["name"],
            "colour_a": segment_colour(a),
            "colour_b": segment_colour(b),
            "topics": comparison["topics"],
        }
    context = {
        "run": run,
        "compare_chart": compare_chart,
        "choices": choices,
        "a": a,
        "b": b,
        "error": error,
        "comparison": comparison,
        "colour_a": segment_colour(a) if a is not None else None,
        "colour_b": segment_colour(b) if b is not None else None,
    }
    return render(request, "runs/compare.html", context, status=400 if error else 200)


def _pair(request: HttpRequest, numbers: list[int]) -> tuple[int | None, int | None, str]:
    """The two segment numbers asked for (defaults: the two largest), or a message."""
    raw_a, raw_b = request.GET.get("a"), request.GET.get("b")
    if raw_a is None and raw_b is None:
        return (numbers[0], numbers[1], "") if len(numbers) > 1 else (None, None, "")
    try:
        a, b = int(raw_a or ""), int(raw_b or "")
    except ValueError:
        return None, None, "Pick two segments from the lists."
    if a == b:
        return a, b, "Pick two different segments."
    return a, b, ""


@login_required
def customer_detail(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Why a customer is in their segment (latest successful run, or ?run=ID); audited."""
    require(request, "explain_customers")
    try:
        run = get_run(request.GET.get("run") or "latest")
    except RunNotFound as exc:
        raise Http404(str(exc)) from None
    try:
        explanation = explain_customer(run, pseudonym)
    except CustomerNotFound as exc:
        raise Http404(str(exc)) from None
    record(request.user, AuditAction.VIEW_CUSTOMER, pseudonym, run=run.pk)
    segment = explanation["segment"] or explanation["soft_segment"]
    context = {
        "run": run,
        "x": explanation,
        "segment_ref": segment,
        "colour": segment_colour(segment["number"]) if segment else OUTLIER_COLOUR,
    }
    return render(request, "customers/detail.html", context)


@login_required
def topic_index(request: HttpRequest, run_id) -> HttpResponse:
    """Every topic of a run with its size and sentiment, and topic volume over time."""
    require(request, "view_runs")
    run = _succeededrun_or_404(run_id)
    topics = topic_overviews(run, with_documents=False)
    volumes = topic_volumes(run)
    labels = {t.number: t.label for t in topics}
    top = [t.number for t in topics[:8]]
    chart = {
        "months": [m.isoformat() for m in volumes.months],
        "series": [
            {"label": labels[n], "counts": volumes.counts.get(n, [])}
            for n in top
            if n in volumes.counts
        ],
    }
    context = {"run": run, "topics": topics, "volumes": volumes, "chart": chart}
    return render(request, "runs/topics.html", context)
