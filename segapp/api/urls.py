"""Routes of the REST API under /api/v1/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from segapp.api import run_views, views

router = DefaultRouter()
router.register("imports", views.ImportJobViewSet, basename="import")
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("documents", views.DocumentViewSet, basename="document")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("runs/", run_views.RunListView.as_view(), name="run-list"),
    path("runs/<str:run>/", run_views.RunDetailView.as_view(), name="run-detail"),
    path("runs/<str:run>/cancel/", run_views.RunCancelView.as_view(), name="run-cancel"),
    path("runs/<str:run>/retry/", run_views.RunRetryView.as_view(), name="run-retry"),
    path("runs/<str:run>/segments/", run_views.SegmentListView.as_view(), name="segment-list"),
    path(
        "runs/<str:run>/segments/<int:segment>/",
        run_views.SegmentDetailView.as_view(),
        name="segment-detail",
    ),
    path(
        "runs/<str:run>/segments/<int:segment>/members/",
        run_views.SegmentMembersView.as_view(),
        name="segment-members",
    ),
    path("runs/<str:run>/topics/", run_views.TopicListView.as_view(), name="topic-list"),
    path(
        "runs/<str:run>/topics/<int:number>/",
        run_views.TopicDetailView.as_view(),
        name="topic-detail",
    ),
    path("", include(router.urls)),
]
