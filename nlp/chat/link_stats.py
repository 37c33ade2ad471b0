"""A measure's value and breakdowns by an attribute: what the question asks of its measure.

- **statistic**: "average", "mean", "median", "typical" say which statistic of a
  measure is asked; "how often", "how long", "how many <measure noun>" ask its value
  too ("how many orders a year does a typical customer place?");
- **attribute**: "by age band", "regional split", "gender mix", "which region has the
  highest return rate": a customer attribute (the sensitive ones people ask about, or
  a categorical column of the run) with a breakdown word, read as a breakdown; "per
  segment" asks it (or a measure) for each segment.

:func:`stats_scores` and :func:`settle_stats` make these readings the intent when
the question asks nothing else (no ranking, no number filter).
"""

from __future__ import annotations

import re

from nlp.chat import lexicon as lx
from nlp.chat.categories import find_categories
from nlp.chat.lexicon.measures import (
    ATTRIBUTE_TERMS,
    BREAKDOWN_WORDS,
    GENDER_GROUPS,
    STAT_WORDS,
)
from nlp.chat.measure_columns import is_measure_word
from nlp.chat.parse import Parse
from nlp.chat.text import same_word
from nlp.chat.vocabulary_index import VocabularyIndex

#: Measures that are not a customer column: their value is not a mean of customers.
_NOT_COLUMNS = (None, "size", "sentiment", "negative_share", "topic_share", "documents")
_VALUE_ASKS = ("how often", "how long", "how frequently", "how much")
_SEGMENT_NOUNS = frozenset(
    ["segment", "segments", "cluster", "clusters", "group", "groups", "cohort", "cohorts",
     "persona", "personas", "tribe", "tribes"]
)  # fmt: skip
_PER_SEGMENT = re.compile(
    r" (?:per|by|each|every|for each|across) (?:segment|cluster|group|cohort|persona|tribe)s? "
)


def read_stats(index: VocabularyIndex, p: Parse) -> None:
    """The statistic asked of the measure, the attribute of a breakdown, and "per segment"."""
    w = p.words
    text = " " + " ".join(w) + " "
    p.stat = _stat(w)
    if p.stat or any(f" {ask} " in text for ask in _VALUE_ASKS) or _how_many_of_measure(w):
        p.cues.add("stat")
    if _PER_SEGMENT.search(text):
        p.per_segment = True
    attribute = _attribute(index, p)
    set_against = None if attribute else _values_set_against(index, p)
    attribute = attribute or set_against
    if attribute is None:
        return
    asks = any(x in BREAKDOWN_WORDS for x in w) or re.search(
        rf" (which|what) {attribute}s? ", text) or p.direction or set_against  # fmt: skip
    if asks:
        p.attribute = attribute
        p.cues.add("breakdown")
        for span, term in find_categories(p.words, p.used, index.vocabulary.categories):
            if term.column == attribute:  # "are Londoners spending more …": groups, not names
                p.used.update(span)
        # "average age per segment": the attribute's word is no measure the run lacks
        p.measure_unknown = [
            m
            for m in p.measure_unknown
            if any(ATTRIBUTE_TERMS.get(x) != attribute for x in m.split())
        ]


_LOOSE_STATS = frozenset({"typical", "typically", "usual", "usually", "normal", "normally"})


def _stat(w: list[str]) -> str | None:
    """Median when asked (and not refused: "not the median"), else mean when asked."""
    found = [(i, STAT_WORDS[x]) for i, x in enumerate(w) if x in STAT_WORDS]
    if not found:
        return "mean" if "on average" in " ".join(w) else None
    refused = {i for i, _ in found if i >= 1 and "not" in w[max(0, i - 2) : i]}
    kept = [(i, s) for i, s in found if i not in refused] or found
    named = [s for i, s in kept if w[i] not in _LOOSE_STATS]  # "typical … avg": the mean
    said = named or [s for _, s in kept]
    return "median" if "median" in said else said[0]


def _how_many_of_measure(w: list[str]) -> bool:
    """ "how many orders …", "how many classes …": the number asked is a measure's, not a count
    of customers."""
    for i in range(len(w) - 2):
        if w[i] == "how" and w[i + 1] == "many":
            noun = w[i + 2]
            if noun in lx.PEOPLE_NOUNS or noun in _SEGMENT_NOUNS or noun in lx.STOP_WORDS:
                return False
            return is_measure_word(noun) or noun.endswith("s")
    return False


