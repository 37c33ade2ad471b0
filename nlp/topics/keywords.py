"""Keywords and labels of a topic, from its best-first c-TF-IDF candidates.

Keywords are content words and phrases without repeats or near-duplicates,
and never generic mood words. A label is one to three keywords that name the
subject: each a phrase written as such in a fair share of the topic's documents
(not a chance bigram), with no stop, sentiment, time or manner word and no
verb at its edges, so "arrived friday" or "giving exactly" never name a topic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from nlp.topics.lexicon import TIME_WORDS, is_adverb_of, is_sentiment_word
from nlp.topics.words import STOP_WORDS

__all__ = ["LabelRules", "readable_keywords", "topic_label"]

MAX_KEYWORDS = 10
LABEL_KEYWORDS = 3
LABEL_SUPPORT = 0.05  # a label phrase is written in at least this share of the topic's documents
MIN_LABEL_DOCUMENTS = 3  # ... and in at least this many


def readable_keywords(
    scored: Sequence[tuple[str, float]],
    *,
    limit: int = MAX_KEYWORDS,
    excluded: frozenset[str] = frozenset(),
) -> list[str]:
    """Up to ``limit`` keywords from best-first ``(phrase, score)`` candidates.

    Drops empty phrases, stop words, placeholders, words in ``excluded`` (generic
    mood words) and repeated words ("great great"); a phrase sharing a word (by
    crude stem) with a kept keyword is a near-duplicate ("deliveries" after
    "delivery", "cardigan fits" after "cropped cardigan") and is dropped, except
    that a bigram scoring at least half as high as the keywords it contains takes
    their place ("refill scheme" replaces "refill"), so labels read as phrases.
    """
    kept: list[tuple[str, float, frozenset[str]]] = []
    for phrase, score in scored:
        words = phrase.split()
        if not words or score <= 0 or not _is_clean(words) or set(words) & excluded:
            continue
        stems = stems_of([phrase])
        covered = [i for i, (_, _, s) in enumerate(kept) if s <= stems]
        touched = [i for i, (_, _, s) in enumerate(kept) if s & stems]
        if (
            len(words) > 1
            and covered
            and covered == touched
            and score >= 0.5 * min(kept[i][1] for i in covered)
        ):
            first = covered[0]
            kept[first] = (phrase, kept[first][1], stems)
            kept = [k for i, k in enumerate(kept) if i not in covered[1:]]
            continue
        if touched:  # says again what a kept keyword says ("cardigan fits")
            continue
        kept.append((phrase, score, stems))
    return [phrase for phrase, _, _ in kept[:limit]]


@dataclass(frozen=True)
class LabelRules:
    """What a label phrase may not start or end with, and how often it must be written.

    ``mood`` are the corpus's generic sentiment words, ``known`` its words (to
    tell "exactly" from "family"), ``support`` the number of a topic's documents
    that hold a phrase, ``verbs`` the words it writes as verbs ("kept", "went").
    """

    mood: frozenset[str]
    known: frozenset[str]
    support: Callable[[str], int]
    verbs: frozenset[str] = frozenset()

    def is_subject(self, phrase: str, topic_size: int) -> bool:
        """Whether ``phrase`` can name a topic of ``topic_size`` documents."""
        words = phrase.split()
        if not words or not all(self._edge_ok(w) for w in (words[0], words[-1])):
            return False
        if words[-1] in self.verbs:  # a participle may lead ("running shoes"), never end
            return False
        needed = max(MIN_LABEL_DOCUMENTS, LABEL_SUPPORT * topic_size)
        return self.support(phrase) >= min(needed, topic_size)

    def _edge_ok(self, word: str) -> bool:
        return not (
            word in STOP_WORDS
            or word in self.mood
            or word in TIME_WORDS
            or is_adverb_of(word, self.known)
        )


def topic_label(
    keywords: list[str],
    texts: Sequence[str],
    members: np.ndarray,
    rules: LabelRules | None = None,
    topic_size: int = 0,
) -> str:
    """One to three keywords that name the subject, joined by " · ".

    Keywords that fail ``rules`` are skipped; when none passes, the first
    keyword stands alone. Topics of texts without words (emoji, "5/5") quote
    their commonest text.
    """
    if keywords:
        chosen = (
            [k for k in keywords if rules.is_subject(k, topic_size)] if rules is not None else []
        )
        # Words without any valence first: "present" names a gift topic better than "gift".
        chosen.sort(key=_valence_at_edge)
        return " · ".join((chosen or keywords)[:LABEL_KEYWORDS])
    values, counts = np.unique([texts[i].strip() for i in members], return_counts=True)
    return f"“{values[np.argmax(counts)][:40]}”" if len(values) else "no words"


def _valence_at_edge(phrase: str) -> bool:
    words = phrase.split()
    return is_sentiment_word(words[0]) or is_sentiment_word(words[-1])


def _is_clean(words: list[str]) -> bool:
    return len(set(words)) == len(words) and not any(
        w in STOP_WORDS or "[" in w or "]" in w for w in words
    )


def stem(word: str) -> str:
    """A crude English stem, enough to see "deliveries" and "delivery" as one word."""
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + replacement
            break
    for suffix in ("ing", "ed", "er", "e", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def stems_of(phrases: Sequence[str]) -> frozenset[str]:
    """The stems of all words of ``phrases``."""
    return frozenset(stem(w) for phrase in phrases for w in phrase.split())
