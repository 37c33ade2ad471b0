"""VoxSeg's Django project and app: settings, models, services, tasks, API and web views."""

from segapp.celery import app as celery_app

__all__ = ["celery_app"]
