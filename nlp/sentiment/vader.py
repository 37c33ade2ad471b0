"""VADER, the lexicon scorer used when no ratings can teach a better one.

About 0.15 ms per review, nothing to train or download. It reads negation ("not
bad"), intensifiers, capitals, "!!!" and emoji. It misses complaints written
without sentiment words ("took forever", "arrived late") and reads sarcasm
literally, except for one small rule: a text carrying an explicit marker ("/s",
"#sarcasm", "yeah right") has a positive score turned into its negative.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.sentiment.lexicon import vader_compound, vader_features
from nlp.sentiment.scorer import SentimentScorer

__all__ = ["VaderScorer", "vader_features"]


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
        return vader_compound(texts, sarcasm=self.sarcasm)

    def _sentence_scores(self, sentences: Sequence[str]) -> np.ndarray:
        return self.score(sentences)
