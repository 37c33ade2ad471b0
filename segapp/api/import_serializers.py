"""API shapes of imports: uploads, previews, retries, jobs and row issues (shape only)."""

from __future__ import annotations

import json

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from segapp.models import ImportFileType, ImportJob
from segapp.selectors.imports import job_status
from segapp.selectors.jobs import waiting_for
from segapp.services.ingest.drafts import kept_until
from segapp.services.ingest.options import AGGREGATE_MODES, ImportOptions
from segapp.services.ingest.preview import ROLES

KINDS = ("review", "survey", "social")
MAP_HELP = (
    'Column mapping: a JSON object ({"text": "review_body"}) or KEY=VALUE pairs separated by '
    "commas or new lines. Keys: FIELD=COLUMN for a field of the file type (customer_id, text, "
    "kind, channel, created_at, rating, amount, status, event_type, consent, opt_out); "
    "ROLE=COLUMN[,COLUMN…] for sensitive, drop, behaviour, attribute or metadata; "
    f"column:COLUMN=ROLE for any role of: {', '.join(ROLES)}."
)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {"type": "object", "additionalProperties": {"type": "string"}},
        ]
    }
)
class MappingField(serializers.Field):
    """A column mapping as a JSON object, a JSON string, or KEY=VALUE pairs."""

    def to_internal_value(self, data) -> dict[str, str]:
        if isinstance(data, dict):
            return _string_mapping(data)
        if not isinstance(data, str):
            raise serializers.ValidationError("give a JSON object or KEY=VALUE pairs")
        value = data.strip()
        if not value:
            return {}
        if value.startswith("{"):
            try:
                return _string_mapping(json.loads(value))
            except json.JSONDecodeError as exc:
                raise serializers.ValidationError(f"not valid JSON ({exc.msg})") from None
        return _pairs(value)

    def to_representation(self, value) -> dict[str, str]:
        return dict(value)


def _string_mapping(data) -> dict[str, str]:
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise serializers.ValidationError("keys and values must be strings")
    return data


def _pairs(value: str) -> dict[str, str]:
    """KEY=VALUE pairs; a piece without "=" continues the previous value (ROLE=COL,COL)."""
    mapping: dict[str, str] = {}
    last = None
    for line in value.splitlines():
        for piece in (p.strip() for p in line.split(",")):
            if not piece:
                continue
            key, sep, column = piece.partition("=")
            if sep and key.strip() and column.strip():
                last = key.strip()
                mapping[last] = column.strip()
            elif not sep and last is not None:
                mapping[last] = f"{mapping[last]},{piece}"
            else:
                raise serializers.ValidationError(f"{piece!r} is not KEY=VALUE")
    return mapping


class ImportChoicesSerializer(serializers.Serializer):
    """How to read a file: mapping, sensitive columns, kinds, delimiter, dates, consent."""

    map = MappingField(required=False, help_text=MAP_HELP)
    sensitive = serializers.CharField(
        required=False, allow_blank=True, help_text="Extra sensitive columns, comma-separated."
    )
    default_kind = serializers.ChoiceField(choices=KINDS, required=False)
    delimiter = serializers.CharField(required=False, allow_blank=True, max_length=9)
    dayfirst = serializers.BooleanField(required=False, allow_null=True, default=None)
    consent = serializers.BooleanField(required=False, allow_null=True, default=None)
    aggregate = serializers.ChoiceField(
        choices=AGGREGATE_MODES,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Customers files with several rows per customer: combine each customer's "
        "rows, or keep the latest; without it such a file is refused.",
    )

    def validate_sensitive(self, value: str) -> list[str]:
        return [c.strip() for c in (value or "").split(",") if c.strip()]

    def options(self, *, base: ImportOptions | None = None) -> ImportOptions:
        """The import options asked for, each missing one taken from `base` (or the default)."""
        values, base = self.validated_data, base or ImportOptions()
        return ImportOptions(
            mapping=values.get("map", base.mapping),
            sensitive=tuple(values["sensitive"]) if "sensitive" in values else base.sensitive,
            default_kind=values.get("default_kind") or base.default_kind,
            delimiter=(values.get("delimiter") or None)
            if "delimiter" in values
            else base.delimiter,
            dayfirst=values["dayfirst"] if "dayfirst" in self.initial_data else base.dayfirst,
            consent=values["consent"] if "consent" in self.initial_data else base.consent,
            aggregate=(values.get("aggregate") or None)
            if "aggregate" in values
            else base.aggregate,
        )


def _check_size(upload):
    limit = settings.VOXSEG_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise serializers.ValidationError(
            f"The file is {upload.size / 1e6:.0f} MB; the limit is "
            f"{settings.VOXSEG_MAX_UPLOAD_MB} MB."
        )
    if upload.size == 0:
        raise serializers.ValidationError("The file is empty (0 bytes).")
    return upload


