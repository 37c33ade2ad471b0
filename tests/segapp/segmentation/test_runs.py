"""Segmentation runs in the foreground on the embedded database, with the real model."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from segapp.models import (
    AuditAction,
    AuditEvent,
    Customer,
    Document,
    DocumentResult,
    Embedding,
    Membership,
    RunStatus,
    Segment,
    SegmentationRun,
    Topic,
)
from segapp.services.segmentation.runs import (
    RunError,
    create_run,
    request_cancel,
    run_in_foreground,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def segment(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("segment", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_foreground_run_segments_every_consenting_customer(small_demo):
    Customer.objects.filter(pk__in=Customer.objects.values("pk")[:5]).update(
        segmentation_consent=False
    )
    code, out, err = segment("--foreground", "--truth", str(small_demo["truth"]))
    assert code == 0, err
    last = out.strip().splitlines()[-1]
    assert last.startswith("run=") and " status=succeeded segments=" in last and " noise=" in last
    run = SegmentationRun.objects.get()
    print("\nrun metrics", json.dumps(run.metrics), "timings", json.dumps(run.timings))
    consenting = Customer.objects.filter(segmentation_consent=True).count()
    assert Membership.objects.filter(run=run).count() == consenting == 245
    assert not Membership.objects.filter(run=run, customer__segmentation_consent=False).exists()
    assert (
        DocumentResult.objects.filter(run=run).count()
        == Document.objects.filter(customer__segmentation_consent=True).count()
    )
    assert run.n_segments >= 2 and Segment.objects.filter(run=run).count() == run.n_segments
    assert Topic.objects.filter(run=run).exists()
    assert run.metrics["truth_ari"] is not None
    assert set(run.timings) >= {"sentiment", "topics", "features", "segments"}
    assert run.sentiment["scorer"] in ("vader", "rating-head")


def test_second_run_reuses_embeddings_and_exports_follow_the_contract(small_demo, tmp_path):
    first = run_in_foreground(create_run(parameters={}, source="test").pk)
    vectors = Embedding.objects.count()
    run = run_in_foreground(create_run(parameters={"seed": 7}, source="test").pk)
    assert first.status == run.status == RunStatus.SUCCEEDED
    assert Embedding.objects.count() == vectors
    assert run.stage_progress["to_embed"] == 0

    call_command("export_segments", "--run", "latest", "-o", str(tmp_path / "s.csv"))
    with (tmp_path / "s.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["customer", "segment", "segment_name", "probability", "outlier"]
    assert len(rows) == run.n_customers
    numbers = {str(n) for n in Segment.objects.filter(run=run).values_list("number", flat=True)}
    assert all(
        r["segment"] in numbers or (r["segment"] == "" and r["outlier"] == "true") for r in rows
    )
    out = io.StringIO()
    call_command("export_documents", "--run", str(run.pk), "--format", "json", stdout=out)
    docs = json.loads(out.getvalue())
    assert list(docs[0]) == [
        "document", "customer", "kind", "channel", "created_at",
        "sentiment", "sentiment_label", "topic", "topic_label",
    ]  # fmt: skip
    assert len(docs) == run.n_documents
    assert all(-1 <= d["sentiment"] <= 1 for d in docs)
    assert {d["sentiment_label"] for d in docs} <= {"positive", "neutral", "negative"}
    logged = list(AuditEvent.objects.order_by("id").values_list("action", "target", "channel"))
    assert logged == [
        (AuditAction.EXPORT_SEGMENTS, f"run {run.pk}", "cli"),
        (AuditAction.EXPORT_DOCUMENTS, f"run {run.pk}", "cli"),
    ]


def test_too_little_data_says_so(db, tmp_path):
    from tests.segapp.segmentation.conftest import import_demo

    import_demo(tmp_path, n_customers=12)
    code, out, err = segment("--foreground")
    assert code == 1
    assert "status=failed" in out.strip().splitlines()[-1]
    assert "Too little data" in err


def test_unknown_parameter_is_refused(db):
    code, _, err = segment("--foreground", "--set", "clusters=7")
    assert code == 1 and err.startswith("error: Unknown parameter 'clusters'")


def test_deployment_defaults_apply_where_a_run_sets_nothing(db, settings):
    settings.VOXSEG_RUN_DEFAULTS = {"seed_candidates": "2", "n_components": "8"}
    run = create_run(parameters={"n_components": 6}, source="test")
    assert run.parameters["seed_candidates"] == 2  # the deployment's default
    assert run.parameters["n_components"] == 6  # the run's own value wins
    settings.VOXSEG_RUN_DEFAULTS = {"seed_candidates": "none"}
    with pytest.raises(RunError, match="seed_candidates"):
        create_run(parameters={}, source="test")


def test_queued_run_can_be_cancelled(db):
    run = create_run(parameters={}, source="test")
    assert request_cancel(run.pk).status == RunStatus.CANCELLED


def _memberships(run) -> dict[int, tuple]:
    return {
        m.customer_id: (m.segment.number if m.segment else None, round(m.probability, 6))
        for m in Membership.objects.filter(run=run).select_related("segment")
    }


def test_unchanged_rerun_reuses_results_and_any_change_fits_again(small_demo, client, alice):
    truth = str(small_demo["truth"])
    first = run_in_foreground(create_run(parameters={}, source="test", truth_path=truth).pk)
    again = run_in_foreground(create_run(parameters={}, source="test", truth_path=truth).pk)
    assert first.status == again.status == RunStatus.SUCCEEDED
    assert again.reused_from_id == first.pk and first.reused_from_id is None
    assert again.input_fingerprint == first.input_fingerprint != ""
    assert _memberships(again) == _memberships(first)
    assert list(Topic.objects.filter(run=again).values_list("number", "label", "size")) == list(
        Topic.objects.filter(run=first).values_list("number", "label", "size")
    )
    assert DocumentResult.objects.filter(run=again).count() == first.n_documents
    assert again.metrics["truth_ari"] == pytest.approx(first.metrics["truth_ari"])
    assert "reuse" in again.timings and any("reused" in note for note in again.notes)
    assert again.artifact_dir != first.artifact_dir and again.artifact_digest
    client.force_login(alice)
    page = client.get(f"/runs/{again.pk}/").content.decode()
    assert "Results reused from" in page and f"run #{first.pk}" in page
    print(f"\nfirst analysis {sum(v for k, v in first.timings.items() if k != 'embed'):.1f} s, "
          f"reused in {again.timings['reuse']:.2f} s")  # fmt: skip

    Customer.objects.filter(pk=Customer.objects.order_by("pk").values("pk")[:1]).update(
        segmentation_consent=False
    )
    changed = run_in_foreground(create_run(parameters={}, source="test").pk)
    assert changed.status == RunStatus.SUCCEEDED and changed.reused_from_id is None
    assert changed.n_customers == first.n_customers - 1
    other = run_in_foreground(create_run(parameters={"seed": 3}, source="test").pk)
    assert other.reused_from_id is None


def test_customers_arriving_later_are_assigned_by_the_saved_model(
    small_demo, tmp_path, eager_celery, django_capture_on_commit_callbacks
):
    from nlp.datasets import generate_demo_dataset, write_demo_dataset
    from segapp.services.segmentation.assign import assign_to_latest_run

    run = run_in_foreground(create_run(parameters={}, source="test").pk)
    sizes = dict(Segment.objects.filter(run=run).values_list("number", "size"))
    data = generate_demo_dataset(n_customers=40, seed=99)
    later = write_demo_dataset(data, tmp_path / "later")
    with django_capture_on_commit_callbacks(execute=True):
        for file_type in ("customers", "documents", "events"):
            call_command("import", str(later[file_type]), "--type", file_type,
                         stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    # the segments were fitted on texts: customers who wrote nothing wait for the next run
    writers = len({d["customer_id"] for d in data.documents})
    new = Membership.objects.filter(run=run, assigned_after_fit=True)
    assert new.count() == writers and 30 <= writers < 40
    assert Membership.objects.filter(run=run).count() == run.n_customers + writers
    assert new.filter(outlier=False).count() >= 20
    assert all(m.segment is None or m.segment.run_id == run.pk for m in new)
    assert dict(Segment.objects.filter(run=run).values_list("number", "size")) == sizes
    again = assign_to_latest_run()  # placed again with what is known of them now
    assert again.assigned == writers and new.count() == writers
    assert again.waiting == 40 - writers and again.waiting_by_reason == {"no_text": 40 - writers}
