"""API doors of the privacy centre: consent, access and erasure requests, receipts, the audit log.

Thin: validate, call `services.privacy`, answer. Consent can be recorded by
admins, privacy officers and integrations (a CRM pushing opt-outs); requests
and receipts need `manage_privacy`; the audit log needs `view_audit_log`.
Customers are named by pseudonym or by external id (pseudonymised here with
the deployment's key; the raw id is never stored). Reading a customer's
consent is a customer-level read and is audited like the other ones.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from segapp.api.errors import error_response
from segapp.api.pagination import StandardPagination, paginated
from segapp.api.permissions import require
from segapp.models import AuditAction
from segapp.selectors import privacy as privacy_selectors
from segapp.services.audit import record
from segapp.services.privacy import access, consent, erasure
from segapp.services.pseudonyms import normalise_external_id, pseudonymise

PSEUDONYM = r"[0-9a-fA-F]{64}"
EXAMPLE_PSEUDONYM = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
NOT_FOUND = error_response("No customer or request with this id (the error shape).")
INVALID = error_response("A missing or malformed field (the error shape).")


def _subject(data: dict) -> str:
    """The pseudonym a request body names, by `customer` (pseudonym) or `external_id`."""
    if data.get("external_id"):
        return pseudonymise(normalise_external_id(data["external_id"]))
    return data["customer"].lower()


class SubjectSerializer(serializers.Serializer):
    """Who the request is about: a pseudonym, or the external id to pseudonymise."""

    customer = serializers.RegexField(
        PSEUDONYM, required=False, help_text="The customer's pseudonym (64 hex digits)."
    )
    external_id = serializers.CharField(
        required=False, max_length=200, help_text="Or your own customer id."
    )

    def validate(self, attrs):
        if bool(attrs.get("customer")) == bool(attrs.get("external_id")):
            raise ValidationError({"customer": ["Give exactly one of customer or external_id."]})
        return attrs


class ConsentSerializer(serializers.Serializer):
    """A segmentation consent decision."""

    consented = serializers.BooleanField(help_text="false opts the customer out at once.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class ConsentStateSerializer(serializers.Serializer):
    """A customer's consent now and its history."""

    customer = serializers.CharField()
    segmentation_consent = serializers.BooleanField()
    updated_at = serializers.DateTimeField(allow_null=True)
    changed = serializers.BooleanField(required=False)
    history = serializers.ListField(child=serializers.DictField())


class PrivacyRequestInputSerializer(SubjectSerializer):
    """An access or erasure request."""

    kind = serializers.ChoiceField(choices=("access", "erasure"))
    confirm = serializers.BooleanField(
        required=False, default=False, help_text="Erasure only: must be true (it cannot be undone)."
    )


class ReceiptSerializer(serializers.Serializer):
    """A privacy request and, once done, its receipt (what was removed or exported)."""

    request = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()
    requested_by = serializers.CharField()
    channel = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField())
    error = serializers.CharField(allow_blank=True)


