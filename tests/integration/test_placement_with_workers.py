"""Placement after a run on PostgreSQL + Redis with a real worker: an import of text-less
customers queues the placement task, the worker places nobody in segments defined by texts,
and every surface gives the same counts."""

from __future__ import annotations

import pytest

from segapp.models import Membership, RunStatus, SegmentationRun, UnplacedCustomer
from segapp.selectors.placement import run_placement
from segapp.services.pseudonyms import pseudonymise
from segapp.services.segmentation.runs import create_run, enqueue_run
from tests.integration import test_segmentation_with_workers as with_workers
from tests.segapp.segmentation.conftest import import_demo
from tests.segapp.segmentation.test_placement import (
    LATE,
    assert_every_surface_agrees,
    import_file,
    write_text_less_customers,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
start_worker, wait_until = with_workers.start_worker, with_workers.wait_until
workers = with_workers.workers  # the fixture of worker processes, shared


def test_worker_places_no_text_less_customer_in_a_text_run_and_counts_agree(
    workers, tmp_path, client, alice, api_as, settings
):
    settings.VOXSEG_DP_EPSILON_BUDGET = 1e7
    import_demo(tmp_path, n_customers=200)
    workers.append(start_worker("placement"))
    run = create_run(parameters={"stability_resamples": 0}, source="test")
    enqueue_run(run)
    status = wait_until(
        lambda: (
            SegmentationRun.objects.filter(pk=run.pk, status__in=["succeeded", "failed"])
            .values_list("status", flat=True)
            .first()
        ),
        timeout=600,
        what="the run to finish",
    )
    assert status == RunStatus.SUCCEEDED
    run.refresh_from_db()

    import_file(write_text_less_customers(tmp_path / "crm"), "customers")  # queues placement
    wait_until(
        lambda: UnplacedCustomer.objects.filter(run=run).count() >= LATE,
        timeout=300,
        what="the worker to record the waiting customers",
    )
    crm = [pseudonymise(f"CRM-{i:05d}") for i in range(LATE)]
    assert not Membership.objects.filter(run=run, customer__pseudonym__in=crm).exists()
    assert set(
        UnplacedCustomer.objects.filter(customer__pseudonym__in=crm).values_list(
            "reason", flat=True
        )
    ) == {"no_text"}
    assert run_placement(run).waiting >= LATE
    client.force_login(alice)
    for line in assert_every_surface_agrees(run, client, api_as(alice)):
        print(line)
