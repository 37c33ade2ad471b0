"""The three models whose votes the rating head averages: each says how positive a review is.

Each is a logistic regression between the negative (1-2 star) and positive (4-5 star)
reviews, with balanced class weights, and gives one log-odds per document:

- :class:`EmbeddingVote` reads the document embeddings the pipeline already holds
  (the encoder reads at most 128 tokens, so the end of a long review is not in it);
- :class:`WordVote` reads TF-IDF of the document's word uni- and bigrams;
- :class:`SentenceVote` learns from sentences: every sentence of a training review
  is an example with the review's label, and a document's vote is the mean log-odds
  of its sentences. A long mixed review ("side effects were rough, but it works")
  gives many sentences; the ones that carry the verdict are the ones whose words
  recur across reviews of that polarity, and the mean reads the whole review,
  however long.

No stop-word list: scikit-learn's English one drops "not", "no", "never", "nothing",
"too" and "less", which carry sentiment. ``min_df=2`` keeps words seen in at least two
training texts, which drops one-off typos and names and keeps the vocabulary small.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlp.sentiment.sentences import split_sentences

_WORD_FEATURES: dict[str, Any] = {
    "ngram_range": (1, 2),
    "sublinear_tf": True,
    "min_df": 2,
    "lowercase": True,
}


def _classifier(C: float, max_iter: int) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", max_iter=max_iter)


def _vectorizer(texts: Sequence[str]) -> tuple[TfidfVectorizer | None, Any]:
    """A TF-IDF vectorizer fitted on ``texts`` and their matrix; ``None`` when no word is
    in two texts (nothing to learn from, which is not an error)."""
    vectorizer = TfidfVectorizer(**_WORD_FEATURES)
    try:
        return vectorizer, vectorizer.fit_transform(list(texts))
    except ValueError as error:
        if "vocabulary" in str(error) or "no terms remain" in str(error):
            return None, None
        raise


class EmbeddingVote:
    """Log-odds of a positive review from the document embedding."""

    def __init__(self, *, C: float, max_iter: int) -> None:
        self.C = C
        self.max_iter = max_iter

    def fit(self, embeddings: np.ndarray, positive: np.ndarray) -> EmbeddingVote:
        """Learn from embeddings and a boolean "is positive" per document."""
        self.model_ = _classifier(self.C, self.max_iter).fit(embeddings, positive)
        return self

    def log_odds(self, embeddings: np.ndarray) -> np.ndarray:
        """One log-odds per document."""
        return self.model_.decision_function(embeddings)


class WordVote:
    """Log-odds of a positive review from its words (TF-IDF of uni- and bigrams)."""

    def __init__(self, *, C: float, max_iter: int) -> None:
        self.C = C
        self.max_iter = max_iter

    @classmethod
    def fitted(cls, texts: Sequence[str], positive: np.ndarray, **params: Any) -> WordVote | None:
        """A fitted vote, or ``None`` when the texts share no word."""
        vote = cls(**params)
        vote.vectorizer_, matrix = _vectorizer(texts)
        if vote.vectorizer_ is None:
            return None
        vote.model_ = _classifier(vote.C, vote.max_iter).fit(matrix, positive)
        return vote

    def log_odds(self, texts: Sequence[str]) -> np.ndarray:
        """One log-odds per document."""
        return self.model_.decision_function(self.vectorizer_.transform(list(texts)))


class SentenceVote:
    """Mean log-odds of a document's sentences, learned from sentences labelled by their review."""

    def __init__(self, *, C: float, max_iter: int) -> None:
        self.C = C
        self.max_iter = max_iter

    @classmethod
    def fitted(
        cls, texts: Sequence[str], positive: np.ndarray, **params: Any
    ) -> SentenceVote | None:
        """A fitted vote, or ``None`` when the sentences share no word."""
        vote = cls(**params)
        sentences, owner = _sentences_of(texts)
        vote.vectorizer_, matrix = _vectorizer(sentences)
        if vote.vectorizer_ is None:
            return None
        vote.model_ = _classifier(vote.C, vote.max_iter).fit(matrix, positive[owner])
        return vote

    def log_odds(self, texts: Sequence[str]) -> np.ndarray:
        """One log-odds per document: the mean over its sentences."""
        sentences, owner = _sentences_of(texts)
        per_sentence = self.model_.decision_function(self.vectorizer_.transform(sentences))
        total = np.bincount(owner, weights=per_sentence, minlength=len(texts))
        return total / np.bincount(owner, minlength=len(texts))


def _sentences_of(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Every sentence of every text, and the row number of the text it comes from.

    A text without a sentence (empty, or decoration only) is its own sentence, so
    every document has at least one.
    """
    sentences: list[str] = []
    owner: list[int] = []
    for row, text in enumerate(texts):
        pieces = _sentences(text)
        sentences.extend(pieces)
        owner.extend([row] * len(pieces))
    return sentences, np.asarray(owner, dtype=np.intp)


@functools.lru_cache(maxsize=100_000)
def _sentences(text: str) -> tuple[str, ...]:
    """The sentences of a text, or the text itself; memoised because cross-validation and
    calibration split the same reviews several times."""
    return tuple(split_sentences(text)) or (text,)
