"""A run after an import of behaviour only recomputes nothing text-related (real model, real runs).

The first run computes sentiment, topics and sentiment per topic; customers
without text are imported; the next run takes every text result from the
first (stage timings near zero, identical per-document results and topics).
A changed rating then refits sentiment only, and a changed text refits
everything text-related while scoring only that text with VADER again.
"""

from __future__ import annotations

import pandas as pd
import pytest

from nlp.text_cache import ScoredText
from segapp.models import Document, DocumentResult, Embedding, RunStatus, Topic
from segapp.services.ingest.service import ImportOptions, create_import_job, run_import_job
from segapp.services.privacy.erasure import invalidate_model
from segapp.services.segmentation.runs import create_run, run_in_foreground
from segapp.services.segmentation.text_results import RunTextStore
from tests.segapp.segmentation.conftest import import_demo

pytestmark = pytest.mark.django_db

VADER_ROWS = {"model_id__startswith": "sentiment:vader:"}


def _import(path, file_type: str) -> None:
    job = create_import_job(
        file_type=file_type, original_filename=path.name, options=ImportOptions(),
        source="test", path=path,
    )  # fmt: skip
    assert run_import_job(job.pk).status == "succeeded"


def _run():
    run = run_in_foreground(create_run(parameters={"stability_resamples": 0}, source="test").pk)
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    return run


def _document_results(run) -> list[tuple]:
    rows = DocumentResult.objects.filter(run=run).order_by("document_id")
    return list(rows.values_list("document_id", "topic", "sentiment", "sentiment_label"))


def _topics(run) -> list[tuple]:
    rows = Topic.objects.filter(run=run).order_by("number")
    return list(rows.values_list("number", "label", "size", "sentiment", "aspect_sentiment"))


def _text_seconds(run) -> float:
    return run.timings["sentiment"] + run.timings["topics"]


def _reuse_notes(run) -> list[str]:
    return [note for note in run.notes if "were reused" in note]


@pytest.mark.slow
def test_rerun_after_behaviour_only_import_reuses_text_results_until_a_text_changes(db, tmp_path):
    paths = import_demo(tmp_path / "demo", n_customers=120, seed=3)
    first = _run()
    vader_rows = Embedding.objects.filter(**VADER_ROWS).count()
    assert vader_rows == Document.objects.values("text_hash").distinct().count()

    late = pd.read_csv(paths["customers"]).head(60)
    late["customer_id"] = [f"LATE-{i:04d}" for i in range(len(late))]
    late.to_csv(tmp_path / "late_customers.csv", index=False)
    _import(tmp_path / "late_customers.csv", "customers")
    again = _run()
    print(f"\ntext stages: first run {_text_seconds(first):.2f} s, after a behaviour-only "
          f"import {_text_seconds(again):.3f} s; timings {again.timings}")  # fmt: skip
    assert again.reused_from_id is None and again.n_customers == first.n_customers + 60
    assert _text_seconds(again) < 0.1 * _text_seconds(first)
    assert _document_results(again) == _document_results(first)
    assert _topics(again) == _topics(first) != []
    assert again.sentiment == first.sentiment
    assert [f"run {first.pk}" in note for note in _reuse_notes(again)] == [True]
    assert Embedding.objects.filter(**VADER_ROWS).count() == vader_rows

    rated = Document.objects.filter(rating__in=[1, 2, 4, 5]).order_by("pk").first()
    Document.objects.filter(pk=rated.pk).update(rating=6 - rated.rating)
    rerated = _run()
    assert (
        rerated.model_versions["text_keys"]["sentiment"]
        != (again.model_versions["text_keys"]["sentiment"])
    )
    assert (
        rerated.model_versions["text_keys"]["topics"]
        == (again.model_versions["text_keys"]["topics"])
    )
    assert "its topics and sentiment per topic were reused" in " ".join(rerated.notes)
    assert Embedding.objects.filter(**VADER_ROWS).count() == vader_rows

    customer = pd.read_csv(paths["documents"])["customer_id"].iloc[0]
    pd.DataFrame(
        [{"customer_id": customer, "text": "The zipper broke on day two and nobody answered."}]
    ).to_csv(tmp_path / "new_document.csv", index=False)
    _import(tmp_path / "new_document.csv", "documents")
    rewritten = _run()
    assert not _reuse_notes(rewritten)
    assert Embedding.objects.filter(**VADER_ROWS).count() == vader_rows + 1


@pytest.mark.slow
def test_a_run_whose_saved_model_was_erased_is_no_source_of_text_results(db, tmp_path):
    paths = import_demo(tmp_path / "demo", n_customers=60, seed=4)
    first = _run()
    invalidate_model(first)  # what erasure does to every run fitted with an erased customer
    late = pd.read_csv(paths["customers"]).head(10)
    late["customer_id"] = [f"LATE-{i:04d}" for i in range(len(late))]
    late.to_csv(tmp_path / "late_customers.csv", index=False)
    _import(tmp_path / "late_customers.csv", "customers")
    again = _run()
    assert again.reused_from_id is None and not _reuse_notes(again)
    assert again.model_versions["text_keys"] == first.model_versions["text_keys"]


def test_text_scores_come_back_exactly_and_older_scorer_versions_are_dropped(db):
    store = RunTextStore()
    scored = {
        "a" * 64: ScoredText(0.1 + 0.2, (("Grüße 😍 — love it", 0.6369), ("but late", -0.2))),
        "b" * 64: ScoredText(-0.0, ()),
    }
    store.store_scored_texts("sentiment:vader:old", {"a" * 64: scored["a" * 64]})
    store.store_scored_texts("sentiment:vader:new", scored)
    assert store.scored_texts("sentiment:vader:new", ["a" * 64, "b" * 64, "c" * 64]) == scored
    assert store.scored_texts("sentiment:vader:old", ["a" * 64]) == {}
    assert Embedding.objects.filter(model_id="sentiment:vader:new").count() == 2
