"""API routes of rectification (correcting a customer's data)."""

from django.urls import path

from segapp.api import rectify_views

CUSTOMER = "privacy/customers/<str:pseudonym>/"

urlpatterns = [
    path(CUSTOMER, rectify_views.CustomerRectifyView.as_view(), name="rectify-customer"),
    path(
        CUSTOMER + "documents/<int:id>/",
        rectify_views.DocumentRectifyView.as_view(),
        name="rectify-document",
    ),
]
