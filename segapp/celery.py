"""The Celery app of VoxSeg. Task modules are discovered from installed apps."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "segapp.settings")

app = Celery("segapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Periodic tasks are registered here by name (none yet).
app.conf.beat_schedule = {}
