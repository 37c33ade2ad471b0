"""App configuration: makes sure the working directories exist."""

from django.apps import AppConfig


class SegappConfig(AppConfig):
    """The VoxSeg app."""

    name = "segapp"
    verbose_name = "VoxSeg"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        settings.VOXSEG_DATA_DIR.mkdir(parents=True, exist_ok=True)
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            for folder in ("out", "processed"):
                (settings.CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
