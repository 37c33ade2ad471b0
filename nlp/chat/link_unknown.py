"""Names the run does not have: what kind of thing a question names that links to nothing.

A question that names a segment, a measure or a subject the run does not have must
be answered "I don't have …" with the options there are, never with figures about
something else. What decides that a phrase *names* something (rather than being a
filler word) is where it stands and how it is written:

- **names**: words written capitalised inside a sentence, all in capitals or in
  quotes ("the Moonlight Collectors", "NPS", "'Platinum Paws'") are names; a group
  noun followed by an identifier ("segment Z-99") names a segment;
- **people**: a phrase before a group noun ("the Chess Club tribe") or ending in a
  plural noun for people ("the Scuba Divers") names a segment; a written name is
  never linked to a segment by meaning (a name is either the segment's or unknown);
- **measures**: a phrase in a measure's place ("the average NPS of", "the highest
  household income", "a credit score above 700", "how many pets does each customer
  have") names a measure;
- **subjects**: a phrase after "about", "on", "regarding" ("about our podcast") names
  a topic.

:func:`mark_names` reads the written names before linking; :func:`finish_unknown`
settles the kind of every unknown phrase after linking (``Parse.unknown_kinds``),
which the plan turns into one ``unknown`` step.
"""

from __future__ import annotations

import re
import unicodedata

from nlp.chat import lexicon as lx
from nlp.chat.categories import find_categories
from nlp.chat.lexicon import talk as tk
from nlp.chat.lexicon.measures import ATTRIBUTE_TERMS, BREAKDOWN_WORDS
from nlp.chat.link_customers import asked_noun, take_customer
from nlp.chat.measure_columns import behaviour_measure, is_measure_word
from nlp.chat.parse import Parse
from nlp.chat.reading import comparator_at
from nlp.chat.text import column_tokens, normalise, same_word, tokenize
from nlp.chat.vocabulary_index import VocabularyIndex

_SENTENCE_END = re.compile(r"[.?!:;]\s*[\"'“‘(]?\s*$")
_QUOTED = re.compile(r"[\"“‘']([^\"”’']{2,60})[\"”’']")
# "segment Z-99", "cluster X7": a group noun and an identifier that is no number.
_GROUP_ID = re.compile(
    r"\b(?:segment|cluster|group|persona|tribe|cohort)\s+#?([A-Za-z]{1,3}[-_]?\d+[A-Za-z0-9-]*)\b",
    re.I,
)
# Intents whose answers never take a measure, a segment or a subject from leftover words.
_NO_NAMES = {"overview", "run_change", "unsupported", "customer_why", "target_advice"}
# Words after which a measure is named: "rank by X", "the highest X", "X per segment".
_MEASURE_SLOTS = frozenset(
    ["by", "highest", "lowest", "average", "avg", "mean", "median", "most", "least", "top"]
)
_DETERMINERS = frozenset(["the", "a", "an", "our", "their", "its", "your", "my", "this", "that"])


def mark_names(p: Parse, question: str) -> None:
    """The words written as names (``Parse.proper``: index -> the word as written) and the
    segments named by an identifier ("segment Z-99"), recorded as unknown segments."""
    text = unicodedata.normalize("NFKC", question)
    quoted = {w for m in _QUOTED.finditer(text) for w in tokenize(m.group(1).lower())}
    raw = tokenize(normalise(take_customer(question)[1]))  # the words before typo correction
    cursor = 0
    for i, word in enumerate(p.words):
        if len(raw) == len(p.words) and raw[i] != word and i not in p.used:
            at = re.search(rf"(?<![A-Za-z]){re.escape(raw[i])}(?![A-Za-z])", text[cursor:], re.I)
            if at and at.group(0)[0].isupper() and at.start() > 0:
                word = p.words[i] = raw[i]  # a name is no typo: "Scuba Divers", not "drivers"
        if not word.replace("-", "").isalpha():
            continue
        found = re.compile(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", re.I).search(
            text, cursor, cursor + 60 + len(word)
        )
        if found is None:
            continue
        cursor = found.end()
        as_written, before = found.group(0), text[: found.start()]
        initial = not before.strip() or bool(_SENTENCE_END.search(before))
        capital = as_written[0].isupper() and as_written != "I" and not initial
        shouting = len(as_written) >= 2 and as_written.isupper()
        if capital or shouting or word in quoted:
            p.proper[i] = as_written
    for match in _GROUP_ID.finditer(text):
        if asked_noun(text, match.start()):
            continue  # "what segment C-979467 falls into" asks for the segment
        name = match.group(1)
        parts = tokenize(name.lower())
        at = _find(p.words, parts)
        if at is None:
            continue
        p.used.update(range(at, at + len(parts)))
        _unknown(p, name, "segment")


