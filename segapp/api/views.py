"""API views: authenticate, validate, call one service or selector, shape the answer."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from segapp.api import examples
from segapp.api.dp_views import NoPrivacyPolicy
from segapp.api.errors import error_response
from segapp.api.filters import CustomerFilter, DocumentFilter
from segapp.api.permissions import require
from segapp.api.persona_serializers import CustomerMembershipSerializer, ExplanationSerializer
from segapp.api.serializers import (
    CustomerDetailSerializer,
    CustomerSerializer,
    DocumentSerializer,
)
from segapp.models import AuditAction
from segapp.selectors.customers import customers_with_counts, documents
from segapp.selectors.personas import CustomerNotFound, customer_memberships, explain_customer
from segapp.selectors.runs import RunNotFound, get_run
from segapp.services.accounts import can
from segapp.services.audit import record

FORBIDDEN = error_response("Your role does not allow this (the error shape).")
NOT_FOUND = error_response("No such resource (the error shape).")


@extend_schema_view(
    list=extend_schema(
        summary="Customers",
        responses={200: CustomerSerializer(many=True), 403: FORBIDDEN},
        examples=[examples.CUSTOMER_LIST_EXAMPLE],
    ),
)
class CustomerViewSet(viewsets.ReadOnlyModelViewSet):
    """Customers by pseudonym (HMAC-SHA256 of the external id under PSEUDONYM_KEY)."""

    serializer_class = CustomerSerializer
    permission_classes = [require("view_customers"), NoPrivacyPolicy]
    filterset_class = CustomerFilter
    lookup_field = "pseudonym"
    lookup_value_regex = "[0-9a-f]{64}"

    def get_queryset(self):
        return customers_with_counts()

    @extend_schema(
        summary="A customer, their memberships and why they are in their segment",
        description="The customer's data and their place in every successful run. Roles "
        "that may explain customers (admin, analyst) also get `explanation` for the latest "
        "successful run, or the run chosen with `?run=ID`; each such view is written to "
        "the audit log. Other roles get `explanation: null` and `explanation_hidden: true`.",
        parameters=[
            OpenApiParameter(
                "run",
                OpenApiTypes.STR,
                description="Explain the customer in this run (an id or `latest`).",
            )
        ],
        responses={200: CustomerDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[examples.CUSTOMER_DETAIL_EXAMPLE],
    )
    def retrieve(self, request, pseudonym=None):
        customer = self.get_object()
        explanation, hidden = None, not can(request.user, "explain_customers")
        if not hidden:
            explanation = self._explanation(request, customer.pseudonym)
        memberships = customer_memberships(customer.pseudonym)
        return Response(
            {
                **CustomerSerializer(customer).data,
                "memberships": CustomerMembershipSerializer(memberships, many=True).data,
                "explanation": ExplanationSerializer(explanation).data if explanation else None,
                "explanation_hidden": hidden,
            }
        )

    def _explanation(self, request, pseudonym: str) -> dict | None:
        chosen = request.query_params.get("run")
        try:
            run = get_run(chosen or "latest")
            explanation = explain_customer(run, pseudonym)
        except (RunNotFound, CustomerNotFound) as exc:
            if chosen:  # asked for this run: say why there is nothing
                raise NotFound(str(exc)) from None
            return None
        record(request.user, AuditAction.VIEW_CUSTOMER, pseudonym, channel="api", run=run.pk)
        return explanation


@extend_schema_view(
    list=extend_schema(
        summary="Documents",
        responses={200: DocumentSerializer(many=True), 403: FORBIDDEN},
        examples=[examples.DOCUMENT_LIST_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="A document",
        responses={200: DocumentSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[examples.DOCUMENT_EXAMPLE],
    ),
)
class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Documents as stored: redacted text, kind, channel, time, rating, metadata."""

    serializer_class = DocumentSerializer
    permission_classes = [require("view_documents"), NoPrivacyPolicy]
    filterset_class = DocumentFilter

    def get_queryset(self):
        return documents()
