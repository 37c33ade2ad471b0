"""API views of runs: list/start/cancel/retry and topics (personas: persona_views.py)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from segapp.api import examples
from segapp.api.caching import lookup_run, run_list_cache, run_results_cache
from segapp.api.dp_views import CONFLICT, NoPrivacyPolicy, noisy_payload
from segapp.api.errors import error_response
from segapp.api.permissions import require
from segapp.api.run_serializers import (
    RunCreateSerializer,
    RunDetailSerializer,
    RunSerializer,
    TopicSerializer,
)
from segapp.selectors.runs import RunNotFound, runs
from segapp.selectors.topics import TopicNotFound, get_topic, topic_overviews
from segapp.services.accounts import can
from segapp.services.segmentation.runs import (
    RunConflict,
    RunError,
    create_run,
    enqueue_run,
    request_cancel,
    retry_run,
)

NOT_FOUND = error_response("No such run (the error shape).")
FORBIDDEN = error_response("Your role does not allow this (the error shape).")
TOPIC_PARAMETER = OpenApiParameter(
    "number", int, OpenApiParameter.PATH, description="The topic's number within the run."
)


def run_or_404(request, ref: str):
    """The run a path names (an id or `latest`), or a 404 in the error shape."""
    try:
        return lookup_run(request, ref)
    except RunNotFound as exc:
        raise NotFound(str(exc)) from None


class RunListView(generics.ListAPIView):
    """Runs, newest first; POST starts one (admins and analysts)."""

    serializer_class = RunSerializer
    permission_classes = [require("view_runs"), NoPrivacyPolicy]

    def get_queryset(self):
        return runs()

    @extend_schema(
        summary="Runs",
        description="Segmentation runs, newest first, with status, progress and metrics.",
        responses={200: RunSerializer(many=True), 403: FORBIDDEN},
        examples=[examples.RUN_LIST_EXAMPLE],
    )
    @run_list_cache
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Start a run",
        description="Queue a segmentation run with the given parameters (admins, analysts).",
        request=RunCreateSerializer,
        responses={
            202: RunSerializer,
            400: error_response("Unknown or invalid parameter (the error shape)."),
            403: FORBIDDEN,
        },
        examples=[examples.RUN_CREATE_EXAMPLE, examples.RUN_ACCEPTED_EXAMPLE],
    )
    def post(self, request):
        if not can(request.user, "start_runs"):
            raise PermissionDenied("Your role does not allow starting runs.")
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

    permission_classes = [require("view_runs"), NoPrivacyPolicy]

    @extend_schema(
        summary="A run",
        parameters=[examples.RUN_PARAMETER],
        responses={200: RunDetailSerializer, 404: NOT_FOUND},
        examples=[examples.RUN_EXAMPLE],
    )
    @run_results_cache
    def get(self, request, run):
        return Response(RunDetailSerializer(run_or_404(request, run)).data)


class RunCancelView(APIView):
    """Ask a run to stop."""

    permission_classes = [require("start_runs")]

    @extend_schema(
        summary="Cancel a run",
        parameters=[examples.RUN_PARAMETER],
        request=None,
        responses={200: RunSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[examples.RUN_EXAMPLE],
    )
    def post(self, request, run):
        return Response(RunSerializer(request_cancel(run_or_404(request, run).pk)).data)


class RunNotRetryable(APIException):
    """409: only a failed or cancelled run can be retried."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "run_not_retryable"
    default_detail = "Only a failed or cancelled run can be retried."


class RunRetryView(APIView):
    """Start a new run with the parameters of this one (a failed or cancelled run only)."""

    permission_classes = [require("start_runs")]

    @extend_schema(
        summary="Retry a run",
        parameters=[examples.RUN_PARAMETER],
        request=None,
        responses={
            202: RunSerializer,
            400: error_response("The run cannot be started again (the error shape)."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error_response(
                "The run succeeded or has not ended; only a failed or cancelled run can be "
                "retried (the error shape; code run_not_retryable)."
            ),
        },
        examples=[examples.RUN_ACCEPTED_EXAMPLE],
    )
    def post(self, request, run):
        try:
            new = retry_run(run_or_404(request, run).pk, user=request.user)
        except RunConflict as exc:
            raise RunNotRetryable(str(exc)) from None
        except RunError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        enqueue_run(new)
        return Response(RunSerializer(new).data, status=status.HTTP_202_ACCEPTED)


class TopicListView(APIView):
    """The topics of a run, largest first, with segments and representative documents.

    Document texts need `view_documents`; other roles get the topics with
    `representative_documents` empty and `representative_documents_hidden` true.
    """

    permission_classes = [require("view_runs")]

    @extend_schema(
        summary="Topics of a run",
        parameters=[examples.RUN_PARAMETER],
        responses={200: TopicSerializer(many=True), 404: NOT_FOUND, 409: CONFLICT},
        examples=[examples.TOPIC_LIST_EXAMPLE],
    )
    @run_results_cache
    def get(self, request, run):
        the_run = run_or_404(request, run)
        topics = topic_overviews(the_run, with_documents=can(request.user, "view_documents"))
        answer = TopicSerializer(topics, many=True).data
        return Response(noisy_payload(request, the_run, "topics", answer))


class TopicDetailView(APIView):
    """One topic of a run by number, in the same shape as an item of the topic list."""

    permission_classes = [require("view_runs")]

    @extend_schema(
        summary="A topic",
        parameters=[examples.RUN_PARAMETER, TOPIC_PARAMETER],
        responses={200: TopicSerializer, 404: NOT_FOUND, 409: CONFLICT},
        examples=[examples.TOPIC_EXAMPLE],
    )
    @run_results_cache
    def get(self, request, run, number):
        the_run = run_or_404(request, run)
        try:
            topic = get_topic(the_run, number, with_documents=can(request.user, "view_documents"))
            answer = noisy_payload(request, the_run, "topic", TopicSerializer(topic).data)
        except TopicNotFound as exc:
            raise NotFound(str(exc)) from None
        return Response(answer)
