"""The run's sentiment step, cut where the text cache ends and pure computing begins.

:func:`plan_sentiment` reads what the text cache holds (VADER scores of texts seen
before, an earlier choice between VADER and the rating head);
:func:`compute_sentiment` does the rest, touching nothing but its arguments, so
it can run in another process beside the topic model (:mod:`nlp.parallel`);
:func:`finish_sentiment` offers the new results to the cache and assembles the
:class:`SentimentOutput`. :func:`start_sentiment` runs the three, computing
beside the caller when the work is large enough to repay a fork
(:data:`BESIDE_FROM`); :func:`score_sentiment` runs them all in this process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nlp.parallel import Beside, start_beside
from nlp.text_cache import (
    EARLIER_FIT,
    ScoredText,
    SentimentFit,
    TextResultCache,
    TextsFingerprint,
    score_texts,
    sentiment_key,
    vader_scorer_id,
)

BESIDE_FROM = 2000
"""Texts of work (see :attr:`SentimentPlan.work`) from which scoring runs in a forked process.

Below it the whole step takes under a second or two and a fork would not repay itself."""


@dataclass
class SentimentOutput:
    """Sentiment of every document, and of every sentence for aspect-level figures."""

    compound: np.ndarray
    labels: list[str]
    choice: dict[str, Any]
    sentences: list[list[tuple[str, float]]]
    scorer: Any = None
    key: str | None = None  # what the choice depends on (`nlp.text_cache.sentiment_key`)
    origin: str | None = None  # where a cached choice came from; None when computed here


@dataclass
class SentimentPlan:
    """Everything :func:`compute_sentiment` needs, once the cache was read."""

    texts: list[str]
    embeddings: np.ndarray
    rated: list[float | None]
    scale_min: float
    scale_max: float
    seed: int
    hashes: list[str]
    held: dict[str, ScoredText]  # VADER scores the cache had, by text hash
    key: str
    fit: SentimentFit | None  # the cache's earlier choice for the same inputs, if any

    @property
    def work(self) -> int:
        """Texts to score with VADER, plus rated texts to learn from when no choice is held."""
        missing = sum(1 for h in self.hashes if h not in self.held)
        return missing + (len(self.texts) if self.fit is None else 0)


@dataclass
class SentimentComputed:
    """What :func:`compute_sentiment` made: new VADER scores, the choice, document scores."""

    fresh: dict[str, ScoredText]
    choice: dict[str, Any]
    scorer: Any
    compound: np.ndarray
    seconds: float = 0.0
    chose: bool = field(default=False)  # the choice was made now, not taken from the cache


def rating_scale(rated: list[float | None]) -> tuple[float, float]:
    """The rating scale's ends: 0-10 or 1-10 where ratings go past 5, 0 where one is below 1."""
    known = [v for v in rated if v is not None]
    scale_max = 10.0 if known and max(known) > 5 else 5.0
    scale_min = 0.0 if known and min(known) < 1 else 1.0
    return scale_min, scale_max


def plan_sentiment(
    texts: list[str],
    embeddings: np.ndarray,
    ratings: pd.Series | None,
    *,
    seed: int,
    cache: TextResultCache,
    fingerprint: TextsFingerprint,
) -> SentimentPlan:
    """Read from ``cache`` what is known of these texts, ratings and embeddings."""
    from nlp.sentiment import VaderScorer

    values = ratings.tolist() if ratings is not None else [None] * len(texts)
    rated = [None if v is None or pd.isna(v) else float(v) for v in values]
    scale_min, scale_max = rating_scale(rated)
    hashes = list(fingerprint.hashes)
    key = sentiment_key(fingerprint, rated, {"seed": seed})
    return SentimentPlan(
        texts=texts,
        embeddings=embeddings,
        rated=rated,
        scale_min=scale_min,
        scale_max=scale_max,
        seed=seed,
        hashes=hashes,
        held=cache.scored_texts(vader_scorer_id(VaderScorer()), hashes),
        key=key,
        fit=cache.sentiment_fit(key),
    )


def compute_sentiment(plan: SentimentPlan) -> SentimentComputed:
    """VADER for texts the cache lacked, the scorer choice if not held, every document's score.

    Pure: reads only ``plan`` and writes nothing, so it may run in another process.
    """
    from nlp.sentiment import VaderScorer, choose_scorer

    started = time.perf_counter()
    vader = VaderScorer()
    missing = {h: t for h, t in zip(plan.hashes, plan.texts, strict=True) if h not in plan.held}
    fresh = dict(zip(missing, score_texts(vader, list(missing.values())), strict=True))
    fit = plan.fit
    if fit is None:
        made, scorer = choose_scorer(
            plan.texts, plan.embeddings, plan.rated, seed=plan.seed,
            scale_min=plan.scale_min, scale_max=plan.scale_max,
        )  # fmt: skip
        choice = dict(made.__dict__)
    else:
        choice, scorer = dict(fit.choice), fit.scorer
    if type(scorer) is VaderScorer and vars(scorer) == vars(vader):
        scored = {**plan.held, **fresh}
        compound = np.asarray([scored[h].document for h in plan.hashes], dtype=float)
    else:
        compound = _scores_of(scorer, plan, fit)
    return SentimentComputed(
        fresh=fresh, choice=choice, scorer=scorer, compound=compound,
        seconds=time.perf_counter() - started, chose=fit is None,
    )  # fmt: skip


