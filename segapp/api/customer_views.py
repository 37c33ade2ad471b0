"""API views of customers: the list, one customer by pseudonym, and lookup by the integrator's id.

What a caller reads is decided once, by capability (`serializers.customer_shape`):
admins and analysts get the whole profile and explanations; integrations get
the pseudonym, times and memberships only. Every read is written to the
audit log, whoever reads: one entry per customer shown on its own (target:
the pseudonym) and one entry per list page naming every pseudonym on it
(`services.audit.record_customer_list`).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from segapp.api import examples
from segapp.api.dp_views import NoPrivacyPolicy
from segapp.api.errors import error_response
from segapp.api.filters import CustomerFilter
from segapp.api.permissions import require
from segapp.api.serializers import (
    CustomerByRoleSerializer,
    CustomerListItemByRoleSerializer,
    CustomerLookupQuerySerializer,
    customer_shape,
)
from segapp.models import AuditAction, Customer
from segapp.selectors.customers import (
    customer_by_external_id,
    customer_by_pseudonym,
    customer_detail,
    customers_with_counts,
)
from segapp.selectors.personas import CustomerNotFound
from segapp.selectors.runs import RunNotFound
from segapp.services.audit import record, record_customer_list

FORBIDDEN = error_response("Your role does not allow this (the error shape).")
NOT_FOUND = error_response("No such customer, or no such run asked for (the error shape).")
INVALID = error_response("external_id is missing or empty (the error shape).")

_MEMBERSHIPS_ONLY = {
    "pseudonym": examples.PSEUDONYM,
    "created_at": "2026-01-02T10:00:00Z",
    "updated_at": "2026-01-02T10:00:00Z",
}
INTEGRATION_DETAIL_EXAMPLE = OpenApiExample(
    "A customer as an integration reads them (memberships only)",
    value={
        **_MEMBERSHIPS_ONLY,
        "memberships": examples.CUSTOMER_DETAIL_EXAMPLE.value["memberships"],
        "explanation": None,
        "explanation_hidden": True,
    },
    response_only=True,
)
INTEGRATION_LIST_EXAMPLE = OpenApiExample(
    "A customer in the list as an integration reads it", value=_MEMBERSHIPS_ONLY, response_only=True
)
ROLE_NOTE = (
    "Admins and analysts read the whole profile (behaviour, event features, attributes, "
    "sensitive values, consent, activity counts); integrations read the pseudonym, times and "
    "memberships only. Every read is written to the audit log."
)
RUN_PARAMETER = OpenApiParameter(
    "run", OpenApiTypes.STR, description="Explain the customer in this run (an id or `latest`)."
)


class CustomerViewSet(viewsets.ReadOnlyModelViewSet):
    """Customers by pseudonym (HMAC-SHA256 of the external id under PSEUDONYM_KEY)."""

    permission_classes = [require("view_customers"), NoPrivacyPolicy]
    filterset_class = CustomerFilter
    lookup_field = "pseudonym"
    lookup_value_regex = "[0-9a-fA-F]{64}"
    queryset = Customer.objects.none()  # for the schema; get_queryset reads

    def get_queryset(self):
        return customers_with_counts()

    def get_serializer_class(self):
        return customer_shape(self.request.user).list

    @extend_schema(
        summary="Customers",
        description=f"{ROLE_NOTE} A list page is one audit entry naming every customer on it.",
        responses={200: CustomerListItemByRoleSerializer(many=True), 403: FORBIDDEN},
        examples=[examples.CUSTOMER_LIST_EXAMPLE, INTEGRATION_LIST_EXAMPLE],
    )
    def list(self, request, *args, **kwargs):
        shape = customer_shape(request.user)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if page:
            record_customer_list(
                request.user,
                [c.pseudonym for c in page],
                listing="customers",
                channel="api",
                scope=shape.scope,
                query=request.query_params.urlencode(),
            )
        return self.get_paginated_response(shape.list(page, many=True).data)

    @extend_schema(
        summary="A customer, their memberships and why they are in their segment",
        description="The customer and their place in every successful run. The pseudonym may "
        "be given in upper or lower case. Roles that may explain customers (admin, analyst) "
        "also get `explanation` for the latest successful run, or the run chosen with "
        "`?run=ID`; other roles get `explanation: null` and `explanation_hidden: true`. "
        + ROLE_NOTE,
        parameters=[RUN_PARAMETER],
        responses={200: CustomerByRoleSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[examples.CUSTOMER_DETAIL_EXAMPLE, INTEGRATION_DETAIL_EXAMPLE],
    )
    def retrieve(self, request, pseudonym=None):
        try:
            customer = customer_by_pseudonym(pseudonym)
        except CustomerNotFound as exc:
            raise NotFound(str(exc)) from None
        return self._detail(request, customer)

    @extend_schema(
        summary="A customer by your own id",
        description="The same body as `customers/{pseudonym}/`, for the customer you know as "
        "`external_id`: VoxSeg computes the pseudonym (HMAC-SHA256 under PSEUDONYM_KEY) and "
        "never stores or logs the id. 404 when no such customer is held. " + ROLE_NOTE,
        parameters=[
            OpenApiParameter(
                "external_id",
                OpenApiTypes.STR,
                required=True,
                description="Your id of the customer, as in the files you import.",
                examples=[OpenApiExample("An external id", value="CRM-000123")],
            ),
            RUN_PARAMETER,
        ],
        responses={200: CustomerByRoleSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[examples.CUSTOMER_DETAIL_EXAMPLE, INTEGRATION_DETAIL_EXAMPLE],
    )
    @action(detail=False, methods=["get"], url_path="lookup", filter_backends=[])
    def lookup(self, request):
        """A customer by the integrator's own id (SPEC: customer lookup)."""
        query = CustomerLookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            customer = customer_by_external_id(query.validated_data["external_id"])
        except CustomerNotFound as exc:
            raise NotFound(str(exc)) from None
        return self._detail(request, customer, looked_up_by="external_id")

    def _detail(self, request, customer: Customer, **audit_details) -> Response:
        shape = customer_shape(request.user)
        try:
            customer = customer_detail(
                customer, explain=shape.explains, run=request.query_params.get("run")
            )
        except (RunNotFound, CustomerNotFound) as exc:
            raise NotFound(str(exc)) from None
        if customer.explained_run is not None:
            audit_details["run"] = customer.explained_run
        record(
            request.user,
            AuditAction.VIEW_CUSTOMER,
            customer.pseudonym,
            channel="api",
            scope=shape.scope,
            **audit_details,
        )
        return Response(shape.detail(customer).data)
