"""API routes of differentially private releases and budgets."""

from django.urls import path

from segapp.api import dp_views

urlpatterns = [
    path(
        "runs/<str:run>/private-release/",
        dp_views.PrivateReleaseView.as_view(),
        name="run-private-release",
    ),
    path("privacy/budget/", dp_views.BudgetView.as_view(), name="privacy-budget"),
]
