"""API views of runs: list/start/cancel/retry, segments, members, topics."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from segapp.api.permissions import require
from segapp.api.run_serializers import (
    MemberSerializer,
    RunCreateSerializer,
    RunSerializer,
    SegmentSerializer,
    TopicSerializer,
)
from segapp.selectors.exports import csv_lines
from segapp.selectors.runs import (
    SEGMENT_EXPORT_FIELDS,
    RunNotFound,
    get_run,
    runs,
    segment_export_rows,
    segments_of,
)
from segapp.selectors.topics import TopicNotFound, get_topic, topic_overviews
from segapp.services.accounts import can
from segapp.services.segmentation.runs import (
    RunError,
    create_run,
    enqueue_run,
    request_cancel,
    retry_run,
)


def _run(ref: str):
    try:
        return get_run(ref)
    except RunNotFound as exc:
        raise NotFound(str(exc)) from None


class RunListView(generics.ListAPIView):
    """Runs, newest first; POST starts one (admins and analysts)."""

    serializer_class = RunSerializer
    permission_classes = [require("view_runs")]

    def get_queryset(self):
        return runs()

    @extend_schema(request=RunCreateSerializer, responses={202: RunSerializer})
    def post(self, request):
        if not can(request.user, "start_runs"):
            return Response(
                {"detail": "Your role does not allow starting runs."},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = RunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            run = create_run(
                parameters=data.validated_data["parameters"], source="api", user=request.user
            )
        except RunError as exc:
            raise ValidationError({"parameters": [str(exc)]}) from None
        enqueue_run(run)
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailView(APIView):
    """One run by id, or `latest` (the newest successful run)."""

    permission_classes = [require("view_runs")]

    @extend_schema(responses=RunSerializer)
    def get(self, request, run):
        return Response(RunSerializer(_run(run)).data)


class RunCancelView(APIView):
    """Ask a run to stop."""

    permission_classes = [require("start_runs")]

    @extend_schema(request=None, responses=RunSerializer)
    def post(self, request, run):
        return Response(RunSerializer(request_cancel(_run(run).pk)).data)


class RunRetryView(APIView):
    """Start a new run with the parameters of this one."""

    permission_classes = [require("start_runs")]

    @extend_schema(request=None, responses={202: RunSerializer})
    def post(self, request, run):
        new = retry_run(_run(run).pk, user=request.user)
        enqueue_run(new)
        return Response(RunSerializer(new).data, status=status.HTTP_202_ACCEPTED)


class SegmentListView(generics.ListAPIView):
    """The segments of a run with their profiles."""

    serializer_class = SegmentSerializer
    permission_classes = [require("view_runs")]
    pagination_class = None

    def get_queryset(self):
        return segments_of(_run(self.kwargs["run"]))


class SegmentDetailView(APIView):
    """One segment of a run."""

    permission_classes = [require("view_runs")]

    @extend_schema(responses=SegmentSerializer)
    def get(self, request, run, segment):
        found = segments_of(_run(run)).filter(number=segment).first()
        if found is None:
            raise NotFound(f"No segment {segment} in this run.")
        return Response(SegmentSerializer(found).data)


class SegmentMembersView(generics.GenericAPIView):
    """Members of a segment (pseudonyms); `?format=csv` for activation in other tools."""

    permission_classes = [require("view_members")]
    serializer_class = MemberSerializer

    def perform_content_negotiation(self, request, force=False):
        if request.query_params.get("format") == "csv":  # answered as CSV below, not a renderer
            return (JSONRenderer(), "application/json")
        return super().perform_content_negotiation(request, force)

    def get(self, request, run, segment):
        the_run = _run(run)
        if not segments_of(the_run).filter(number=segment).exists():
            raise NotFound(f"No segment {segment} in this run.")
        soft = request.query_params.get("soft") in ("1", "true", "yes")
        rows = [r for r in segment_export_rows(the_run, soft=soft) if r["segment"] == segment]
        if request.query_params.get("format") == "csv":
            return _csv_response(rows, f"run-{the_run.pk}-segment-{segment}.csv")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MemberSerializer(page, many=True).data)


class TopicListView(APIView):
    """The topics of a run, largest first, with segments and representative documents.

    Document texts need `view_documents`; other roles get the topics with
    `representative_documents` empty and `representative_documents_hidden` true.
    """

    permission_classes = [require("view_runs")]

    @extend_schema(responses=TopicSerializer(many=True))
    def get(self, request, run):
        topics = topic_overviews(_run(run), with_documents=can(request.user, "view_documents"))
        return Response(TopicSerializer(topics, many=True).data)


class TopicDetailView(APIView):
    """One topic of a run by number, in the same shape as an item of the topic list."""

    permission_classes = [require("view_runs")]

    @extend_schema(responses=TopicSerializer)
    def get(self, request, run, number):
        try:
            topic = get_topic(_run(run), number, with_documents=can(request.user, "view_documents"))
        except TopicNotFound as exc:
            raise NotFound(str(exc)) from None
        return Response(TopicSerializer(topic).data)


def _csv_response(rows: list[dict], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(rows, SEGMENT_EXPORT_FIELDS), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
