"""Leases, the reaper, cancelling dead runs, queues and the embedded database under load.

What a user sees: a job whose worker was killed ends (failed, with the time its
worker stopped), a cancel on such a run ends it at once, every task goes to its
own queue, and on SQLite one writer never makes another fail.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from segapp.celery import QUEUES, TASK_QUEUES, app
from segapp.models import Customer, Document, ImportJob, RunStatus, SegmentationRun
from segapp.selectors.jobs import waiting_for
from segapp.services import jobs
from segapp.services.ingest import service
from segapp.services.ingest.service import ImportOptions, create_import_job, run_import_job
from segapp.services.segmentation.runs import request_cancel

LEASE = 300


@pytest.fixture(autouse=True)
def _lease(settings):
    settings.VOXSEG_JOB_LEASE_SECONDS = LEASE


def _ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def _running_import(tmp_path: Path, *, heard_ago: float | None, worker: str = "w1@host pid 7"):
    uploads = Path(settings.VOXSEG_DATA_DIR) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    upload = uploads / "stale-upload.csv"
    upload.write_text("customer_id,text\nC1,hello\n")
    return ImportJob.objects.create(
        file_type="documents",
        original_filename="stale.csv",
        upload_path=str(upload),
        status="running",
        started_at=_ago(3600),
        worker=worker,
        heartbeat_at=_ago(heard_ago) if heard_ago is not None else None,
    )


def _running_run(*, heard_ago: float | None, worker: str = "w2@host pid 9", **fields):
    return SegmentationRun.objects.create(
        status=RunStatus.RUNNING,
        stage="embed",
        started_at=_ago(3600),
        worker=worker,
        heartbeat_at=_ago(heard_ago) if heard_ago is not None else None,
        **fields,
    )


# --- the reaper -------------------------------------------------------------------------------


def test_reaper_fails_an_import_whose_worker_stopped_and_keeps_its_upload(db, tmp_path):
    job = _running_import(tmp_path, heard_ago=LEASE + 30)
    upload = Path(job.upload_path)
    reaped = jobs.reap_stalled_jobs()
    job.refresh_from_db()
    assert reaped.imports == [job.pk]
    assert job.status == "failed" and job.finished_at is not None and job.worker == ""
    clock = timezone.localtime(_ago(LEASE + 30)).strftime("%H:%M")
    assert f"stopped responding at {clock}" in job.error_message
    assert "retry it" in job.error_message
    assert upload.exists()  # a failed import keeps its upload for a retry (services/ingest/drafts)


def test_reaper_leaves_jobs_whose_worker_is_heard_from(db, tmp_path):
    job = _running_import(tmp_path, heard_ago=LEASE - 30)
    run = _running_run(heard_ago=5)
    assert not jobs.reap_stalled_jobs()
    job.refresh_from_db()
    run.refresh_from_db()
    assert (job.status, run.status) == ("running", RunStatus.RUNNING)


def test_reaper_fails_a_run_whose_worker_stopped_and_deletes_its_model_folder(db):
    run = _running_run(heard_ago=LEASE + 1)
    folder = Path(settings.VOXSEG_DATA_DIR) / "runs" / str(run.pk)
    (folder / "model").mkdir(parents=True, exist_ok=True)
    (folder / "model" / "manifest.json").write_text("{}")
    assert jobs.reap_stalled_jobs().runs == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "stopped responding" in run.error_message
    assert not folder.exists()


def test_a_run_waiting_between_tasks_is_not_reaped_until_no_redelivery_can_come(db):
    waiting = _running_run(heard_ago=LEASE * 3, worker="")  # its analysis waits in the queue
    assert not jobs.reap_stalled_jobs()
    assert "Waiting for a free run worker" in waiting_for(waiting)
    later = timezone.now() + timedelta(seconds=jobs.abandoned_after())
    assert jobs.reap_stalled_jobs(now=later).runs == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.status == RunStatus.FAILED and "No worker took it up" in waiting.error_message


def test_reaper_never_overrides_a_worker_that_answered_meanwhile(db):
    run = _running_run(heard_ago=LEASE + 1)
    stale = SegmentationRun.objects.get(pk=run.pk)
    SegmentationRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())  # a beat
    assert not jobs._end(SegmentationRun, stale, RunStatus.FAILED, "no", timezone.now())
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_reaper_task_is_on_the_beat_schedule_every_minute():
    entry = next(
        e for e in app.conf.beat_schedule.values() if e["task"] == "segapp.reap_stalled_jobs"
    )
    assert entry["schedule"] == 60.0
    assert "segapp.reap_stalled_jobs" in app.tasks


# --- cancel and retry -------------------------------------------------------------------------


def test_cancel_on_a_run_whose_worker_was_killed_ends_it_at_once(db, alice, api_as):
    run = _running_run(heard_ago=jobs.silent_after() + 5)
    answer = api_as(alice).post(f"/api/v1/runs/{run.pk}/cancel/")
    assert answer.status_code == 200
    assert answer.json()["status"] == "cancelled"
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED and run.finished_at is not None
    assert "stopped" in run.error_message


def test_cancel_on_a_run_waiting_for_a_worker_ends_it_at_once(db):
    run = _running_run(heard_ago=2, worker="")
    assert request_cancel(run.pk).status == RunStatus.CANCELLED


def test_cancel_on_a_run_with_a_live_worker_asks_it_to_stop(db):
    run = _running_run(heard_ago=1)
    after = request_cancel(run.pk)
    assert after.status == RunStatus.RUNNING and after.cancel_requested
    SegmentationRun.objects.filter(pk=run.pk).update(heartbeat_at=_ago(jobs.silent_after() + 1))
    assert jobs.reap_stalled_jobs().cancelled_runs == [run.pk]  # its worker died meanwhile
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED


def test_retry_of_a_succeeded_run_is_refused_with_409(db, alice, api_as):
    client = api_as(alice)
    done = SegmentationRun.objects.create(status=RunStatus.SUCCEEDED, parameters={"seed": 3})
    answer = client.post(f"/api/v1/runs/{done.pk}/retry/")
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "run_not_retryable"
    assert SegmentationRun.objects.count() == 1
    failed = SegmentationRun.objects.create(status=RunStatus.FAILED, parameters={"seed": 3})
    assert client.post(f"/api/v1/runs/{failed.pk}/retry/").status_code == 202


# --- what a queued job waits for --------------------------------------------------------------


def test_a_queued_import_says_how_many_imports_are_ahead_of_it(db, tmp_path):
    _running_import(tmp_path, heard_ago=1)
    ImportJob.objects.create(file_type="documents", original_filename="a.csv")
    mine = ImportJob.objects.create(file_type="documents", original_filename="b.csv")
    text = waiting_for(mine)
    assert text.startswith("Waiting for a free import worker: 2 imports ahead of it")
    assert "1 running and 1 queued" in text


def test_a_queued_run_with_nothing_ahead_points_at_a_missing_worker(db):
    run = SegmentationRun.objects.create()
    SegmentationRun.objects.filter(pk=run.pk).update(created_at=_ago(300))
    run.refresh_from_db()
    assert "check that a worker serves the 'runs' queue" in waiting_for(run)


# --- queues and limits ------------------------------------------------------------------------


def test_every_task_is_routed_to_its_declared_queue():
    segapp_tasks = {name for name in app.tasks if name.startswith("segapp.")}
    assert segapp_tasks == set(TASK_QUEUES)
    for name, queue in TASK_QUEUES.items():
        assert queue in QUEUES
        routed = app.amqp.router.route({}, name)["queue"]
        assert (routed.name, routed.exchange.name, routed.routing_key) == (queue, queue, queue)
    assert TASK_QUEUES["segapp.import_file"] != TASK_QUEUES["segapp.assign_new_customers"]
    assert TASK_QUEUES["segapp.erase_customer"] != TASK_QUEUES["segapp.analyse_segmentation"]


def test_a_published_task_lands_on_its_queue(db, settings):
    """A real publish on the embedded broker: the message file names the task's queue."""
    from segapp.tasks import assign_new_customers, import_file

    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_out"])
    before = set(folder.glob("*")) if folder.exists() else set()
    import_file.apply_async((10**9,), countdown=3600)
    assign_new_customers.apply_async(countdown=3600)
    new = set(folder.glob("*")) - before
    try:
        queues = sorted(path.name.rsplit(".", 2)[-2] for path in new)
        assert queues == ["imports", "placement"]
    finally:
        for path in new:
            path.unlink(missing_ok=True)


