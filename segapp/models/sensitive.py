"""Names declared sensitive: their values live in `Customer.sensitive` only, never in run inputs."""

from __future__ import annotations

from django.db import models


class SensitiveName(models.Model):
    """One attribute name declared sensitive, by its canonical key.

    `key` is `nlp.fairness.attribute_key` of the name's best spelling (lower
    snake case). Spellings match ignoring case and separators
    (`nlp.fairness.attribute_match`), so "Loyalty Member", "loyalty_member",
    "LoyaltyMember" and "loyaltymember" are one row; `spellings` lists the
    column names it was declared under.
    Imports and runs read these rows to keep the attribute out of behaviour,
    attributes and clustering inputs.
    """

    key = models.CharField(max_length=200, unique=True)
    spellings = models.JSONField(default=list, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"sensitive {self.key}"
