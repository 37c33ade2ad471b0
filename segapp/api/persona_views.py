"""API views of a run's personas: segment list and detail, comparison, members and exports.

Each view checks the role, validates the query once, calls one selector from
`segapp.selectors.personas` and shapes its answer. k-anonymity is the
selectors' job: a segment below k is listed as small and otherwise not found.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import generics
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from segapp.api import examples
from segapp.api.caching import run_results_cache
from segapp.api.dp_views import CONFLICT, NoPrivacyPolicy, noisy_payload
from segapp.api.errors import error_response
from segapp.api.exports import export_response
from segapp.api.pagination import StandardPagination, paginated
from segapp.api.permissions import require
from segapp.api.persona_serializers import (
    CompareQuerySerializer,
    ComparisonSerializer,
    MemberQuerySerializer,
    MemberRowSerializer,
    MembershipSerializer,
    PersonaSerializer,
    PersonaSummarySerializer,
)
from segapp.api.run_views import run_or_404
from segapp.models import AuditAction
from segapp.selectors import personas
from segapp.selectors.placement import counts_of, with_count_headers
from segapp.services.accounts import can
from segapp.services.audit import record, record_customer_list

ERRORS = {
    400: error_response("Invalid query (the error shape)."),
    403: error_response("Your role does not allow this (the error shape)."),
    404: error_response("No such run or segment, or a segment below k (the error shape)."),
    409: CONFLICT,  # a policy token's first private release the budget cannot pay for
}


def _not_found(exc: LookupError) -> NotFound:
    return NotFound(str(exc))


class SegmentListView(APIView):
    """The personas of a run: name, size, share, description, top topics, sentiment."""

    permission_classes = [require("view_personas")]

    @extend_schema(
        summary="Personas of a run",
        description="Every segment as a persona summary, by number. Segments with fewer "
        "than k customers (k-anonymity) are listed only as `small: true`.",
        parameters=[examples.RUN_PARAMETER],
        responses={200: PersonaSummarySerializer(many=True), 404: ERRORS[404], 409: ERRORS[409]},
        examples=[examples.SEGMENT_LIST_EXAMPLE],
    )
    @run_results_cache
    def get(self, request, run):
        the_run = run_or_404(request, run)
        summaries = PersonaSummarySerializer(personas.persona_list(the_run), many=True).data
        return Response(noisy_payload(request, the_run, "segments", summaries))


class SegmentDetailView(APIView):
    """One persona: traits, topics with sentiment, rules and (for analysts) quotes."""

    permission_classes = [require("view_personas")]

    @extend_schema(
        summary="A persona",
        description="Everything about one segment. Quotes and representative customers need "
        "the right to read documents (admin, analyst); otherwise `quotes_hidden` is true.",
        parameters=[examples.RUN_PARAMETER, examples.SEGMENT_PARAMETER],
        responses={200: PersonaSerializer, 404: ERRORS[404], 409: ERRORS[409]},
        examples=[examples.PERSONA_EXAMPLE, examples.PERSONA_HIDDEN_EXAMPLE],
    )
    @run_results_cache
    def get(self, request, run, segment):
        the_run = run_or_404(request, run)
        try:
            persona = personas.get_persona(
                the_run, segment, with_quotes=can(request.user, "view_documents")
            )
            answer = noisy_payload(request, the_run, "segment", PersonaSerializer(persona).data)
        except personas.SegmentNotFound as exc:
            raise _not_found(exc) from None
        return Response(answer)


class SegmentCompareView(APIView):
    """Two segments of a run side by side."""

    permission_classes = [require("view_personas"), NoPrivacyPolicy]

    @extend_schema(
        summary="Compare two personas",
        parameters=[
            examples.RUN_PARAMETER,
            OpenApiParameter("a", OpenApiTypes.INT, required=True, description="A segment."),
            OpenApiParameter("b", OpenApiTypes.INT, required=True, description="Another segment."),
        ],
        responses={200: ComparisonSerializer, 400: ERRORS[400], 404: ERRORS[404]},
        examples=[examples.COMPARE_EXAMPLE],
    )
    @run_results_cache
    def get(self, request, run):
        query = CompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            compared = personas.compare_personas(
                run_or_404(request, run),
                query.validated_data["a"],
                query.validated_data["b"],
                with_quotes=can(request.user, "view_documents"),
            )
        except personas.SegmentNotFound as exc:
            raise _not_found(exc) from None
        return Response(ComparisonSerializer(compared).data)


class _MemberListView(generics.GenericAPIView):
    """Shared by the member lists: paginated memberships in one shape."""

    serializer_class = MembershipSerializer
    pagination_class = StandardPagination
    filter_backends: list = []

    def _page(self, run, memberships) -> Response:
        page = self.paginate_queryset(memberships)
        if page:  # a page of customers: one audit entry naming each of them
            record_customer_list(
                self.request.user,
                [m.customer.pseudonym for m in page],
                listing=f"run {run.pk} members",
                channel="api",
                query=self.request.query_params.urlencode(),
            )
        context = {"small": personas.small_segment_numbers(run)}
        return self.get_paginated_response(
            MembershipSerializer(page, many=True, context=context).data
        )


class SegmentMembersView(_MemberListView):
    """Members of a segment (pseudonyms), a page at a time or exported as CSV/JSON."""

    permission_classes = [require("view_members"), NoPrivacyPolicy]

    def perform_content_negotiation(self, request, force=False):
        if "format" in request.query_params:  # an export format, answered below, not a renderer
            return (JSONRenderer(), "application/json")
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        summary="Members of a segment",
        description="Memberships of the segment's customers (pseudonymous ids only), "
        "filterable. With `?format=csv` or `?format=json` every matching member is exported "
        "as a file for activation in other tools (needs export_members; audited).",
        parameters=[
            examples.RUN_PARAMETER,
            examples.SEGMENT_PARAMETER,
            *examples.MEMBER_FILTERS,
            *examples.PAGE_PARAMETERS,
            examples.EXPORT_FORMAT,
        ],
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="MembersPageOrExport",
                    serializers=[
                        paginated(MembershipSerializer, name="MembershipPage"),
                        MemberRowSerializer(many=True),
                    ],
                    resource_type_field_name=None,
                    many=False,
                ),
                description="A page of members; with ?format=json a JSON array (an "
                "attachment) of every matching member with the columns customer, segment, "
                "segment_name, probability, outlier, assigned_after_fit (placed after the run "
                "by its model), and with ?format=csv the same as CSV. Exports carry the "
                "segment's counts in the headers X-Segment-Fitted, X-Segment-Placed-After and "
                "X-Segment-Members.",
                examples=[examples.MEMBERS_EXAMPLE],
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, examples=[examples.EXPORT_CSV_EXAMPLE]
            ),
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
        },
    )
    @run_results_cache
    def get(self, request, run, segment):
        query = MemberQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = {k: v for k, v in query.validated_data.items() if k not in ("format", "segment")}
        the_run = run_or_404(request, run)
        export_format = query.validated_data.get("format")
        try:
            if export_format:
                return self._export(request, the_run, segment, export_format, filters)
            return self._page(the_run, personas.members(the_run, segment, **filters))
        except personas.SegmentNotFound as exc:
            raise _not_found(exc) from None

    def _export(self, request, run, segment: int, export_format: str, filters: dict):
        if not can(request.user, "export_members"):
            raise PermissionDenied("Your role does not allow exporting members.")
        rows = personas.member_export_rows(run, segment, **filters)
        count = personas.members(run, segment, **filters).count()
        record(
            request.user,
            AuditAction.EXPORT_MEMBERS,
            f"run {run.pk} segment {segment}",
            channel="api",
            format=export_format,
            rows=count,
            filters={k: v for k, v in filters.items() if v not in (None, False)},
        )
        response = export_response(
            rows,
            personas.MEMBER_EXPORT_FIELDS,
            export_format=export_format,
            filename=f"run-{run.pk}-segment-{segment}-members",
        )
        return with_count_headers(response, counts_of(run, segment))


class RunMembersView(_MemberListView):
    """Every membership of a run, filterable by segment, probability and outlier flag."""

    permission_classes = [require("view_members"), NoPrivacyPolicy]

    @extend_schema(
        summary="Memberships of a run",
        description="One row per customer of the run (pseudonymous ids), by id. Customers of "
        "segments below k are left out; `?segment=` narrows to one segment.",
        parameters=[
            examples.RUN_PARAMETER,
            OpenApiParameter("segment", OpenApiTypes.INT, description="Only this segment."),
            *examples.MEMBER_FILTERS,
            *examples.PAGE_PARAMETERS,
        ],
        responses={
            200: OpenApiResponse(
                MembershipSerializer(many=True), examples=[examples.MEMBERS_EXAMPLE]
            ),
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
        },
    )
    @run_results_cache
    def get(self, request, run):
        query = MemberQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = dict(query.validated_data)
        values.pop("format", None)
        segment = values.pop("segment", None)
        the_run = run_or_404(request, run)
        try:
            return self._page(the_run, personas.members(the_run, segment, **values))
        except personas.SegmentNotFound as exc:
            raise _not_found(exc) from None
