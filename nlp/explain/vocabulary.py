"""Which words may name a persona: subjects customers write about, not moods or filler.

A word names a persona only when it is a content word (not a stop word), not a
mood word, and truly distinctive of the persona's texts: present in a real
share of them and markedly more often than in everyone's. Survey prompts are
taken off the texts first, so the question's words never count as the answer's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np

MIN_SUBJECT_SHARE = 0.1  # of the persona's texts that must contain the word
MIN_SUBJECT_LIFT = 1.5  # how much more often than in everyone's texts
STRONG_MOOD = 2.0  # a lexicon valence from which a word is a mood, whatever the data says
MOOD_SKEW = 0.25  # a weaker lexicon word is a mood when its texts' tone shifts this much
_TOKEN = re.compile(r"[^\W\d_][\w'-]*[^\W\d_]|[^\W\d_]")


@functools.lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """English function words (scikit-learn's list) and contractions' leftovers."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"don't", "didn't", "i'm", "it's", "can't", "won't"}


@functools.lru_cache(maxsize=1)
def mood_lexicon() -> dict[str, float]:
    """VADER's lexicon: word -> valence (-4 … +4)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return dict(SentimentIntensityAnalyzer().lexicon)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of a text."""
    return _TOKEN.findall(str(text).lower())


def answer_of(text: str) -> str:
    """The answer part of a survey text ("[Question?] answer", "Q: … A: …"), else the text."""
    splitter = _prompt_splitter()
    return splitter(str(text))[1] if splitter else _strip_prompt(str(text))


@functools.lru_cache(maxsize=1)
def _prompt_splitter():
    """The import's prompt splitter when the package has one (``nlp.prompts.split_prompt``)."""
    try:
        from nlp.prompts import split_prompt
    except ImportError:
        return None
    return split_prompt


def _strip_prompt(text: str) -> str:
    bracketed = re.match(r"\s*\[[^\]]{3,200}\?\s*\]\s*(.*)", text, flags=re.S)
    if bracketed:
        return bracketed.group(1)
    asked = re.match(r"\s*Q\s*:.*?\?\s*A\s*:\s*(.*)", text, flags=re.S | re.I)
    return asked.group(1) if asked else text


class Vocabulary:
    """Document frequencies of words over all texts, to test words against one group's texts.

    ``texts`` are the documents (survey prompts are removed); ``scores`` their
    compound sentiment, used to tell a mood word from a subject that happens
    to be in the mood lexicon.
    """

    def __init__(self, texts: Sequence[str], scores: Sequence[float] | None = None) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        answers = [answer_of(t) for t in texts]
        self.scores = None if scores is None else np.asarray(scores, dtype=float)
        self._mood: dict[str, bool] = {}
        vectoriser = CountVectorizer(binary=True, tokenizer=tokens, lowercase=False,
                                     token_pattern=None, dtype=np.int32)  # fmt: skip
        try:
            self._matrix = vectoriser.fit_transform(answers).tocsc()
            self._words = list(vectoriser.get_feature_names_out())
        except ValueError:  # no words at all
            self._matrix, self._words = None, []
        self._column = {w: i for i, w in enumerate(self._words)}
        self._df = self.frequencies(np.arange(len(answers)))

    def frequencies(self, rows: Sequence[int]) -> dict[str, float]:
        """Share of the given documents that contain each word."""
        rows = np.asarray(rows, dtype=int)
        if self._matrix is None or len(rows) == 0:
            return {}
        counts = np.asarray(self._matrix[rows].sum(axis=0)).ravel()
        present = np.flatnonzero(counts)
        return {self._words[i]: counts[i] / len(rows) for i in present}

    def is_content_word(self, word: str) -> bool:
        """A word of letters, three or more long, neither a function word nor a mood word."""
        word = word.lower()
        if len(word) < 3 or not _TOKEN.fullmatch(word) or word in stop_words():
            return False
        return not self.is_mood_word(word)

    def is_mood_word(self, word: str) -> bool:
        """Whether a word carries mood rather than subject in these texts.

        Strong lexicon words always do; a milder lexicon word does when the
        texts containing it lean clearly more positive or negative than the rest.
        """
        if word in self._mood:
            return self._mood[word]
        valence = mood_lexicon().get(word)
        if valence is None:
            mood = False
        elif abs(valence) >= STRONG_MOOD or self.scores is None:
            mood = True
        else:
            mood = self._skew(word) >= MOOD_SKEW
        self._mood[word] = mood
        return mood

    def _skew(self, word: str) -> float:
        column = self._column.get(word)
        if column is None or self._matrix is None:
            return 0.0
        has = self._matrix[:, column].toarray().ravel() > 0
        scores = self.scores
        if scores is None or len(scores) != len(has) or not has.any() or has.all():
            return 0.0
        inside, outside = scores[has], scores[~has]
        inside, outside = inside[np.isfinite(inside)], outside[np.isfinite(outside)]
        if not len(inside) or not len(outside):
            return 0.0
        return abs(float(inside.mean() - outside.mean()))

    def lift(self, word: str, group: dict[str, float]) -> float:
        """How much more often a word is in the group's texts than in everyone's."""
        overall = self._df.get(word, 0.0)
        return group.get(word, 0.0) / overall if overall else 0.0

    def is_distinctive(self, word: str, group: dict[str, float]) -> bool:
        """A content word in a real share of the group's texts, more often than in everyone's."""
        return (
            group.get(word, 0.0) >= MIN_SUBJECT_SHARE
            and self.lift(word, group) >= MIN_SUBJECT_LIFT
            and self.is_content_word(word)
        )

    def singular(self, word: str) -> str:
        """``word`` without a plural "s" when the texts use the singular too: "shoes" -> "shoe"."""
        plural = len(word) > 4 and word.endswith("s") and not word.endswith("ss")
        return word[:-1] if plural and self._df.get(word[:-1], 0.0) > 0 else word

    def distinctiveness(self, word: str, group: dict[str, float]) -> float:
        """How distinctive a word is of the group: its share there times the log of its lift."""
        lift = self.lift(word, group)
        return group.get(word, 0.0) * float(np.log(lift)) if lift > 0 else 0.0

    def distinctive_words(self, group: dict[str, float], limit: int = 5) -> list[str]:
        """The group's most distinctive content words, best first (share × log lift)."""
        scored = [
            (self.distinctiveness(w, group), w)
            for w, share in group.items()
            if share >= MIN_SUBJECT_SHARE and self.is_distinctive(w, group)
        ]
        scored.sort(key=lambda p: (-p[0], p[1]))
        return [w for _, w in scored[:limit]]
