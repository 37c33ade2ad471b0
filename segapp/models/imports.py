"""Import jobs: one per uploaded or imported file, with counts and row-level issues."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from segapp.models.timing import WallTime


class ImportFileType(models.TextChoices):
    """What an input file holds (SPEC §11 "Input files")."""

    DOCUMENTS = "documents", "Documents"
    CUSTOMERS = "customers", "Customers"
    EVENTS = "events", "Events"


class ImportStatus(models.TextChoices):
    """Where an import job is in its life."""

    DRAFT = "draft", "Draft"  # uploaded, previewed, not imported yet (services/ingest/drafts.py)
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ImportJob(WallTime, models.Model):
    """An import of one file: options asked for, mapping used, counts, timing, outcome.

    On PostgreSQL the rows of a job are written in one transaction, so a job
    that failed wrote nothing; on SQLite each chunk commits on its own (the
    embedded database stays writable) and a failed job removes what it wrote
    (`services.ingest.partial`). Live progress while running is kept in the
    cache (`services.ingest.progress`); the columns here are final figures.
    """

    file_type = models.CharField(max_length=16, choices=ImportFileType.choices)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED, db_index=True
    )
    source = models.CharField(max_length=16, default="ui")
    original_filename = models.CharField(max_length=255)
    upload_path = models.CharField(max_length=500, blank=True, default="")
    file_size = models.BigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True, default="")
    options = models.JSONField(default=dict, blank=True)
    file_format = models.CharField(max_length=8, blank=True, default="")
    encoding = models.CharField(max_length=32, blank=True, default="")
    delimiter = models.CharField(max_length=4, blank=True, default="")
    column_mapping = models.JSONField(default=dict, blank=True)
    # [{"column", "role"}] in file order (a list: jsonb does not keep key order)
    column_roles = models.JSONField(default=list, blank=True)
    # why each column got its role: {COLUMN: REASON} (import detection, services/ingest/detect.py)
    column_reasons = models.JSONField(default=dict, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    redaction_counts = models.JSONField(default=dict, blank=True)
    # events: rows per status value as written, e.g. {"Completed": 207, "Cancelled": 112}
    status_counts = models.JSONField(default=dict, blank=True)
    # events: rows per outcome (purchase, return, cancelled, pending, unknown)
    outcome_counts = models.JSONField(default=dict, blank=True)
    # customers: how rows of one customer were combined ({"mode", "columns": {COLUMN: METHOD}})
    aggregation = models.JSONField(default=dict, blank=True)
    rows_merged = models.PositiveIntegerField(default=0)
    # what the import noticed and did, in sentences (negative amounts read as refunds …)
    notes = models.JSONField(default=list, blank=True)
    suggested_type = models.CharField(max_length=16, blank=True, default="")
    progress = models.FloatField(default=0.0)
    error_message = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease of the process working on the job (services/jobs.py): who, and when last heard.
    worker = models.CharField(max_length=255, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # A job started again with a corrected mapping points at the failed job it retries.
    retry_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="retries"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import #{self.pk} ({self.file_type}, {self.status})"

    @property
    def is_finished(self) -> bool:
        """Whether the job has ended, well or badly."""
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def rows_new(self) -> int:
        """Rows that created something new (for customers: new customers)."""
        return self.rows_imported - self.rows_updated

    @property
    def summary_line(self) -> str:
        """The counts as the CLI prints them (SPEC §11)."""
        return (
            f"read={self.rows_read} imported={self.rows_imported} "
            f"duplicates={self.rows_duplicate} rejected={self.rows_rejected}"
        )


class ImportRowIssue(models.Model):
    """A rejected row (error) or a row kept with a caveat (warning) of an import job.

    `reason` quotes values only in redacted form and never a raw customer id.
    """

    class Severity(models.TextChoices):
        ERROR = "error", "Rejected"
        WARNING = "warning", "Warning"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row_number = models.PositiveIntegerField()
    column = models.CharField(max_length=255, blank=True, default="")
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.ERROR)
    reason = models.TextField()

    class Meta:
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["job", "row_number"])]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.reason}"
