"""VADER's lexicon scores of texts: the leaf every sentiment scorer reads.

One analyzer per process, scores memoised per text (a run scores documents,
then their sentences, and cross-validation scores the same texts again), and
the one sarcasm rule (see :class:`nlp.sentiment.vader.VaderScorer`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@functools.cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """One VADER analyzer per process: building it reads the lexicon files (~40 ms)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@functools.lru_cache(maxsize=300_000)  # documents and sentences of a 50,000-document run
def _polarity(text: str) -> tuple[float, float, float, float]:
    """VADER's compound, pos, neg, neu; memoised because a run scores documents and
    then their sentences, and cross-validation scores the same texts again."""
    s = _analyzer().polarity_scores(text)
    return (s["compound"], s["pos"], s["neg"], s["neu"])


def vader_features(texts: Sequence[str]) -> np.ndarray:
    """VADER's compound, pos, neg and neu for each text, as an (n, 4) array."""
    rows = [_polarity(text) for text in texts]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), 4)


_SARCASM = re.compile(r"(?<!\w)/s\b|#sarcas(?:m|tic)\b|\byeah,? right\b", re.IGNORECASE)


def vader_compound(texts: Sequence[str], *, sarcasm: bool = True) -> np.ndarray:
    """VADER compound per text; with ``sarcasm`` a marked positive text turns negative."""
    compound = vader_features(texts)[:, 0]
    if sarcasm:
        marked = np.fromiter((bool(_SARCASM.search(t)) for t in texts), bool, len(texts))
        compound = np.where(marked & (compound > 0), -compound, compound)
    return compound
