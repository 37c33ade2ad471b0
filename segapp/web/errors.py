"""Error pages: JSON in the API's error shape under /api/, friendly HTML elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from segapp.api.errors import json_not_found, json_server_error


def handler404_view(request: HttpRequest, exception=None) -> HttpResponse:
    """Not found."""
    if request.path.startswith("/api/"):
        return json_not_found(request, exception)
    context = {"title": "Not found", "code": 404, "message": _message(exception)}
    return render(request, "error.html", context, status=404)


def _message(exception) -> str:
    """The sentence a view raised Http404 with (the URL resolver's own details are not shown)."""
    args = getattr(exception, "args", ())
    return args[0] if args and isinstance(args[0], str) else ""


def handler500_view(request: HttpRequest) -> HttpResponse:
    """Server error: never a traceback."""
    if request.path.startswith("/api/"):
        return json_server_error(request)
    return render(request, "error.html", {"title": "Something went wrong", "code": 500}, status=500)


def handler403_view(request: HttpRequest, exception=None) -> HttpResponse:
    """Forbidden: the role does not allow the page."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        from segapp.api.errors import error_body

        return JsonResponse(error_body(403, "permission_denied", str(exception or "")), status=403)
    context = {"title": "Not allowed", "code": 403, "message": str(exception or "")}
    return render(request, "error.html", context, status=403)
