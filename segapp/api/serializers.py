"""API shapes: what goes in and out of each endpoint, nothing else."""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework import serializers

from segapp.api.persona_serializers import CustomerMembershipSerializer, ExplanationSerializer
from segapp.models import Customer, Document, ImportFileType, ImportJob, ImportRowIssue
from segapp.selectors.imports import job_status


class ImportCreateSerializer(serializers.Serializer):
    """A multipart upload that starts an import job."""

    file = serializers.FileField(help_text="CSV, JSON array or JSON Lines file.")
    type = serializers.ChoiceField(choices=ImportFileType.values)
    map = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text='Column mapping: JSON object {"text": "review_body"} or FIELD=COLUMN pairs '
        "separated by commas or new lines.",
    )
    sensitive = serializers.CharField(
        required=False, allow_blank=True, help_text="Extra sensitive columns, comma-separated."
    )
    default_kind = serializers.ChoiceField(
        choices=("review", "survey", "social"), required=False, default="review"
    )
    delimiter = serializers.CharField(required=False, allow_blank=True, max_length=9)
    dayfirst = serializers.BooleanField(required=False, allow_null=True, default=None)
    consent = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate_file(self, upload):
        limit = settings.VOXSEG_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise serializers.ValidationError(
                f"The file is {upload.size / 1e6:.0f} MB; the limit is "
                f"{settings.VOXSEG_MAX_UPLOAD_MB} MB."
            )
        if upload.size == 0:
            raise serializers.ValidationError("The file is empty (0 bytes).")
        return upload

    def validate_map(self, value: str) -> dict[str, str]:
        value = (value or "").strip()
        if not value:
            return {}
        if value.startswith("{"):
            try:
                data = json.loads(value)
            except json.JSONDecodeError as exc:
                raise serializers.ValidationError(f"not valid JSON ({exc.msg})") from None
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
                raise serializers.ValidationError("field and column names must be strings")
            return data
        pairs = [p.strip() for p in value.replace("\n", ",").split(",") if p.strip()]
        mapping = {}
        for pair in pairs:
            field_name, sep, column = pair.partition("=")
            if not sep or not field_name.strip() or not column.strip():
                raise serializers.ValidationError(f"{pair!r} is not FIELD=COLUMN")
            mapping[field_name.strip()] = column.strip()
        return mapping

    def validate_sensitive(self, value: str) -> list[str]:
        return [c.strip() for c in (value or "").split(",") if c.strip()]


class ImportJobSerializer(serializers.ModelSerializer):
    """An import job with its live status and counts."""

    type = serializers.CharField(source="file_type")
    progress = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", default=None)
    duration_seconds = serializers.FloatField(read_only=True)
    report_url = serializers.SerializerMethodField()

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
        ]

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


class ImportRowIssueSerializer(serializers.ModelSerializer):
    """One row-level issue of an import."""

    row = serializers.IntegerField(source="row_number")

    class Meta:
        model = ImportRowIssue
        fields = ["row", "column", "severity", "reason"]


class CustomerSerializer(serializers.ModelSerializer):
    """A customer by pseudonym, with behaviour, consent and activity counts."""

    documents = serializers.IntegerField(source="document_count", read_only=True)
    events = serializers.IntegerField(source="event_count", read_only=True)

    class Meta:
        model = Customer
        fields = [
            "pseudonym",
            "behaviour",
            "event_features",
            "attributes",
            "sensitive",
            "segmentation_consent",
            "consent_updated_at",
            "documents",
            "events",
            "created_at",
            "updated_at",
        ]


class CustomerDetailSerializer(CustomerSerializer):
    """A customer with their place in every successful run and, for analysts, an explanation."""

    memberships = CustomerMembershipSerializer(many=True, help_text="Newest run first.")
    explanation = ExplanationSerializer(
        allow_null=True,
        help_text="Why the customer is in their segment in the latest successful run (or "
        "?run=ID); null when your role may not see it or the customer was not in that run.",
    )
    explanation_hidden = serializers.BooleanField(
        help_text="True when your role may not see explanations."
    )

    class Meta(CustomerSerializer.Meta):
        fields = [
            *CustomerSerializer.Meta.fields,
            "memberships",
            "explanation",
            "explanation_hidden",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    """A redacted document."""

    customer = serializers.CharField(source="customer.pseudonym")

    class Meta:
        model = Document
        fields = [
            "id",
            "customer",
            "kind",
            "channel",
            "created_at",
            "rating",
            "text",
            "truncated",
            "original_length",
            "redactions",
            "metadata",
            "import_job",
            "imported_at",
        ]
