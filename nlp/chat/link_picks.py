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
from nlp.chat.lexicon import talk as tk
from nlp.chat.link_measures import link_measure
from nlp.chat.parse import Parse
from nlp.chat.text import same_word
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
_DOING = frozenset(
    {
        "buy",
        "buys",
        "want",
        "wants",
        "need",
        "needs",
        "hate",
        "hates",
        "do",
        "complain",
        "moan",
        "write",
        "order",
        "purchase",
        "spend",
        "think",
    }
)
_PREPOSITIONS = lx.TOPIC_PREPS | {"by", "in", "at", "from", "to", "than", "per"}
_NOT_NOUNS = frozenset(
    {
        "is",
        "are",
        "was",
        "do",
        "does",
        "did",
        "the",
        "our",
        "about",
        "of",
        "share",
        "percentage",
        "proportion",
        "kind",
        "sort",
        "type",
        "types",
    }
)
_WH = frozenset({"what", "which", "who", "what's", "which's", "who's", "whats"})


def link_picks(index: VocabularyIndex, p: Parse) -> None:
    """Segments named by their place on a measure, linked with the span that names them."""
    if not any(s.values for s in index.named_segments) or "rank" in p.cues:
        return
    w = p.words
    # "which region has the most unhappy customers": people counted per something else;
    # "which segment has ordered most recently? our most active buyers": the ranking's words
    ranking = "which" in p.cues and any(x in PICK_NOUNS for x in w)
    counting = "how_many" in p.cues or "breakdown" in p.cues or _asks_other_thing(w) or ranking
    for i, word in enumerate(w):
        people = word in lx.PEOPLE_NOUNS and word.endswith("s") and not counting
        if not (word in PICK_NOUNS or people) or i in p.used:
            continue
        for start, window, end in _phrases(w, i, p.used):
            if _asks_which(w, start, end):
                continue
            if people:  # "the biggest spenders": the noun may name the measure
                window = [*window, i]
            picked = _resolve(index, p, window, avoid=_compared(p))
            # "our happiest customers" are the happiest segment; "the biggest customers" no size
            if picked is not None and not (people and picked["measure"] == "size"):
                _record(p, picked, start, end)


def _asks_other_thing(w: list[str]) -> bool:
    """Whether the question asks "which <noun>" of a noun that is no segment or people noun
    ("which region", "what age group", "which topic")."""
    for i, word in enumerate(w[:-1]):
        if word in {"which", "what"}:
            noun = w[i + 1]
            return noun.isalpha() and noun not in PICK_NOUNS | lx.PEOPLE_NOUNS | _NOT_NOUNS
    return False


def _phrases(w: list[str], i: int, used: set[int]) -> list[tuple[int, list[int], int]]:
    """(first word, measure words, last word) of each pick around the noun at ``i``."""
    before = _before(w, i, used)
    if before:
        det, window = before
        joins = [k for k in window if w[k] in {"and", "or", "vs", "versus", "&"}]
        if joins:  # "the biggest and smallest segments": two picks sharing the noun
            first = [k for k in window if k < joins[0]]
            second = [k for k in window if k > joins[0]]
            if _superlative([w[k] for k in first]) and _superlative([w[k] for k in second]):
                return [(det, first, first[-1]), (second[0], second, i)]
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
        if j in used or not w[j].replace("-", "").isalpha() or w[j] in _PREPOSITIONS:
            return None  # "the most about refunds by segment": no noun phrase
        joining = w[j] in {"and", "or", "vs", "versus"} or w[j] in lx.ORDINALS
        if w[j] in lx.STOP_WORDS - lx.MOST_WORDS - lx.LEAST_WORDS and not joining or w[j] in _WH:
            return None  # "the most stuff? which cluster": two clauses, no noun phrase
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


def _asks_which(w: list[str], start: int, end: int) -> bool:
    """Whether the phrase is what the question asks for: "what is the largest segment", not
    "what are the happiest segment talking about" (a verb after it: "what" is its object)."""
    head = [x for x in w[:start] if x not in {"so", "ok", "and", "tell", "me"}]
    acted = any(_predicate(x) for x in w[end + 1 :])
    return bool(head) and head[0] in _WH and all(x in _WH | _COPULA for x in head) and not acted


def _predicate(word: str) -> bool:
    """Whether a word is a verb of talking, saying, liking or buying, or an -ing form."""
    verbs = lx.TOPIC_VERBS | lx.SAY_WORDS | tk.WRITE_ABOUT | tk.LIKE_WORDS | _DOING
    return word in verbs or (word.endswith("ing") and len(word) > 5)


def _compared(p: Parse) -> set[int]:
    """Segments a comparison already holds: a second pick takes the next one on its measure
    ("compare our biggest spenders with the group that returns the most")."""
    return set(p.segments) if p.cues & {"compare", "compare_maybe"} else set()


def _resolve(
    index: VocabularyIndex, p: Parse, window: list[int], avoid: set[int] | None = None
) -> dict[str, Any] | None:
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
    while avoid and position <= len(ranked) and ranked[position - 1] in avoid:
        position += 1
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
    p.picks.append({**picked, "phrase": " ".join(p.words[start : end + 1])})
    if number in p.segments:
        return
    p.segments.append(number)
    p.segment_spans.append((start, end + 1))
    p.seg_at.setdefault(number, start)


#: Nouns of a group named by what its people do ("the autoship crowd", "the app folks").
GROUP_NOUNS = PICK_NOUNS | lx.PEOPLE_NOUNS | {"crowd", "folks", "gang", "fans", "brigade"}
_COLLECTIVE = frozenset(
    {"crowd", "gang", "lot", "bunch", "brigade", "group", "segment", "cohort", "cluster", "tribe"}
)


def link_measure_groups(index: VocabularyIndex, p: Parse) -> None:
    """A group named by a measure word with no segment of that name ("the autoship crowd",
    "the lapsed lot"): the segment highest on that measure (lowest where the word says
    so, "the newcomers"), stated as a pick. Runs after the segment names are linked."""
    if not any(s.values for s in index.named_segments) or "rank" in p.cues:
        return
    w = p.words
    if "breakdown" in p.cues or _asks_other_thing(w):
        return
    for i, word in enumerate(w):
        collective = word.endswith("s") or word in _COLLECTIVE
        if word not in GROUP_NOUNS or i in p.used or not collective:
            continue
        j = i - 1
        window: list[int] = []
        while j >= 0 and len(window) < 2 and w[j] not in DETERMINERS and j not in p.used:
            window.insert(0, j)
            j -= 1
        if not window or j < 0 or w[j] not in DETERMINERS or _superlative([w[k] for k in window]):
            continue
        if _asks_which(w, j, i) or any(w[k] in lx.STOP_WORDS for k in window):
            continue
        if any(same_word(w[k], key) for k in window for keys in index.segment_keys.values()
               for key in keys):  # fmt: skip
            continue  # "the deal hunters": a segment's own words, linked by name or meaning
        picked = _resolve(index, p, window)
        if picked is not None and picked["measure"] not in {"size", "sentiment"}:
            _record(p, picked, j, i)
