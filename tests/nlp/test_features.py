"""Customer features: block preparation, balance by weight, silent customers, new customers.

Small synthetic arrays only; the real model and realistic data are in test_segment.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nlp.features import CustomerFeatureBuilder, FeatureWeights

DIM = 16


def _customers(n: int) -> list[str]:
    return [f"c{i:03d}" for i in range(n)]


def _behaviour(ids: list[str], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(ids)
    return pd.DataFrame(
        {
            "orders": rng.poisson(5, n).astype(float),
            "spend": rng.lognormal(4, 1.2, n),  # skewed amount
            "return_rate": rng.uniform(0, 0.4, n),  # bounded rate, not skewed
        },
        index=ids,
    )


def _documents(ids: list[str], per_customer: int = 3, seed: int = 0):
    """Each customer writes around one of four 'voices' (random unit directions)."""
    rng = np.random.default_rng(seed)
    voices = rng.normal(size=(4, DIM))
    owners, vectors = [], []
    for i, cid in enumerate(ids):
        for _ in range(per_customer):
            owners.append(cid)
            vectors.append(voices[i % 4] + 0.3 * rng.normal(size=DIM))
    return owners, np.asarray(vectors) * rng.uniform(0.5, 3.0, size=(len(vectors), 1))


def _block_variance(X: np.ndarray, builder: CustomerFeatureBuilder, block: str) -> float:
    return float(X[:, builder.blocks_[block]].var(axis=0).sum())


def test_each_block_total_variance_equals_its_weight():
    ids = _customers(80)
    owners, vectors = _documents(ids)
    builder = CustomerFeatureBuilder(weights=FeatureWeights(text=2.0, behaviour=0.5))
    X = builder.fit_transform(
        ids, behaviour=_behaviour(ids), doc_customer_ids=owners, doc_embeddings=vectors
    )
    assert X.shape == (80, DIM + 3)
    assert _block_variance(X, builder, "text") == pytest.approx(2.0)
    assert _block_variance(X, builder, "behaviour") == pytest.approx(0.5)
    assert builder.feature_names_[-3:] == ["orders", "spend", "return_rate"]


def test_text_block_is_the_renormalised_mean_of_normalised_documents():
    ids = ["a", "b"]
    short, long_ = np.eye(DIM)[0], 50.0 * np.eye(DIM)[1]  # very different lengths
    builder = CustomerFeatureBuilder()
    X = builder.fit_transform(
        ids,
        behaviour=None,
        doc_customer_ids=["a", "a", "b"],
        doc_embeddings=np.stack([short, long_, np.eye(DIM)[2]]),
    )
    direction = X[0] / builder.block_scales_["text"] + builder.text_mean_
    expected = (np.eye(DIM)[0] + np.eye(DIM)[1]) / np.sqrt(2)  # each document counts once
    np.testing.assert_allclose(direction, expected, atol=1e-9)


def test_prolific_writer_weighs_like_a_one_document_customer():
    ids = _customers(20)
    owners, vectors = _documents(ids, per_customer=1)
    owners = owners + ["c000"] * 300  # c000 repeats its one document 300 times
    vectors = np.vstack([vectors, np.repeat(vectors[:1], 300, axis=0)])
    single = CustomerFeatureBuilder().fit_transform(
        ids, behaviour=None, doc_customer_ids=owners[:20], doc_embeddings=vectors[:20]
    )
    prolific = CustomerFeatureBuilder().fit_transform(
        ids, behaviour=None, doc_customer_ids=owners, doc_embeddings=vectors
    )
    np.testing.assert_allclose(single, prolific, atol=1e-9)


def test_documents_only_leaves_silent_customers_at_the_neutral_centre():
    ids = _customers(40)
    owners, vectors = _documents(ids[:-5])  # the last five customers wrote nothing
    builder = CustomerFeatureBuilder()
    X = builder.fit_transform(ids, behaviour=None, doc_customer_ids=owners, doc_embeddings=vectors)
    assert list(builder.blocks_) == ["text"]
    np.testing.assert_array_equal(X[-5:], 0.0)
    assert np.abs(X[:-5]).sum(axis=1).min() > 0


def test_silent_customers_borrow_the_text_of_a_customer_who_behaves_alike():
    ids = _customers(60)
    owners, vectors = _documents(ids[:50])
    behaviour = _behaviour(ids)
    behaviour.iloc[50:] = behaviour.iloc[:10].to_numpy()  # silent c050.. behave like c000..
    builder = CustomerFeatureBuilder(donor_neighbors=1)
    X = builder.fit_transform(
        ids, behaviour=behaviour, doc_customer_ids=owners, doc_embeddings=vectors
    )
    text = builder.blocks_["text"]
    np.testing.assert_allclose(X[50:, text], X[:10, text])
    np.testing.assert_array_equal(builder.imputed_text_, [False] * 50 + [True] * 10)


def test_silent_customers_are_told_apart_by_behaviour_when_imputed():
    ids = _customers(60)
    owners, vectors = _documents(ids[:50])
    behaviour = _behaviour(ids)
    X = CustomerFeatureBuilder().fit_transform(
        ids, behaviour=behaviour, doc_customer_ids=owners, doc_embeddings=vectors
    )
    assert len({tuple(row) for row in np.round(X[50:], 9)}) == 10


def test_neutral_mode_gives_silent_customers_zero_text():
    ids = _customers(60)
    owners, vectors = _documents(ids[:50])
    builder = CustomerFeatureBuilder(missing_text="neutral")
    X = builder.fit_transform(
        ids, behaviour=_behaviour(ids), doc_customer_ids=owners, doc_embeddings=vectors
    )
    np.testing.assert_array_equal(X[50:, builder.blocks_["text"]], 0.0)
    assert not builder.imputed_text_.any()


def test_behaviour_only_features():
    ids = _customers(50)
    builder = CustomerFeatureBuilder()
    X = builder.fit_transform(
        ids, behaviour=_behaviour(ids), doc_customer_ids=None, doc_embeddings=None
    )
    assert list(builder.blocks_) == ["behaviour"]
    assert X.shape == (50, 3)
    assert _block_variance(X, builder, "behaviour") == pytest.approx(1.0)


def test_skewed_non_negative_amounts_are_logged_and_bounded_rates_are_not():
    ids = _customers(300)
    builder = CustomerFeatureBuilder()
    builder.fit_transform(
        ids, behaviour=_behaviour(ids), doc_customer_ids=None, doc_embeddings=None
    )
    logged = {column.name: column.log for column in builder.behaviour_columns_}
    assert logged == {"orders": False, "spend": True, "return_rate": False}


def test_negative_columns_are_never_logged():
    ids = _customers(300)
    rng = np.random.default_rng(1)
    behaviour = pd.DataFrame({"balance": rng.lognormal(3, 1.5, 300) - 5.0}, index=ids)
    builder = CustomerFeatureBuilder()
    builder.fit_transform(ids, behaviour=behaviour, doc_customer_ids=None, doc_embeddings=None)
    assert not builder.behaviour_columns_[0].log


def test_constant_columns_are_dropped():
    ids = _customers(30)
    behaviour = _behaviour(ids).assign(country_code=44.0)
    builder = CustomerFeatureBuilder()
    X = builder.fit_transform(ids, behaviour=behaviour, doc_customer_ids=None, doc_embeddings=None)
    assert builder.dropped_columns_ == ["country_code"]
    assert "country_code" not in builder.feature_names_
    assert X.shape[1] == 3


def test_common_gaps_get_an_indicator_and_rare_gaps_are_just_imputed():
    ids = _customers(100)
    behaviour = _behaviour(ids)
    behaviour.loc[ids[:30], "orders"] = np.nan  # 30% missing
    behaviour.loc[ids[:1], "spend"] = np.nan  # 1% missing
    builder = CustomerFeatureBuilder()
    X = builder.fit_transform(ids, behaviour=behaviour, doc_customer_ids=None, doc_embeddings=None)
    assert np.isfinite(X).all()
    assert "orders_missing" in builder.feature_names_
    assert "spend_missing" not in builder.feature_names_
    indicator = X[:, builder.feature_names_.index("orders_missing")]
    assert len(set(indicator[:30])) == 1 and len(set(indicator[30:])) == 1
    assert indicator[0] != indicator[-1]


def test_customers_absent_from_the_behaviour_table_are_imputed():
    ids = _customers(40)
    X = CustomerFeatureBuilder().fit_transform(
        ids, behaviour=_behaviour(ids[:35]), doc_customer_ids=None, doc_embeddings=None
    )
    assert np.isfinite(X).all()


def test_one_extreme_customer_does_not_stretch_the_axis():
    ids = _customers(200)
    behaviour = _behaviour(ids)
    behaviour.loc[ids[0], "return_rate"] = 1e6
    builder = CustomerFeatureBuilder(clip=5.0)
    X = builder.fit_transform(ids, behaviour=behaviour, doc_customer_ids=None, doc_embeddings=None)
    column = X[:, builder.feature_names_.index("return_rate")]
    typical_spread = np.percentile(column[1:], 75) - np.percentile(column[1:], 25)
    assert abs(column[0]) <= 5.0 * typical_spread * 1.05  # clipped at 5 IQRs of the others


def test_pca_reduces_the_text_block():
    ids = _customers(60)
    owners, vectors = _documents(ids)
    builder = CustomerFeatureBuilder(text_components=3)
    X = builder.fit_transform(ids, behaviour=None, doc_customer_ids=owners, doc_embeddings=vectors)
    assert X.shape == (60, 3)
    assert builder.feature_names_ == ["text_pc1", "text_pc2", "text_pc3"]


def test_topic_and_sentiment_blocks_follow_their_weights():
    ids = _customers(60)
    owners, vectors = _documents(ids)
    rng = np.random.default_rng(3)
    topics = rng.integers(-1, 5, len(owners))
    sentiment = rng.uniform(-1, 1, len(owners))
    weights = FeatureWeights(text=1.0, topics=0.5, sentiment=0.25, behaviour=1.0)
    builder = CustomerFeatureBuilder(weights=weights)
    X = builder.fit_transform(
        ids,
        behaviour=_behaviour(ids),
        doc_customer_ids=owners,
        doc_embeddings=vectors,
        doc_topics=topics,
        n_topics=5,
        doc_sentiment=sentiment,
    )
    assert list(builder.blocks_) == ["text", "topics", "sentiment", "behaviour"]
    assert X[:, builder.blocks_["topics"]].shape[1] == 5
    assert builder.feature_names_[builder.blocks_["sentiment"]] == [
        "sentiment_mean",
        "sentiment_negative_share",
    ]
    for block in builder.blocks_:
        assert _block_variance(X, builder, block) == pytest.approx(weights.of(block))


def test_a_zero_weight_leaves_the_block_out():
    ids = _customers(40)
    owners, vectors = _documents(ids)
    builder = CustomerFeatureBuilder(weights=FeatureWeights(text=0.0))
    builder.fit_transform(
        ids, behaviour=_behaviour(ids), doc_customer_ids=owners, doc_embeddings=vectors
    )
    assert list(builder.blocks_) == ["behaviour"]


def test_transform_prepares_new_customers_exactly_as_at_fit():
    ids = _customers(80)
    owners, vectors = _documents(ids[:70])  # ten silent customers too
    behaviour = _behaviour(ids)
    builder = CustomerFeatureBuilder(text_components=5)
    X = builder.fit_transform(
        ids, behaviour=behaviour, doc_customer_ids=owners, doc_embeddings=vectors
    )
    some = ids[60:]
    doc_rows = [i for i, owner in enumerate(owners) if owner in set(some)]
    again = builder.transform(
        some,
        behaviour=behaviour.loc[some],
        doc_customer_ids=[owners[i] for i in doc_rows],
        doc_embeddings=vectors[doc_rows],
    )
    np.testing.assert_allclose(again, X[60:], atol=1e-9)


def test_transform_needs_the_inputs_it_was_fitted_with():
    ids = _customers(40)
    owners, vectors = _documents(ids)
    builder = CustomerFeatureBuilder()
    builder.fit_transform(
        ids, behaviour=_behaviour(ids), doc_customer_ids=owners, doc_embeddings=vectors
    )
    with pytest.raises(ValueError, match="behaviour"):
        builder.transform(ids, behaviour=None, doc_customer_ids=owners, doc_embeddings=vectors)


def test_documents_of_other_customers_are_ignored():
    ids = _customers(30)
    owners, vectors = _documents(ids)
    stranger = ["opted-out"] * 3
    with_strangers = CustomerFeatureBuilder().fit_transform(
        ids,
        behaviour=None,
        doc_customer_ids=owners + stranger,
        doc_embeddings=np.vstack([vectors, np.ones((3, DIM))]),
    )
    without = CustomerFeatureBuilder().fit_transform(
        ids, behaviour=None, doc_customer_ids=owners, doc_embeddings=vectors
    )
    np.testing.assert_allclose(with_strangers, without)


def test_non_numeric_behaviour_is_refused_with_the_column_named():
    ids = _customers(20)
    behaviour = _behaviour(ids).assign(gender="x")
    with pytest.raises(ValueError, match="gender"):
        CustomerFeatureBuilder().fit_transform(
            ids, behaviour=behaviour, doc_customer_ids=None, doc_embeddings=None
        )


def test_nothing_to_build_from_is_refused():
    with pytest.raises(ValueError, match="nothing to build"):
        CustomerFeatureBuilder().fit_transform(
            ["a", "b"], behaviour=None, doc_customer_ids=None, doc_embeddings=None
        )


def test_negative_weights_are_refused():
    with pytest.raises(ValueError, match="behaviour"):
        FeatureWeights(behaviour=-1.0)
