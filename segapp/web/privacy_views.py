"""Privacy centre pages: requests, consent, access exports, erasure, retention, the audit log.

Thin doors over `services.privacy` and `selectors.privacy`. The centre and
requests need `manage_privacy` (admins, privacy officers); the audit log
needs `view_audit_log`. Erasure asks for confirmation (typing ERASE) and runs
in the request, like `dsar erase`, then shows its receipt.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from segapp.models import BiasAudit, SegmentationRun
from segapp.selectors import privacy as selectors
from segapp.selectors.bias import bias_summary
from segapp.services.accounts import can
from segapp.services.privacy import access, consent, erasure, retention
from segapp.services.pseudonyms import normalise_external_id, pseudonymise
from segapp.web.access import require

CONFIRM_WORD = "ERASE"


class FindCustomerForm(forms.Form):
    """Find the subject of a request by external id or pseudonym."""

    customer = forms.CharField(
        max_length=200, label="Customer id or pseudonym", strip=True, required=True
    )

    def pseudonym(self) -> str:
        value = self.cleaned_data["customer"]
        lowered = value.lower()
        if len(lowered) == 64 and all(c in "0123456789abcdef" for c in lowered):
            return lowered
        return pseudonymise(normalise_external_id(value))


class ConsentForm(forms.Form):
    """A consent decision with an optional reason."""

    consented = forms.TypedChoiceField(
        choices=(("1", "Give consent"), ("0", "Withdraw consent")),
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(max_length=300, required=False)


class EraseForm(forms.Form):
    """Erasure confirmation: the word ERASE, typed."""

    confirm = forms.CharField(max_length=20, label=f"Type {CONFIRM_WORD} to confirm")

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != CONFIRM_WORD:
            raise forms.ValidationError(f"Type {CONFIRM_WORD} in capitals to confirm the erasure.")
        return value


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    """The privacy officer's overview."""
    require(request, "manage_privacy")
    if request.method == "POST":
        form = FindCustomerForm(request.POST)
        if form.is_valid():
            return redirect("privacy-subject", pseudonym=form.pseudonym())
    else:
        form = FindCustomerForm()
    latest = SegmentationRun.objects.filter(status="succeeded").order_by("-finished_at").first()
    bias = BiasAudit.objects.filter(run=latest).first() if latest else None
    bias_line = bias_summary(latest) if bias is not None else ""
    context = {
        "form": form,
        "requests": selectors.requests()[:15],
        "consent": selectors.consent_figures(),
        "retention": retention.status(),
        "latest_run": latest,
        "bias": bias,
        "bias_line": bias_line,
        "audit": [selectors.audit_row(e) for e in selectors.audit_entries({})[:10]],
        "budget": _budget_status(),
    }
    return render(request, "privacy/centre.html", context)


def _budget_status() -> dict | None:
    """The differential-privacy budget card, when that module is installed."""
    try:
        from segapp.selectors.privacy_budget import budget_status
    except ImportError:
        return None
    return budget_status()


@login_required
def subject(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """One customer as a privacy request sees them: consent, what is held, actions."""
    require(request, "manage_privacy")
    export = access.build_export(pseudonym)
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid() and export["held"]:
            changed = consent.change_consent(
                pseudonym,
                form.cleaned_data["consented"],
                user=request.user,
                channel="web",
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, "Consent recorded." if changed else "Consent unchanged.")
            return redirect("privacy-subject", pseudonym=pseudonym)
    context = {
        "pseudonym": pseudonym,
        "export": export,
        "counts": access.export_counts(export),
        "consent_form": ConsentForm(),
        "erase_form": EraseForm(),
    }
    return render(request, "privacy/subject.html", context)


@login_required
def subject_export(request: HttpRequest, pseudonym: str, fmt: str) -> HttpResponse:
    """Download the access export (JSON or HTML); recorded as an access request."""
    require(request, "manage_privacy")
    if fmt not in ("json", "html"):
        raise Http404("Exports are JSON or HTML.")
    export = access.build_export(pseudonym)
    access.record_access(pseudonym, export, user=request.user, channel="web")
    if fmt == "json":
        response = HttpResponse(access.render_json(export), content_type="application/json")
    else:
        response = HttpResponse(access.render_html(export), content_type="text/html")
    name = f"voxseg-access-{pseudonym[:12]}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def subject_erase(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Erase the customer once confirmed, then show the receipt."""
    require(request, "manage_privacy")
    form = EraseForm(request.POST)
    if not form.is_valid():
        export = access.build_export(pseudonym)
        context = {
            "pseudonym": pseudonym,
            "export": export,
            "counts": access.export_counts(export),
            "consent_form": ConsentForm(),
            "erase_form": form,
        }
        return render(request, "privacy/subject.html", context, status=400)
    receipt = erasure.erase_customer(pseudonym, user=request.user, channel="web")
    messages.success(request, "The customer was erased everywhere. This receipt remains.")
    return redirect("privacy-request", request_id=receipt.request_id)


@login_required
def request_detail(request: HttpRequest, request_id) -> HttpResponse:
    """A request's state and receipt."""
    require(request, "manage_privacy")
    found = selectors.request_by_id(str(request_id))
    if found is None:
        raise Http404("No privacy request with this id.")
    return render(request, "privacy/receipt.html", {"r": selectors.receipt(found), "row": found})


@login_required
@require_POST
def retention_sweep(request: HttpRequest) -> HttpResponse:
    """Enforce retention now (the same sweep Celery beat runs daily)."""
    require(request, "manage_privacy")
    receipt = retention.enforce(user=request.user, channel="web")
    removed = sum(int(v) for v in receipt.counts.values())
    messages.success(request, f"Retention enforced: {removed} records removed.")
    return redirect("privacy-request", request_id=receipt.request_id)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, filterable, newest first."""
    require(request, "view_audit_log")
    params = {k: request.GET.get(k, "").strip() for k in selectors.AUDIT_FILTERS}
    error = ""
    try:
        entries = selectors.audit_entries(params)
    except selectors.FilterError as exc:
        error, entries = str(exc), selectors.audit_entries({})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    context = {
        "page": page,
        "rows": [selectors.audit_row(e) for e in page],
        "params": params,
        "actions": selectors.audit_actions(),
        "error": error,
        "query": query,
        "can_manage": can(request.user, "manage_privacy"),
    }
    return render(request, "privacy/audit.html", context, status=400 if error else 200)
