"""Keeping a question's measure words for its measure: "which segment orders least often",
"median total spend", "which cohort leans hardest on discount codes" ask about a measure
itself, so its words are not read as a topic's keywords or part of a segment's name.

Runs with the filters (:mod:`nlp.chat.link_filters`), before segments and topics are
linked by their words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nlp.chat import lexicon as lx
from nlp.chat.lexicon.measures import STAT_WORDS
from nlp.chat.lexicon.quantities import LOW_WORDS
from nlp.chat.measure_columns import behaviour_measure, t_in
from nlp.chat.parse import Parse
from nlp.chat.quantity import periods
from nlp.chat.vocabulary_index import VocabularyIndex

if TYPE_CHECKING:
    from nlp.chat.mentions import Mention

#: Words before what people write about ("complain most about delivery"): not a measure.
_SUBJECT_WORDS = frozenset(["about", "regarding", "concerning", "mention", "mentions",
                            "mentioning", "talk", "talks", "talking", "discuss", "discusses",
                            "say", "says", "saying", "complain", "complains"])  # fmt: skip


def _asks_measure(w: list[str], p: Parse) -> bool:
    """Whether the question asks about a measure itself: its statistic, its top or bottom."""
    text = " " + " ".join(w) + " "
    if any(x in STAT_WORDS or x in LOW_WORDS or x in lx.MOST_WORDS | lx.LEAST_WORDS for x in w):
        return True
    if "rank" in p.cues or " how often " in text or " how long " in text:
        return True
    return any(x.endswith("est") and x not in {"interest", "best", "least"} for x in w)


def reserve_measure(
    index: VocabularyIndex, p: Parse, said: list[Mention], consumed: set[int]
) -> None:
    """A question about a measure itself keeps its measure words from being read as a segment's
    or a topic's ("which segment orders least often", "median total spend"): the measure the
    whole question names, and the phrases that name it."""
    w = p.words
    if p.filters or not _asks_measure(w, p):
        return
    about = {i for i in range(len(w)) if any(x in _SUBJECT_WORDS for x in w[max(0, i - 2) : i])}
    skip = p.used | consumed | about | _partial_names(index, w)
    free = [i for i in range(len(w)) if i not in skip]
    spans = periods(w)
    found = behaviour_measure(index, [w[i] for i in free], period=spans[0] if spans else None)
    if found is None:
        return
    p.measure, p.polarity = found
    for m in said:
        if (
            not m.taken
            and m.column == found[0]
            and not any(i in about for i in range(m.start, m.end))
        ):
            consumed.update(range(m.start, m.end))
            _keep_direction(p, w[m.start : m.end])


def _keep_direction(p: Parse, words: list[str]) -> None:
    """A superlative inside the measure's words ("the newest customers") still orders it."""
    for x in words:
        if x in lx.LEAST_WORDS or x in LOW_WORDS:
            p.cues.add("order_down")
        elif x in lx.MOST_WORDS or (x.endswith("est") and x not in {"interest", "best"}):
            p.cues.add("order_up")


def _partial_names(index: VocabularyIndex, w: list[str]) -> set[int]:
    """Words of two or more in a row from one segment's name ("the frequent returners"):
    they name the segment, not a measure."""
    out: set[int] = set()
    for tokens in index.name_tokens.values():
        for i in range(len(w) - 1):
            if t_in(tokens, w[i]) and t_in(tokens, w[i + 1]) and w[i] != w[i + 1]:
                out.update({i, i + 1})
    return out
