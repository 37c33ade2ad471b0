"""Segments picked by where they stand on a measure: "the biggest cluster", "our happiest
group", "the segment that spends the most", "the group with the most autoship
subscriptions", "the second smallest one".

A pick is a noun phrase with a determiner around a segment noun and a superlative,
either before the noun ("the unhappiest segment") or in a clause after it ("the
segment that spends the most"); "the biggest and the smallest clusters" holds two.
Its measure and order are read with the same steps as a ranking question
(:func:`~nlp.chat.link_measures.link_measure` on the phrase's words), and the segment
is the one at that place of the run's segment values
(:attr:`~nlp.chat.vocabulary.SegmentTerm.values`), so it names the segment the
ranking would name first. A question asking which segment it is ("which segment is
the biggest", "what is the largest segment") holds no pick: it is a ranking.
"""

from __future__ import annotations

from typing import Any

from nlp.chat import lexicon as lx
from nlp.chat.link_measures import link_measure
from nlp.chat.parse import Parse
from nlp.chat.vocabulary_index import VocabularyIndex

#: Nouns a pick is built around ("the biggest cluster", "the unhappiest one").
PICK_NOUNS = frozenset(
    (lx.SEGMENT_WORDS - {"#", "seg"})
    | {"one", "ones", "cohort", "cohorts", "tribe", "tribes", "bunch", "lot"}
)
DETERMINERS = frozenset({"the", "our", "your", "that"})
# Words that open the clause of a pick after its noun ("the group that spends the most").
_CLAUSE = frozenset({"that", "which", "who", "with", "whose", "where"})
# Words that end a pick's clause: another mention, a new question, a comparison.
_CLAUSE_END = frozenset(
    {"and", "or", "vs", "versus", "against", "compared", "than", "who", "what", "how", "why"}
)
_CLAUSE_WORDS = 7
_COPULA = frozenset({"is", "are", "was", "were", "'s", "be"})
_WH = frozenset({"what", "which", "who", "what's", "which's", "who's", "whats"})


def link_picks(index: VocabularyIndex, p: Parse) -> None:
    """Segments named by their place on a measure, linked with the span that names them."""
    if not any(s.values for s in index.named_segments) or "rank" in p.cues:
        return
    w = p.words
    for i, word in enumerate(w):
        if word not in PICK_NOUNS or i in p.used:
            continue
        for start, window, end in _phrases(w, i, p.used):
            if _asks_which(w, start):
                continue
            picked = _resolve(index, p, window)
            if picked is not None:
                _record(p, picked, start, end)


def _phrases(w: list[str], i: int, used: set[int]) -> list[tuple[int, list[int], int]]:
    """(first word, measure words, last word) of each pick around the noun at ``i``."""
    before = _before(w, i, used)
    if before:
        det, window = before
        found = [(det, window, i)]
        # "the biggest and the smallest clusters": the first superlative shares the noun
        if det >= 2 and w[det - 1] in {"and", "or", "vs", "versus"}:
            other = _before(w, det - 1, used)
            if other:
                found.insert(0, (other[0], other[1], other[1][-1]))
        return found
    if i >= 1 and w[i - 1] in DETERMINERS and i + 1 < len(w) and w[i + 1] in _CLAUSE:
        window = []
        for j in range(i + 2, min(len(w), i + 2 + _CLAUSE_WORDS)):
            if w[j] in _CLAUSE_END or j in used:
                break
            window.append(j)
        if window and _superlative([w[j] for j in window]):
            return [(i - 1, window, window[-1])]
    return []


def _before(w: list[str], i: int, used: set[int]) -> tuple[int, list[int]] | None:
    """(determiner index, word indices) of the words between a determiner and word ``i``,
    when they hold a superlative."""
    window: list[int] = []
    j = i - 1
    while j >= 0 and len(window) < 4 and w[j] not in DETERMINERS:
        if j in used or not w[j].replace("-", "").isalpha():
            return None
        window.insert(0, j)
        j -= 1
    if j < 0 or w[j] not in DETERMINERS or not window or not _superlative([w[k] for k in window]):
        return None
    return j, window


def _superlative(words: list[str]) -> bool:
    return any(
        x in lx.MOST_WORDS
        or x in lx.LEAST_WORDS
        or (x.endswith("est") and len(x) > 4 and x not in {"interest", "request", "honest"})
        for x in words
    )


def _asks_which(w: list[str], start: int) -> bool:
    """Whether the phrase is what the question asks for: "what is the largest segment"."""
    head = [x for x in w[:start] if x not in {"so", "ok", "and", "tell", "me"}]
    return bool(head) and head[0] in _WH and all(x in _WH | _COPULA for x in head)


def _resolve(index: VocabularyIndex, p: Parse, window: list[int]) -> dict[str, Any] | None:
    """The segment at the phrase's place on its measure, or None when it names no measure
    the run has values for."""
    words = [p.words[j] for j in window]
    phrase = Parse(words=words)
    link_measure(index, phrase)
    ordinals = [lx.ORDINALS[x] for x in words if x in lx.ORDINALS and x != "first"]
    unnamed = [x for x in words if x.endswith("est") and x not in lx.SIZE_TERMS]
    # a superlative of no measure ("our safest segment") is no pick by size
    measure = phrase.measure or ("size" if phrase.direction and not unnamed else None)
    if measure is None or phrase.measure_unknown:
        return None
    direction = phrase.direction or 1
    order = "desc" if direction * phrase.polarity > 0 else "asc"
    values = {s.number: s.values[measure] for s in index.named_segments if measure in s.values}
    if not values:
        return None
    ranked = sorted(values, key=lambda n: (-values[n] if order == "desc" else values[n], n))
    position = ordinals[0] if ordinals else 1
    if position > len(ranked):
        return None
    return {
        "segment": ranked[position - 1],
        "measure": measure,
        "order": order,
        "position": position,
    }


def _record(p: Parse, picked: dict[str, Any], start: int, end: int) -> None:
    number = picked["segment"]
    span = set(range(start, end + 1))
    if span & p.used:
        return
    p.used.update(span)
    p.picks.append(picked)
    if number in p.segments:
        return
    p.segments.append(number)
    p.segment_spans.append((start, end + 1))
    p.seg_at.setdefault(number, start)