def test_every_task_has_limits_below_the_visibility_timeout():
    for name in TASK_QUEUES:
        task = app.tasks[name]
        assert task.ignore_result, name
        assert task.soft_time_limit and task.time_limit, name
        assert task.soft_time_limit < task.time_limit <= settings.VOXSEG_LONGEST_TASK_SECONDS
    assert app.tasks["segapp.analyse_segmentation"].time_limit == (
        settings.VOXSEG_ANALYSIS_TIME_LIMIT
    )


# --- leases held by a real process ------------------------------------------------------------


def test_lease_records_the_worker_and_releases_it(db):
    run = SegmentationRun.objects.create(status=RunStatus.RUNNING)
    with jobs.lease(run):
        held = SegmentationRun.objects.get(pk=run.pk)
        assert held.worker.endswith(f"pid {os.getpid()}") and held.heartbeat_at is not None
        assert jobs.has_live_worker(held)
    run.refresh_from_db()
    assert run.worker == ""


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_with_sigkill_stops_beating_and_its_import_is_reaped(tmp_path, settings):
    """A real process holds an import's lease, beats, and is killed; the reaper ends the job."""
    settings.VOXSEG_JOB_LEASE_SECONDS = 4  # a beat a second
    job = _running_import(tmp_path, heard_ago=None, worker="")
    script = (
        "import django, time; django.setup()\n"
        "from segapp.models import ImportJob\nfrom segapp.services import jobs\n"
        f"job = ImportJob.objects.get(pk={job.pk})\n"
        "with jobs.lease(job):\n    print('held', flush=True)\n    time.sleep(120)\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
        "VOXSEG_JOB_LEASE_SECONDS": "4",
        "VOXSEG_DATA_DIR": str(settings.VOXSEG_DATA_DIR),
    }
    holder = subprocess.Popen(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline().strip() == b"held"
        first = ImportJob.objects.get(pk=job.pk).heartbeat_at
        time.sleep(2.5)
        assert ImportJob.objects.get(pk=job.pk).heartbeat_at > first  # it beats on its own
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert not jobs.reap_stalled_jobs()  # not yet: the lease runs for a while
    time.sleep(4.5)
    assert jobs.reap_stalled_jobs().imports == [job.pk]
    job.refresh_from_db()
    assert job.status == "failed" and "stopped responding" in job.error_message


# --- the embedded database under concurrent writers -------------------------------------------


def _pseudonym(n: int) -> str:
    return f"{n:064x}"


@pytest.mark.django_db(transaction=True)
def test_two_connections_write_at_once_under_wal_without_database_is_locked():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == settings.VOXSEG_SQLITE_BUSY_SECONDS * 1000
    holding, errors = threading.Event(), []

    def long_writer():
        try:
            with transaction.atomic():
                Customer.objects.create(pseudonym=_pseudonym(1))
                holding.set()
                time.sleep(0.8)  # another connection reads, then writes, meanwhile
                Customer.objects.create(pseudonym=_pseudonym(2))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def reader_then_writer():
        try:
            holding.wait(5)
            with transaction.atomic():
                seen = Customer.objects.count()
                Customer.objects.create(pseudonym=_pseudonym(3 + seen))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=long_writer), threading.Thread(target=reader_then_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert Customer.objects.count() == 3


def _documents_file(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "docs.csv"
    lines = ["customer_id,text"] + [f"C{i},The parcel number {i} came late" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _job(path: Path) -> ImportJob:
    return create_import_job(
        file_type="documents",
        original_filename=path.name,
        options=ImportOptions(),
        source="cli",
        path=path,
    )


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_other_writers_get_through_while_an_import_runs(tmp_path, monkeypatch):
    """Each chunk commits: a login or an opt-out between chunks waits for one chunk at most."""
    monkeypatch.setattr(service, "CHUNK_ROWS", 10)
    job = _job(_documents_file(tmp_path, 35))
    waits: list[float] = []

    def write_elsewhere(progress) -> None:
        def other() -> None:
            started = time.monotonic()
            with transaction.atomic():
                Customer.objects.create(pseudonym=_pseudonym(10_000 + len(waits)))
            waits.append(time.monotonic() - started)
            connection.close()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(60)

    finished = run_import_job(job.pk, progress=write_elsewhere)
    assert finished.status == "succeeded" and finished.rows_imported == 35
    assert len(waits) >= 4 and max(waits) < 5


@pytest.mark.django_db(transaction=True)
def test_database_is_locked_fails_the_import_with_a_clear_message(tmp_path, monkeypatch):
    """A writer that holds the database past the busy timeout: the job fails and says why."""
    monkeypatch.setattr(service, "CHUNK_ROWS", 10)
    job = _job(_documents_file(tmp_path, 25))
    take, taken, release = threading.Event(), threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        take.wait(30)
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        release.wait(30)
        other.execute("ROLLBACK")
        other.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()

    def after_first_chunk(progress) -> None:
        if not take.is_set():
            take.set()
            assert taken.wait(10)
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 200")

    real_message = service.transactions.database_error_message

    def message_once_released(exc, **kwargs):
        release.set()  # the holder lets go once the import has given up
        holder.join(10)
        return real_message(exc, **kwargs)

    monkeypatch.setattr(service.transactions, "database_error_message", message_once_released)
    try:
        finished = run_import_job(job.pk, progress=after_first_chunk)
    finally:
        release.set()
        holder.join(10)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {settings.VOXSEG_SQLITE_BUSY_SECONDS * 1000}")
    assert finished.status == "failed" and "busy with other writes" in finished.error_message
    finished.refresh_from_db()
    assert finished.status == "failed" and finished.worker == ""
    assert Document.objects.count() == 0  # the chunk it had committed is gone again
