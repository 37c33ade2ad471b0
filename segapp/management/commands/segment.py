"""`manage.py segment [--wait | --foreground] [--set NAME=VALUE ...]` (SPEC §11).

Alone it queues a run for the workers and prints its id; `--wait` follows it
until it ends; `--foreground` runs it in this process (no worker or broker).
With either flag stdout ends with `run=ID status=STATUS segments=K noise=SHARE`
and the exit code is 0 only when the run succeeded.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from segapp.management.terminal import RunBar, follow_run
from segapp.models import RunStatus
from segapp.services.bias import summary_when_ready
from segapp.services.segmentation.runs import (
    RunError,
    create_run,
    enqueue_run,
    run_in_foreground,
)


class Command(BaseCommand):
    help = "Start a segmentation run of the consenting customers."
    # Django's system checks load every URL module and view (1-2 s) and check nothing
    # this command uses; `manage.py check` and the web server still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--wait", action="store_true", help="Queue, then follow until it ends.")
        mode.add_argument(
            "--foreground", action="store_true", help="Run here, without worker or broker."
        )
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="A run parameter, e.g. --set min_cluster_size=40 (repeatable).",
        )
        parser.add_argument(
            "--truth", help="CSV of customer_id,persona to score segment recovery (ARI) against."
        )

    def handle(self, *args, **options) -> None:
        try:
            parameters = dict(_pair(item) for item in options["set"])
            run = create_run(parameters=parameters, source="cli", truth_path=options["truth"])
        except RunError as exc:
            self._fail(str(exc))
        if options["foreground"]:
            bar = RunBar(run.pk)
            try:
                run = run_in_foreground(run.pk, progress=bar)
            finally:
                bar.close()
        elif options["wait"]:
            enqueue_run(run)
            run = follow_run(run.pk)
        else:
            enqueue_run(run)
            self.stdout.write(f"run={run.pk} status={run.status}")
            return
        if run.error_message:
            self.stderr.write(f"{run.status}: {run.error_message}")
        if run.status == RunStatus.SUCCEEDED:
            self.stdout.write(f"bias audit: {summary_when_ready(run)}")
        noise = "" if run.outlier_share is None else f"{run.outlier_share:.3f}"
        self.stdout.write(
            f"run={run.pk} status={run.status} segments={run.n_segments} noise={noise}"
        )
        if run.status != RunStatus.SUCCEEDED:
            sys.exit(1)

    def _fail(self, message: str) -> None:
        self.stderr.write(f"error: {message}")
        sys.exit(1)


def _pair(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise RunError(f"--set takes NAME=VALUE, not {item!r}.")
    return name.strip(), value.strip()
