"""API views: authenticate, validate, call one service or selector, shape the answer."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from segapp.api import examples
from segapp.api.dp_views import NoPrivacyPolicy
from segapp.api.errors import error_response
from segapp.api.filters import DocumentFilter
from segapp.api.permissions import require
from segapp.api.serializers import DocumentSerializer
from segapp.models import AuditAction
from segapp.selectors.customers import documents
from segapp.services.audit import record, record_customer_list

FORBIDDEN = error_response("Your role does not allow this (the error shape).")
NOT_FOUND = error_response("No such resource (the error shape).")


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
    """Documents as stored: redacted text, kind, channel, time, rating, metadata.

    Reads are audited like customer reads: a list page is one entry naming the
    customers whose documents it shows, one document an entry on its customer.
    """

    serializer_class = DocumentSerializer
    permission_classes = [require("view_documents"), NoPrivacyPolicy]
    filterset_class = DocumentFilter

    def get_queryset(self):
        return documents()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if page:
            record_customer_list(
                request.user,
                list(dict.fromkeys(d.customer.pseudonym for d in page)),
                listing="documents",
                channel="api",
                documents=[d.pk for d in page],
                query=request.query_params.urlencode(),
            )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        document = self.get_object()
        record(
            request.user,
            AuditAction.VIEW_CUSTOMER,
            document.customer.pseudonym,
            channel="api",
            document=document.pk,
        )
        return Response(self.get_serializer(document).data)
