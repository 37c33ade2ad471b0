"""A whole segmentation through two real worker processes on PostgreSQL + Redis,
surviving workers killed in the middle of the embedding stage."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db.models import Count

from segapp.celery import ALL_QUEUES
from segapp.models import Document, Embedding, Membership, RunStatus, SegmentationRun
from segapp.services.segmentation.runs import create_run, embedder_for, enqueue_run
from tests.segapp.segmentation.conftest import import_demo

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def start_worker(name: str) -> subprocess.Popen:
    database = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    env["VOXSEG_EMBED_CHUNK"] = "100"
    command = [
        sys.executable, "-m", "celery", "-A", "segapp", "--quiet", "worker",
        "--loglevel", "error", "--pool", "solo", "--hostname", f"{name}-{os.getpid()}@%h",
        "--without-gossip", "--without-mingle", "--queues", ALL_QUEUES,
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, start_new_session=True)


@pytest.fixture
def workers():
    from segapp.celery import app

    others = app.control.ping(timeout=1.0)
    assert not others, f"another worker shares the broker and would take these tasks: {others}"
    app.control.purge()
    started: list[subprocess.Popen] = []
    yield started
    for worker in started:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()


def wait_until(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_run_survives_workers_killed_mid_embedding(workers, tmp_path):
    import_demo(tmp_path, n_customers=300)
    texts = Document.objects.values("text_hash").distinct().count()
    workers.extend([start_worker("w1"), start_worker("w2")])
    run = create_run(parameters={}, source="test")
    enqueue_run(run)
    model_id = embedder_for(run).model_id

    def embedded() -> int:
        return Embedding.objects.filter(model_id=model_id).count()

    wait_until(lambda: 0 < embedded() < texts * 0.6, timeout=300, what="embedding to start")
    for worker in workers:
        os.killpg(worker.pid, signal.SIGKILL)  # tasks in flight are lost with them
        worker.wait()
    at_kill = embedded()
    workers.extend([start_worker("w3"), start_worker("w4")])
    finished = wait_until(
        lambda: (
            SegmentationRun.objects.filter(pk=run.pk, status__in=["succeeded", "failed"])
            .values_list("status", "error_message", "n_segments")
            .first()
        ),
        timeout=600,
        what="the run to finish",
    )
    assert finished[0] == RunStatus.SUCCEEDED, finished
    print(
        f"\n{texts} texts, {at_kill} embedded when the workers were killed, {finished[2]} segments"
    )
    assert 0 < at_kill < texts
    assert embedded() == texts  # nothing lost
    duplicates = (
        Embedding.objects.values("text_hash", "model_id").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not duplicates.exists()  # nothing computed into the cache twice
    assert Membership.objects.filter(run=run).count() == 300
