"""The Celery app of VoxSeg. Task modules are discovered from installed apps."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "segapp.settings")

app = Celery("segapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Periodic tasks, run by `celery -A segapp beat` (see the README).
app.conf.beat_schedule = {
    "enforce-retention": {
        "task": "segapp.enforce_retention",
        "schedule": crontab(hour=3, minute=17),
    },
    "resume-privacy-requests": {
        "task": "segapp.resume_privacy_requests",
        "schedule": 600.0,
    },
}
