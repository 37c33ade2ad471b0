"""Which words can name a subject: sentiment, time and manner words cannot.

A topic is a subject ("refill scheme", "delivery"), never a mood ("pleased",
"bad") or a moment ("friday", "days later"). Sentiment-bearing words come from
VADER's maintained lexicon; whether such a word is *generic* mood vocabulary or
the name of a subject that happens to carry a valence ("gift", "waste") is
decided by the corpus (:func:`generic_sentiment_words`): mood words are spread
across all subjects, subject words gather in a few topics.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

__all__ = [
    "TIME_WORDS",
    "generic_sentiment_words",
    "is_adverb_of",
    "sentiment_lexicon",
]

SUBJECT_LIFT = 3.0  # a sentiment word this much more frequent in one topic names a subject there
LIFT_PRIOR_DOCUMENTS = 20  # pseudo-documents at the corpus rate: a few chance hits make no lift
HALF = 0.5
MIN_SUBJECT_DOCUMENTS = 5  # ... and a subject word is written in at least this many of its topic

TIME_WORDS: frozenset[str] = frozenset(
    {name.lower() for name in (*calendar.day_name, *calendar.month_name) if name}
    | {abbr.lower() for abbr in (*calendar.day_abbr, *calendar.month_abbr) if abbr}
    | {
        "day", "days", "daily", "week", "weeks", "weekly", "weekend", "weekends", "month",
        "months", "monthly", "year", "years", "yearly", "hour", "hours", "minute", "minutes",
        "second", "seconds", "today", "tonight", "yesterday", "tomorrow", "morning",
        "mornings", "afternoon", "evening", "evenings", "night", "nights", "later", "ago",
        "earlier", "soon", "recently", "lately", "time", "times", "moment", "date", "weds",
        "tues", "thurs",
    }
)  # fmt: skip
"""Calendar names (from :mod:`calendar`) and words of time: when, never what."""


@functools.cache
def sentiment_lexicon() -> dict[str, float]:
    """VADER's lexicon, word -> valence (-4..+4); read once per process."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return {word: float(v) for word, v in SentimentIntensityAnalyzer().lexicon.items() if v}


def is_sentiment_word(word: str) -> bool:
    """Whether VADER's lexicon gives ``word`` a valence (hyphens and apostrophes ignored)."""
    lexicon = sentiment_lexicon()
    return word in lexicon or word.replace("-", "") in lexicon


ADVERB_ENDINGS = (
    "ally", "fully", "ously", "ively", "ently", "antly", "ately", "ctly", "edly", "ingly",
    "lessly", "ssly", "rtly", "ckly", "ntly",
)  # fmt: skip
"""Endings of English adverbs of manner ("exactly", "quickly", "constantly")."""


def is_adverb_of(word: str, known: set[str] | frozenset[str]) -> bool:
    """An adverb of manner ("exactly", or made from a known word): how, never what."""
    if not word.endswith("ly") or len(word) < 5:
        return False
    if word.endswith(ADVERB_ENDINGS):
        return True
    base = word[:-2]
    candidates = {base, base + "e", base[:-1] + "y" if base.endswith("i") else base}
    return bool(candidates & known) or any(is_sentiment_word(c) for c in candidates)


def generic_sentiment_words(
    presence: sparse.csr_matrix,
    words: np.ndarray,
    topics: np.ndarray,
    nouns: frozenset[str] | None = None,
) -> frozenset[str]:
    """Sentiment words of the corpus that name no subject: spread across the topics.

    ``presence`` is documents x words (non-zero where a document holds the
    word), ``words`` its column names, ``topics`` each document's topic (``-1``
    for none). A sentiment word names a subject when some topic writes it at
    least ``SUBJECT_LIFT`` times as often as the corpus does (or, for a topic
    of more than a sixth of the corpus, as often as half its share; smoothed by
    ``LIFT_PRIOR_DOCUMENTS`` documents at the corpus rate) in at least
    ``MIN_SUBJECT_DOCUMENTS`` of its documents, and, when ``nouns`` are given,
    the corpus writes it as a noun ("the gift", never "the fine"); every other
    one is mood.
    """
    columns = [j for j, w in enumerate(words) if " " not in w and is_sentiment_word(str(w))]
    if not columns:
        return frozenset()
    binary = (presence[:, columns] > 0).astype(np.float64).tocsc()
    n = binary.shape[0]
    rate = np.asarray(binary.sum(axis=0)).ravel() / max(n, 1)
    assigned = topics[topics >= 0]
    labels = np.unique(assigned)
    if len(labels) == 0:
        return frozenset(str(words[j]) for j in columns)
    member = sparse.csr_matrix(
        (np.ones(len(assigned)), (np.searchsorted(labels, assigned), np.flatnonzero(topics >= 0))),
        shape=(len(labels), n),
    )
    in_topic = np.asarray((member @ binary).todense())  # topics x words
    sizes = np.asarray(member.sum(axis=1)).ravel()[:, None]
    prior = LIFT_PRIOR_DOCUMENTS * rate[None, :]
    lift = (in_topic + prior) / ((sizes + LIFT_PRIOR_DOCUMENTS) * np.maximum(rate[None, :], 1e-12))
    # In a corpus of few, broad topics no word can be three times as frequent in one:
    # there it suffices that the topic writes about half of the word's documents.
    needed = np.minimum(SUBJECT_LIFT, HALF / np.maximum(sizes / max(len(assigned), 1), 1e-12))
    subject = ((lift >= needed) & (in_topic >= MIN_SUBJECT_DOCUMENTS)).any(axis=0)
    return frozenset(
        str(words[j])
        for j, named in zip(columns, subject, strict=True)
        if not named or (nouns is not None and str(words[j]) not in nouns)
    )


