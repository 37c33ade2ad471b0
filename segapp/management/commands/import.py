"""`manage.py import PATH --type documents|customers|events`: import a file in the foreground.

Same service as the upload page and the API. Progress, the column roles, the
rows per status of an events file and the import's notes go to stderr; stdout
ends with `read=R imported=I duplicates=D rejected=X` (SPEC §11). Exit 1 with
one `error: ...` line when the file cannot be read at all (or, without
`--aggregate`, when a customers file has several rows per customer).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError
from tqdm import tqdm

from segapp.models import ImportFileType, ImportStatus
from segapp.services.ingest.columns import parse_map_options
from segapp.services.ingest.options import AGGREGATE_MODES
from segapp.services.ingest.progress import ImportProgress
from segapp.services.ingest.readers import UnreadableFileError
from segapp.services.ingest.service import (
    ImportOptions,
    ImportRequestError,
    create_import_job,
    run_import_job,
)
from segapp.services.segmentation.assign import (
    schedule_assignment,
)


class Command(BaseCommand):
    help = "Import a documents, customers or events file (CSV, JSON or JSON Lines)."
    # Django's system checks load every URL module and view (1-2 s) and check nothing
    # this command uses; `manage.py check` and the web server still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="CSV, JSON array or JSON Lines file")
        parser.add_argument(
            "--type", required=True, choices=ImportFileType.values, dest="file_type"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="Which column holds a field, e.g. --map text=review_body (repeatable).",
        )
        parser.add_argument(
            "--sensitive",
            default="",
            metavar="COL,...",
            help="More columns to treat as sensitive (kept for audits, never clustered).",
        )
        parser.add_argument(
            "--default-kind",
            default="review",
            choices=("review", "survey", "social"),
            help="Kind of documents whose file has no kind column (default: review).",
        )
        parser.add_argument("--delimiter", help="CSV delimiter (default: detected).")
        parser.add_argument(
            "--dayfirst",
            action="store_true",
            default=None,
            help="Read ambiguous dates like 03/04/2025 as day first.",
        )
        parser.add_argument(
            "--no-consent",
            action="store_true",
            help="New customers have not consented to segmentation.",
        )
        parser.add_argument(
            "--aggregate",
            nargs="?",
            const="combine",
            choices=AGGREGATE_MODES,
            help="A customers file with several rows per customer: 'combine' them (sums, means, "
            "most frequent values; the default when given alone) or keep each customer's "
            "'latest' row. Without it such a file is refused.",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        try:
            job_options = ImportOptions(
                mapping=parse_map_options(options["map"]),
                sensitive=tuple(c.strip() for c in options["sensitive"].split(",") if c.strip()),
                default_kind=options["default_kind"],
                delimiter=options["delimiter"],
                dayfirst=options["dayfirst"],
                consent=False if options["no_consent"] else None,
                aggregate=options["aggregate"],
            )
            if not path.is_file():
                raise UnreadableFileError(f"No such file: {path}")
            job = create_import_job(
                file_type=options["file_type"],
                original_filename=path.name,
                options=job_options,
                source="cli",
                path=path,
            )
        except (UnreadableFileError, ImportRequestError) as exc:
            self._fail(str(exc))
        except DatabaseError as exc:
            self._fail(f"the database could not record the import: {exc}")
        bar = tqdm(total=100, unit="%", desc=f"import #{job.pk}", file=sys.stderr, leave=False)
        reporter = _BarReporter(bar)
        try:
            job = run_import_job(job.pk, progress=reporter)
        except DatabaseError as exc:
            # The service records its own failures; this is the database failing under it.
            self._fail(f"import #{job.pk} stopped: the database failed ({exc}); run it again")
        finally:
            bar.close()
        if job.status != ImportStatus.SUCCEEDED:
            self._fail(job.error_message)
        schedule_assignment(job)
        columns = ", ".join(f"{c['column']} -> {c['role']}" for c in job.column_roles)
        self.stderr.write(
            f"import #{job.pk}: {job.original_filename} ({job.file_format}, {job.encoding}); "
            f"columns: {columns}; {job.warnings} warnings; "
            f"redacted: {job.redaction_counts or 'nothing'}"
        )
        if job.file_type == ImportFileType.CUSTOMERS:
            self.stderr.write(
                f"new: {job.rows_new}, changed: {job.rows_updated}, identical: "
                f"{job.rows_duplicate}, rejected: {job.rows_rejected}"
            )
        if job.status_counts:
            counts = ", ".join(f"{status}={count}" for status, count in job.status_counts.items())
            self.stderr.write(f"statuses: {counts}")
        for note in job.notes:
            self.stderr.write(f"note: {note}")
        if job.rows_rejected or job.warnings:
            self.stderr.write(f"row-level report: manage.py import_report {job.pk}")
        self.stdout.write(job.summary_line)

    def _fail(self, message: str) -> None:
        self.stderr.write(f"error: {' '.join(message.split())}")
        sys.exit(1)


class _BarReporter:
    """Feeds service progress into a tqdm bar on stderr."""

    def __init__(self, bar: tqdm) -> None:
        self.bar = bar

    def __call__(self, progress: ImportProgress) -> None:
        self.bar.n = round(progress.fraction * 100)
        self.bar.set_postfix(
            read=progress.rows_read, rejected=progress.rows_rejected, refresh=False
        )
        self.bar.refresh()
