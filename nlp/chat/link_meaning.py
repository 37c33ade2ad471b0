"""Linking by meaning: the words no earlier step explained, in up to three chunks,
are compared (unit vectors, cosine) with each segment's texts and each topic's
keywords; a chunk links when it is close enough and clearly closer than the next
candidate, and a chunk that names a slot but links nothing is recorded as unknown.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nlp.chat import lexicon as lx
from nlp.chat.lexicon.measures import ATTRIBUTE_TERMS, STAT_WORDS
from nlp.chat.link_unknown import is_name, names_people, written
from nlp.chat.measure_columns import is_measure_word
from nlp.chat.parse import Parse
from nlp.chat.text import column_tokens, same_word
from nlp.chat.vocabulary_index import VocabularyIndex

# Similarity thresholds for linking words to the vocabulary by meaning (unit vectors, cosine).
# Segments: the mean similarity over a segment's three texts (name; name + description +
# topics; topics + traits), and it must beat the next segment by SEGMENT_MARGIN.
SEGMENT_THRESHOLD = 0.22
SEGMENT_MARGIN = 0.05
TOPIC_THRESHOLD = 0.42
LINK_MARGIN = 0.02
MAX_CHUNKS = 3
# Words between a preposition and the subject it introduces ("about our new podcast").
_DETERMINERS = frozenset(["the", "a", "an", "our", "your", "their", "its", "this", "that", "my"])
# Words naming a time span ("over the same period") are never part of an entity mention.
_SPANS = frozenset(["period", "periods", "timeframe", "timeframes", "timespan"])
# Cue words of trends and runs are never part of an entity mention.
_CUE_WORDS = frozenset(w for phrase in (*lx.TREND_PHRASES, *lx.RUN_PHRASES) for w in phrase.split())


def read_chunks(p: Parse) -> None:
    """The leftover content words, in runs of consecutive words (three at most)."""
    w = p.words
    chunks: list[dict[str, Any]] = []
    current: list[int] = []

    def close() -> None:
        if not current:
            return
        words = [w[i] for i in current]
        end = current[-1] + 1
        # "customer x" stands for the customer a question names, not for a group
        people = (
            end < len(w) and w[end] in lx.PEOPLE_NOUNS and w[end : end + 2] != ["customer", "x"]
        )
        tail = words[-1] in lx.PEOPLE_NOUNS
        start = current[0]
        before = start - 1
        while before > 0 and w[before] in _DETERMINERS:  # "about our podcast"
            before -= 1
        about = before >= 0 and w[before] in lx.TOPIC_PREPS
        text = " ".join(words + ([w[end]] if people else []))
        chunks.append(
            {
                "text": text,
                "start": start,
                "end": end,
                "people": people or tail,
                "about": about,
                "words": words,
            }
        )
        current.clear()

    for i, word in enumerate(w):
        content = (
            i not in p.used
            and word.replace("-", "").isalpha()
            and len(word) > 1
            and word not in lx.STOP_WORDS
            and word not in lx.MONTHS
            and word not in lx.UNITS  # "over the same period", "the past year": a time span
            and word not in _SPANS
            and word not in lx.ORDINALS
            and word not in lx.NUMBER_WORDS
            and word not in {"x"}
            and word not in _CUE_WORDS
            and word not in lx.DRIVER_WORDS
            and word not in lx.CHANGE_FORMS
            and word not in lx.MOST_WORDS | lx.LEAST_WORDS  # "for the longest": an order
        )
        if content:
            current.append(i)
        else:
            close()
    close()
    p.chunks = chunks[:MAX_CHUNKS]


def link_chunks(
    index: VocabularyIndex, p: Parse, vectors: np.ndarray, intent: str, *, follow: bool = False
) -> None:
    """Link each chunk to a segment or a topic by meaning, as the intent wants."""
    bare = intent == "unsupported" and not p.cues & {"write", "off_topic"}
    wants_segment = (
        follow
        or bare
        or intent
        in {
            "describe_segment",
            "compare_segments",
            "segment_topic",
            "negative_drivers",
            "show_quotes",
        }
    )
    wants_topic = intent in {
        "segment_topic",
        "topic_where",
        "topic_trend",
        "show_quotes",
        "rank_segments",
        "negative_drivers",
    }
    own = [t for t in column_tokens(p.measure or "") if len(t) > 2]
    for chunk, vector in zip(p.chunks, vectors, strict=False):
        people = names_people(p, chunk)
        if people and is_name(p, chunk["start"], chunk["end"]):
            # a written name links by its words (done before) or not at all, never by meaning
            _unknown_segment(p, chunk, intent)
            continue
        measure_words = all(
            is_measure_word(x)
            or any(same_word(x, t) for t in own)  # "on return rates": the measure linked
            or x in ATTRIBUTE_TERMS  # "same thing but by region": an attribute, no name
            or x in lx.MEASURE_FILLERS
            or x in lx.SIZE_TERMS
            or x in lx.SENTIMENT_TERMS
            or x in lx.DOCUMENT_TERMS
            for x in chunk["words"]
        )
        if measure_words and not (wants_segment and intent != "count_filter"):
            continue
        seg, seg_sim = _nearest_mean(vector, index.segment_vectors, index.segment_owner)
        top, top_sim = _nearest(vector, index.topic_vectors, index.topic_owner)
        seg_ok = seg is not None and seg_sim >= SEGMENT_THRESHOLD
        top_ok = top is not None and top_sim >= TOPIC_THRESHOLD
        need_seg = wants_segment and (len(p.segments) < (2 if intent == "compare_segments" else 1))
        # a follow-up pointing back ("and of those, ...") has its segment already
        need_seg = need_seg and not (follow and p.back and intent != "compare_segments")
        need_top = wants_topic and not p.topics
        need_seg = need_seg or (chunk["people"] and intent == "count_filter")
        prefer_segment = chunk["people"] or (not chunk["about"] and need_seg)
        if (
            prefer_segment
            and seg_ok
            and seg not in p.segments
            and (chunk["people"] or not top_ok or seg_sim + 0.05 >= top_sim or not need_top)
        ):
            p.segments.append(seg)
            p.segment_spans.append((chunk["start"], chunk["end"]))
            p.seg_at.setdefault(seg, chunk["start"])
            continue
        if top_ok and top not in p.topics and (need_top or chunk["about"]):
            p.topics.append(top)
            p.topic_spans.append((chunk["start"], chunk["end"]))
            continue
        if seg_ok and seg not in p.segments and need_seg:
            p.segments.append(seg)
            p.segment_spans.append((chunk["start"], chunk["end"]))
            p.seg_at.setdefault(seg, chunk["start"])
            continue
        if measure_words:
            continue
        if people:
            _unknown_segment(p, chunk, intent)
            continue
        slot = chunk["about"] or need_seg and not p.segments
        if _modifies(chunk, p):
            continue  # "late" in "late delivery": a word qualifying an entity found
        if _aside(p, chunk, intent):
            continue
        if slot and intent not in {"overview", "run_change", "unsupported"}:
            p.unknown.append(chunk["text"])
            if chunk["about"] and intent != "describe_segment":  # not "tell me about X"
                p.unknown_kinds.setdefault(chunk["text"], "topic")


_TALK = lx.TOPIC_VERBS | set(lx.SENTIMENT_TERMS) | {"about", "regarding", "concerning", "say"}


def _aside(p: Parse, chunk: dict[str, Any], intent: str) -> bool:
    """A segment's share, its segment read ("what proportion are the big spenders? need it
    for the board deck"), names no topic unless the question asks what people say."""
    counted = intent == "share" and bool(p.segments) and not p.filters
    return counted and not chunk["people"] and not any(x in _TALK for x in p.words)


