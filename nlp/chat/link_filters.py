"""Filters: numbers with comparators ("more than 500", "2k or more", "between 1 and 3")
on the measure named next to them, and, in counting questions, categories of the
run's customers ("in the north") as equality filters.
"""

from __future__ import annotations

import re

from nlp.chat import lexicon as lx
from nlp.chat.categories import find_categories
from nlp.chat.link_measures import filter_measure
from nlp.chat.parse import Filter, Parse
from nlp.chat.reading import comparator_at, trailing_comparator
from nlp.chat.text import column_tokens, parse_number
from nlp.chat.vocabulary_index import VocabularyIndex


def link_filters(index: VocabularyIndex, p: Parse) -> None:
    """Filters from comparators before or after a number, ranges and categories."""
    w = p.words
    text_words = w
    for i in range(len(w)):
        if i in p.used:
            continue
        found = comparator_at(text_words, i)
        if found is None:
            continue
        op, length = found
        j = i + length
        if j < len(w) and w[j] in {"$", "£", "€"}:
            j += 1
        if j >= len(w) or j in p.used:
            continue
        value = parse_number(w[j])
        if value is None:
            continue
        end = j + 1
        percent = end < len(w) and w[end] in {"%", "percent"}
        if percent:
            end += 1
        trailing = trailing_comparator(w, end)
        if trailing:
            op = trailing[0]
            end += trailing[1]
        hint = "age" if w[i] in {"older", "younger"} else None
        measure = filter_measure(
            index,
            p,
            before=range(max(0, i - 3), i),
            after=range(end, min(len(w), end + 3)),
            hint=hint,
        )
        p.filters.append(Filter(measure or "", op, value, percent))
        p.used.update(range(i, end))
    # "500 or more orders", "spent 1000+"
    for j, word in enumerate(w):
        if j in p.used:
            continue
        value = parse_number(word)
        trailing = trailing_comparator(w, j + 1 + (j + 1 < len(w) and w[j + 1] == "%"))
        if value is None or not trailing or word in lx.NUMBER_WORDS and "how_many" in p.cues:
            continue
        percent = j + 1 < len(w) and w[j + 1] == "%"
        end = j + 1 + percent + trailing[1]
        measure = filter_measure(
            index,
            p,
            before=range(max(0, j - 3), j),
            after=range(end, min(len(w), end + 3)),
            hint=None,
        )
        p.filters.append(Filter(measure or "", trailing[0], value, bool(percent)))
        p.used.update(range(j, end))
    if re.search(r"\bbetween \S+ and \S+", " ".join(w)):
        _between(index, p)
    if p.filters or "how_many" in p.cues:  # "how many … in the north (spent over 500)"
        for span, term in find_categories(w, p.used, index.vocabulary.categories):
            p.filters.append(Filter(term.column, "==", term.value))
            p.used.update(span)


def _between(index: VocabularyIndex, p: Parse) -> None:
    w = p.words
    for i, word in enumerate(w[:-3]):
        if word != "between" or w[i + 2] != "and":
            continue
        low, high = parse_number(w[i + 1]), parse_number(w[i + 3])
        if low is None or high is None:
            continue
        measure = filter_measure(
            index,
            p,
            before=range(max(0, i - 3), i),
            after=range(i + 4, min(len(w), i + 7)),
            hint=None,
        )
        p.filters += [Filter(measure or "", ">=", low), Filter(measure or "", "<=", high)]
        p.used.update(range(i, i + 4))


def percent_value(f: Filter) -> Filter:
    """A percentage on a rate or share column as a fraction ("20%" -> 0.2)."""
    if not f.percent:
        return f
    tokens = set(column_tokens(f.measure))
    if tokens & {"rate", "share", "ratio", "proportion", "fraction"}:
        return Filter(f.measure, f.op, round(f.value / 100, 6), True)
    return f
