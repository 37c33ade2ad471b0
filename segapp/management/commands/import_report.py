"""`manage.py import_report JOB_ID`: print a job's row-level report as CSV."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from segapp.models import ImportJob
from segapp.selectors.imports import issue_report_lines


class Command(BaseCommand):
    help = "Print the row-level report (row, column, severity, reason) of an import job."

    def add_arguments(self, parser) -> None:
        parser.add_argument("job_id", type=int)

    def handle(self, *args, **options) -> None:
        job = ImportJob.objects.filter(pk=options["job_id"]).first()
        if job is None:
            raise CommandError(f"No import job {options['job_id']}.")
        for line in issue_report_lines(job):
            self.stdout.write(line, ending="")
