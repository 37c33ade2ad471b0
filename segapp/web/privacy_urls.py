"""Web routes of the privacy centre."""

from django.urls import path

from segapp.web import privacy_views

urlpatterns = [
    path("privacy/", privacy_views.centre, name="privacy-centre"),
    path("privacy/audit/", privacy_views.audit_log, name="privacy-audit"),
    path("privacy/retention/", privacy_views.retention_sweep, name="privacy-retention"),
    path(
        "privacy/requests/<uuid:request_id>/",
        privacy_views.request_detail,
        name="privacy-request",
    ),
    path("privacy/subjects/<str:pseudonym>/", privacy_views.subject, name="privacy-subject"),
    path(
        "privacy/subjects/<str:pseudonym>/export.<str:fmt>",
        privacy_views.subject_export,
        name="privacy-export",
    ),
    path(
        "privacy/subjects/<str:pseudonym>/erase/",
        privacy_views.subject_erase,
        name="privacy-erase",
    ),
]
