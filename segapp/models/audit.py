"""The audit log: who viewed or exported what about customers, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    """What was done. Extend rather than rename: stored rows keep their value."""

    VIEW_CUSTOMER = "view_customer", "Viewed a customer"
    EXPORT_MEMBERS = "export_members", "Exported a segment's members"
    EXPORT_SEGMENTS = "export_segments", "Exported a run's memberships"
    EXPORT_DOCUMENTS = "export_documents", "Exported a run's documents"
    CHAT_QUESTION = "chat_question", "Asked the chat"
    CONSENT_CHANGE = "consent_change", "Changed a customer's consent"
    ACCESS_REQUEST = "access_request", "Ran an access request"
    ERASURE_REQUEST = "erasure_request", "Ran an erasure request"
    RECTIFICATION = "rectification", "Corrected a customer's data"
    RETENTION_SWEEP = "retention_sweep", "Enforced retention"
    PRIVATE_RELEASE = "private_release", "Released aggregates with differential privacy"
    BUDGET_CHANGE = "budget_change", "Changed a privacy budget"
    VIEW_BIAS_AUDIT = "view_bias_audit", "Viewed a bias audit"
    VIEW_AUDIT_LOG = "view_audit_log", "Viewed the audit log"


class AuditEvent(models.Model):
    """One audited action. Rows are only ever added; retention is the one remover.

    `username` is kept beside the user link so the entry still says who acted
    after the account is deleted. `target` names what was touched (a customer's
    pseudonym, "run 3 segment 2"); `details` holds the rest (format, row count).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=32, choices=AuditAction.choices, db_index=True)
    target = models.CharField(max_length=200, db_index=True)
    channel = models.CharField(max_length=16, default="web")  # web | api | cli
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.target}"

    def save(self, *args, **kwargs) -> None:
        """Add the entry; an existing entry is never changed."""
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Refused: only the retention sweep removes entries (a queryset delete by age)."""
        raise ValueError("Audit entries are append-only; the retention period removes them.")
