"""Customers arriving after a run: placed only when they hold what its segments were fitted on,
and counted the same way on every page, export, API answer and private release.

Real model, real import service, placement through the Celery task (eager here; the
integration test runs it on real workers).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from nlp.datasets import generate_demo_dataset, write_demo_dataset
from segapp.models import Customer, Membership, UnplacedCustomer
from segapp.selectors.personas import is_small
from segapp.selectors.placement import run_placement, segment_counts
from segapp.services import dp
from segapp.services.pseudonyms import pseudonymise
from segapp.services.segmentation.runs import begin_run, create_run, run_in_foreground

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LATE = 120  # customers of another file: no text, behaviour columns nobody else has


def write_text_less_customers(folder: Path, n: int = LATE, seed: int = 5) -> Path:
    """A CRM export: customers who never wrote, with columns the run never saw."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "crm_export.csv"
    lines = ["customer_id,store_visits,loyalty_points"] + [
        f"CRM-{i:05d},{rng.poisson(4)},{rng.integers(0, 900)}" for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def import_file(path: Path, file_type: str) -> None:
    call_command("import", str(path), "--type", file_type, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip


def import_late_arrivals(tmp_path: Path, capture) -> dict[str, list[str]]:
    """Demo-like customers with their texts and events, then the text-less CRM file; the
    placement task runs after each import. Returns the pseudonyms of each group."""
    data = generate_demo_dataset(n_customers=40, seed=99)
    later = write_demo_dataset(data, tmp_path / "later")
    crm = write_text_less_customers(tmp_path / "crm")
    with capture(execute=True):
        for file_type in ("customers", "documents", "events"):
            import_file(later[file_type], file_type)
        import_file(crm, "customers")
    writers = {pseudonymise(d["customer_id"]) for d in data.documents}
    demo = [pseudonymise(c["customer_id"]) for c in data.customers]
    return {
        "writers": [c for c in demo if c in writers],
        "silent": [c for c in demo if c not in writers],
        "crm": [pseudonymise(f"CRM-{i:05d}") for i in range(LATE)],
    }


def assert_every_surface_agrees(run, client, api) -> list[str]:
    """Page, member export, API and a private release give each segment's counts alike."""
    counts = segment_counts(run)
    checked = []
    for segment in run.segments.all():
        if is_small(segment):
            continue
        c = counts[segment.number]
        assert c.fitted == segment.size and c.withdrawn == 0
        assert c.members == Membership.objects.filter(segment=segment).count()
        page = client.get(f"/runs/{run.pk}/segments/{segment.number}/").content.decode()
        line = page.split('data-testid="persona-counts"')[1].split("</span>")[0]
        assert f"<strong>{c.fitted:,}</strong> customers in the run's fit" in line
        if c.placed_after:
            assert f"<strong>{c.placed_after:,}</strong> placed after the run" in line
            assert f"{c.members:,} members now" in line
        assert f"{c.members:,} customers now (fitted and placed after the run)" in page
        persona = api.get(f"/api/v1/runs/{run.pk}/segments/{segment.number}/").json()
        assert persona["size"] == c.fitted and persona["counts"] == c.as_dict()
        export = api.get(f"/api/v1/runs/{run.pk}/segments/{segment.number}/members/?format=csv")
        rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
        assert len(rows) == c.members
        assert sum(r["assigned_after_fit"] == "true" for r in rows) == c.placed_after
        assert (export["X-Segment-Fitted"], export["X-Segment-Placed-After"]) == (
            str(c.fitted),
            str(c.placed_after),
        )
        checked.append(f"{segment.name}: {c.fitted} fitted + {c.placed_after} placed after")
    release = dp.release_document(dp.release_run(run, epsilon=1e6, seed=1, scope="test").release)
    assert release["sizes"]["counts"] == "customers the run was fitted on"
    for number, c in counts.items():
        released = release["sizes"]["segments"][str(number)]
        assert released is None or released == c.fitted
    listed = api.get(f"/api/v1/runs/{run.pk}/segments/").json()
    shown = {p["segment"]: p["counts"] for p in listed if not p["small"]}
    assert shown == {n: counts[n].as_dict() for n in shown}
    return checked


def test_text_less_customers_imported_after_a_text_run_wait_and_every_surface_agrees(
    small_demo, tmp_path, eager_celery, django_capture_on_commit_callbacks, client, alice,
    api_as, settings,
):  # fmt: skip
    settings.VOXSEG_DP_EPSILON_BUDGET = 1e7
    run = run_in_foreground(create_run(parameters={"stability_resamples": 0}, source="test").pk)
    assert run.status == "succeeded"
    late = import_late_arrivals(tmp_path, django_capture_on_commit_callbacks)

    placed = Membership.objects.filter(run=run, assigned_after_fit=True)
    assert set(placed.values_list("customer__pseudonym", flat=True)) == set(late["writers"])
    assert not Membership.objects.filter(run=run, customer__pseudonym__in=late["crm"]).exists()
    waiting = UnplacedCustomer.objects.filter(run=run)
    assert set(waiting.values_list("customer__pseudonym", flat=True)) == set(
        late["crm"] + late["silent"]
    )
    assert set(waiting.values_list("reason", flat=True)) == {"no_text"}
    summary = run_placement(run)
    assert (summary.placed_after, summary.waiting) == (
        len(late["writers"]),
        LATE + len(late["silent"]),
    )
    print(f"\nplaced after the run: {summary.placed_after}; waiting: {summary.waiting} "
          f"({summary.waiting_by_reason})")  # fmt: skip

    client.force_login(alice)
    for line in assert_every_surface_agrees(run, client, api_as(alice)):
        print(line)
    run_page = client.get(f"/runs/{run.pk}/").content.decode()
    shown = run_page.split('data-testid="placement">')[1].split("</dd>")[0]
    assert f"{summary.placed_after} customers placed after the run" in shown
    assert f"{summary.waiting} waiting for the next run" in shown
    assert "has written nothing" in shown

    crm = late["crm"][0]
    body = api_as(alice).get(f"/api/v1/customers/{crm}/").json()
    assert [w["run"] for w in body["waiting"]] == [run.pk]
    assert body["waiting"][0]["reason"] == "no_text"
    assert all(m["run"] != run.pk for m in body["memberships"])
    page = client.get(f"/customers/{crm}/?run={run.pk}")
    assert page.status_code == 404 and "waits for the next run" in page.content.decode()

    out, err = io.StringIO(), io.StringIO()
    call_command("export_segments", "--run", str(run.pk), stdout=out, stderr=err)
    assert len(out.getvalue().strip().splitlines()) - 1 == run.n_customers + summary.placed_after
    assert f"{summary.placed_after} placed after the run" in err.getvalue()


def test_a_run_fitted_on_behaviour_alone_places_text_less_customers_who_have_its_columns(
    small_demo, tmp_path, eager_celery, django_capture_on_commit_callbacks
):
    params = {"text_weight": 0, "topic_weight": 0, "stability_resamples": 0}
    run = run_in_foreground(create_run(parameters=params, source="test").pk)
    assert run.status == "succeeded"
    late = import_late_arrivals(tmp_path, django_capture_on_commit_callbacks)
    placed = set(
        Membership.objects.filter(run=run, assigned_after_fit=True).values_list(
            "customer__pseudonym", flat=True
        )
    )
    assert placed == set(late["writers"] + late["silent"])  # texts play no part in this run
    waiting = UnplacedCustomer.objects.filter(run=run)
    assert set(waiting.values_list("customer__pseudonym", flat=True)) == set(late["crm"])
    assert set(waiting.values_list("reason", flat=True)) == {"missing_behaviour"}
    assert "orders_12m" in waiting.first().missing


def test_a_new_run_says_it_reads_mixed_populations_before_it_fits(
    small_demo, tmp_path, client, alice
):
    import_file(write_text_less_customers(tmp_path / "crm"), "customers")
    run = create_run(parameters={}, source="test")
    begin_run(run.pk)  # data checked, embedding ahead: nothing fitted yet
    run.refresh_from_db()
    assert run.status == "running" and not run.segments.exists()
    client.force_login(alice)
    page = client.get(f"/runs/{run.pk}/").content.decode()
    note = page.split('data-testid="populations-note">')[1].split("</div>")[0]
    consenting = Customer.objects.filter(segmentation_consent=True).count()
    assert f"the {consenting:,} customers fall into" in note
    assert re.search(rf"{LATE} customers without text, with store_visits, loyalty_points", note)
    assert "share no feature at all" in note
