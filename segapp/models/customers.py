"""Customers: pseudonymous people whose words and behaviour are segmented."""

from __future__ import annotations

from django.db import models


class Customer(models.Model):
    """One customer, known only by the keyed pseudonym of their external id.

    The raw external id is never stored. `behaviour` holds numeric features from
    customer files, `event_features` the recency/frequency/monetary features
    derived from events, `attributes` other non-sensitive columns, and
    `sensitive` the columns kept for bias audits only (never clustering inputs).
    """

    pseudonym = models.CharField(max_length=64, unique=True)
    behaviour = models.JSONField(default=dict, blank=True)
    event_features = models.JSONField(default=dict, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    sensitive = models.JSONField(default=dict, blank=True)
    segmentation_consent = models.BooleanField(default=True)
    consent_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pseudonym__regex=r"^[0-9a-f]{64}$"),
                name="customer_pseudonym_is_hex_sha256",
            )
        ]

    def __str__(self) -> str:
        return f"customer {self.pseudonym[:12]}"

    @property
    def features(self) -> dict[str, float]:
        """Every behavioural feature of the customer: file columns and event-derived."""
        return {**self.behaviour, **self.event_features}
