"""Sentiment per document and per sentence, so it can be reported per topic.

Two scorers share one small interface (:class:`SentimentScorer`): ``score(texts)``
returns one compound value in [-1, 1] per text, and ``score_sentences(texts)``
splits every text with :func:`split_sentences` and scores each piece, which is
what lets a report say "positive overall, negative about delivery".

- :class:`VaderScorer` (the default) is the VADER lexicon: no training, no model.
- :class:`RatingHead` learns polarity from the customer's own star ratings: the
  calibrated mean of three votes, on the document embeddings, the document's words
  and its sentences' words. Its sentence scores come from VADER, because ratings
  are given to whole documents.

:func:`choose_scorer` decides between them on the data at hand: with enough rated
documents it cross-validates the head, measures VADER on the same rows and keeps
whichever agrees more often with the ratings, with the reason in words.

Labels follow VADER's convention (compound >= 0.05 positive, <= -0.05 negative)
and, for ratings, 4-5 stars positive, 3 neutral, 1-2 negative. Every scorer's
stored label is ``label_of(score)``; for the head the score is P(positive) -
P(negative), so "neutral" means the head cannot tell positive from negative.

Modules, one job each: :mod:`~nlp.sentiment.labels`, :mod:`~nlp.sentiment.sentences`,
:mod:`~nlp.sentiment.scorer`, :mod:`~nlp.sentiment.vader`,
:mod:`~nlp.sentiment.evidence` (the head's votes), :mod:`~nlp.sentiment.head` and
:mod:`~nlp.sentiment.choice`.
"""

from __future__ import annotations

from nlp.sentiment.choice import SentimentChoice, choose_scorer, out_of_fold_proba
from nlp.sentiment.head import RatingHead
from nlp.sentiment.labels import LABELS, label_of, rating_label
from nlp.sentiment.scorer import SentimentScorer, score_documents
from nlp.sentiment.sentences import split_sentences
from nlp.sentiment.vader import VaderScorer

__all__ = [
    "LABELS",
    "RatingHead",
    "SentimentChoice",
    "SentimentScorer",
    "VaderScorer",
    "choose_scorer",
    "label_of",
    "out_of_fold_proba",
    "rating_label",
    "score_documents",
    "split_sentences",
]
