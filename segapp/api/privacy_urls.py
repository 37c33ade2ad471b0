"""API routes of the privacy centre: consent, access and erasure requests, the audit log."""

from django.urls import path

from segapp.api import privacy_views

urlpatterns = [
    path(
        "privacy/customers/<str:pseudonym>/consent/",
        privacy_views.ConsentView.as_view(),
        name="privacy-consent",
    ),
    path(
        "privacy/requests/", privacy_views.PrivacyRequestListView.as_view(), name="privacy-requests"
    ),
    path(
        "privacy/requests/<uuid:request_id>/",
        privacy_views.PrivacyRequestDetailView.as_view(),
        name="privacy-request",
    ),
    path("privacy/audit/", privacy_views.AuditLogView.as_view(), name="privacy-audit"),
]
