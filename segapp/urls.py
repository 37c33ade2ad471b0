"""Top-level routes: the API, the admin and the web pages."""

from django.contrib import admin
from django.urls import include, path

from segapp.web.errors import handler403_view, handler404_view, handler500_view

urlpatterns = [
    path("api/v1/", include("segapp.api.urls")),
    path("admin/", admin.site.urls),
    path("", include("segapp.web.urls")),
]

handler404 = handler404_view
handler500 = handler500_view
handler403 = handler403_view
