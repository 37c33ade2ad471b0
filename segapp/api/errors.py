"""One error shape for the whole API: {"error": {"status", "code", "message", "details"}}."""

from __future__ import annotations

import logging

from django.http import JsonResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


def error_body(status_code: int, code: str, message: str, details=None) -> dict:
    """The API's error document."""
    return {
        "error": {"status": status_code, "code": code, "message": message, "details": details or {}}
    }


def api_exception_handler(exc, context) -> Response:
    """DRF exception handler: every error, expected or not, in the one shape; never a trace."""
    response = exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return Response(
            error_body(500, "server_error", "Something went wrong on our side; it was logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        message, details = _validation_message(response.data), response.data
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        message, details = str(detail) or str(exc), {}
        code = getattr(detail, "code", code)
    response.data = error_body(response.status_code, code, message, details)
    return response


def _validation_message(data) -> str:
    if isinstance(data, dict):
        field, errors = next(iter(data.items()), ("", ""))
        first = errors[0] if isinstance(errors, list) and errors else errors
        return str(first) if field in ("non_field_errors", "detail") else f"{field}: {first}"
    if isinstance(data, list) and data:
        return str(data[0])
    return "Invalid request."


def json_not_found(request, exception=None) -> JsonResponse:
    """404 for API paths outside DRF views, in the same shape."""
    return JsonResponse(error_body(404, "not_found", "No such resource."), status=404)


def json_server_error(request) -> JsonResponse:
    """500 for API paths outside DRF views, in the same shape."""
    return JsonResponse(
        error_body(500, "server_error", "Something went wrong on our side; it was logged."),
        status=500,
    )


class ErrorDetailSerializer(serializers.Serializer):
    """The body of an error: status, code, message and details."""

    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text="Machine-readable: not_found, permission_denied, …")
    message = serializers.CharField(help_text="What went wrong, for people.")
    details = serializers.DictField(help_text="Per-field messages of invalid input; else {}.")


class ErrorSerializer(serializers.Serializer):
    """The API's one error shape (every 4xx and 5xx answer)."""

    error = ErrorDetailSerializer()


def error_response(description: str) -> OpenApiResponse:
    """An OpenAPI response in the error shape, for `extend_schema(responses=...)`."""
    return OpenApiResponse(ErrorSerializer, description=description)
