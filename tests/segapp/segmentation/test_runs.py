"""Segmentation runs in the foreground on the embedded database, with the real model."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from segapp.models import (
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
from segapp.services.segmentation.runs import create_run, request_cancel, run_in_foreground

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


def test_queued_run_can_be_cancelled(db):
    run = create_run(parameters={}, source="test")
    assert request_cancel(run.pk).status == RunStatus.CANCELLED
