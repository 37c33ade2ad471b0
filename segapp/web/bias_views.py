"""The bias audit page of a run, and the one-line summary the run page loads.

Thin doors over `services.bias` (compute, recompute) and `selectors.bias`
(what is shown, k-checked). The page needs the view_bias_audit capability
(admins, analysts, product managers, privacy officers); it shows k-anonymous
aggregates only, so viewing it is not written to the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from segapp.selectors.bias import bias_audit_view, bias_summary
from segapp.services.accounts import can
from segapp.services.bias import BiasAuditError, current_bias_audit, refresh_bias_audit
from segapp.web.access import require, run_or_404


@login_required
@require_http_methods(["GET", "POST"])
def bias_audit_page(request: HttpRequest, run_id) -> HttpResponse:
    """The audit of a run (computed first if there is none); POST recomputes it."""
    require(request, "view_bias_audit")
    run = run_or_404(run_id)
    if request.method == "POST":
        try:
            audit = refresh_bias_audit(run)
        except BiasAuditError as exc:
            messages.error(request, str(exc))
        else:
            if "error" not in audit.result:
                messages.success(request, "The bias audit was computed again.")
        return redirect("run-bias", run_id=run.pk)
    audit = _with_p_text(bias_audit_view(run, current_bias_audit(run)))
    context = {"run": run, "audit": audit, "chart_data": _chart_data(audit)}
    return render(request, "runs/bias.html", context)


@login_required
@require_GET
def bias_audit_line(request: HttpRequest, run_id) -> HttpResponse:
    """The line "Bias audit: … · view audit" for the run page; empty for roles without the right."""
    if not can(request.user, "view_bias_audit"):
        return HttpResponse("")
    run = run_or_404(run_id)
    if run.status != "succeeded":
        return HttpResponse("")
    return HttpResponse(
        format_html(
            '<p class="bias-line" data-testid="bias-line">Bias audit: {} · '
            '<a href="{}">view audit</a></p>',
            bias_summary(run),
            reverse("run-bias", kwargs={"run_id": run.pk}),
        )
    )


def _p_text(p: float | None) -> str:
    """A p-value for people: "0.03", "4.2e-07"; templates would print 0.00000042."""
    return "–" if p is None else f"{p:.2g}"


def _with_p_text(audit: dict) -> dict:
    """The audit with each p-value also as text (`p_text`) for the page."""
    for attribute in audit.get("attributes", []):
        for row in attribute.get("rows", []):
            row["p_text"] = _p_text(row["p_adjusted"])
        if attribute.get("omnibus"):
            attribute["omnibus"]["p_text"] = _p_text(attribute["omnibus"]["p_value"])
    return audit


def _chart_data(audit: dict) -> list[dict]:
    """Per numeric attribute, segment means against the population mean (plotly bar data)."""
    charts = []
    for attribute in audit.get("attributes", []):
        if attribute.get("kind") != "numeric" or not attribute.get("rows"):
            continue
        rows = attribute["rows"]
        charts.append(
            {
                "attribute": attribute["name"],
                "population": attribute["population"]["mean"],
                "names": [f"{r['segment']} · {r['name']}" for r in rows],
                "means": [r["mean"] for r in rows],
                "flagged": [r["flagged"] for r in rows],
            }
        )
    return charts
