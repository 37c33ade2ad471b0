"""Documents: what customers wrote (reviews, survey answers, social posts), redacted."""

from __future__ import annotations

from django.db import models


class DocumentKind(models.TextChoices):
    """What sort of text a document is."""

    REVIEW = "review", "Review"
    SURVEY = "survey", "Survey answer"
    SOCIAL = "social", "Social post"


class Document(models.Model):
    """One text by one customer, stored only after PII redaction.

    `content_hash` identifies the document (customer, kind, channel, time, text)
    and makes re-imports idempotent; `text_hash` identifies the text alone so
    that identical texts share one embedding later.
    """

    customer = models.ForeignKey(
        "segapp.Customer", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    channel = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(null=True, blank=True)
    rating = models.FloatField(null=True, blank=True)
    text = models.TextField()
    text_hash = models.CharField(max_length=64, db_index=True)
    content_hash = models.CharField(max_length=64, unique=True)
    original_length = models.PositiveIntegerField()
    truncated = models.BooleanField(default=False)
    redactions = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    import_job = models.ForeignKey(
        "segapp.ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["customer", "created_at"]),
            models.Index(fields=["kind", "channel"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DocumentKind.values), name="document_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=0),
                name="document_rating_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
