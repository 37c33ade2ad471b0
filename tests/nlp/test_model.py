"""A fitted segmentation assigns customers it never saw, and survives a save/load round trip.

The pipeline is fitted on most customers of a generated dataset with planted
personas (real MiniLM embeddings); the held-out customers are then assigned
with :meth:`FittedSegmentation.predict`. They should land in the segment
where the fitted customers of their persona mostly are. Saved files are read
back only when every byte matches the digest recorded at save time.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from nlp.datasets import generate_demo_dataset
from nlp.model import MISSING_BEHAVIOUR, NO_TEXT, ArtifactError, FittedSegmentation
from nlp.pipeline import PipelineParams, SegmentationPipeline

pytestmark = pytest.mark.slow

BEHAVIOUR = ["orders_12m", "spend_12m", "avg_basket", "return_rate", "coupon_use_rate",
             "days_since_last_order", "app_sessions_30d"]  # fmt: skip
HELD_OUT = 150


@pytest.fixture(scope="module")
def fitted():
    from nlp.embed import make_embedder

    data = generate_demo_dataset(n_customers=900, seed=11)
    customers = pd.DataFrame(data.customers).set_index("customer_id")[BEHAVIOUR]
    documents = pd.DataFrame(data.documents).rename(columns={"customer_id": "customer"})
    embeddings = make_embedder("default").encode(documents["text"].tolist())
    truth = {row["customer_id"]: row["persona"] for row in data.truth}
    new_ids = customers.index[-HELD_OUT:]
    old = customers.drop(new_ids)
    old_docs = documents["customer"].isin(set(old.index)).to_numpy()
    result = SegmentationPipeline(params=PipelineParams(stability_resamples=0)).fit(
        documents[old_docs].reset_index(drop=True), old, embeddings=embeddings[old_docs]
    )
    return {
        "result": result,
        "truth": truth,
        "old": old,
        "new": customers.loc[new_ids],
        "documents": documents,
        "embeddings": embeddings,
    }


def _majority_segment_of_personas(result, truth) -> dict[str, int]:
    fitted = pd.DataFrame({"persona": [truth[c] for c in result.customer_ids],
                           "segment": result.soft_labels})  # fmt: skip
    return fitted.groupby("persona")["segment"].agg(lambda s: s.value_counts().index[0]).to_dict()


def test_new_customers_land_in_their_personas_segment(fitted):
    result, new = fitted["result"], fitted["new"]
    labels, strength = result.model.predict(fitted["documents"], new, fitted["embeddings"])
    expected = _majority_segment_of_personas(result, fitted["truth"])
    wanted = np.array([expected[fitted["truth"][c]] for c in new.index])
    assigned = labels >= 0
    agreement = float((labels[assigned] == wanted[assigned]).mean())
    print(f"\nheld-out customers: {assigned.mean():.0%} assigned, {agreement:.1%} to their "
          f"persona's segment ({result.labels.max() + 1} segments)")  # fmt: skip
    assert len(labels) == len(strength) == HELD_OUT
    assert assigned.mean() >= 0.7
    assert agreement >= 0.85
    assert ((strength >= 0) & (strength <= 1)).all()


def test_customers_without_documents_are_assigned_from_behaviour(fitted):
    result, new = fitted["result"], fitted["new"]
    no_docs = fitted["documents"].iloc[:0]
    labels, _ = result.model.predict(no_docs, new, fitted["embeddings"][:0])
    assert len(labels) == HELD_OUT
    assert (labels >= 0).mean() >= 0.5


def test_saved_model_predicts_the_same_after_loading(fitted, tmp_path):
    result, new = fitted["result"], fitted["new"]
    digest = result.model.save(tmp_path / "model", provenance={"customers": 750})
    loaded = FittedSegmentation.load(tmp_path / "model", digest=digest)
    before = result.model.predict(fitted["documents"], new, fitted["embeddings"])
    after = loaded.predict(fitted["documents"], new, fitted["embeddings"])
    np.testing.assert_array_equal(before[0], after[0])
    np.testing.assert_allclose(before[1], after[1])
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text())
    assert manifest["provenance"] == {"customers": 750}
    assert "topics/state.json" in manifest["files"] or any(
        name.startswith("topics/") for name in manifest["files"]
    )


def test_changed_files_are_refused_before_anything_is_unpickled(fitted, tmp_path):
    digest = fitted["result"].model.save(tmp_path / "model")
    with pytest.raises(ArtifactError, match="digest"):
        FittedSegmentation.load(tmp_path / "model", digest="0" * 64)
    with open(tmp_path / "model" / "segmenter.joblib", "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(ArtifactError, match="changed"):
        FittedSegmentation.load(tmp_path / "model", digest=digest)


# --- placement: only customers holding what the segments were fitted on ------------------------


def test_the_model_knows_the_blocks_and_columns_it_was_fitted_on(fitted, tmp_path):
    fitted_on = fitted["result"].model.fitted_on
    assert fitted_on.uses_text and "behaviour" in fitted_on.blocks
    assert set(fitted_on.behaviour_columns) <= set(BEHAVIOUR)
    assert set(fitted_on.required_columns) <= set(fitted_on.behaviour_columns)
    digest = fitted["result"].model.save(tmp_path / "model")
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text())
    assert manifest["fitted_on"] == fitted_on.as_dict()
    loaded = FittedSegmentation.load(tmp_path / "model", digest=digest)
    assert loaded.fitted_on == fitted_on


def test_customers_without_text_are_not_placed_in_segments_fitted_on_text(fitted):
    model, new = fitted["result"].model, fitted["new"]
    writers = fitted["documents"]["customer"].isin(set(new.index[:50])).to_numpy()
    placement = model.place(
        fitted["documents"][writers].reset_index(drop=True), new, fitted["embeddings"][writers]
    )
    placed = set(placement.customers)
    silent = set(new.index) - set(fitted["documents"]["customer"][writers])
    assert placed == set(new.index) - silent and len(placed) == len(placement.labels)
    assert set(placement.unplaced) == silent and len(silent) >= 100
    assert {why.reason for why in placement.unplaced.values()} == {NO_TEXT}


def test_customers_lacking_a_fitted_behaviour_column_are_not_placed_by_invented_values(fitted):
    model, new = fitted["result"].model, fitted["new"].copy()
    required = model.fitted_on.required_columns
    assert required, "the demo's behaviour columns are complete, so every one is required"
    writers = [c for c in new.index if c in set(fitted["documents"]["customer"])]
    lacking = writers[:10]
    new.loc[lacking, required[0]] = np.nan
    other = new.drop(columns=list(required))  # another file's customers: none of the columns
    placement = model.place(fitted["documents"], new, fitted["embeddings"])
    assert {c for c, why in placement.unplaced.items() if why.reason == MISSING_BEHAVIOUR} == set(
        lacking
    )
    assert all(placement.unplaced[c].missing == (required[0],) for c in lacking)
    assert len(placement.customers) == len(writers) - 10
    elsewhere = model.place(fitted["documents"], other, fitted["embeddings"])
    assert elsewhere.customers == [] and len(elsewhere.labels) == 0
    reasons = elsewhere.unplaced.values()
    assert {why.reason for why in reasons} == {NO_TEXT, MISSING_BEHAVIOUR}  # silent ones: no text
    assert all(why.missing == required for why in reasons if why.reason == MISSING_BEHAVIOUR)


def test_a_model_fitted_on_behaviour_alone_places_customers_without_text(fitted):
    documents, old = fitted["documents"], fitted["old"]
    theirs = documents["customer"].isin(set(old.index)).to_numpy()
    params = PipelineParams(stability_resamples=0, text_weight=0.0, topic_weight=0.0)
    result = SegmentationPipeline(params=params).fit(
        documents[theirs].reset_index(drop=True), old, embeddings=fitted["embeddings"][theirs]
    )
    assert not result.model.fitted_on.uses_text
    placement = result.model.place(documents.iloc[:0], fitted["new"], fitted["embeddings"][:0])
    assert placement.unplaced == {} and len(placement.customers) == HELD_OUT
    assert (placement.labels >= 0).mean() >= 0.5
