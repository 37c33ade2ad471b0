"""Web routes of the bias audit."""

from django.urls import path

from segapp.web import bias_views

urlpatterns = [
    path("runs/<str:run_id>/bias/", bias_views.bias_audit_page, name="run-bias"),
    path("runs/<str:run_id>/bias/line/", bias_views.bias_audit_line, name="run-bias-line"),
]
