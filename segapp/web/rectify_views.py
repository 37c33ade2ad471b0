"""The rectification page: see what is held about a customer and correct it.

A thin door over :mod:`segapp.services.privacy.rectify`, for `manage_privacy`
(admins, privacy officers). The page shows the customer's attributes
(behaviour, other attributes, sensitive) and texts, each correctable in a
form that must be confirmed; after a correction it shows the request's
receipt. Opening the page is written to the audit log, since it shows
sensitive attributes and texts.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from segapp.models import AuditAction, PrivacyRequest, RequestKind
from segapp.services.audit import record
from segapp.services.privacy.rectify import (
    Correctable,
    RectificationError,
    UnknownCustomer,
    UnknownDocument,
    correctable,
    rectify,
)
from segapp.web.access import require

DOCUMENTS_PER_PAGE = 20
CONFIRM_LABEL = "I confirm this correction"


class AttributesForm(forms.Form):
    """One input per attribute held, one for an attribute to add, and the confirmation.

    Only inputs whose value differs from what is stored become corrections;
    an emptied input removes the attribute.
    """

    new_name = forms.CharField(max_length=100, required=False, label="Add an attribute")
    new_value = forms.CharField(max_length=500, required=False, label="Its value")
    confirm = forms.BooleanField(label=CONFIRM_LABEL)

    def __init__(self, attributes: list[tuple[str, str, Any]], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.held: dict[str, tuple[str, str]] = {}
        for place, name, value in attributes:
            key = _field_key(name)
            self.held[key] = (name, _shown(value))
            self.fields[key] = forms.CharField(
                max_length=500, required=False, initial=_shown(value), label=name, strip=True
            )
            self.fields[key].place = place

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        if data.get("new_value", "").strip() and not data.get("new_name", "").strip():
            raise forms.ValidationError("Name the attribute to add.")
        if not self.changes():
            raise forms.ValidationError("Nothing was changed.")
        return data

    def changes(self) -> dict[str, str | None]:
        """The corrections asked for: name → new value, or None to remove."""
        data = self.cleaned_data
        changes: dict[str, str | None] = {}
        for key, (name, shown) in self.held.items():
            value = (data.get(key) or "").strip()
            if value != shown:
                changes[name] = value or None
        name = (data.get("new_name") or "").strip()
        if name:
            changes[name] = (data.get("new_value") or "").strip() or None
        return changes

    def attribute_rows(self) -> list[tuple[str, forms.BoundField]]:
        """(where it is kept, bound input) per attribute held, for the template."""
        return [(self.fields[key].place, self[key]) for key in self.held]


class DocumentForm(forms.Form):
    """A document's corrected text, confirmed."""

    document = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "style": "width: 100%"}), strip=False
    )
    confirm = forms.BooleanField(label=CONFIRM_LABEL)


def _field_key(name: str) -> str:
    """A form field name that stays with the attribute even if others come or go."""
    return "attr_" + hashlib.sha256(name.encode()).hexdigest()[:16]


def _shown(value: Any) -> str:
    """A stored value as an input shows it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


@login_required
def rectify_page(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """GET: the customer's data with correction forms. POST: apply one confirmed correction."""
    require(request, "manage_privacy")
    data = _correctable_or_404(pseudonym)
    attributes_form = AttributesForm(data.attributes, prefix="a")
    document_form: DocumentForm | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "attributes":
            attributes_form = AttributesForm(data.attributes, request.POST, prefix="a")
            if attributes_form.is_valid():
                return _apply(request, data, attributes_form, changes=attributes_form.changes())
        elif action == "document":
            document_form = DocumentForm(request.POST, prefix="d")
            if document_form.is_valid():
                texts = {document_form.cleaned_data["document"]: document_form.cleaned_data["text"]}
                return _apply(request, data, document_form, texts=texts)
        else:
            messages.error(request, "Choose what to correct.")
        return _render(request, data, attributes_form, document_form, status=400)
    record(request.user, AuditAction.VIEW_CUSTOMER, data.customer.pseudonym, page="rectify")
    return _render(request, data, attributes_form, None)


def _correctable_or_404(pseudonym: str) -> Correctable:
    try:
        return correctable(pseudonym)
    except UnknownCustomer as exc:
        raise Http404(str(exc)) from None


def _apply(request, data: Correctable, form: forms.Form, **corrections) -> HttpResponse:
    try:
        receipt = rectify(data.customer.pseudonym, user=request.user, channel="web", **corrections)
    except (RectificationError, UnknownDocument) as exc:
        form.add_error(None, str(exc))
        attributes_form = form if isinstance(form, AttributesForm) else None
        document_form = form if isinstance(form, DocumentForm) else None
        return _render(request, data, attributes_form, document_form, status=400)
    fields, documents = receipt.counts.get("fields", 0), receipt.counts.get("documents", 0)
    messages.success(
        request,
        f"Corrected {fields} attribute{'s' if fields != 1 else ''} and "
        f"{documents} text{'s' if documents != 1 else ''}.",
    )
    url = reverse("privacy-rectify", args=[data.customer.pseudonym])
    return redirect(f"{url}?request={receipt.request_id}")


def _render(request, data: Correctable, attributes_form, document_form, *, status: int = 200):
    if attributes_form is None:
        attributes_form = AttributesForm(data.attributes, prefix="a")
    page = Paginator(data.documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    failed = document_form.data.get("d-document") if document_form is not None else None
    documents = [
        {"document": document, "form": _document_form(document, document_form, failed)}
        for document in page
    ]
    context = {
        "customer": data.customer,
        "derived": data.derived,
        "attributes_form": attributes_form,
        "documents": documents,
        "page": page,
        "receipt": _receipt(request, data),
        "orphan_error": _orphan_error(document_form, failed, page),
    }
    return render(request, "privacy/rectify.html", context, status=status)


def _document_form(document, submitted: DocumentForm | None, failed) -> DocumentForm:
    auto_id = f"id_doc{document.pk}_%s"
    if submitted is not None and failed == str(document.pk):
        submitted.auto_id = auto_id
        return submitted
    initial = {"document": document.pk, "text": document.text}
    return DocumentForm(initial=initial, prefix="d", auto_id=auto_id)


def _receipt(request, data: Correctable) -> PrivacyRequest | None:
    """The rectification just made (?request=<uuid>), when it concerns this customer."""
    try:
        wanted = uuid.UUID(request.GET.get("request", ""))
    except ValueError:
        return None
    return PrivacyRequest.objects.filter(
        request_id=wanted, kind=RequestKind.RECTIFICATION, subject=data.customer.pseudonym
    ).first()


def _orphan_error(document_form, failed, page) -> str:
    """An error of a document form whose document is not on this page (or not theirs)."""
    if document_form is None or not document_form.errors:
        return ""
    if failed and any(str(d.pk) == failed for d in page):
        return ""
    return " ".join(str(e) for errors in document_form.errors.values() for e in errors)