def claim_named_groups(p: Parse, categories: list | None = None) -> None:
    """Words written as names that stand for a group of people and that no segment name
    took ("the Moonlight Collectors segment", "the Scuba Divers"): an unknown segment,
    claimed before their words can be read as topic keywords."""
    w = p.words
    i = 0
    while i < len(w):
        if i not in p.proper or i in p.used or not w[i].replace("-", "").isalpha():
            i += 1
            continue
        end = i
        while (
            end < len(w) and end in p.proper and end not in p.used and w[end] not in lx.STOP_WORDS
        ):
            end += 1
        if end == i:
            i += 1
            continue
        group = end < len(w) and (w[end] in lx.PEOPLE_NOUNS or w[end] in lx.SEGMENT_WORDS)
        head = w[end - 1]
        # a name ending in a group noun ("the Moonlit Catnip Crew") names people
        group = group or (end - i >= 2 and head in lx.PEOPLE_NOUNS)
        definite = i > 0 and w[i - 1] in {"the", "those", "these", "our"}
        plural = (
            head.endswith("s")
            and not head.endswith(("ss", "us", "is"))
            and not p.proper[end - 1].isupper()
        )
        placed = bool(categories) and bool(find_categories(w[i:end], set(), categories or []))
        if (group or (definite and plural)) and not placed:  # "Northern customers": a region
            p.used.update(range(i, end + (1 if end < len(w) and w[end] in lx.PEOPLE_NOUNS else 0)))
            _unknown(p, written(p, i, end), "segment")
        i = max(end, i + 1)


def _find(words: list[str], parts: list[str]) -> int | None:
    for i in range(len(words) - len(parts) + 1):
        if words[i : i + len(parts)] == parts:
            return i
    return None


def _unknown(p: Parse, phrase: str, kind: str) -> None:
    if phrase not in p.unknown:
        p.unknown.append(phrase)
    p.unknown_kinds.setdefault(phrase, kind)


def written(p: Parse, start: int, end: int) -> str:
    """Words ``start``..``end`` of the question as written (names keep their capitals)."""
    return " ".join(p.proper.get(i, p.words[i]) for i in range(start, end))


def recased(p: Parse, phrase: str) -> str:
    """A phrase of the question's words with the capitals they were written with."""
    parts = phrase.split()
    at = _find(p.words, parts)
    return phrase if at is None else written(p, at, at + len(parts))


def is_name(p: Parse, start: int, end: int) -> bool:
    """Whether words ``start``..``end`` hold a word written as a name."""
    return any(i in p.proper for i in range(start, end))


def names_people(p: Parse, chunk: dict) -> bool:
    """Whether a leftover phrase names a group of people: before a group noun ("the Chess
    Club tribe"), or a plural noun for people ("the Scuba Divers", "aquarium hobbyists")."""
    if chunk["people"]:
        return True
    head = chunk["words"][-1]
    acronym = p.proper.get(chunk["end"] - 1, "").isupper()  # "NPS" is no plural
    plural = head.endswith("s") and not head.endswith(("ss", "us", "is")) and not acronym
    agent = head.endswith(("ers", "ors", "ists", "ians", "ees", "ies", "ics", "ites"))
    start = chunk["start"]
    definite = start > 0 and p.words[start - 1] in {"the", "those", "these", "our"}
    named = is_name(p, start, chunk["end"])
    return plural and (agent or named) and (definite or named)


