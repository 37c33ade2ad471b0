"""Linking measures: the run's behaviour columns through the synonym table of measure
concepts (spend/revenue/money -> columns with those words; phrases such as "without
ordering" beat single words), sentiment, size, document and share words, the order
("most", "least", superlatives) and measure phrases naming nothing the run has.
"""

from __future__ import annotations

from nlp.chat import lexicon as lx
from nlp.chat.lexicon import talk as tk
from nlp.chat.lexicon.measures import STAT_WORDS
from nlp.chat.lexicon.quantities import LOW_WORDS
from nlp.chat.measure_columns import (
    behaviour_measure,
    concept_hit,
    is_measure_word,
    metric_compound,
    missing_measure,
    unnamed_metric,
)
from nlp.chat.parse import Parse
from nlp.chat.quantity import (
    periods,
)
from nlp.chat.reading import BASE_LEXICON
from nlp.chat.text import column_tokens, same_word
from nlp.chat.vocabulary_index import VocabularyIndex


def link_measure(index: VocabularyIndex, p: Parse) -> None:
    """The measure the question asks about, its polarity and the order words."""
    w = p.words
    free = [(i, x) for i, x in enumerate(w) if i not in p.used]
    words = [x for _i, x in free]
    text = " " + " ".join(words) + " "
    direction = 0
    for word in words:
        if word in lx.MOST_WORDS or word.endswith("est") and word not in {"interest", "best"}:
            direction = direction or 1
        if word in lx.LEAST_WORDS:
            direction = -1
        if word == "best":
            direction = direction or 1
    if "worst" in words or any(x in LOW_WORDS for x in words):
        direction = -1
    if not direction and p.cues & {"order_up", "order_down"}:  # kept with the measure's words
        direction = -1 if "order_down" in p.cues else 1
    p.direction = direction
    sentiment = _polarity_hits(words, lx.SENTIMENT_TERMS)
    behaviour_words = words
    if sentiment:  # "moans most about the streamed classes": what follows "about" is the subject
        about = next((j for j, x in enumerate(w) if x in _SUBJECT_PREPS), len(w))
        behaviour_words = [
            x
            for i, x in free
            if i < about and not any(w[j] in lx.TOPIC_PREPS for j in range(max(0, i - 2), i))
        ]
    spans = periods(w)
    behaviour = behaviour_measure(index, behaviour_words, period=spans[0] if spans else None)
    size = _polarity_hits(words, lx.SIZE_TERMS)
    documents = _polarity_hits(words, lx.DOCUMENT_TERMS)
    reserved = p.measure is not None  # read with the filters ("median total spend")
    key = p.measure if reserved else (behaviour[0] if behaviour else None)
    compound = metric_compound(p.words, key) if key else None
    if compound:  # "churn score", "loyalty tier": a metric the run's column is not
        p.measure_unknown.append(compound)
        behaviour, reserved, p.measure = None, False, None
    if behaviour and not reserved:
        p.measure, p.polarity = behaviour
    if (behaviour or reserved) and p.period and "trend" not in p.cues:
        p.period = None  # "spend over the past year" is spend_12m, not a trend
    missing = None if behaviour or reserved else missing_measure(index, behaviour_words)
    if missing:  # "the lifetime value of X": a measure of no column, not spend's "value"
        p.measure_unknown.append(missing)
    elif not (behaviour or reserved):
        _other_measure(p, text, sentiment, documents, size)
    unknown = None if p.measure not in (None, "size") else _unknown_measure(index, p, words)
    if p.measure in (None, "size") and not unknown and not p.measure_unknown:
        known = {t for m in index.vocabulary.behaviour() for t in column_tokens(m.key)}
        unknown = unnamed_metric(w, p.used, known)  # "the email open rate for X"
    if unknown:
        p.measure_unknown.append(unknown)
        if p.measure == "size":
            p.measure = None
    if sentiment and p.measure and p.measure != "sentiment":
        p.cues.add("sentiment_too")
    if sentiment:
        p.cues.add("sentiment")
        if sentiment[0] < 0:
            p.cues.add("negative")


# Words after which a feeling's subject follows ("moans most about the classes").
_SUBJECT_PREPS = frozenset(["about", "regarding", "concerning", "re", "around"])


def _other_measure(
    p: Parse, text: str, sentiment: list[int], documents: list[int], size: list[int]
) -> None:
    """Sentiment, a topic's share, documents written or size, when no column is asked."""
    if not sentiment and p.tone in {"positive", "negative"}:
        sentiment = [1 if p.tone == "positive" else -1]  # "the share of negative comments"
    if sentiment:
        p.measure, p.polarity = "sentiment", sentiment[0]
    elif any(f" {s} " in text for s in lx.SHARE_TERMS):
        p.measure = "topic_share"
    elif documents:
        p.measure, p.polarity = "documents", documents[0]
    elif size:
        p.measure, p.polarity = "size", size[0]


