"""Web routes of rectification (correcting a customer's data)."""

from django.urls import path

from segapp.web import rectify_views

urlpatterns = [
    path(
        "privacy/customers/<str:pseudonym>/rectify/",
        rectify_views.rectify_page,
        name="privacy-rectify",
    ),
]
