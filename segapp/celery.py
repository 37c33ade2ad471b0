"""The Celery app of VoxSeg: its queues, which task goes to which, and the beat schedule.

Work is split over queues so that one kind never waits behind another: an
upload is imported by an `imports` worker even while every `runs` worker is
analysing, and a privacy request is never stuck behind either. Each queue can
have its own workers (README, "Production mode"); `make demo` and the test
workers serve them all. Task modules are discovered from installed apps.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_init
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "segapp.settings")

IMPORTS, PRIVACY, RUNS, PLACEMENT, MAINTENANCE = (
    "imports",
    "privacy",
    "runs",
    "placement",
    "maintenance",
)
QUEUES = (IMPORTS, PRIVACY, RUNS, PLACEMENT, MAINTENANCE)
# For `celery worker -Q`: a worker that serves every queue (the demo, the tests).
ALL_QUEUES = ",".join(QUEUES)

# The one place that says where each task runs.
TASK_QUEUES = {
    "segapp.import_file": IMPORTS,
    "segapp.erase_customer": PRIVACY,
    "segapp.resume_privacy_requests": PRIVACY,
    "segapp.begin_segmentation": RUNS,
    "segapp.embed_segmentation_chunk": RUNS,
    "segapp.analyse_segmentation": RUNS,
    "segapp.assign_new_customers": PLACEMENT,
    "segapp.enforce_retention": MAINTENANCE,
    "segapp.reap_stalled_jobs": MAINTENANCE,
}

app = Celery("segapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each queue has its own direct exchange and routing key, so a message reaches one queue only.
app.conf.task_queues = [
    Queue(name, Exchange(name, type="direct"), routing_key=name) for name in QUEUES
]
app.conf.task_default_queue = MAINTENANCE  # never used by a routed task; nothing is orphaned
app.conf.task_routes = {name: {"queue": queue} for name, queue in TASK_QUEUES.items()}
app.autodiscover_tasks()


@worker_init.connect
def _warm_up_compiled_code(**_) -> None:
    """Compile UMAP/HDBSCAN code (from the disk cache when it holds it) before the first run.

    Runs in the worker's main process before its pool starts, so prefork children
    inherit the compiled code and a solo worker has it too.
    """
    from django.conf import settings

    if settings.VOXSEG_WARM_UP_WORKERS:
        from nlp.compiled import warm_up

        warm_up()


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
    # Imports and runs whose worker stopped responding are marked failed (services/jobs.py).
    "reap-stalled-jobs": {
        "task": "segapp.reap_stalled_jobs",
        "schedule": 60.0,
        "options": {"expires": 55},  # a backlog of reaper calls is pointless: drop late ones
    },
}