def finish_unknown(index: VocabularyIndex, p: Parse, intent: str) -> None:
    """After linking: the kind of every unknown phrase, measures named where a measure
    stands (also for intents that read no measure), filters on a measure the run lacks
    named by their words."""
    if intent in _NO_NAMES:
        return
    if intent in {"rank_segments", "count_filter"}:  # their answers read measure_unknown
        p.unknown_kinds.update({phrase: "measure" for phrase in p.measure_unknown})
    else:
        named, p.measure_unknown = list(p.measure_unknown), []
        for phrase in named:
            _unknown(p, recased(p, phrase), "measure")
    _partly_named_measure(index, p)
    _unnamed_filters(index, p)
    _counted_things(index, p)
    _acronyms(index, p)
    if intent == "rank_segments":
        _owned_things(index, p)
    _measure_per_group(index, p, intent)
    _partly_named_subject(index, p)


def _partly_named_measure(index: VocabularyIndex, p: Parse) -> None:
    """ "rank the segments by email open rate": a measure phrase that one word of links to
    a column ("open" to app opens) while the others name nothing of it is a measure the
    run does not have, not that column."""
    if not p.measure or p.measure not in {m.key for m in index.vocabulary.behaviour()}:
        return
    terms = set(column_tokens(p.measure))
    measure = index.vocabulary.measure(p.measure)
    if measure is not None:
        terms |= set(column_tokens(measure.label))
    for concept in lx.CONCEPTS:
        if any(m.key == p.measure for m in index.columns.get(concept.name) or []):
            terms |= {part for t in concept.terms for part in t.split()}
    w = p.words
    linked = {i for a, b in [*p.segment_spans, *p.topic_spans] for i in range(a, b)}

    def part(i: int) -> bool:
        x = w[i]
        return (  # "the average basket value across all customers": the phrase ends at "across"
            i not in linked
            and x.isalpha()
            and (x in lx.MEASURE_FILLERS or x not in lx.STOP_WORDS)
            and x not in BREAKDOWN_WORDS
        )

    for i, word in enumerate(w):
        if word not in _MEASURE_SLOTS or i in linked:
            continue
        stop = i + 1
        while stop < len(w) and part(stop):
            stop += 1
        words = [x for x in w[i + 1 : stop] if x not in lx.MEASURE_FILLERS]
        matched = [x for x in words if _in(x, terms)]
        # a word of another measure qualifies this one ("app classes"), it names nothing new
        foreign = [x for x in words if x not in matched and not is_measure_word(x)]
        if matched and len(foreign) >= len(matched):
            p.measure = None
            _unknown(p, written(p, i + 1, stop), "measure")
            return


def _in(word: str, terms: set[str]) -> bool:
    return any(same_word(word, t) for t in terms)


def _unnamed_filters(index: VocabularyIndex, p: Parse) -> None:
    """ "a credit score above 700": a filter whose words name no measure of the run."""
    if not any(not f.measure for f in p.filters):
        return
    w = p.words
    for i in range(len(w)):
        if comparator_at(w, i) is None:
            continue
        phrase: list[int] = []
        j = i - 1
        while j >= 0 and len(phrase) < 3:
            if w[j] in lx.STOP_WORDS or w[j] in lx.PEOPLE_NOUNS or not w[j].isalpha():
                break
            phrase.insert(0, j)
            j -= 1
        words = [w[k] for k in phrase]
        content = [x for x in words if x not in lx.MEASURE_FILLERS]
        if content and behaviour_measure(index, words) is None:
            p.filters = [f for f in p.filters if f.measure]
            _unknown(p, written(p, phrase[0], phrase[-1] + 1), "measure")
            return


def _counted_things(index: VocabularyIndex, p: Parse) -> None:
    """ "how many pets does each customer have": a count per customer of something the run
    does not hold is a measure it does not have."""
    w = p.words
    for i in range(len(w) - 2):
        if w[i] != "how" or w[i + 1] != "many":
            continue
        noun = w[i + 2]
        if noun in lx.PEOPLE_NOUNS or noun in lx.SEGMENT_WORDS or not noun.isalpha():
            return
        if noun in lx.STOP_WORDS:
            return  # "how many have an average basket under 20": people counted, not a thing
        per_person = any(x in {"each", "per", "every", "average"} for x in w[i + 3 :])
        if per_person and behaviour_measure(index, [noun]) is None and i + 2 not in p.used:
            _unknown(p, written(p, i + 2, i + 3), "measure")
        return


