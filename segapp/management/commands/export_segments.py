"""`manage.py export_segments [--run ID|latest] [--format csv|json] [-o PATH]` (SPEC §11)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from segapp.management.commands._export import (
    add_export_arguments,
    record_export,
    resolve,
    write_rows,
)
from segapp.models import AuditAction
from segapp.selectors.placement import run_placement
from segapp.selectors.runs import SEGMENT_EXPORT_FIELDS, segment_export_rows


class Command(BaseCommand):
    help = "One row per customer of a run: customer,segment,segment_name,probability,outlier."

    def add_arguments(self, parser) -> None:
        add_export_arguments(parser)
        parser.add_argument(
            "--soft",
            action="store_true",
            help="Give outliers their most probable segment (outlier stays true).",
        )

    def handle(self, *args, **options) -> None:
        run = resolve(options["run"])
        rows = segment_export_rows(run, soft=options["soft"])
        count = write_rows(
            rows, SEGMENT_EXPORT_FIELDS, options["format"], options["output"], stdout=self.stdout
        )
        record_export(AuditAction.EXPORT_SEGMENTS, run, options["format"], count, options["output"])
        if options["output"]:
            self.stderr.write(f"wrote {count} customers of run {run.pk} to {options['output']}")
        placed = run_placement(run)
        self.stderr.write(
            f"run {run.pk}: {placed.fitted} customers fitted, {placed.placed_after} placed after "
            f"the run by its model, {placed.waiting} waiting for the next run"
        )
