"""Segmentation runs and their results: segments, memberships, topics, per-document results.

A run is a versioned object: the parameters and model versions it used, its
status and progress per stage, timings, quality metrics, and its results.
Results are written in one transaction when the run succeeds, so a reader
never sees half a run. Every result row points at the customers and
documents it came from, so erasure can remove every trace.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from segapp.models.timing import WallTime


class RunStatus(models.TextChoices):
    """Where a run is in its life."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class SegmentationRun(WallTime, models.Model):
    """One segmentation of the consenting customers, with everything needed to trust it."""

    status = models.CharField(
        max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True
    )
    parameters = models.JSONField(default=dict, blank=True)
    model_versions = models.JSONField(default=dict, blank=True)
    stage = models.CharField(max_length=32, blank=True, default="")
    stage_progress = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    sentiment = models.JSONField(default=dict, blank=True)
    # Population statistics of the interpretable features (nlp.explain), for "why this customer".
    explain_context = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True, default="")
    cancel_requested = models.BooleanField(default=False)
    n_customers = models.PositiveIntegerField(default=0)
    n_documents = models.PositiveIntegerField(default=0)
    n_segments = models.PositiveIntegerField(default=0)
    outlier_share = models.FloatField(null=True, blank=True)
    artifact_dir = models.CharField(max_length=500, blank=True, default="")
    artifact_digest = models.CharField(max_length=64, blank=True, default="")
    input_fingerprint = models.CharField(max_length=64, blank=True, default="", db_index=True)
    reused_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reused_by"
    )
    source = models.CharField(max_length=16, default="ui")
    # Customers who opted out or were erased after the run: their memberships,
    # results and quotes are gone from it; its stored aggregates still count them.
    customers_withdrawn = models.PositiveIntegerField(default=0)
    privacy_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease of the process working on the run (services/jobs.py): who, and when last heard.
    worker = models.CharField(max_length=255, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        """Whether the run has ended one way or another."""
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class Segment(models.Model):
    """A segment of a run; `number` is its id in API paths and exports (0, 1, …)."""

    run = models.ForeignKey(SegmentationRun, on_delete=models.CASCADE, related_name="segments")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    share = models.FloatField()
    profile = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="segment_number_unique_in_run")
        ]

    def __str__(self) -> str:
        return f"{self.name} (run {self.run_id})"


class Membership(models.Model):
    """A customer's place in a run: segment and probability, or outlier (with soft assignment)."""

    run = models.ForeignKey(SegmentationRun, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey(
        "segapp.Customer", on_delete=models.CASCADE, related_name="memberships"
    )
    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, null=True, blank=True, related_name="members"
    )
    probability = models.FloatField()
    outlier = models.BooleanField(default=False)
    soft_segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, null=True, blank=True, related_name="soft_members"
    )
    soft_probability = models.FloatField(null=True, blank=True)
    x = models.FloatField(default=0.0)
    y = models.FloatField(default=0.0)
    assigned_after_fit = models.BooleanField(default=False)  # placed by the saved model later

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "customer"], name="membership_once_per_run")
        ]
        indexes = [models.Index(fields=["run", "segment"])]

    def __str__(self) -> str:
        return f"customer {self.customer_id} in run {self.run_id}"


class Topic(models.Model):
    """A topic of a run's documents; `number` is its id within the run."""

    run = models.ForeignKey(SegmentationRun, on_delete=models.CASCADE, related_name="topics")
    number = models.PositiveIntegerField()
    label = models.CharField(max_length=200)
    keywords = models.JSONField(default=list)
    size = models.PositiveIntegerField()
    sentiment = models.FloatField(null=True, blank=True)
    aspect_sentiment = models.FloatField(null=True, blank=True)
    representative_documents = models.JSONField(default=list, blank=True)
    parent_number = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="topic_number_unique_in_run")
        ]

    def __str__(self) -> str:
        return f"topic {self.number}: {self.label}"


class DocumentResult(models.Model):
    """A document's topic and sentiment in one run."""

    run = models.ForeignKey(
        SegmentationRun, on_delete=models.CASCADE, related_name="document_results"
    )
    document = models.ForeignKey(
        "segapp.Document", on_delete=models.CASCADE, related_name="results"
    )
    topic = models.IntegerField(default=-1)
    sentiment = models.FloatField()
    sentiment_label = models.CharField(max_length=8)

    class Meta:
        ordering = ["run", "document"]
        constraints = [
            models.UniqueConstraint(fields=["run", "document"], name="document_result_once_per_run")
        ]

    def __str__(self) -> str:
        return f"document {self.document_id} in run {self.run_id}"


class Embedding(models.Model):
    """A text's vector under one model, computed once and shared by every run.

    Keyed by the SHA-256 of the redacted text (`Document.text_hash`) and the
    embedder's model id; erasure deletes vectors no document points at any more.
    """

    text_hash = models.CharField(max_length=64)
    model_id = models.CharField(max_length=100)
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["text_hash", "model_id"], name="embedding_once_per_model"
            )
        ]

    def __str__(self) -> str:
        return f"embedding {self.text_hash[:12]} ({self.model_id})"
