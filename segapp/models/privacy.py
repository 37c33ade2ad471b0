"""Privacy records: consent history, data-subject requests, suppression, bias audits, DP budgets."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ConsentEvent(models.Model):
    """One change of a customer's segmentation consent (the history a DSAR export shows)."""

    customer = models.ForeignKey(
        "segapp.Customer", on_delete=models.CASCADE, related_name="consent_events"
    )
    consented = models.BooleanField()
    source = models.CharField(max_length=16)  # web | api | cli | import
    actor = models.CharField(max_length=150, default="system")
    reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["customer", "created_at", "id"]

    def __str__(self) -> str:
        state = "consented" if self.consented else "opted out"
        return f"customer {self.customer_id} {state} at {self.created_at:%Y-%m-%d}"


class RequestKind(models.TextChoices):
    """What a privacy request asks for."""

    ACCESS = "access", "Access (export)"
    ERASURE = "erasure", "Erasure"
    RECTIFICATION = "rectification", "Rectification"
    RETENTION = "retention", "Retention sweep"


class RequestStatus(models.TextChoices):
    """Where a privacy request is."""

    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PrivacyRequest(models.Model):
    """A data-subject request or retention sweep, and once done its receipt.

    `subject` holds the customer's pseudonym only while an erasure is pending
    or running (so a crashed erasure can resume) and is blanked when it is
    done; the receipt that remains is the request id, the times and `counts`.
    `steps_done` lists the erasure steps already finished, for resuming.
    """

    request_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=RequestKind.choices, db_index=True)
    status = models.CharField(
        max_length=8, choices=RequestStatus.choices, default=RequestStatus.PENDING, db_index=True
    )
    subject = models.CharField(max_length=64, blank=True, default="", db_index=True)
    requested_by = models.CharField(max_length=150, default="system")
    channel = models.CharField(max_length=16, default="cli")  # web | api | cli | beat
    counts = models.JSONField(default=dict, blank=True)
    steps_done = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} request {self.request_id} ({self.status})"


class SuppressedIdentity(models.Model):
    """A one-way hash of an erased customer whose re-import is refused.

    Derived from the pseudonym with a separate key and domain, so it is not the
    pseudonym and cannot be turned back into it or the external id.
    """

    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"suppressed {self.digest[:12]}"


class BiasAudit(models.Model):
    """A run's bias audit: sensitive-attribute mix per segment, tests, flags, proxy check."""

    run = models.OneToOneField(
        "segapp.SegmentationRun", on_delete=models.CASCADE, related_name="bias_audit"
    )
    result = models.JSONField(default=dict, blank=True)
    flagged = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"bias audit of run {self.run_id} ({self.flagged} flags)"


class PrivacyBudget(models.Model):
    """The differential-privacy budget of one dataset: what may be spent and what was."""

    dataset = models.CharField(max_length=64, unique=True)
    epsilon_total = models.FloatField()
    delta_total = models.FloatField()
    epsilon_spent = models.FloatField(default=0.0)
    delta_spent = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"budget {self.dataset}: {self.epsilon_spent:g}/{self.epsilon_total:g}"


class PrivacyRelease(models.Model):
    """One differentially private release of a run's aggregates, kept to be served again."""

    budget = models.ForeignKey(PrivacyBudget, on_delete=models.PROTECT, related_name="releases")
    run = models.ForeignKey(
        "segapp.SegmentationRun", on_delete=models.CASCADE, related_name="privacy_releases"
    )
    epsilon = models.FloatField()
    delta = models.FloatField(default=0.0)
    seed = models.BigIntegerField(null=True, blank=True)
    requested_by = models.CharField(max_length=150, default="system")
    channel = models.CharField(max_length=16, default="api")
    key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"release of run {self.run_id} at epsilon {self.epsilon:g}"


class TokenPrivacyPolicy(models.Model):
    """An API token's differential-privacy setting: its aggregates are released with noise."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, related_name="privacy_policy"
    )
    epsilon = models.FloatField()
    delta = models.FloatField(default=0.0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"token policy epsilon {self.epsilon:g}"
