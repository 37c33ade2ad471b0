"""`manage.py demo` (what `make demo` runs): the whole product on one machine, no server.

Migrates the embedded database, creates the demo login, writes the demo data,
starts a real Celery worker on the filesystem transport (one worker for every
queue: imports, privacy, runs, placement, maintenance), imports the data
through the same import service and task the upload page uses, runs a first
segmentation through the worker, then serves the UI until Ctrl-C, when it
stops the worker and the server cleanly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from segapp.celery import ALL_QUEUES
from segapp.management.terminal import follow_run
from segapp.models import ImportJob, ImportStatus, RunStatus
from segapp.services.accounts import add_user
from segapp.services.ingest.service import ImportOptions, create_import_job, enqueue_import_job
from segapp.services.segmentation.runs import create_run, enqueue_run

DEMO_USER, DEMO_PASSWORD = "demo", "voxseg-demo"
IMPORT_ORDER = ("customers", "documents", "events")


class Command(BaseCommand):
    help = "Set up and run the demo: data, a Celery worker, imports, and the web UI."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--customers", type=int, default=3000)
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="Stop after the imports (no web server)."
        )
        parser.add_argument("--timeout", type=int, default=900, help="Seconds to wait for imports.")

    def handle(self, *args, **options) -> None:
        if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            self.stdout.write("note: DATABASE_URL is set; the demo uses that database.")
        call_command("migrate", verbosity=0)
        # The demo login is published in the README, so it is not held to the password rules.
        add_user(username=DEMO_USER, role="admin", password=DEMO_PASSWORD, check_password=False)
        data_dir = Path(settings.VAR_DIR) / "demo"
        call_command(
            "demo_data", out=str(data_dir), customers=options["customers"], stdout=self.stderr
        )
        worker = self._start_worker()
        server = None
        try:
            self._import_all(data_dir, timeout=options["timeout"])
            self._segment(data_dir, timeout=options["timeout"])
            if options["no_serve"]:
                return
            server = self._start_server(options["port"])
            self._announce(options["port"])
            self._wait(server)
        finally:
            for process in (server, worker):
                _stop(process)

    def _start_worker(self) -> subprocess.Popen:
        self.stderr.write("starting a Celery worker …")
        command = [
            sys.executable, "-m", "celery", "-A", "segapp", "--quiet", "worker",
            "--loglevel", "error", "--pool", "solo", "--queues", ALL_QUEUES,
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        return subprocess.Popen(command, env=os.environ.copy(), start_new_session=True)

    def _import_all(self, data_dir: Path, *, timeout: int) -> None:
        jobs = []
        for file_type in IMPORT_ORDER:
            path = data_dir / f"{file_type}.csv"
            with path.open("rb") as upload:
                job = create_import_job(
                    file_type=file_type,
                    original_filename=path.name,
                    options=ImportOptions(),
                    source="demo",
                    upload=upload,
                )
            enqueue_import_job(job)
            jobs.append(job.pk)
        deadline = time.monotonic() + timeout
        pending = set(jobs)
        while pending:
            if time.monotonic() > deadline:
                raise CommandError(f"imports {sorted(pending)} did not finish in {timeout} s")
            time.sleep(0.5)
            for job in ImportJob.objects.filter(pk__in=pending):
                if job.is_finished:
                    pending.discard(job.pk)
                    self.stderr.write(
                        f"import #{job.pk} {job.original_filename}: {job.status} {job.summary_line}"
                    )
                    if job.status != ImportStatus.SUCCEEDED:
                        raise CommandError(f"demo import failed: {job.error_message}")

    def _segment(self, data_dir: Path, *, timeout: int) -> None:
        """A first segmentation run through the worker, scored against the planted personas."""
        run = create_run(parameters={}, source="demo", truth_path=str(data_dir / "truth.csv"))
        enqueue_run(run)
        self.stderr.write(f"segmentation run #{run.pk} queued …")
        run = follow_run(run.pk, timeout=timeout)
        if not run.is_finished:
            raise CommandError(f"run {run.pk} did not finish in {timeout} s")
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"the demo run failed: {run.error_message}")
        ari = run.metrics.get("truth_ari")
        self.stderr.write(
            f"run #{run.pk}: {run.n_segments} segments, {run.outlier_share:.0%} outliers"
            + (f", ARI against the planted personas {ari:.2f}" if ari is not None else "")
        )

    def _start_server(self, port: int) -> subprocess.Popen:
        command = [
            sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload",
        ]  # fmt: skip
        server = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=os.environ.copy(),
            start_new_session=True,
            stdout=subprocess.DEVNULL,  # the banner; request logs still go to stderr
        )
        deadline = time.monotonic() + 60
        while not _port_open(port):
            if server.poll() is not None:
                raise CommandError(f"the web server did not start (is port {port} in use?)")
            if time.monotonic() > deadline:
                raise CommandError("the web server did not start within 60 s")
            time.sleep(0.2)
        return server

    def _announce(self, port: int) -> None:
        self.stdout.write("")
        self.stdout.write(f"VoxSeg demo is running at http://127.0.0.1:{port}/")
        self.stdout.write(f"Log in as {DEMO_USER} / {DEMO_PASSWORD}   (Ctrl-C to stop)")

    def _wait(self, server: subprocess.Popen) -> None:
        try:
            server.wait()
        except KeyboardInterrupt:
            self.stdout.write("stopping …")


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _stop(process: subprocess.Popen | None) -> None:
    """Stop a child: TERM (a worker finishes its task), then KILL its group if it lingers."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