class ImportCreateSerializer(ImportChoicesSerializer):
    """A multipart upload that starts an import job."""

    file = serializers.FileField(help_text="CSV, JSON array or JSON Lines file.")
    type = serializers.ChoiceField(choices=ImportFileType.values)

    def validate_file(self, upload):
        return _check_size(upload)


class ImportPreviewRequestSerializer(ImportChoicesSerializer):
    """A multipart upload to preview: nothing is stored."""

    file = serializers.FileField(help_text="CSV, JSON array or JSON Lines file.")
    type = serializers.ChoiceField(
        choices=ImportFileType.values,
        required=False,
        allow_blank=True,
        help_text="What the file holds; left out, VoxSeg guesses.",
    )
    rows = serializers.IntegerField(
        required=False, default=10, min_value=0, max_value=50, help_text="First rows to show."
    )

    def validate_file(self, upload):
        return _check_size(upload)


class ImportRetrySerializer(ImportChoicesSerializer):
    """A retry of a failed import: what to read differently (the rest as the failed job had it)."""

    type = serializers.ChoiceField(
        choices=ImportFileType.values,
        required=False,
        help_text="What the file holds; left out, as the failed job had it.",
    )


class ColumnGuessSerializer(serializers.Serializer):
    """One column of a preview: its role, the field it fills, why, and a few sample values."""

    name = serializers.CharField()
    role = serializers.ChoiceField(choices=ROLES)
    field = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    samples = serializers.ListField(
        child=serializers.JSONField(), help_text="Up to 3 values, redacted as stored."
    )
    confident = serializers.BooleanField(help_text="False: check this column.")


class ImportPreviewSerializer(serializers.Serializer):
    """What importing a file would do, before anything is imported."""

    file_format = serializers.CharField(help_text='e.g. "CSV, semicolon-separated, UTF-8".')
    file_type = serializers.CharField(help_text="documents, customers or events.")
    suggested_type = serializers.CharField(
        allow_null=True, help_text="Another type the file looks like, or null."
    )
    suggestion = serializers.CharField(allow_blank=True, help_text="Why, in a sentence.")
    columns = ColumnGuessSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(), help_text="The first rows, redacted as stored."
    )
    rows_per_customer = serializers.FloatField()
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="What would stop the import; empty when none."
    )
    roles = serializers.ListField(
        child=serializers.CharField(),
        help_text="Roles a column of this file type can be given (map column:COLUMN=ROLE).",
    )


class ImportJobSerializer(serializers.ModelSerializer):
    """An import job with its live status and counts."""

    type = serializers.CharField(source="file_type")
    progress = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    created_by = serializers.CharField(
        source="created_by.username",
        default=None,
        allow_null=True,
        help_text="Username; null when started by the system or from the command line.",
    )
    duration_seconds = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Null until it has finished."
    )
    report_url = serializers.SerializerMethodField()
    retry_of = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The failed job this one retries, or null."
    )
    upload_kept_until = serializers.SerializerMethodField(
        help_text="A failed job keeps its upload until then for POST imports/{id}/retry/; "
        "null when nothing is kept."
    )
    waiting_for = serializers.SerializerMethodField(
        help_text="What a queued job waits for (workers busy, jobs ahead), or why a running "
        "one seems stalled; empty otherwise."
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "type",
            "status",
            "progress",
            "counts",
            "source",
            "original_filename",
            "file_size",
            "file_sha256",
            "file_format",
            "encoding",
            "delimiter",
            "options",
            "column_mapping",
            "column_roles",
            "redaction_counts",
            "error_message",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
            "report_url",
            "retry_of",
            "upload_kept_until",
            "waiting_for",
        ]

    def get_waiting_for(self, job: ImportJob) -> str:
        return waiting_for(job)

    def _status(self, job: ImportJob):
        cache = self.context.setdefault("_status", {})
        if job.pk not in cache:
            cache[job.pk] = job_status(job)
        return cache[job.pk]

    def get_progress(self, job: ImportJob) -> float:
        return self._status(job).progress

    def get_counts(self, job: ImportJob) -> dict[str, int]:
        status = self._status(job)
        return {
            "read": status.rows_read,
            "imported": status.rows_imported,
            "updated": job.rows_updated,
            "duplicates": status.rows_duplicate,
            "rejected": status.rows_rejected,
            "warnings": job.warnings,
        }

    def get_report_url(self, job: ImportJob) -> str:
        request = self.context.get("request")
        path = f"/api/v1/imports/{job.pk}/report/"
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_upload_kept_until(self, job: ImportJob):
        moment = kept_until(job) if job.status == "failed" else None
        return serializers.DateTimeField().to_representation(moment) if moment else None


class ImportRowIssueSerializer(serializers.Serializer):
    """One row-level issue of an import (values hidden from roles that may not read texts)."""

    row = serializers.IntegerField(source="row_number")
    column = serializers.CharField()
    severity = serializers.ChoiceField(choices=("error", "warning"))
    reason = serializers.CharField(
        help_text="Why; quoted values are redacted, and replaced by [value] for roles that "
        "may not read texts."
    )
