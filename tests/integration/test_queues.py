"""Queues on PostgreSQL + Redis with real worker processes: an upload never waits for placement.

A placement worker is busy with a long task and more placement work is queued
behind it; an upload is imported at once by the imports worker all the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from segapp.celery import IMPORTS, PLACEMENT
from segapp.models import ImportJob
from segapp.tasks import assign_new_customers
from tests.integration.test_segmentation_with_workers import wait_until, workers

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
__all__ = ["workers"]  # the fixture, shared

# A placement worker whose placements take a minute: the service is replaced by a sleep
# that leaves a mark when it starts, in a real worker process on the real broker.
SLOW_PLACEMENT_WORKER = """
import sys, time
from pathlib import Path

import django

django.setup()
from segapp.celery import app
from segapp.services.segmentation import assign


def slow_placement():
    Path(sys.argv[1]).write_text("started")
    time.sleep(60)
    Path(sys.argv[1]).write_text("finished")


assign.assign_to_latest_run = slow_placement
app.worker_main(sys.argv[2:])
"""


def _env() -> dict[str, str]:
    database = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    env["VOXSEG_DATA_DIR"] = str(settings.VOXSEG_DATA_DIR)
    return env


def _worker_args(name: str, queue: str) -> list[str]:
    return [
        "worker", "--loglevel", "error", "--pool", "solo", "--queues", queue,
        "--hostname", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
    ]  # fmt: skip


def test_an_upload_is_imported_while_placement_work_is_long_and_queued(
    workers, bob, api_as, tmp_path
):
    started = tmp_path / "placement-started"
    workers.append(
        subprocess.Popen(
            [sys.executable, "-c", SLOW_PLACEMENT_WORKER, str(started), *_worker_args("place", PLACEMENT)],
            env=_env(), cwd=settings.BASE_DIR, start_new_session=True,
        )
    )  # fmt: skip
    workers.append(
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "segapp", *_worker_args("imp", IMPORTS)],
            env=_env(), cwd=settings.BASE_DIR, start_new_session=True,
        )
    )  # fmt: skip
    for _ in range(3):
        assign_new_customers.delay()  # one runs for a minute, two wait behind it
    wait_until(started.exists, timeout=120, what="the placement worker to start its long task")

    path = tmp_path / "reviews.csv"
    rows = [f"EXT-{i},Parcel {i} arrived late and the box was crushed" for i in range(200)]
    path.write_text("customer_id,text\n" + "\n".join(rows) + "\n")
    client = api_as(bob)
    uploaded_at = time.monotonic()
    response = client.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "type": "documents"},
        format="multipart",
    )
    assert response.status_code == 202
    job_id = response.data["id"]
    done = wait_until(
        lambda: ImportJob.objects.filter(pk=job_id, status__in=["succeeded", "failed"]).first(),
        timeout=90,
        what="the import to finish",
    )
    waited = time.monotonic() - uploaded_at
    assert done.status == "succeeded", done.error_message
    assert done.rows_imported == 200
    assert waited < 45  # the placement still has most of its minute to go
    assert started.read_text() == "started"  # the long placement has not finished
    print(f"\nimported in {waited:.1f} s while placement work was running and queued")