def _unknown_segment(p: Parse, chunk: dict[str, Any], intent: str) -> None:
    """A phrase naming a group of people that links to no segment: an unknown segment
    (whatever the intent, unless the question is out of scope or asks to change data)."""
    if intent == "unsupported" and p.cues & {"write", "off_topic"}:
        return
    if "count_segments" in p.cues or all(
        x in lx.PEOPLE_NOUNS or x in lx.STOP_WORDS or x in STAT_WORDS for x in chunk["words"]
    ):
        return  # "how many distinct types of customer", "a typical customer": no name at all
    end = chunk["end"]
    while end > chunk["start"] + 1 and p.words[end - 1] in lx.PEOPLE_NOUNS:
        end -= 1  # "the Chess Club tribe" names "Chess Club"
    name = written(p, chunk["start"], end)
    p.unknown.append(name)
    p.unknown_kinds[name] = "segment"


def _modifies(chunk: dict[str, Any], p: Parse) -> bool:
    """Whether a leftover chunk sits right before or after a linked topic or segment."""
    if chunk["people"]:
        return False
    spans = [*p.topic_spans, *p.segment_spans]
    return any(start == chunk["end"] or end == chunk["start"] for start, end in spans)


def _nearest(
    vector: np.ndarray, matrix: np.ndarray, owners: np.ndarray
) -> tuple[int | None, float]:
    if matrix.size == 0:
        return None, 0.0
    sims = matrix @ vector
    best = int(np.argmax(sims))
    top = float(sims[best])
    others = sims[owners != owners[best]]
    if others.size and top - float(others.max()) < LINK_MARGIN:
        return None, top
    return int(owners[best]), top


def _nearest_mean(
    vector: np.ndarray, matrix: np.ndarray, owners: np.ndarray
) -> tuple[int | None, float]:
    """The owner with the best mean similarity over its rows, if it clearly beats the next."""
    if matrix.size == 0:
        return None, 0.0
    sims = matrix @ vector
    numbers = np.unique(owners)
    means = np.array([sims[owners == n].mean() for n in numbers])
    order = np.argsort(-means)
    best = float(means[order[0]])
    if len(order) > 1 and best - float(means[order[1]]) < SEGMENT_MARGIN:
        return None, best
    return int(numbers[order[0]]), best