def link_rank_by(p: Parse) -> None:
    """ "Rank/sort the segments by <phrase>": the phrase names a measure, known or not.

    When no measure was found and the phrase does not ask about talk ("by how much
    they talk about X"), it is an unknown measure (the answer declines and lists
    the measures there are), never a topic whose keyword it happens to share.
    """
    if "rank" not in p.cues or p.measure or p.measure_unknown:
        return
    w = p.words
    for i, word in enumerate(w):
        if word != "by" or not any(x in {"rank", "ranking", "sort", "order"} for x in w[:i]):
            continue
        j = i + 1
        while j < len(w) and w[j] in {"the", "their", "its", "a"}:
            j += 1
        phrase = [x for x in w[j:] if x.isalpha() or "-" in x]
        if not phrase or any(x in lx.TALK_WORDS or x in lx.TOPIC_VERBS for x in phrase):
            return
        if any(is_measure_word(x) for x in phrase):
            return
        if any(same_word(x, t) for x in phrase for t in lx.SIZE_TERMS if " " not in t):
            return
        p.measure_unknown.append(" ".join(phrase))
        keep = [(n, span) for n, span in zip(p.topics, p.topic_spans, strict=False) if span[1] <= j]
        p.topics = [n for n, _ in keep]
        p.topic_spans = [span for _, span in keep]
        p.used.update(range(j, len(w)))
        p.cues.add("rank_unknown")
        return


_BOUNDS = frozenset(["across", "among", "amongst", "per", "within", "for", "in", "by"])


def _unknown_measure(index: VocabularyIndex, p: Parse, words: list[str]) -> str | None:
    """A measure-like phrase naming nothing the run has ("shoe size"; "returns", no column)."""
    w = p.words
    for i, word in enumerate(w):
        if i in p.used:
            continue
        if word in lx.MOST_WORDS | lx.LEAST_WORDS | STAT_WORDS.keys() | {"by"}:
            phrase = []
            for j in range(i + 1, min(len(w), i + 4)):
                x = w[j]
                if x in {"the", "a", "an", "their", "of"} or x in lx.MEASURE_FILLERS:
                    continue
                if x in lx.STOP_WORDS or j in p.used or x in lx.PEOPLE_NOUNS or x in _BOUNDS:
                    break  # "the average basket value across all customers"
                phrase.append(x)
            if phrase and not _known_phrase(index, phrase):
                return " ".join(phrase)
    # a concept asked about with no column in this run ("returns" for a bank)
    text = " " + " ".join(words) + " "
    for concept in lx.CONCEPTS:
        hit = concept_hit(concept, words, text, set())
        if hit is None:
            continue
        has = index.columns.get(concept.name) or any(
            index.columns.get(f) for f in concept.fallbacks
        )
        if not has and p.direction and not _topic_word_anywhere(index, words, concept):
            return next(
                t
                for t in concept.terms
                if f" {t} " in text or any(same_word(x, t) for x in words if " " not in t)
            )
    return None


def _topic_word_anywhere(
    index: VocabularyIndex, words: list[str], concept: lx.MeasureConcept
) -> bool:
    for x in words:
        if any(same_word(x, t) for t in concept.terms if " " not in t):
            return any(any(same_word(x, k) for k in kws) for kws in index.topic_words.values())
    return False


def _known_phrase(index: VocabularyIndex, phrase: list[str]) -> bool:
    for x in phrase:
        if x in BASE_LEXICON:
            continue
        if x in lx.STOP_WORDS or x in lx.MEASURE_FILLERS or x in lx.PEOPLE_NOUNS:
            continue
        if x in lx.SIZE_TERMS or x in lx.SENTIMENT_TERMS or x in lx.DOCUMENT_TERMS:
            continue
        if x in tk.DOCUMENT_NOUNS or x in tk.TOPIC_NOUNS:  # "the biggest conversation themes"
            continue
        if is_measure_word(x):
            continue
        if any(same_word(x, v) for v in index.vocab_words):
            continue
        return False
    return True


def _polarity_hits(words: list[str], terms: dict[str, int]) -> list[int]:
    text = " " + " ".join(words) + " "
    hits = [pol for term, pol in terms.items() if " " in term and f" {term} " in text]
    for word in words:
        for term, pol in terms.items():
            if " " not in term and same_word(word, term):
                hits.append(pol)
                break
    return hits
