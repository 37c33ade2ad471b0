"""Measure phrases of a question: runs of words that name one of the run's measures
("spend over the last year", "send back", "avg order"), each with its best column and
whether a negation comes before it ("haven't ordered"). :mod:`nlp.chat.link_filters`
attaches each number of the question to one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.chat import lexicon as lx
from nlp.chat.measure_columns import behaviour_measure, is_measure_word, t_in
from nlp.chat.parse import Parse
from nlp.chat.text import column_tokens
from nlp.chat.vocabulary_index import VocabularyIndex

NEGATIONS = frozenset(["no", "not", "never", "without", "zero", "none"])
CLAUSE_BREAKS = frozenset(["and", "but", "or", ",", ";", "while", "yet"])
_GAP_WORDS = frozenset(["a", "an", "the", "their", "of", "per", "on", "any", "anything",
                        "use", "used", "uses", "using", "placed", "placing", "made", "with",
                        "us"])  # fmt: skip
_STAT_WORDS = frozenset(["avg", "average", "mean", "median", "typical"])


@dataclass
class Mention:
    """A measure phrase: words ``start:end`` (a negation before it kept apart), its column."""

    start: int
    end: int
    column: str
    negated: bool
    concept: str | None
    taken: bool = False


def mentions(
    index: VocabularyIndex,
    p: Parse,
    blocked: set[int],
    numbered: frozenset[int] | set[int] = frozenset(),
) -> list[Mention]:
    """The measure phrases of the question, left to right, each with its best column. A
    measure word that is also a stop word ("order") counts where a number is written right
    beside it or a statistic before it ("avg order > £50", "order value over 80")."""
    w = p.words
    tokens = {t for m in index.vocabulary.behaviour() for t in column_tokens(m.key) if len(t) > 2}
    tokens -= set(lx.MEASURE_FILLERS)

    def beside(i: int) -> bool:
        return i in numbered or (i > 0 and w[i - 1] in _STAT_WORDS) or _purchase(w, i)

    hit = [
        i not in blocked
        and w[i] not in lx.PEOPLE_NOUNS
        and (w[i] not in lx.STOP_WORDS or beside(i) and is_measure_word(w[i]))
        and (is_measure_word(w[i]) or any(_same(w[i], t) for t in tokens))
        for i in range(len(w))
    ]
    for i in measure_phrase_words(w, blocked):
        hit[i] = True
    out: list[Mention] = []
    i = 0
    while i < len(w):
        if not hit[i]:
            i += 1
            continue
        end = i + 1
        while end < len(w) and end - 1 not in p.breaks:
            if hit[end]:
                end += 1
            elif w[end] in _GAP_WORDS and end + 1 < len(w) and hit[end + 1]:
                end += 2
            else:
                break
        start = i
        negated = False
        for j in range(i - 1, max(0, i - 3) - 1, -1):  # a negation before, not across a measure
            if hit[j] or w[j] in CLAUSE_BREAKS:
                break
            if j not in blocked and (w[j] in NEGATIONS or w[j].endswith("n't")):
                negated, start = True, j
        words = w[start:end]
        found = behaviour_measure(index, words)
        if found:
            concept = _concept_of(index, found[0])
            out.append(Mention(start, end, found[0], negated, concept))
        i = end
    return out


def _purchase(w: list[str], i: int) -> bool:
    """Whether "order" at ``i`` is a purchase ("placed an order"), not a sorting ("in order",
    "order by", "in what order")."""
    if w[i] not in {"order", "orders"}:
        return False
    sorting = i > 0 and w[i - 1] in {"in", "sort", "rank", "descending", "ascending", "what"}
    return not sorting and not (i + 1 < len(w) and w[i + 1] in {"by", "of"})


def _same(word: str, token: str) -> bool:
    return t_in([word], token)


def measure_phrase_words(w: list[str], blocked: set[int]) -> set[int]:
    """Words of multi-word measure phrases ("send back", "been with us", "time since")."""
    text = " ".join(w)
    out: set[int] = set()
    for concept in lx.CONCEPTS:
        for term in concept.terms:
            if " " not in term:
                continue
            for match in re.finditer(rf"(?<!\S){re.escape(term)}(?!\S)", text):
                first = text[: match.start()].count(" ")
                span = range(first, first + len(term.split()))
                if not any(i in blocked for i in span):
                    out.update(span)
    return out


def _concept_of(index: VocabularyIndex, key: str) -> str | None:
    for name, columns in index.columns.items():
        if any(c.key == key for c in columns):
            return name
    return None