VERB_CUES = frozenset(
    {
        "i", "we", "you", "they", "he", "she", "it", "will", "would", "can", "could", "should",
        "might", "must", "shall", "did", "does", "do", "didnt", "doesnt", "dont", "cant",
        "wont", "wouldnt", "couldnt", "shouldnt", "ive", "weve", "theyve", "id", "wed",
    }
)  # fmt: skip
"""Subject pronouns, modals and forms of "do": the word after one is a verb ("it kept")."""
DETERMINERS = frozenset(
    {"the", "a", "an", "my", "your", "our", "their", "this", "that", "these", "those", "his",
     "her", "its"}
)  # fmt: skip
"""Articles, possessives and demonstratives: a word after one is a noun. Not "no" or "any":
"no complaints" is a mood, not a subject."""
NOUN_SHARE = 0.1  # a sentiment word names a subject only where it is written as a noun this often
VERB_SHARE = 0.15  # a word written after a verb cue this often is a verb, never a subject
MIN_VERB_OCCURRENCES = 3
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class WordContexts:
    """What the corpus writes before a word: a verb cue ("it kept"), a determiner ("the gift")."""

    seen: Counter[str]
    cued: Counter[str]
    determined: Counter[str]

    def verbs(self) -> frozenset[str]:
        """Words written as verbs, after a subject pronoun or a modal ("it kept", "I got").

        Verbs name no subject: "website kept", "prices went" or "order received"
        are fragments of sentences, not topics. A word written after a determiner
        more often ("the brush") is a noun that is also a verb, and names a subject.
        """
        return frozenset(
            word
            for word, count in self.cued.items()
            if count >= MIN_VERB_OCCURRENCES
            and count >= VERB_SHARE * self.seen[word]
            and count > self.determined[word]
        )

    def nouns(self) -> frozenset[str]:
        """Words written after a determiner at least ``NOUN_SHARE`` of the time ("the gift")."""
        return frozenset(
            word
            for word, count in self.determined.items()
            if count >= MIN_VERB_OCCURRENCES and count >= NOUN_SHARE * self.seen[word]
        )


def word_contexts(texts: Iterable[str]) -> WordContexts:
    """Count, for every word of ``texts``, what is written just before it."""
    contexts = WordContexts(Counter(), Counter(), Counter())
    for text in texts:
        previous = ""
        for token in _TOKEN.findall(text.lower()):
            word = token.replace("'", "").replace("’", "")
            contexts.seen[word] += 1
            if previous in VERB_CUES:
                contexts.cued[word] += 1
            elif previous in DETERMINERS:
                contexts.determined[word] += 1
            # "it's" is no determiner: only words written without an apostrophe count as one
            previous = word if word == token or word in VERB_CUES else ""
    return contexts


def verb_words(texts: Iterable[str]) -> frozenset[str]:
    """Words the corpus writes as verbs (see :meth:`WordContexts.verbs`)."""
    return word_contexts(texts).verbs()


def subject_word_counts(presence: sparse.csr_matrix, words: np.ndarray) -> np.ndarray:
    """How many distinct words of each document are neither sentiment nor time words."""
    keep = [
        j
        for j, w in enumerate(words)
        if " " not in w and not is_sentiment_word(str(w)) and str(w) not in TIME_WORDS
    ]
    if not keep:
        return np.zeros(presence.shape[0], dtype=int)
    return np.asarray((presence[:, keep] > 0).sum(axis=1)).ravel().astype(int)
