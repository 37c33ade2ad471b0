"""Routes of the web pages."""

from django.contrib.auth import views as auth_views
from django.urls import path

from segapp.web import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("imports/", views.import_list, name="import-list"),
    path("imports/new/", views.import_new, name="import-new"),
    path("imports/<int:job_id>/", views.import_detail, name="import-detail"),
    path("imports/<int:job_id>/status/", views.import_status, name="import-status"),
    path("imports/<int:job_id>/report.csv", views.import_report, name="import-report"),
]
