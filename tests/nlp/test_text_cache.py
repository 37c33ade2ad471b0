"""Text results are computed once: a refit on unchanged texts takes them from the cache.

The pipeline is fitted on a generated dataset with real MiniLM embeddings,
then again after customers without any text arrived: sentiment, topics and
sentiment per topic come back from the cache (stage timings near zero) and
are identical. A changed rating or text must miss what depends on it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nlp.datasets import generate_demo_dataset
from nlp.pipeline import PipelineParams, SegmentationPipeline
from nlp.text_cache import (
    MemoryTextCache,
    TextsFingerprint,
    code_version,
    sentiment_key,
    topics_key,
)

pytestmark = pytest.mark.slow

BEHAVIOUR = ["orders_12m", "spend_12m", "avg_basket", "return_rate", "coupon_use_rate",
             "days_since_last_order", "app_sessions_30d"]  # fmt: skip
PARAMS = PipelineParams(stability_resamples=0)


class CountingCache(MemoryTextCache):
    """A memory cache that counts the texts it was asked to keep scores of."""

    def __init__(self) -> None:
        super().__init__()
        self.texts_scored = 0

    def store_scored_texts(self, scorer_id, scored) -> None:
        self.texts_scored += len(scored)
        super().store_scored_texts(scorer_id, scored)


@pytest.fixture(scope="module")
def data():
    from nlp.embed import make_embedder

    generated = generate_demo_dataset(n_customers=160, seed=5)
    customers = pd.DataFrame(generated.customers).set_index("customer_id")[BEHAVIOUR]
    documents = pd.DataFrame(generated.documents).rename(columns={"customer_id": "customer"})
    embedder = make_embedder("default")
    return {
        "customers": customers,
        "documents": documents[["customer", "text", "rating"]],
        "embeddings": embedder.encode(documents["text"].tolist()),
        "embedder": embedder,
    }


@pytest.fixture(scope="module")
def first(data):
    cache = CountingCache()
    pipeline = SegmentationPipeline(params=PARAMS, text_cache=cache)
    result = pipeline.fit(data["documents"], data["customers"], embeddings=data["embeddings"])
    return cache, result


def _fit(data, cache, *, documents=None, customers=None, embeddings=None):
    pipeline = SegmentationPipeline(params=PARAMS, text_cache=cache)
    return pipeline.fit(
        data["documents"] if documents is None else documents,
        data["customers"] if customers is None else customers,
        embeddings=data["embeddings"] if embeddings is None else embeddings,
    )


def _text_stages(result) -> float:
    return result.timings["sentiment"] + result.timings["topics"]


def test_refit_after_customers_without_text_arrive_reuses_every_text_result(data, first):
    cache, before = first
    scored_before = cache.texts_scored
    newcomers = data["customers"].sample(n=120, random_state=1)
    newcomers.index = [f"new-{i}" for i in range(len(newcomers))]
    after = _fit(data, cache, customers=pd.concat([data["customers"], newcomers]))

    print(f"\nsentiment {before.timings['sentiment']:.2f} s -> {after.timings['sentiment']:.3f} s, "
          f"topics {before.timings['topics']:.2f} s -> {after.timings['topics']:.3f} s "
          f"({len(data['documents'])} documents, scorer {before.sentiment_choice['scorer']})")  # fmt: skip
    assert cache.texts_scored == scored_before == len(set(data["documents"]["text"]))
    assert _text_stages(after) < 0.1 * _text_stages(before)
    np.testing.assert_array_equal(after.doc_sentiment, before.doc_sentiment)
    assert after.doc_sentiment_labels == before.doc_sentiment_labels
    assert after.sentiment_choice == before.sentiment_choice
    np.testing.assert_array_equal(after.doc_topics, before.doc_topics)
    assert [t.label for t in after.topics] == [t.label for t in before.topics]
    assert after.topic_aspect_sentiment == before.topic_aspect_sentiment != {}
    assert after.text_keys == before.text_keys and set(after.text_keys) == {
        "sentiment", "topics", "aspects"
    }  # fmt: skip
    reused = [note for note in after.notes if "were reused" in note]
    assert len(reused) == 1 and "sentiment, topics and sentiment per topic" in reused[0]
    assert not any("were reused" in note for note in before.notes)


def test_a_changed_rating_refits_sentiment_but_keeps_topics_and_text_scores(data, first):
    cache, before = first
    scored_before = cache.texts_scored
    documents = data["documents"].copy()
    rated = documents["rating"].notna() & (documents["rating"] != 3)
    row = int(documents.index[rated][0])
    documents.loc[row, "rating"] = 6 - documents.loc[row, "rating"]
    after = _fit(data, cache, documents=documents)

    assert after.text_keys["sentiment"] != before.text_keys["sentiment"]
    assert after.text_keys["topics"] == before.text_keys["topics"]
    assert cache.texts_scored == scored_before  # VADER scores belong to texts, not ratings
    notes = " ".join(after.notes)
    assert "its topics and sentiment per topic were reused" in notes
    assert "sentiment, topics" not in notes


def test_a_changed_text_misses_every_fit_and_scores_only_that_text(data, first):
    cache, before = first
    scored_before = cache.texts_scored
    documents = data["documents"].copy()
    embeddings = data["embeddings"].copy()
    documents.loc[0, "text"] = "The zipper broke on the second day and support never answered."
    embeddings[0] = data["embedder"].encode([documents.loc[0, "text"]])[0]
    after = _fit(data, cache, documents=documents, embeddings=embeddings)

    assert cache.texts_scored == scored_before + 1
    for name in ("sentiment", "topics", "aspects"):
        assert after.text_keys[name] != before.text_keys[name]
    assert not any("were reused" in note for note in after.notes)
    assert after.doc_sentiment[0] < 0


def test_keys_change_with_what_results_depend_on():
    texts = ["good fit", "arrived late"]
    vectors = np.eye(2, 4, dtype=np.float32)
    base = TextsFingerprint.of(texts, vectors)
    moved = TextsFingerprint.of(texts, vectors * 2)
    reordered = TextsFingerprint.of(texts[::-1], vectors[::-1])
    ratings = [5.0, None]
    key = sentiment_key(base, ratings, {"seed": 1})
    assert key == sentiment_key(TextsFingerprint.of(texts, vectors.copy()), [5.0, float("nan")],
                                {"seed": 1})  # fmt: skip
    assert len({key, sentiment_key(moved, ratings, {"seed": 1}),
                sentiment_key(reordered, ratings, {"seed": 1}),
                sentiment_key(base, [4.0, None], {"seed": 1}),
                sentiment_key(base, ratings, {"seed": 2})}) == 5  # fmt: skip
    settings = {"seed": 1, "max_outlier_share": 0.2}
    assert topics_key(base, settings) != topics_key(base, {**settings, "seed": 2})
    assert topics_key(base, settings) != topics_key(moved, settings)


def test_code_version_follows_imports_into_other_modules():
    # The topic model reads placeholders of the redaction package: its code is part of the key.
    assert code_version("nlp.topics") != code_version("nlp.topics", "nlp.sentiment")
    assert code_version("nlp.topics") == code_version("nlp.topics", "nlp.redact")
    assert code_version("nlp.topics") != code_version("nlp.topics", "nlp.steps")
