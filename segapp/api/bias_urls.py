"""API routes of the bias audit."""

from django.urls import path

from segapp.api import bias_views

urlpatterns = [
    path("runs/<str:run>/bias/", bias_views.RunBiasAuditView.as_view(), name="api-run-bias"),
]
