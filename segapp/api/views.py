"""API views: authenticate, validate, call one service or selector, shape the answer."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from segapp.api.filters import CustomerFilter, DocumentFilter, ImportJobFilter
from segapp.api.permissions import ImportPermission, require
from segapp.api.serializers import (
    CustomerSerializer,
    DocumentSerializer,
    ImportCreateSerializer,
    ImportJobSerializer,
    ImportRowIssueSerializer,
)
from segapp.selectors.customers import customers_with_counts, documents
from segapp.selectors.imports import import_jobs, issue_report_lines, job_issues
from segapp.services.ingest.service import (
    ImportOptions,
    ImportRequestError,
    create_import_job,
    enqueue_import_job,
)


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Import jobs: upload a file to start one, then follow its status and read its report."""

    serializer_class = ImportJobSerializer
    permission_classes = [ImportPermission]
    filterset_class = ImportJobFilter
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return import_jobs()

    @extend_schema(request=ImportCreateSerializer, responses={202: ImportJobSerializer})
    def create(self, request):
        """Upload a documents, customers or events file; the import runs on a worker."""
        data = ImportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        options = ImportOptions(
            mapping=values.get("map") or {},
            sensitive=tuple(values.get("sensitive") or ()),
            default_kind=values["default_kind"],
            delimiter=values.get("delimiter") or None,
            dayfirst=values.get("dayfirst"),
            consent=values.get("consent"),
        )
        upload = values["file"]
        try:
            job = create_import_job(
                file_type=values["type"],
                original_filename=upload.name,
                options=options,
                source="api",
                upload=upload,
                user=request.user,
            )
        except ImportRequestError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        enqueue_import_job(job)
        body = ImportJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: ImportRowIssueSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def issues(self, request, pk=None):
        """Row-level issues of the job (rejected rows and warnings), paginated."""
        job = self.get_object()
        page = self.paginate_queryset(
            job_issues(job, severity=request.query_params.get("severity"))
        )
        return self.get_paginated_response(ImportRowIssueSerializer(page, many=True).data)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        """The row-level report as CSV: row, column, severity, reason (values redacted)."""
        job = self.get_object()
        response = StreamingHttpResponse(issue_report_lines(job), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
        return response


class CustomerViewSet(viewsets.ReadOnlyModelViewSet):
    """Customers by pseudonym (HMAC-SHA256 of the external id under PSEUDONYM_KEY)."""

    serializer_class = CustomerSerializer
    permission_classes = [require("view_customers")]
    filterset_class = CustomerFilter
    lookup_field = "pseudonym"
    lookup_value_regex = "[0-9a-f]{64}"

    def get_queryset(self):
        return customers_with_counts()


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Documents as stored: redacted text, kind, channel, time, rating, metadata."""

    serializer_class = DocumentSerializer
    permission_classes = [require("view_documents")]
    filterset_class = DocumentFilter

    def get_queryset(self):
        return documents()