def finish_sentiment(
    plan: SentimentPlan, computed: SentimentComputed, cache: TextResultCache
) -> SentimentOutput:
    """Offer new scores and a new choice to ``cache``; every document's sentiment."""
    from nlp.sentiment import VaderScorer, label_of

    if computed.fresh:
        cache.store_scored_texts(vader_scorer_id(VaderScorer()), computed.fresh)
    if computed.chose:
        kept = dict(zip(plan.hashes, computed.compound.tolist(), strict=True))
        fit = SentimentFit(choice=computed.choice, scorer=computed.scorer, scores=kept)
        cache.store_sentiment_fit(plan.key, fit)
    scored = {**plan.held, **computed.fresh}
    return SentimentOutput(
        compound=computed.compound,
        labels=[label_of(c) for c in computed.compound],
        choice=computed.choice,
        sentences=[list(scored[h].sentences) for h in plan.hashes],
        scorer=computed.scorer,
        key=plan.key,
        origin=None if computed.chose else plan.fit.origin or EARLIER_FIT,  # type: ignore[union-attr]
    )


def no_sentiment() -> SentimentOutput:
    """The sentiment of a run without documents."""
    from nlp.sentiment import VaderScorer

    return SentimentOutput(
        compound=np.zeros(0),
        labels=[],
        choice={"scorer": "none", "n_rated": 0, "vader_accuracy": None,
                "head_accuracy": None, "reason": "No documents: nothing to score."},
        sentences=[],
        scorer=VaderScorer(),
    )  # fmt: skip


def score_sentiment(
    texts: list[str], embeddings: np.ndarray, ratings: pd.Series | None, **options: Any
) -> SentimentOutput:
    """VADER, or a head trained on star ratings when enough exist and it scores better.

    All in this process; ``options`` are :func:`start_sentiment`'s (``seed``,
    ``cache``, ``fingerprint``). Texts' VADER scores and the choice itself come
    from ``cache`` when it holds them for the same texts, ratings, embeddings,
    seed and code.
    """
    return start_sentiment(texts, embeddings, ratings, beside=False, **options).result()


class PendingSentiment:
    """Sentiment being computed, possibly in another process; ``result()`` waits and finishes it."""

    def __init__(
        self,
        plan: SentimentPlan | None,
        cache: TextResultCache,
        beside: Beside[SentimentComputed] | None,
    ) -> None:
        self._plan, self._cache, self._beside = plan, cache, beside
        self.seconds_beside = 0.0
        """Seconds the computing took in another process (0 when it ran here)."""

    def result(self) -> SentimentOutput:
        """Every document's sentiment, new results offered to the cache."""
        if self._plan is None or self._beside is None:
            return no_sentiment()
        forked = self._beside.forked
        computed = self._beside.result()
        if forked:
            self.seconds_beside = computed.seconds
        return finish_sentiment(self._plan, computed, self._cache)

    def close(self) -> None:
        """Stop computing if the caller gave up before ``result()``; harmless afterwards."""
        if self._beside is not None:
            self._beside.close()


def start_sentiment(
    texts: list[str],
    embeddings: np.ndarray,
    ratings: pd.Series | None,
    *,
    seed: int,
    cache: TextResultCache | None = None,
    fingerprint: TextsFingerprint | None = None,
    beside: bool = True,
) -> PendingSentiment:
    """Read the cache, then compute in a forked process when the work is large, else here and now.

    The caller may do other work (the topic model) before asking for ``result()``.
    With ``beside=False`` everything runs here.
    """
    cache = cache or TextResultCache()
    if not texts:
        return PendingSentiment(None, cache, None)
    fingerprint = fingerprint or TextsFingerprint.of(texts, embeddings)
    plan = plan_sentiment(
        texts, embeddings, ratings, seed=seed, cache=cache, fingerprint=fingerprint
    )
    if beside and plan.work >= BESIDE_FROM:
        beside = start_beside(compute_sentiment, plan)
        if beside.forked:
            return PendingSentiment(plan, cache, beside)
    computed = compute_sentiment(plan)
    return PendingSentiment(plan, cache, Beside(None, lambda: computed))


def _scores_of(scorer: Any, plan: SentimentPlan, fit: SentimentFit | None) -> np.ndarray:
    """Document scores by ``scorer``: those a cached fit kept, the others scored now."""
    from nlp.sentiment import score_documents

    kept = fit.scores if fit is not None else {}
    todo = [i for i, h in enumerate(plan.hashes) if h not in kept]
    compound = np.asarray([kept.get(h, np.nan) for h in plan.hashes], dtype=float)
    if todo:
        texts = [plan.texts[i] for i in todo]
        fresh = score_documents(scorer, texts, np.asarray(plan.embeddings)[todo])
        compound[todo] = np.asarray(fresh, dtype=float)
    return compound