class AuditEntrySerializer(serializers.Serializer):
    """One audit-log entry."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    user = serializers.CharField()
    action = serializers.CharField()
    target = serializers.CharField()
    channel = serializers.CharField()
    details = serializers.DictField()


RECEIPT = {
    "request": "6f1c0a52-3f0e-4f7e-9d7a-0a1b2c3d4e5f",
    "kind": "erasure",
    "status": "done",
    "requested_by": "priya",
    "channel": "api",
    "created_at": "2026-03-01T12:00:00Z",
    "finished_at": "2026-03-01T12:00:02Z",
    "counts": {"documents": 4, "memberships": 2, "document_results": 8, "segment_profiles": 1,
               "embeddings": 4, "model_folders": 2, "events": 12, "audit_entries": 3,
               "customers": 1},
    "error": "",
}  # fmt: skip


class ConsentView(APIView):
    """Read or record one customer's segmentation consent."""

    permission_classes = [require("record_consent")]

    @extend_schema(
        summary="A customer's consent",
        responses={200: ConsentStateSerializer, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Consent",
                value={
                    "customer": EXAMPLE_PSEUDONYM,
                    "segmentation_consent": True,
                    "updated_at": "2026-03-01T12:00:00Z",
                    "history": [],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, pseudonym: str):
        state = self._state(pseudonym)
        record(
            request.user,
            AuditAction.VIEW_CUSTOMER,
            state["customer"],
            channel="api",
            view="consent",
        )
        return Response(state)

    @extend_schema(
        summary="Record a consent decision",
        description="`consented: false` opts the customer out at once: they are left out of "
        "new runs and disappear from member lists, exports, chat answers, quotes and persona "
        "examples of existing runs (whose stored sizes are marked as counting them). Opting "
        "in again applies to new runs.",
        request=ConsentSerializer,
        responses={200: ConsentStateSerializer, 400: INVALID, 404: NOT_FOUND},
        examples=[OpenApiExample("Opt out", value={"consented": False, "reason": "e-mail"})],
    )
    def put(self, request, pseudonym: str):
        body = ConsentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            changed = consent.change_consent(
                pseudonym,
                body.validated_data["consented"],
                user=request.user,
                channel="api",
                reason=body.validated_data["reason"],
            )
        except consent.UnknownCustomer as exc:
            raise NotFound(str(exc)) from None
        return Response({**self._state(pseudonym), "changed": changed})

    def _state(self, pseudonym: str) -> dict:
        try:
            customer = consent.customer_by_pseudonym(pseudonym)
        except consent.UnknownCustomer as exc:
            raise NotFound(str(exc)) from None
        return {
            "customer": customer.pseudonym,
            "segmentation_consent": customer.segmentation_consent,
            "updated_at": customer.consent_updated_at,
            "history": consent.consent_history(customer),
        }


class PrivacyRequestListView(APIView):
    """Start an access or erasure request, or list requests and receipts."""

    permission_classes = [require("manage_privacy")]

    @extend_schema(
        summary="Privacy requests",
        operation_id="privacy_requests_list",
        parameters=[
            OpenApiParameter("kind", str, enum=["access", "erasure", "rectification", "retention"]),
            OpenApiParameter("status", str, enum=["pending", "running", "done", "failed"]),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: paginated(ReceiptSerializer, name="PaginatedReceiptList")},
        examples=[
            OpenApiExample(
                "Requests",
                value={"count": 1, "next": None, "previous": None, "results": [RECEIPT]},
                response_only=True,
            )
        ],
    )
    def get(self, request):
        requests = privacy_selectors.requests(
            kind=request.query_params.get("kind"), status=request.query_params.get("status")
        )
        paginator = StandardPagination()
        page = paginator.paginate_queryset(requests, request, view=self)
        return paginator.get_paginated_response([privacy_selectors.receipt(r) for r in page])

    @extend_schema(
        summary="Start an access or erasure request",
        description="`access` answers at once with everything VoxSeg holds and derived about "
        "the customer (JSON; add `?output=html` for the readable page). `erasure` needs "
        "`confirm: true`; it is queued for the workers and answers 202 with the request, "
        "whose receipt `GET privacy/requests/{request}/` gives once done. Erasure is "
        "idempotent and resumes after a crash.",
        parameters=[
            OpenApiParameter(
                "output", str, enum=["json", "html"], description="html: the readable page."
            )
        ],
        request=PrivacyRequestInputSerializer,
        responses={
            200: OpenApiResponse(description="The access export (JSON, or HTML with output=html)."),
            202: ReceiptSerializer,
            400: INVALID,
        },
        examples=[
            OpenApiExample("Access", value={"kind": "access", "external_id": "C00042"}),
            OpenApiExample(
                "Erasure",
                value={"kind": "erasure", "external_id": "C00042", "confirm": True},
            ),
            OpenApiExample("Receipt", value=RECEIPT, response_only=True, status_codes=["202"]),
        ],
    )
    def post(self, request):
        body = PrivacyRequestInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subject = _subject(body.validated_data)
        if body.validated_data["kind"] == "access":
            export = access.build_export(subject)
            access.record_access(subject, export, user=request.user, channel="api")
            if request.query_params.get("output") == "html":
                return HttpResponse(access.render_html(export), content_type="text/html")
            return Response(export)
        if not body.validated_data["confirm"]:
            raise ValidationError({"confirm": ["Erasure cannot be undone: send confirm: true."]})
        started = erasure.open_erasure(subject, user=request.user, channel="api")
        from segapp.tasks import erase_customer

        erase_customer.delay(started.pk)
        return Response(privacy_selectors.receipt(started), status=status.HTTP_202_ACCEPTED)


class PrivacyRequestDetailView(APIView):
    """One privacy request: its state and, once done, its receipt."""

    permission_classes = [require("manage_privacy")]

    @extend_schema(
        summary="A privacy request's receipt",
        responses={200: ReceiptSerializer, 404: NOT_FOUND},
        examples=[OpenApiExample("Receipt", value=RECEIPT, response_only=True)],
    )
    def get(self, request, request_id):
        found = privacy_selectors.request_by_id(str(request_id))
        if found is None:
            raise NotFound("No privacy request with this id.")
        return Response(privacy_selectors.receipt(found))


class AuditLogView(APIView):
    """The audit log, newest first, filtered."""

    permission_classes = [require("view_audit_log")]

    @extend_schema(
        summary="The audit log",
        operation_id="privacy_audit_list",
        description="Who viewed a customer, exported members, asked the chat about a customer, "
        "ran an access or erasure request, and when. Append-only; only retention removes "
        "entries.",
        parameters=[
            OpenApiParameter("user", str, description="Username."),
            OpenApiParameter("action", str, description="e.g. view_customer, export_members."),
            OpenApiParameter("target", str, description="Contains this (e.g. a pseudonym)."),
            OpenApiParameter("channel", str, enum=["web", "api", "cli", "beat"]),
            OpenApiParameter("since", str, description="ISO date or date-time."),
            OpenApiParameter("until", str, description="ISO date or date-time."),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: paginated(AuditEntrySerializer, name="PaginatedAuditEntryList"),
            400: INVALID,
        },
        examples=[
            OpenApiExample(
                "Audit entries",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "id": 41,
                            "at": "2026-03-01T12:00:00Z",
                            "user": "bob",
                            "action": "view_customer",
                            "action_label": "Viewed a customer",
                            "target": EXAMPLE_PSEUDONYM,
                            "channel": "web",
                            "details": {"run": 3},
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        try:
            entries = privacy_selectors.audit_entries(request.query_params)
        except privacy_selectors.FilterError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from None
        paginator = StandardPagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response([privacy_selectors.audit_row(e) for e in page])
