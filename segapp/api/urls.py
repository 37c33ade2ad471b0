"""Routes of the REST API under /api/v1/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from segapp.api import chat_views, customer_views, import_views, persona_views, run_views, views

router = DefaultRouter()
router.register("imports", import_views.ImportJobViewSet, basename="import")
router.register("customers", customer_views.CustomerViewSet, basename="customer")
router.register("documents", views.DocumentViewSet, basename="document")

RUN = "runs/<str:run>/"
SEGMENT = RUN + "segments/<int:segment>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("runs/", run_views.RunListView.as_view(), name="run-list"),
    path(RUN, run_views.RunDetailView.as_view(), name="run-detail"),
    path(RUN + "cancel/", run_views.RunCancelView.as_view(), name="run-cancel"),
    path(RUN + "retry/", run_views.RunRetryView.as_view(), name="run-retry"),
    path(RUN + "members/", persona_views.RunMembersView.as_view(), name="run-members"),
    path(RUN + "segments/", persona_views.SegmentListView.as_view(), name="segment-list"),
    path(
        RUN + "segments/compare/",
        persona_views.SegmentCompareView.as_view(),
        name="segment-compare",
    ),
    path(SEGMENT, persona_views.SegmentDetailView.as_view(), name="segment-detail"),
    path(SEGMENT + "members/", persona_views.SegmentMembersView.as_view(), name="segment-members"),
    path(RUN + "topics/", run_views.TopicListView.as_view(), name="topic-list"),
    path(RUN + "topics/<int:number>/", run_views.TopicDetailView.as_view(), name="topic-detail"),
    path("chat/", chat_views.ChatView.as_view(), name="chat"),
    path("chat/<int:id>/", chat_views.ConversationView.as_view(), name="chat-conversation"),
    path("", include("segapp.api.privacy_urls")),
    path("", include("segapp.api.bias_urls")),
    path("", include("segapp.api.dp_urls")),
    path("", include("segapp.api.rectify_urls")),
    path("", include(router.urls)),
]
