"""Placement after a run: customers who wait for the next run, and the populations a run saw.

A run's saved model places customers who arrive later only when they hold
what its segments were fitted on (`nlp.model.FittedSegmentation.place`); the
others get an `UnplacedCustomer` row saying why, shown wherever they are
shown, until the next run includes them. `RunPopulations` keeps the report of
`nlp.populations.describe_populations` on the customers a run reads, written
before anything is fitted, so the run page can warn about mixed populations
before its segments are read. `PlacementPass` records when the run's members
last changed by placement, so answers cached by clients are revalidated.
"""

from __future__ import annotations

from django.db import models

from segapp.models.runs import SegmentationRun


class UnplacedReason(models.TextChoices):
    """Why a customer who arrived after a run was not placed in its segments."""

    NO_TEXT = (
        "no_text",
        "Has written nothing; this run's segments are defined by what members write",
    )
    MISSING_BEHAVIOUR = (
        "missing_behaviour",
        "Lacks behaviour columns this run's segments were fitted on",
    )


class UnplacedCustomer(models.Model):
    """A customer a run's model did not place, and why: they wait for the next run."""

    run = models.ForeignKey(SegmentationRun, on_delete=models.CASCADE, related_name="unplaced")
    customer = models.ForeignKey(
        "segapp.Customer", on_delete=models.CASCADE, related_name="unplaced_in"
    )
    reason = models.CharField(max_length=32, choices=UnplacedReason.choices)
    missing = models.JSONField(default=list, blank=True)  # the features the customer lacks
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "customer"], name="unplaced_once_per_run")
        ]
        indexes = [models.Index(fields=["run", "reason"])]

    def __str__(self) -> str:
        return f"customer {self.customer_id} waits for a run after {self.run_id} ({self.reason})"


class RunPopulations(models.Model):
    """The populations of the customers a run read, found before it fitted anything."""

    run = models.OneToOneField(
        SegmentationRun, on_delete=models.CASCADE, related_name="populations"
    )
    report = models.JSONField(default=dict, blank=True)  # PopulationReport.as_dict()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"populations of run {self.run_id}"

    @property
    def mixed(self) -> bool:
        """Whether the run's customers fall into populations holding different features."""
        return bool(self.report.get("mixed"))


class PlacementPass(models.Model):
    """The latest placement pass of a run: when it changed the run's members, and its counts."""

    run = models.OneToOneField(
        SegmentationRun, on_delete=models.CASCADE, related_name="placement_pass"
    )
    placed_at = models.DateTimeField()
    placed_after = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"placement of run {self.run_id} at {self.placed_at:%Y-%m-%d %H:%M}"
