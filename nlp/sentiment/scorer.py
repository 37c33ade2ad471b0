"""The small interface every sentiment scorer shares, and scoring documents with any of them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.sentiment.lexicon import vader_compound
from nlp.sentiment.sentences import split_sentences


class SentimentScorer:
    """Base of the sentiment scorers: one compound-like score in [-1, 1] per text.

    Sentence scores come from VADER for every scorer (see :meth:`score_sentences`);
    subclasses only have to say how they score whole documents.
    """

    name: str = "base"

    def score(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """One score in [-1, 1] per text; :func:`label_of` turns it into a label."""
        raise NotImplementedError

    def score_sentences(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """For each text, its sentences (:func:`split_sentences`) with a VADER score each.

        Every scorer scores sentences with VADER: ratings are given to whole
        documents, so a head trained on them is judged on documents, and VADER's
        sentence scores stay comparable from one run to the next.
        """
        split = [split_sentences(text) for text in texts]
        flat = [sentence for sentences in split for sentence in sentences]
        scores = iter(self._sentence_scores(flat).tolist())
        return [[(sentence, next(scores)) for sentence in sentences] for sentences in split]

    def _sentence_scores(self, sentences: Sequence[str]) -> np.ndarray:
        return vader_compound(sentences)


def score_documents(
    scorer: SentimentScorer, texts: Sequence[str], embeddings: np.ndarray | None = None
) -> np.ndarray:
    """Score documents with any scorer; ``embeddings`` are needed by the rating head."""
    if embeddings is not None and len(embeddings) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
    return scorer.score(texts, embeddings=embeddings)