def _acronyms(index: VocabularyIndex, p: Parse) -> None:
    """ "what's the NPS for X", "their CSAT like?": a word written in capitals, heading its
    phrase, that names nothing of the run is a metric the run does not have ("UK regions":
    the capitals qualify the next word, not a metric)."""
    if p.measure or p.measure_unknown:
        return
    linked = {i for a, b in [*p.segment_spans, *p.topic_spans] for i in range(a, b)}
    w = p.words
    for i, written_as in sorted(p.proper.items()):
        if not (2 <= len(written_as) <= 6 and written_as.isalpha() and written_as.isupper()):
            continue
        after = w[i + 1] if i + 1 < len(w) else ""
        if i in p.used or i in linked or _content(after) or w[i] in lx.STOP_WORDS:
            continue
        if _names_nothing(index, w[i]) and not any(written_as in u for u in p.unknown):
            _unknown(p, written_as, "measure")
            return


# Verbs and prepositions of having: "which segment has the most kids", "the group with more pets".
_HAVING = frozenset(["has", "have", "having", "own", "owns", "owning", "with"])


def _owned_things(index: VocabularyIndex, p: Parse) -> None:
    """ "which segment has the most kids": the segments ranked by how many of a thing their
    customers have, where the thing is no measure, no people and no kind of text (a topic's
    word at most: people write about kids), is a measure the run does not have; never the
    share of texts about it, nor the segments' sizes."""
    if p.measure or p.measure_unknown:
        return
    w = p.words
    for i, word in enumerate(w[:-2]):
        j = i + 2 if w[i + 1] == "the" else i + 1
        if word not in _HAVING or j >= len(w) - 1 or w[j] not in lx.MOST_WORDS | lx.LEAST_WORDS:
            continue
        k = j + 1
        stop = k  # the thing's phrase: "fruit trees"
        while stop < len(w) and stop - k < 3 and _content(w[stop]) and w[stop] not in _HAVING:
            stop += 1
        if stop == k:
            return
        noun, after = w[stop - 1], w[stop] if stop < len(w) else ""
        if not _noun_like(noun) or after in lx.TOPIC_PREPS:
            continue  # "the most issues with delivery": what they write about
        if after in lx.PEOPLE_NOUNS or any(_agent(x) for x in w[k : stop + 1]):
            return  # "the most kibble fans", "the most runners": people, named by what they do
        told = (lx.STOP_WORDS, lx.PEOPLE_NOUNS, lx.SEGMENT_WORDS, lx.SIZE_TERMS,
                lx.SENTIMENT_TERMS, lx.DOCUMENT_TERMS, lx.DRIVER_WORDS, ATTRIBUTE_TERMS,
                tk.DOCUMENT_NOUNS, tk.TEXT_ASKED_NOUNS)  # fmt: skip
        phrase = w[k:stop]
        if any(x in words for x in phrase for words in told) or any(map(is_measure_word, phrase)):
            return
        if behaviour_measure(index, phrase) is None:
            _unknown(p, f"number of {written(p, k, stop)}", "measure")
        return


def _agent(word: str) -> bool:
    """Whether a word is a plural noun for people by what they do or are ("runners", "cyclists")."""
    return len(word) > 4 and word.endswith(("ers", "ors", "ists", "ians", "ites"))


# Words joining the parts of one measure phrase ("male vs female split").
_JOINERS = frozenset(["vs", "versus", "v", "and", "or", "/"])
_PER = frozenset(["by", "per", "across", "for", "in", "between"])
_EACH = frozenset(["the", "each", "every", "all", "our", "my", "different"])


