"""Events: what customers did (purchases, returns, visits), the source of RFM features."""

from __future__ import annotations

from django.db import models


class Event(models.Model):
    """One behavioural event of a customer; `content_hash` makes re-imports idempotent."""

    customer = models.ForeignKey("segapp.Customer", on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField()
    amount = models.FloatField(null=True, blank=True)
    event_type = models.CharField(max_length=64)
    # the row's status as written ("Cancelled", "partially_refunded"), "" without a status column
    status = models.CharField(max_length=64, blank=True, default="")
    # what the status (or a negative amount) means: purchase | return | cancelled | pending | ""
    outcome = models.CharField(max_length=16, blank=True, default="")
    content_hash = models.CharField(max_length=64, unique=True)
    metadata = models.JSONField(default=dict, blank=True)
    import_job = models.ForeignKey(
        "segapp.ImportJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["customer", "created_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"