def _attribute(index: VocabularyIndex, p: Parse) -> str | None:
    """The customer attribute the question names: a sensitive one people ask about (age,
    gender, region) or a categorical column of the run by its name."""
    columns = {term.column for term in index.vocabulary.categories}
    for i, word in enumerate(p.words):
        if word in ATTRIBUTE_TERMS:
            return ATTRIBUTE_TERMS[word]
        for column in columns:
            parts = column.split("_")
            if len(parts) == 1 and len(word) > 3 and same_word(word, column):
                return column
            if p.words[i : i + len(parts)] == parts and len(parts) > 1:
                return column
    return None


def _values_set_against(index: VocabularyIndex, p: Parse) -> str | None:
    """The column two of whose values the question sets against each other ("men and
    women", "london vs scotland"): a breakdown by that column; else None."""
    by_column: dict[str, set[str]] = {}
    spans: dict[str, set[int]] = {}
    for span, term in find_categories(p.words, p.used, index.vocabulary.categories):
        by_column.setdefault(term.column, set()).add(term.value)
        spans.setdefault(term.column, set()).update(span)
    for term in index.vocabulary.categories:  # "up north": a word of "north east", "north west"
        parts = [x for x in term.value.lower().split() if len(x) >= 4]
        if len(parts) < 2:
            continue
        for i, word in enumerate(p.words):
            if i not in p.used and any(word in (x, x + "ern", x + "erners") for x in parts):
                by_column.setdefault(term.column, set()).add(word)
                spans.setdefault(term.column, set()).add(i)
    genders = {i: GENDER_GROUPS[x] for i, x in enumerate(p.words) if x in GENDER_GROUPS}
    if len(set(genders.values())) >= 2 and not by_column:  # "men and women", no such column
        by_column["gender"], spans["gender"] = set(genders.values()), set(genders)
    column = next((c for c, values in by_column.items() if len(values) >= 2), None)
    if column:
        p.used.update(spans[column])  # the places are the groups, never a segment's name
    return column


def asks_value(p: Parse) -> bool:
    """Whether the question asks a measure's value (not a ranking, a count or a breakdown)."""
    if "stat" not in p.cues or p.measure in _NOT_COLUMNS or "breakdown" in p.cues:
        return False
    if p.direction or p.ordinal or "rank" in p.cues or p.filters:
        return False
    return not ("which" in p.cues and not p.segments)


def stats_scores(s: dict[str, float], p: Parse) -> None:
    """Shift the intent scores towards a breakdown or a measure's value."""
    if "breakdown" in p.cues and p.attribute:
        s["breakdown"] = s.get("breakdown", 0.0) + 0.6
    if asks_value(p):
        s["measure_value"] = s.get("measure_value", 0.0) + 0.5


def settle_stats(intent: str, p: Parse) -> str | None:
    """A breakdown or a measure's value where the question asks one and nothing else; a
    ranking where segments are ranked by a customer measure ("rank the groups by return
    rate", "which segment orders least often")."""
    if p.customer:
        return None
    if "breakdown" in p.cues and p.attribute:
        return "breakdown"
    if asks_value(p) and intent not in {"compare_segments"}:
        return "measure_value"
    if p.filters and "how_many" in p.cues and "trend" not in p.cues and not p.topics:
        return "count_filter"  # "how many customers spent over 500 in the last year"
    groups = "which" in p.cues or any(x in _SEGMENT_NOUNS for x in p.words)
    ranks = "rank" in p.cues or ((p.direction or p.ordinal) and groups)
    if ranks and p.measure not in _NOT_COLUMNS and not (p.segments or p.filters):
        return "rank_segments"
    return None


def groups_not_held(p: Parse, filters: list) -> list[str]:
    """ "how many women spent over 500": a gender group asked as a condition when no condition
    on a categorical column was read from it (the run holds no gender): said, never dropped."""
    held = any(f.op == "==" for f in filters)
    if held or not any(x in GENDER_GROUPS for x in p.words):
        return []
    p.unknown_kinds["gender"] = "measure"
    return ["gender"]
