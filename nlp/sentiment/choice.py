"""Choosing between VADER and a head trained on ratings, on the customer's own rated reviews."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from nlp.sentiment.head import RatingHead, fit_temperature, sigmoid
from nlp.sentiment.labels import LABELS, label_of, rating_label
from nlp.sentiment.scorer import SentimentScorer
from nlp.sentiment.vader import VaderScorer

_LEARNED = ("negative", "positive")
"""The labels the rating head learns from; ratings of the middle of the scale are only measured."""


@dataclass(frozen=True)
class SentimentChoice:
    """Which scorer :func:`choose_scorer` kept, on what evidence, and why in words.

    Accuracies are 3-way agreement (negative/neutral/positive) of the label each
    scorer would store, ``label_of(score)``, with the rating labels on the rated
    documents; the head's is cross-validated. ``None`` when not measured.
    """

    scorer: str
    n_rated: int
    vader_accuracy: float | None
    head_accuracy: float | None
    reason: str


def out_of_fold_proba(
    head: RatingHead,
    embeddings: np.ndarray,
    labels: Sequence[str],
    *,
    texts: Sequence[str] | None = None,
    folds: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """(n, 3) probabilities where each row comes from a copy of ``head`` not trained on it.

    Stratified ``folds``-fold split shuffled with ``seed``. Each fold's copy fits its
    votes (:meth:`RatingHead.fit_votes`); the temperature that turns a row's
    out-of-fold log-odds into a probability is fitted on the other folds'
    out-of-fold log-odds (:func:`fit_temperature`), so neither the votes nor the
    temperature saw the row. That is what :meth:`RatingHead.fit` does inside, with
    one fit per fold instead of a nested calibration in each. ``head`` itself is
    not fitted.
    """
    embeddings = _as_matrix(embeddings)
    y = np.asarray(labels, dtype=object).astype(str)
    splits = list(
        StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(embeddings, y)
    )
    log_odds = np.zeros(y.size)
    for train, test in splits:
        fold_head = clone(head).fit_votes(embeddings[train], y[train], texts=_take(texts, train))
        log_odds[test] = fold_head.log_odds(embeddings[test], _take(texts, test))
    polar = y != "neutral"
    positive = y == "positive"
    proba = np.zeros((y.size, len(LABELS)))
    for train, test in splits:
        fit_rows = train[polar[train]]
        temperature = fit_temperature(log_odds[fit_rows], positive[fit_rows])
        p = sigmoid(temperature * log_odds[test])
        proba[test, LABELS.index("positive")] = p
        proba[test, LABELS.index("negative")] = 1.0 - p
    return proba


def _stratified_sample(labels: Sequence[str], limit: int, seed: int) -> np.ndarray:
    """Sorted row numbers of at most ``limit`` labels, each label in its own proportion."""
    n = len(labels)
    if n <= limit:
        return np.arange(n)
    from sklearn.model_selection import train_test_split

    values = np.asarray(labels)
    # Stratifying needs two of every label; a lone one is drawn like any other row.
    stratify = values if min(np.unique(values, return_counts=True)[1]) >= 2 else None
    rows, _ = train_test_split(np.arange(n), train_size=limit, stratify=stratify, random_state=seed)
    return np.sort(rows)


def choose_scorer(
    texts: Sequence[str],
    embeddings: np.ndarray,
    ratings: Sequence[float | None],
    *,
    min_rated: int = 200,
    min_per_label: int = 20,
    folds: int = 5,
    seed: int = 0,
    head: RatingHead | None = None,
    scale_min: float = 1.0,
    scale_max: float = 5.0,
    max_compared: int = 6000,
) -> tuple[SentimentChoice, SentimentScorer]:
    """Keep VADER, or learn from the ratings when that agrees better with them.

    With at least ``min_rated`` rated documents, ``min_per_label`` of them negative
    and as many positive (ratings become labels with :func:`rating_label`; the head
    learns polarity, so neutral ratings may be few or none), ``head`` (default
    ``RatingHead()``) is cross-validated on the rated documents and VADER is
    measured on the same rows; the head is kept only if the 3-way accuracy of its
    stored label (``label_of`` of its out-of-fold score) is higher, and is then
    refitted on all rated documents. Otherwise, or with too few ratings, VADER is
    used. Missing ratings are ``None`` or NaN. The comparison runs on a stratified
    sample of at most ``max_compared`` rated documents (an accuracy on 6,000 is
    known to about ±1%); the kept head is then fitted on all of them.
    Deterministic for a given ``seed``.
    """
    if len(texts) != len(embeddings) or len(texts) != len(ratings):
        raise ValueError(
            f"{len(texts)} texts, {len(embeddings)} embeddings and {len(ratings)} ratings"
        )
    rated = [i for i, r in enumerate(ratings) if r is not None and not math.isnan(r)]
    labels = [
        rating_label(float(ratings[i]), scale_min=scale_min, scale_max=scale_max)  # type: ignore[arg-type]
        for i in rated
    ]
    n_rated = len(rated)
    vader = VaderScorer()
    if n_rated < min_rated:
        reason = (
            f"only {n_rated} rated documents; need {min_rated} to learn from ratings, "
            "so VADER is used"
        )
        return SentimentChoice(vader.name, n_rated, None, None, reason), vader
    scarce = [label for label in _LEARNED if labels.count(label) < min_per_label]
    if scarce:
        counts = ", ".join(f"{labels.count(label)} {label}" for label in scarce)
        reason = (
            f"{n_rated} rated documents but only {counts}; need {min_per_label} negative "
            "and positive ones to learn from ratings, so VADER is used"
        )
        return SentimentChoice(vader.name, n_rated, None, None, reason), vader

    rated_texts = [texts[i] for i in rated]
    rated_embeddings = _as_matrix(embeddings)[rated]
    sample = _stratified_sample(labels, max_compared, seed)
    truth = np.asarray(labels)[sample]
    compared_texts = [rated_texts[i] for i in sample.tolist()]
    vader_labels = np.asarray([label_of(c) for c in vader.score(compared_texts).tolist()])
    vader_accuracy = float(np.mean(vader_labels == truth))
    head = head if head is not None else RatingHead()
    proba = out_of_fold_proba(
        head, rated_embeddings[sample], truth.tolist(), texts=compared_texts, folds=folds,
        seed=seed,
    )  # fmt: skip
    # The head is judged on the label the product would store, label_of(score), as
    # VADER is, not on its most probable class.
    scores = proba[:, LABELS.index("positive")] - proba[:, LABELS.index("negative")]
    head_labels = np.asarray([label_of(c) for c in scores.tolist()])
    head_accuracy = float(np.mean(head_labels == truth))
    compared = f"{len(sample)} of the {n_rated}" if len(sample) < n_rated else str(n_rated)
    figures = (
        f"on {compared} rated documents VADER agrees with the star ratings on "
        f"{vader_accuracy:.0%} and a model trained on the ratings on {head_accuracy:.0%} "
        "(cross-validated)"
    )
    if head_accuracy <= vader_accuracy:
        reason = f"{figures}, so VADER is kept"
        return SentimentChoice(vader.name, n_rated, vader_accuracy, head_accuracy, reason), vader
    fitted = clone(head).fit(rated_embeddings, labels, texts=rated_texts)
    reason = f"{figures}, so sentiment is learned from the ratings"
    return SentimentChoice(fitted.name, n_rated, vader_accuracy, head_accuracy, reason), fitted


def _take(texts: Sequence[str] | None, rows: np.ndarray) -> list[str] | None:
    return None if texts is None else [texts[i] for i in rows.tolist()]


def _as_matrix(embeddings: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    matrix = np.asarray(embeddings, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"embeddings must be a 2-d array, got shape {matrix.shape}")
    return matrix
