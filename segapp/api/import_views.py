"""Import endpoints: preview a file, upload it, follow the job, read its report, retry it."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from segapp.api import examples
from segapp.api.errors import error_response
from segapp.api.filters import ImportJobFilter
from segapp.api.import_serializers import (
    ImportCreateSerializer,
    ImportJobSerializer,
    ImportPreviewRequestSerializer,
    ImportPreviewSerializer,
    ImportRetrySerializer,
    ImportRowIssueSerializer,
)
from segapp.api.permissions import ImportPermission
from segapp.selectors.import_access import imported_jobs, issue_lines, report_lines
from segapp.selectors.imports import job_issues
from segapp.services.ingest import drafts
from segapp.services.ingest.options import ImportOptions, ImportRequestError
from segapp.services.ingest.service import create_import_job, enqueue_import_job

FORBIDDEN = error_response("Your role does not allow this (the error shape).")
NOT_FOUND = error_response("No such resource (the error shape).")
INVALID = error_response("Invalid upload or choices (the error shape).")


class Conflict(APIException):
    """The job is not in a state for this request."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The import is not in a state for this."


@extend_schema_view(
    list=extend_schema(
        summary="Import jobs",
        responses={200: ImportJobSerializer(many=True), 403: FORBIDDEN},
        examples=[examples.IMPORT_LIST_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="An import job",
        responses={200: ImportJobSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[examples.IMPORT_JOB_EXAMPLE],
    ),
)
class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Import jobs: preview a file, upload it to start a job, follow it, read its report."""

    serializer_class = ImportJobSerializer
    permission_classes = [ImportPermission]
    filterset_class = ImportJobFilter
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return imported_jobs()

    @extend_schema(
        summary="Start an import",
        description="Upload a documents, customers or events file; the import runs on a worker. "
        "A file that cannot be read (binary, empty) or a mapping naming a column the file lacks "
        "is refused here (400). Other problems, such as no customer id column found, fail the "
        "job with the reason; its upload is then kept for `POST imports/{id}/retry/`.",
        request={"multipart/form-data": ImportCreateSerializer},
        responses={202: ImportJobSerializer, 400: INVALID, 403: FORBIDDEN},
        examples=[examples.IMPORT_ACCEPTED_EXAMPLE],
    )
    def create(self, request):
        """Upload a file; the import runs on a worker."""
        data = ImportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload, options = data.validated_data["file"], data.options()
        try:
            job = create_import_job(
                file_type=data.validated_data["type"],
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

    @extend_schema(
        summary="Preview an import (dry run)",
        description="What importing the file would do, before anything is imported: every "
        "column with the role VoxSeg guesses and why, a few redacted values, the first rows "
        "(redacted), another type the file looks like, and the problems that would stop it. "
        "Nothing is stored. Give roles back with `map` (`column:COLUMN=ROLE`) when starting "
        "the import.",
        request={"multipart/form-data": ImportPreviewRequestSerializer},
        responses={200: ImportPreviewSerializer, 400: INVALID, 403: FORBIDDEN},
        examples=[examples.IMPORT_PREVIEW_EXAMPLE],
    )
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """Preview a file without importing or keeping it."""
        data = ImportPreviewRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            preview = drafts.preview_upload(
                values["file"],
                original_filename=values["file"].name,
                file_type=values.get("type") or None,
                options=data.options(),
                rows=values["rows"],
            )
        except ImportRequestError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        body = {**preview.to_dict(), "roles": list(drafts.roles_for(preview.file_type))}
        return Response(ImportPreviewSerializer(body).data)

    @extend_schema(
        summary="Retry a failed import with a corrected mapping",
        description="Start a new job on the failed job's kept upload (no need to upload again), "
        "with the choices given here; any choice left out is the failed job's. The new job "
        "has `retry_of` set and takes the file over. A failed job keeps its upload for "
        "VOXSEG_DRAFT_UPLOAD_HOURS (`upload_kept_until`). 409 when the job did not fail, "
        "was already retried, or its upload is no longer kept.",
        request={
            "application/json": ImportRetrySerializer,
            "multipart/form-data": ImportRetrySerializer,
        },
        responses={
            202: ImportJobSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error_response("Not a failed job with its upload kept (the error shape)."),
        },
        examples=[examples.IMPORT_RETRY_REQUEST_EXAMPLE, examples.IMPORT_RETRY_EXAMPLE],
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def retry(self, request, pk=None):
        """Re-run a failed import with new choices, on the file it kept."""
        job = self.get_object()
        data = ImportRetrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        options = data.options(base=ImportOptions.from_json(job.options))
        try:
            retry = drafts.retry_import(
                job.pk,
                file_type=data.validated_data.get("type") or job.file_type,
                options=options,
                user=request.user,
                source="api",
            )
        except drafts.ImportStateError as exc:
            raise Conflict(str(exc)) from None
        except ImportRequestError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        body = ImportJobSerializer(retry, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Row-level issues of an import",
        description="Rejected rows and warnings. Quoted values are redacted; roles that may "
        "not read texts (product managers, integrations) read them as [value].",
        parameters=[
            OpenApiParameter("severity", OpenApiTypes.STR, enum=["error", "warning"]),
        ],
        responses={200: ImportRowIssueSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[examples.ISSUES_EXAMPLE],
    )
    @action(detail=True, methods=["get"])
    def issues(self, request, pk=None):
        """Row-level issues of the job (rejected rows and warnings), paginated."""
        job = self.get_object()
        page = self.paginate_queryset(
            job_issues(job, severity=request.query_params.get("severity"))
        )
        lines = issue_lines(page, user=request.user)
        return self.get_paginated_response(ImportRowIssueSerializer(lines, many=True).data)

    @extend_schema(
        summary="Row-level report of an import (CSV)",
        description="row, column, severity, reason; values as in `issues/`.",
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, examples=[examples.REPORT_EXAMPLE]
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        """The row-level report as CSV: row, column, severity, reason."""
        job = self.get_object()
        response = StreamingHttpResponse(
            report_lines(job, user=request.user), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
        return response