def _measure_per_group(index: VocabularyIndex, p: Parse, intent: str) -> None:
    """ "NPS by segment", "male vs female split across the groups": the phrase before "by
    / per / across <group noun>" is what is asked of each group; when none of its words
    names anything of the run (a measure, a topic, an attribute), it is a measure the run
    does not have, never the segments' sizes."""
    asked_per_group = p.per_segment or intent == "breakdown" and not p.attribute
    if not asked_per_group or p.unknown or (p.measure and p.measure != "size"):
        return
    w = p.words
    linked = {i for a, b in [*p.segment_spans, *p.topic_spans] for i in range(a, b)}
    for k, x in enumerate(w):
        after = k + 1
        while after < len(w) and w[after] in _EACH:
            after += 1
        if x not in _PER or after >= len(w) or w[after] not in lx.SEGMENT_WORDS:
            continue
        start = k
        while start > 0 and k - start < 4:
            y = w[start - 1]
            if start - 1 in linked or not (y in _JOINERS or y in BREAKDOWN_WORDS or _content(y)):
                break
            start -= 1
        while start < k and not _content(w[start]):
            start += 1
        stop = k
        while stop > start and not _content(w[stop - 1]):
            stop -= 1
        words = [y for y in w[start:stop] if y not in _JOINERS]
        content = [y for y in words if _content(y)]
        if content and all(_names_nothing(index, y) for y in content):
            p.measure = None
            _unknown(p, written(p, start, stop), "measure")
        return


def _content(word: str) -> bool:
    return (
        word.isalpha()
        and word not in lx.STOP_WORDS
        and word not in lx.MEASURE_FILLERS
        and word not in lx.PEOPLE_NOUNS
        and word not in BREAKDOWN_WORDS
    )


def _names_nothing(index: VocabularyIndex, word: str) -> bool:
    """Whether a content word names no measure, topic, segment or attribute of the run."""
    if word in lx.SIZE_TERMS or word in lx.SENTIMENT_TERMS or word in lx.DOCUMENT_TERMS:
        return False
    if word in ATTRIBUTE_TERMS:  # "average age per segment": an attribute's breakdown
        return False
    if behaviour_measure(index, [word]) is not None:
        return False
    return not any(same_word(word, v) for v in index.vocab_words)


_SUBJECT_PREPS = frozenset(["about", "regarding", "concerning", "re", "on", "around"])


def _partly_named_subject(index: VocabularyIndex, p: Parse) -> None:
    """ "about our in-store puppy training classes": a subject phrase after "about" whose
    one word links to a topic ("puppy") while more of its words, its last one among them,
    name nothing of the run is a subject the run does not have, not that topic."""
    w = p.words
    for number, (a, b) in list(zip(p.topics, p.topic_spans, strict=False)):
        start = a
        while start > 0 and (w[start - 1] in _DETERMINERS or _subject_word(w[start - 1])):
            start -= 1
        if start == 0 or w[start - 1] not in _SUBJECT_PREPS:
            continue
        start = next(i for i in range(start, a + 1) if i == a or w[i] not in _DETERMINERS)
        stop = b
        while stop < len(w) and _subject_word(w[stop]) and stop not in p.used:
            stop += 1
        others = [x for x in [*w[start:a], *w[b:stop]] if _content(x.replace("-", ""))]
        # the topic's word as the head ("the ski hire service") yields to two unknown words
        enough = len(others) > b - a if stop > b else len(others) >= 2 * (b - a)
        if not enough or not _noun_like(w[stop - 1]):
            continue  # "toys falling apart": what the topic's things do, not another thing
        if all(_names_nothing(index, x.replace("-", "")) for x in others):
            k = p.topics.index(number)
            p.topics.pop(k)
            p.topic_spans.pop(k)
            _unknown(p, written(p, start, stop), "topic")
            return


_PARTICLES = frozenset(["apart", "out", "off", "up", "down", "away", "back", "over", "again"])


def _noun_like(word: str) -> bool:
    """Whether a phrase's last word can be the thing it names (no verb form or particle)."""
    return not word.endswith(("ing", "ed", "ly")) and word not in _PARTICLES


def _subject_word(word: str) -> bool:
    return _content(word.replace("-", "")) and word not in lx.PEOPLE_NOUNS
