"""`manage.py export_documents [--run ID|latest] [--format csv|json] [-o PATH]` (SPEC §11)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from segapp.management.commands._export import (
    add_export_arguments,
    record_export,
    resolve,
    write_rows,
)
from segapp.models import AuditAction
from segapp.selectors.runs import DOCUMENT_EXPORT_FIELDS, document_export_rows


class Command(BaseCommand):
    help = (
        "One row per document of a run: document,customer,kind,channel,created_at,"
        "sentiment,sentiment_label,topic,topic_label."
    )

    def add_arguments(self, parser) -> None:
        add_export_arguments(parser)

    def handle(self, *args, **options) -> None:
        run = resolve(options["run"])
        rows = document_export_rows(run)
        count = write_rows(
            rows, DOCUMENT_EXPORT_FIELDS, options["format"], options["output"], stdout=self.stdout
        )
        record_export(
            AuditAction.EXPORT_DOCUMENTS, run, options["format"], count, options["output"]
        )
        if options["output"]:
            self.stderr.write(f"wrote {count} documents of run {run.pk} to {options['output']}")
