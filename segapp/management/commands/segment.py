"""`manage.py segment [--wait | --foreground] [--set NAME=VALUE ...]` (SPEC §11).

Alone it queues a run for the workers and prints its id; `--wait` follows it
until it ends; `--foreground` runs it in this process (no worker or broker).
With either flag stdout ends with `run=ID status=STATUS segments=K noise=SHARE`
and the exit code is 0 only when the run succeeded.
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from segapp.models import RunStatus, SegmentationRun
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
            bar = _StageBar()
            run = run_in_foreground(run.pk, progress=bar)
            bar.close()
        elif options["wait"]:
            enqueue_run(run)
            run = _follow(run.pk)
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


class _StageBar:
    """A tqdm bar on stderr showing the current stage."""

    def __init__(self) -> None:
        self.bar = tqdm(total=100, file=sys.stderr, leave=False, unit="%")

    def __call__(self, stage: str, fraction: float) -> None:
        from nlp.pipeline import STAGES

        if stage in STAGES:
            self.bar.n = round(100 * (STAGES.index(stage) + fraction) / len(STAGES))
        self.bar.set_description(stage)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


def _follow(run_id: int, *, poll: float = 0.5) -> SegmentationRun:
    bar = tqdm(total=100, file=sys.stderr, leave=False, unit="%")
    while True:
        run = SegmentationRun.objects.get(pk=run_id)
        progress = run.stage_progress or {}
        share = 0.3 * progress.get("embed", 0) + 0.7 * progress.get("analyse", 0)
        bar.n = round(share * 100)
        bar.set_description(progress.get("current") or run.stage or run.status)
        if run.is_finished:
            bar.close()
            return run
        time.sleep(poll)
