"""Agreement of a scorer with reviewers' star ratings on reviews it was not trained on.

The protocol behind ``bench/results/sentiment.md`` and the held-out review tests:
train on a random ``train_share`` of the rated reviews, score the others, over
several split seeds, and report every split (the worst is the figure to quote).

- **binary**: agreement of the stored label, ``label_of(score)``, on the reviews
  rated 1-2 or 4-5 stars; a neutral label there counts as a miss. Reviews rated 3
  are left out.
- **sign**: the same reviews when the score's sign decides (a forced choice, not
  what is stored), beside it for reference.
- **3-way**: agreement of the stored label with the rating's label on all reviews.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from nlp.sentiment.labels import label_of, rating_label
from nlp.sentiment.scorer import SentimentScorer

ScorerMaker = Callable[[list[str], np.ndarray, list[float]], SentimentScorer]
"""Builds a scorer from training texts, their embeddings and their ratings."""


@dataclass(frozen=True)
class SplitAgreement:
    """One split's figures (see the module's docstring) and its sizes."""

    seed: int
    binary: float
    sign: float
    three_way: float
    n_test: int
    n_polar: int


class MajorityScorer(SentimentScorer):
    """The baseline that gives every document the most common label of its training ratings."""

    name = "majority"

    def __init__(self, *, label: str = "positive") -> None:
        self.label = label

    @classmethod
    def from_ratings(cls, ratings: Sequence[float]) -> MajorityScorer:
        """The scorer for the most common label of ``ratings`` (1-5 stars)."""
        labels = [rating_label(float(r)) for r in ratings]
        return cls(label=max(sorted(set(labels)), key=labels.count))

    def score(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """+1, 0 or -1 for every text, by the majority label."""
        value = {"positive": 1.0, "neutral": 0.0, "negative": -1.0}[self.label]
        return np.full(len(texts), value)


def heldout_agreement(
    texts: Sequence[str],
    embeddings: np.ndarray,
    ratings: Sequence[float],
    make_scorer: ScorerMaker,
    *,
    seeds: Sequence[int] = (0, 1, 2),
    train_share: float = 0.6,
) -> list[SplitAgreement]:
    """Figures of the scorer ``make_scorer`` builds on each split's training reviews.

    Each seed draws its own random permutation; the first ``train_share`` of it
    trains, the rest is scored with the embeddings given.
    """
    if not len(texts) == len(embeddings) == len(ratings):
        raise ValueError(
            f"{len(texts)} texts, {len(embeddings)} embeddings and {len(ratings)} ratings"
        )
    matrix = np.asarray(embeddings)
    stars = np.asarray(ratings, dtype=float)
    truth = np.asarray([rating_label(s) for s in stars])
    figures = []
    for seed in seeds:
        order = np.random.default_rng(seed).permutation(len(texts))
        cut = int(round(train_share * len(texts)))
        train, test = np.sort(order[:cut]), np.sort(order[cut:])
        scorer = make_scorer([texts[i] for i in train], matrix[train], stars[train].tolist())
        scores = np.asarray(scorer.score([texts[i] for i in test], embeddings=matrix[test]))
        figures.append(_agreement(seed, scores, truth[test]))
    return figures


def _agreement(seed: int, scores: np.ndarray, truth: np.ndarray) -> SplitAgreement:
    stored = np.asarray([label_of(s) for s in scores.tolist()])
    polar = truth != "neutral"
    return SplitAgreement(
        seed=seed,
        binary=float(np.mean(stored[polar] == truth[polar])),
        sign=float(np.mean((scores[polar] >= 0) == (truth[polar] == "positive"))),
        three_way=float(np.mean(stored == truth)),
        n_test=int(truth.size),
        n_polar=int(polar.sum()),
    )
