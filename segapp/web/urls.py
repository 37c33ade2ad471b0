"""Routes of the web pages."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from segapp.web import assets, chat_views, import_views, persona_views, run_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("assets/plotly-<str:version>.min.js", assets.plotly_js, name="plotly-js"),
    path("imports/", import_views.import_list, name="import-list"),
    path("imports/new/", import_views.import_new, name="import-new"),
    path("imports/<int:job_id>/", import_views.import_detail, name="import-detail"),
    path("imports/<int:job_id>/preview/", import_views.import_preview, name="import-preview"),
    path("imports/<int:job_id>/discard/", import_views.import_discard, name="import-discard"),
    path("imports/<int:job_id>/retry/", import_views.import_retry, name="import-retry"),
    path("imports/<int:job_id>/status/", import_views.import_status, name="import-status"),
    path("imports/<int:job_id>/report.csv", import_views.import_report, name="import-report"),
    path("runs/", run_views.run_list, name="run-list"),
    path("runs/<str:run_id>/", run_views.run_detail, name="run-detail"),
    path("runs/<int:run_id>/status/", run_views.run_status, name="run-status"),
    path("runs/<int:run_id>/cancel/", run_views.run_cancel, name="run-cancel"),
    path("runs/<int:run_id>/retry/", run_views.run_retry, name="run-retry"),
    path("runs/<str:run_id>/map/", persona_views.segment_overview, name="segment-map"),
    path("runs/<str:run_id>/compare/", persona_views.segment_compare, name="segment-compare"),
    path(
        "runs/<str:run_id>/segments/<int:number>/",
        persona_views.segment_detail,
        name="segment-detail",
    ),
    path(
        "runs/<str:run_id>/segments/<int:number>/members.<str:fmt>",
        persona_views.segment_export,
        name="segment-export",
    ),
    path("runs/<str:run_id>/topics/", persona_views.topic_index, name="topic-index"),
    path(
        "runs/<str:run_id>/topics/<int:number>/",
        run_views.topic_detail,
        name="topic-detail",
    ),
    path("runs/<int:run_id>/export/<str:what>.csv", run_views.run_export, name="run-export"),
    path("customers/<str:pseudonym>/", persona_views.customer_detail, name="customer-detail"),
    path("chat/", chat_views.chat_page, name="chat-page"),
    path("chat/ask/", chat_views.chat_ask, name="chat-ask"),
    path("chat/<int:conversation_id>/", chat_views.chat_page, name="chat-thread"),
    path("", include("segapp.web.privacy_urls")),
    path("", include("segapp.web.bias_urls")),
    path("", include("segapp.web.rectify_urls")),
]
