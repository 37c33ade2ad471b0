"""VADER, the lexicon scorer used when no ratings can teach a better one.

About 0.15 ms per review, nothing to train or download. It reads negation ("not
bad"), intensifiers, capitals, "!!!" and emoji. It misses complaints written
without sentiment words ("took forever", "arrived late") and reads sarcasm
literally, except for one small rule: a text carrying an explicit marker ("/s",
"#sarcasm", "yeah right") has a positive score turned into its negative.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from nlp.sentiment.scorer import SentimentScorer

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


class VaderScorer(SentimentScorer):
    """VADER's compound score, with an optional rule for explicitly marked sarcasm.

    With ``sarcasm=True`` a text that carries "/s", "#sarcasm" or "yeah right" and
    scores positive is given the negative of its score: marked sarcasm in customer
    text is praise words used for a complaint ("great, another late delivery /s").
    The rule works on the text it is given, so a marker in a long review flips the
    whole review when documents are scored, and only its sentence when sentences
    are. Unmarked sarcasm is read literally.
    """

    name = "vader"

    def __init__(self, *, sarcasm: bool = True) -> None:
        self.sarcasm = sarcasm

    def score(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """VADER compound per text; ``embeddings`` are accepted and ignored."""
        compound = vader_features(texts)[:, 0]
        if self.sarcasm:
            marked = np.fromiter((bool(_SARCASM.search(t)) for t in texts), bool, len(texts))
            compound = np.where(marked & (compound > 0), -compound, compound)
        return compound

    def _sentence_scorer(self) -> VaderScorer:
        return self
