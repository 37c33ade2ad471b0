"""What the interpreter prepares once per run: the vocabulary's words and vectors.

:class:`VocabularyIndex` holds the exemplar questions' and the vocabulary's unit
vectors (one ``encode`` call), each segment's name words and distinctive keys,
each topic's keywords, the run's behaviour columns grouped by measure concept and
the lexicon typos are corrected towards; its methods answer the questions the
linking steps ask about the vocabulary ("is this a topic keyword?").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nlp.chat import lexicon as lx
from nlp.chat.intents import INTENT_EXEMPLARS
from nlp.chat.reading import base_lexicon
from nlp.chat.text import column_tokens, same_word
from nlp.chat.vocabulary import MeasureTerm, SegmentTerm, Vocabulary, topic_keywords

Encode = Callable[[list[str]], np.ndarray]


def unit_vectors(encode: Encode, texts: list[str]) -> np.ndarray:
    """``encode(texts)`` with every row scaled to unit length (zero rows stay zero)."""
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    vectors = np.asarray(encode(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


@dataclass(frozen=True)
class VocabularyIndex:
    """One run's vocabulary prepared for reading questions (build with :meth:`build`)."""

    vocabulary: Vocabulary
    intent_labels: list[str]
    exemplar_vectors: np.ndarray
    named_segments: list[SegmentTerm]
    segment_vectors: np.ndarray
    segment_owner: np.ndarray
    topic_vectors: np.ndarray
    topic_owner: np.ndarray
    segment_keys: dict[int, list[str]]
    name_tokens: dict[int, list[str]]
    topic_words: dict[int, list[str]]
    columns: dict[str, list[MeasureTerm]]
    vocab_words: frozenset[str]
    lexicon: frozenset[str]

    @classmethod
    def build(cls, vocabulary: Vocabulary, encode: Encode) -> VocabularyIndex:
        """Embed the exemplars and the vocabulary's texts in one call and index its words."""
        vocab = vocabulary
        intent_labels: list[str] = []
        texts: list[str] = []
        for intent, examples in INTENT_EXEMPLARS.items():
            for example in examples:
                intent_labels.append(intent)
                texts.append(example)
        n_examples = len(texts)
        named_segments = [s for s in vocab.segments if not s.small]
        segment_owner: list[int] = []
        for segment in named_segments:
            for text in (segment.name, segment.text(), segment.profile_text()):
                segment_owner.append(segment.number)
                texts.append(text)
        topic_owner: list[int] = []
        for topic in vocab.topics:
            for text in (topic.text(), topic.phrase()):
                topic_owner.append(topic.number)
                texts.append(text)
        vectors = unit_vectors(encode, texts)
        segment_keys = {s.number: name_keys(s.name) for s in named_segments}
        topic_words = {t.number: t.words() for t in vocab.topics}
        vocab_words: set[str] = set()
        for words in segment_keys.values():
            vocab_words |= set(words)
        for words in topic_words.values():
            vocab_words |= {part for w in words for part in w.split() if part.isalpha()}
        for segment in named_segments:
            vocab_words |= {x for x in name_tokens(segment.name) if len(x) > 2}
        for measure in vocab.behaviour():
            vocab_words |= set(column_tokens(measure.key))
        for term in vocab.categories:
            vocab_words |= {w for phrase in term.phrases() for w in phrase if w.isalpha()}
        return cls(
            vocabulary=vocab,
            intent_labels=intent_labels,
            exemplar_vectors=vectors[:n_examples],
            named_segments=named_segments,
            segment_vectors=vectors[n_examples : n_examples + len(segment_owner)],
            segment_owner=np.array(segment_owner, dtype=int),
            topic_vectors=vectors[n_examples + len(segment_owner) :],
            topic_owner=np.array(topic_owner, dtype=int),
            segment_keys=segment_keys,
            name_tokens={s.number: name_tokens(s.name) for s in named_segments},
            topic_words=topic_words,
            columns=concept_columns(vocab.behaviour()),
            vocab_words=frozenset(vocab_words),
            lexicon=frozenset(base_lexicon() | vocab_words),
        )

    def sentiment_topic(self, number: int) -> bool:
        """Whether a topic's label is mostly sentiment words ("ok · bad · meh")."""
        words = (self.topic_words.get(number) or [])[:3]
        hits = sum(1 for x in words if x in lx.SENTIMENT_TERMS or x in lx.MOOD_WORDS)
        return bool(words) and hits >= 1

    def main_topics(self, segments: list[int]) -> list[int]:
        """The run topics whose label is the main topic of these segments."""
        out = []
        for number in segments:
            term = self.vocabulary.segment(number)
            if term and term.topics:
                out += [t.number for t in self.vocabulary.topics if t.label == term.topics[0]]
        return out

    def topic_part(self, word: str) -> bool:
        """Whether a word is a topic keyword or part of a multi-word one ("box" of "gift box")."""
        return any(
            any(same_word(word, part) for k in kws for part in k.split())
            for kws in self.topic_words.values()
        )

    def is_topic_word(self, word: str) -> bool:
        """Whether a word is a one-word topic keyword of the run."""
        return any(
            any(same_word(word, k) for k in kws if " " not in k)
            for kws in self.topic_words.values()
        )

    def distinctive(self, key: str, number: int) -> bool:
        """Whether a name key belongs to this segment and to few others (a third at most)."""
        owners = [
            n for n, keys in self.segment_keys.items() if any(same_word(key, k) for k in keys)
        ]
        return len(owners) <= max(1, len(self.segment_keys) // 3) and number in owners


def concept_columns(measures: list[MeasureTerm]) -> dict[str, list[MeasureTerm]]:
    """The run's behaviour columns per measure concept (a column goes to its first concept)."""
    columns: dict[str, list[MeasureTerm]] = {c.name: [] for c in lx.CONCEPTS}
    for measure in measures:
        tokens = set(column_tokens(measure.key)) | set(column_tokens(measure.label))
        for concept in lx.CONCEPTS:
            if _concept_owns(concept, tokens):
                columns[concept.name].append(measure)
                break
    return columns


def _concept_owns(concept: lx.MeasureConcept, tokens: set[str]) -> bool:
    if tokens & concept.columns:
        return True
    if concept.name == "basket":
        return bool(
            tokens & {"average", "mean"}
            and tokens & {"order", "value", "spend", "purchase", "ticket"}
        )
    return False


def name_tokens(name: str) -> list[str]:
    """Every word of a segment name, in order ("Quality-minded big-basket" -> 4 words)."""
    return re.findall(r"[a-z]+", name.lower())


def name_word(word: str, token: str) -> bool:
    """Whether a question word is this word of a name (inflection and typos allowed)."""
    if word == token or same_word(word, token):
        return True
    if min(len(word), len(token)) < 5:
        return False
    return difflib.SequenceMatcher(None, word, token).ratio() >= 0.8


def name_keys(name: str) -> list[str]:
    """The distinctive words of a segment name ("Eco-minded coupon users" -> ["eco", "coupon"])."""
    words = re.findall(r"[a-z]+", name.lower())
    keys = [w for w in words if w not in lx.GENERIC_NAME_WORDS and len(w) > 1]
    if not keys:
        keys = [w for w in words if w not in {"the", "and", "of", "a"}]
    return list(dict.fromkeys(keys))


def keywords_of(label: str) -> list[str]:
    """The keywords of a topic label, lower case."""
    return [k.lower() for k in topic_keywords(label)]


def same_topic(label: str, topic: Any) -> bool:
    """Whether a segment's top-topic label is this topic (same label or same lead keywords)."""
    if topic is None:
        return False
    if label == topic.label:
        return True
    mine = [k.lower() for k in keywords_of(label)[:2]]
    return bool(mine) and mine == [k.lower() for k in keywords_of(topic.label)[:2]]
