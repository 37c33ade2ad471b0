"""Before a run fits anything: which populations of customers it reads, stored for its page.

Customers imported from different files often hold different features (text
and orders for some, other columns and no text for others). The report of
`nlp.populations.describe_populations` on the run's inputs is stored with the
run when it begins, so the run page warns about mixed populations while the
run is still embedding, and before anyone reads its segments.
"""

from __future__ import annotations

import logging

from nlp.populations import PopulationReport, describe_populations
from segapp.models import RunPopulations, SegmentationRun

logger = logging.getLogger(__name__)


def population_report(inputs) -> PopulationReport:
    """The populations of a run's inputs (`services.segmentation.inputs.RunInputs`)."""
    writers = set(inputs.documents["customer"]) if len(inputs.documents) else set()
    has_text = [customer in writers for customer in inputs.behaviour.index]
    return describe_populations(has_text, inputs.behaviour)


def record_populations(run: SegmentationRun, inputs) -> PopulationReport:
    """Store the report of the run's inputs with the run (replacing an earlier one)."""
    report = population_report(inputs)
    RunPopulations.objects.update_or_create(run=run, defaults={"report": report.as_dict()})
    if report.mixed:
        logger.info(
            "run %s reads %d populations of customers holding different features",
            run.pk,
            len(report.populations),
        )
    return report
