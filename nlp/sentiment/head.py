"""A classifier trained on the customer's own star ratings: how positive each review is.

:class:`RatingHead` averages the log-odds of three votes (:mod:`nlp.sentiment.evidence`:
the document embedding, the document's words, and its sentences' words) and turns the
mean into a probability with one calibrated temperature.

It learns polarity: negative (1-2 stars) against positive (4-5 stars). Reviews rated 3
stars are left out of its training, because on real reviews they are few (8% of the
held-out review sets) and say "good but" as often as "bad but"; its probability of
"neutral" is 0 and its score is P(positive) - P(negative) = 2 P(positive) - 1, so the
stored label ``label_of(score)`` is neutral only where the head cannot tell
(P(positive) within 0.475-0.525).

Why these three and not one model on stacked features: each family keeps its own
regularisation, and on 505 real multi-domain reviews (train 60%, test 40%, three
splits; ``bench/results/sentiment.md``) the mean of the three agreed with the
reviewers on 0.84-0.86 of the positive and negative reviews by the score's sign,
where each alone reached 0.77-0.81; a learned stacker over the same votes, fitted on
out-of-fold votes of 300 reviews, did worse (0.79-0.82): it overweights whichever vote
was lucky in the inner folds. Sentence embeddings (an encoder pass over about six
sentences a review, 2.5x the cost of the document pass) added nothing measurable over
the sentence words, and VADER's scores as features lowered agreement on real reviews.

Calibration matters for the stored label: the mean log-odds of regularised votes is
small (the sentence vote averages weak sentences), so 2p - 1 falls within the neutral
band ±0.05 for many reviews; the temperature, fitted on out-of-fold votes of the
training reviews, spread it out (3.4-3.5 there) and lifted the stored-label agreement
by 3-5 points without changing any sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.utils.validation import check_is_fitted

from nlp.sentiment.evidence import EmbeddingVote, SentenceVote, WordVote
from nlp.sentiment.labels import LABELS
from nlp.sentiment.scorer import SentimentScorer


class RatingHead(SentimentScorer, BaseEstimator):
    """Polarity learned from star ratings: the calibrated mean of three votes.

    - an embedding vote on the document embeddings (regularised by ``C``);
    - with ``words`` and ``texts``, a vote on TF-IDF of the document's word uni- and
      bigrams (``word_C``);
    - with ``sentences`` and ``texts``, a vote on the words of each sentence, trained
      with every sentence labelled by its review and averaged per document
      (``sentence_C``).

    A TF-IDF row spreads unit norm over thousands of columns, so the word votes are
    regularised less (4, against 1 for the 384 embedding columns). A word vote whose
    texts share no word is left out (its attribute is ``None``).

    The temperature (``temperature_``) is fitted on out-of-fold votes of at most
    ``calibration_sample`` training reviews in ``calibration_folds`` folds (shuffled
    with ``seed``); with fewer than ``calibration_folds`` reviews of a polarity it is 1.
    """

    name = "rating-head"

    def __init__(
        self,
        *,
        C: float = 1.0,
        word_C: float = 4.0,
        sentence_C: float = 4.0,
        words: bool = True,
        sentences: bool = True,
        calibration_folds: int = 3,
        calibration_sample: int = 3000,
        max_iter: int = 1000,
        seed: int = 0,
    ) -> None:
        self.C = C
        self.word_C = word_C
        self.sentence_C = sentence_C
        self.words = words
        self.sentences = sentences
        self.calibration_folds = calibration_folds
        self.calibration_sample = calibration_sample
        self.max_iter = max_iter
        self.seed = seed

    def fit(
        self,
        embeddings: np.ndarray,
        labels: Sequence[str],
        *,
        texts: Sequence[str] | None = None,
    ) -> RatingHead:
        """Learn from labelled documents (labels from :data:`LABELS`, e.g. via rating_label).

        Neutral documents are accepted and left out; at least one negative and one
        positive are needed. Without ``texts`` the head uses the embeddings only.
        """
        embeddings, y, polar, positive, polar_texts = self._training_rows(embeddings, labels, texts)
        self._fit_votes(embeddings[polar], positive, polar_texts)
        self.temperature_ = self._calibrate(embeddings[polar], positive, polar_texts)
        return self

    def _training_rows(
        self, embeddings: np.ndarray, labels: Sequence[str], texts: Sequence[str] | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str] | None]:
        """Checked inputs, the polar rows (not neutral), their polarity and texts."""
        embeddings = _as_matrix(embeddings)
        y = np.asarray(labels, dtype=object)
        if y.shape != (embeddings.shape[0],):
            raise ValueError(f"{embeddings.shape[0]} embeddings but {y.size} labels")
        unknown = sorted(set(y.tolist()) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown labels {unknown}; expected some of {LABELS}")
        if not {"negative", "positive"} <= set(y.tolist()):
            raise ValueError("need negative and positive labels to learn polarity from")
        if texts is not None and len(texts) != embeddings.shape[0]:
            raise ValueError(f"{embeddings.shape[0]} embeddings but {len(texts)} texts")
        polar = np.flatnonzero(y != "neutral")
        positive = y[polar] == "positive"
        polar_texts = None if texts is None else [texts[i] for i in polar.tolist()]
        self.uses_text_features_ = texts is not None
        self.n_features_in_ = embeddings.shape[1]
        self.classes_ = LABELS
        return embeddings, y, polar, positive, polar_texts

    def fit_votes(
        self,
        embeddings: np.ndarray,
        labels: Sequence[str],
        *,
        texts: Sequence[str] | None = None,
    ) -> RatingHead:
        """Fit the votes only, with temperature 1: for callers that calibrate themselves.

        Cross-validation (:func:`nlp.sentiment.choice.out_of_fold_proba`) fits the
        votes per fold and one temperature across folds with :func:`fit_temperature`,
        which costs one fit per fold where :meth:`fit` costs four.
        """
        embeddings, y, polar, positive, polar_texts = self._training_rows(embeddings, labels, texts)
        self._fit_votes(embeddings[polar], positive, polar_texts)
        self.temperature_ = 1.0
        return self

    def log_odds(self, embeddings: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """The mean of the votes' log-odds per document, before calibration."""
        check_is_fitted(self, "embedding_vote_")
        embeddings = _as_matrix(embeddings)
        if self.uses_text_features_:
            if texts is None:
                raise ValueError("this head was fitted with texts (word votes): pass texts")
            if len(texts) != embeddings.shape[0]:
                raise ValueError(f"{embeddings.shape[0]} embeddings but {len(texts)} texts")
        votes = [self.embedding_vote_.log_odds(embeddings)]
        for vote in (self.word_vote_, self.sentence_vote_):
            if vote is not None and texts is not None:
                votes.append(vote.log_odds(texts))
        return np.mean(votes, axis=0)

    def predict_proba(
        self, embeddings: np.ndarray, texts: Sequence[str] | None = None
    ) -> np.ndarray:
        """Probabilities as an (n, 3) array, columns in :data:`LABELS` order; neutral is 0."""
        check_is_fitted(self, "temperature_")
        positive = sigmoid(self.temperature_ * self.log_odds(embeddings, texts))
        full = np.zeros((positive.size, len(LABELS)))
        full[:, LABELS.index("positive")] = positive
        full[:, LABELS.index("negative")] = 1.0 - positive
        return full

    def predict_label(
        self, embeddings: np.ndarray, texts: Sequence[str] | None = None
    ) -> list[str]:
        """The more probable polarity per document (never neutral; the stored label,
        ``label_of(score)``, is neutral where the two are within 0.05)."""
        proba = self.predict_proba(embeddings, texts)
        return [LABELS[i] for i in proba.argmax(axis=1).tolist()]

    def score(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """P(positive) - P(negative) per document; needs the documents' embeddings."""
        if embeddings is None:
            raise ValueError("the rating head scores embeddings: pass embeddings=")
        proba = self.predict_proba(embeddings, texts if self.uses_text_features_ else None)
        return proba[:, LABELS.index("positive")] - proba[:, LABELS.index("negative")]

    def _fit_votes(
        self, embeddings: np.ndarray, positive: np.ndarray, texts: Sequence[str] | None
    ) -> None:
        self.embedding_vote_ = EmbeddingVote(C=self.C, max_iter=self.max_iter).fit(
            embeddings, positive
        )
        self.word_vote_: WordVote | None = None
        self.sentence_vote_: SentenceVote | None = None
        if texts is None:
            return
        if self.words:
            self.word_vote_ = WordVote.fitted(
                texts, positive, C=self.word_C, max_iter=self.max_iter
            )
        if self.sentences:
            self.sentence_vote_ = SentenceVote.fitted(
                texts, positive, C=self.sentence_C, max_iter=self.max_iter
            )

    def _calibrate(
        self, embeddings: np.ndarray, positive: np.ndarray, texts: Sequence[str] | None
    ) -> float:
        """The temperature that makes out-of-fold votes the best probabilities (log loss)."""
        folds = self.calibration_folds
        if min(int(positive.sum()), int((~positive).sum())) < max(folds, 2):
            return 1.0
        rows = np.arange(positive.size)
        if rows.size > self.calibration_sample:
            rows, _ = train_test_split(
                rows, train_size=self.calibration_sample, stratify=positive,
                random_state=self.seed,
            )  # fmt: skip
            rows = np.sort(rows)
        votes = np.zeros(rows.size)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.seed)
        params = self.get_params()
        for train, test in splitter.split(rows, positive[rows]):
            fit_rows, vote_rows = rows[train], rows[test]
            inner = RatingHead(**params)
            inner._fit_votes(embeddings[fit_rows], positive[fit_rows], _take(texts, fit_rows))
            inner.uses_text_features_ = texts is not None
            votes[test] = inner.log_odds(embeddings[vote_rows], _take(texts, vote_rows))
        return fit_temperature(votes, positive[rows], max_iter=self.max_iter)


def fit_temperature(log_odds: np.ndarray, positive: np.ndarray, *, max_iter: int = 1000) -> float:
    """The temperature T that makes sigmoid(T * log-odds) the best probabilities (log loss).

    ``log_odds`` must be out-of-fold (from votes not trained on those rows); 1.0
    when the fit is not positive or a polarity is missing.
    """
    positive = np.asarray(positive, dtype=bool)
    if positive.all() or not positive.any():
        return 1.0
    model = LogisticRegression(C=1e6, fit_intercept=False, max_iter=max_iter)
    temperature = float(model.fit(np.asarray(log_odds)[:, None], positive).coef_[0, 0])
    return temperature if temperature > 0 else 1.0


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, written with tanh (no overflow for large log-odds)."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _take(texts: Sequence[str] | None, rows: np.ndarray) -> list[str] | None:
    return None if texts is None else [texts[i] for i in rows.tolist()]


def _as_matrix(embeddings: Any) -> np.ndarray:
    matrix = np.asarray(embeddings, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"embeddings must be a 2-d array, got shape {matrix.shape}")
    return matrix
