"""Linking measures: the run's behaviour columns through the synonym table of measure
concepts (spend/revenue/money -> columns with those words; phrases such as "without
ordering" beat single words), sentiment, size, document and share words, the order
("most", "least", superlatives) and measure phrases naming nothing the run has.
"""

from __future__ import annotations

from nlp.chat import lexicon as lx
from nlp.chat.lexicon.quantities import LOW_WORDS
from nlp.chat.parse import Parse
from nlp.chat.quantity import (
    Period,
    all_time,
    column_period,
    column_unit,
    is_rate_column,
    periods,
)
from nlp.chat.reading import BASE_LEXICON
from nlp.chat.text import column_tokens, same_word
from nlp.chat.vocabulary_index import VocabularyIndex


def is_measure_word(word: str) -> bool:
    """Whether a word is a measure term of any concept or a sentiment term (a hyphenated
    word no term names, when one of its parts is: "app-active")."""
    parts = [x for x in word.split("-") if x]
    return _is_term(word) or len(parts) > 1 and any(_is_term(x) for x in parts)


def _is_term(word: str) -> bool:
    for concept in lx.CONCEPTS:
        if any(" " not in t and same_word(word, t) for t in concept.terms):
            return True
    return any(same_word(word, t) for t in lx.SENTIMENT_TERMS if " " not in t)


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
    if sentiment:
        behaviour_words = [
            x for i, x in free if not any(w[j] in lx.TOPIC_PREPS for j in range(max(0, i - 2), i))
        ]
    spans = periods(w)
    behaviour = behaviour_measure(index, behaviour_words, period=spans[0] if spans else None)
    size = _polarity_hits(words, lx.SIZE_TERMS)
    documents = _polarity_hits(words, lx.DOCUMENT_TERMS)
    reserved = p.measure is not None  # read with the filters ("median total spend")
    if behaviour and not reserved:
        p.measure, p.polarity = behaviour
    if (behaviour or reserved) and p.period and "trend" not in p.cues:
        p.period = None  # "spend over the past year" is spend_12m, not a trend
    if not (behaviour or reserved):
        _other_measure(p, text, sentiment, documents, size)
    unknown = None if p.measure not in (None, "size") else _unknown_measure(index, p, words)
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


def behaviour_measure(
    index: VocabularyIndex,
    words: list[str],
    *,
    period: Period | None = None,
    want: str | None = None,
) -> tuple[str, int] | None:
    """The run's behaviour column the words ask about (and the polarity), or None.

    ``period`` (the words' own when not given) prefers the column covering it
    ("spend in the last year" -> spend_12m); ``want`` "rate", "money" or "duration"
    keeps the columns of that kind when the words' measure has one.
    """
    scores, polarity = column_scores(index, words, period=period)
    if want and scores:
        kept = {k: v for k, v in scores.items() if not k.startswith("?") and _kind(k, want)}
        scores = kept or scores
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    if best.startswith("?"):
        return None
    return best, polarity.get(best, 1)


def _kind(key: str, want: str) -> bool:
    if want == "rate":
        return is_rate_column(key)
    if want == "duration":
        return column_unit(key) is not None
    if want == "money":
        tokens = set(column_tokens(key))
        return bool(tokens & {"spend", "spent", "revenue", "value", "basket", "amount", "monetary",
                              "balance", "sales", "ltv", "clv", "aov"})  # fmt: skip
    return True


# words that do not break a phrase: "without a booking", "without placing an order"
_PHRASE_GAPS = frozenset(["a", "an", "any", "anything", "placing", "making", "single"])


def _place_words(words: list[str]) -> set[int]:
    """Words naming where something happens ("books classes in the app"), not what."""
    out = set()
    for i in range(1, len(words)):
        before = words[i - 1] if words[i - 1] not in {"the", "our", "their", "its"} else (
            words[i - 2] if i >= 2 else "")  # fmt: skip
        if before in {"in", "via", "through", "inside"}:
            out.add(i)
    return out


_SEND_VERBS = frozenset(["send", "sends", "sent", "sending"])


def _compounds(words: list[str]) -> list[str]:
    """Words as the measure terms are written: a hyphenated word no term names read as its
    parts ("app-active": app, active), a verb's particle put back beside it ("sends the
    most stuff back": sends back)."""
    out: list[str] = []
    for x in words:
        if "-" in x.strip("-") and not _is_term(x):
            out += [part for part in x.split("-") if part]
        else:
            out.append(x)
    for i, x in enumerate(out):
        if x in _SEND_VERBS and "back" in out[i + 2 : i + 5]:
            j = out.index("back", i + 2)
            out = out[: i + 1] + ["back"] + out[i + 1 : j] + out[j + 1 :]
            break
    return out


def column_scores(
    index: VocabularyIndex, words: list[str], *, period: Period | None = None
) -> tuple[dict[str, float], dict[str, int]]:
    """Each behaviour column's score for the words (and the polarity the words give it)."""
    if not words:
        return {}, {}
    words = _compounds(words)
    spans = periods(words)
    period = period or (spans[0] if spans else None)
    timeless = all_time(words)
    inside = {i for x in spans for i in range(x.start, x.end)}
    places = _place_words(words)
    words = ["not" if x.endswith("n't") else x for x in words]
    # a place word counts only when nothing else names a measure ("sessions in the app" does)
    weighed = [x for i, x in enumerate(words) if i not in inside]
    # articles do not break a phrase: "without a booking" reads as "without booking"
    text = " " + " ".join(x for x in weighed if x not in _PHRASE_GAPS) + " "
    plain = [x for i, x in enumerate(words) if i not in inside and i not in places]
    scores: dict[str, float] = {}
    polarity: dict[str, int] = {}
    consumed: set[int] = set()
    for concept in lx.CONCEPTS:
        hit = concept_hit(concept, plain, text, consumed)
        weight_scale = 1.0
        if hit is None:
            hit = concept_hit(concept, weighed, text, consumed)
            weight_scale = 0.4
        if hit is None:
            continue
        columns = index.columns.get(concept.name) or []
        if not columns:
            for fallback in concept.fallbacks:
                columns = index.columns.get(fallback) or []
                if columns:
                    break
        if not columns:
            scores.setdefault(f"?{concept.name}", 0.5)
            polarity[f"?{concept.name}"] = hit
            continue
        # a phrase ("without ordering") is more specific than a single word ("ordering"),
        # and its words are not read again by another concept
        phrase = _phrase_hit(concept, text)
        weight = (2.0 if phrase else 1.5) * weight_scale
        if phrase:
            consumed |= _phrase_indices(concept, plain)
        for rank, column in enumerate(columns):
            scores[column.key] = scores.get(column.key, 0.0) + weight - 0.01 * rank
            polarity.setdefault(column.key, hit)
    for measure in index.vocabulary.behaviour():
        tokens = [t for t in column_tokens(measure.key) if not t[0].isdigit()]
        direct = sum(
            (1.0 if t not in lx.MEASURE_FILLERS else 0.3) * (1.0 if t_in(plain, t) else 0.4)
            for t in tokens
            if len(t) > 2 and t_in(weighed, t)
        )
        core = [t for t in tokens if t not in lx.MEASURE_FILLERS and len(t) > 2]
        if direct and (measure.key in scores or any(t_in(weighed, t) for t in core)):
            scores[measure.key] = scores.get(measure.key, 0.0) + direct
            polarity.setdefault(measure.key, 1)
    for key in list(scores):
        if not key.startswith("?"):
            scores[key] += _period_fit(key, period, timeless)
    return scores, polarity


def t_in(words: list[str], token: str) -> bool:
    """Whether a column token is one of the words (inflection and typos allowed)."""
    return any(same_word(x, token) for x in words)


def _period_fit(key: str, period: Period | None, timeless: bool) -> float:
    """A column covering the period asked gains, one covering another period loses."""
    own = column_period(key)
    if timeless:
        return 0.3 if own is None else -0.3
    if period is None or own is None:
        return 0.0
    same = abs(own.days() - period.days()) <= 0.1 * period.days()
    return 0.6 if same else -0.6


_BOUNDS = frozenset(["across", "among", "amongst", "per", "within", "for", "in", "by"])


def _unknown_measure(index: VocabularyIndex, p: Parse, words: list[str]) -> str | None:
    """A measure-like phrase naming nothing the run has ("shoe size"; "returns", no column)."""
    w = p.words
    for i, word in enumerate(w):
        if i in p.used:
            continue
        if word in lx.MOST_WORDS | lx.LEAST_WORDS | {"average", "mean", "median", "by"}:
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
        if is_measure_word(x):
            continue
        if any(same_word(x, v) for v in index.vocab_words):
            continue
        return False
    return True


def concept_hit(
    concept: lx.MeasureConcept, words: list[str], text: str, consumed: set[int]
) -> int | None:
    """The polarity of the first term of ``concept`` in the words, or None."""
    for term, polarity in sorted(concept.terms.items(), key=lambda kv: -len(kv[0])):
        if " " in term or not term.isalpha():
            if f" {term} " in text:
                return polarity
            continue
        for i, word in enumerate(words):
            if i not in consumed and same_word(word, term) and word not in lx.STOP_WORDS:
                return polarity
    return None


def _phrase_indices(concept: lx.MeasureConcept, words: list[str]) -> set[int]:
    """The indices of the words that make up multi-word terms of ``concept``."""
    out: set[int] = set()
    kept = [i for i, x in enumerate(words) if x not in _PHRASE_GAPS]
    for term in concept.terms:
        parts = term.split()
        if len(parts) < 2:
            continue
        for n in range(len(kept) - len(parts) + 1):
            if [words[kept[n + j]] for j in range(len(parts))] == parts:
                out.update(kept[n + j] for j in range(len(parts)))
    return out


def _phrase_hit(concept: lx.MeasureConcept, text: str) -> bool:
    """Whether a multi-word term of ``concept`` is in the (space-padded) text."""
    return any(" " in term and f" {term} " in text for term in concept.terms)


def _polarity_hits(words: list[str], terms: dict[str, int]) -> list[int]:
    text = " " + " ".join(words) + " "
    hits = [pol for term, pol in terms.items() if " " in term and f" {term} " in text]
    for word in words:
        for term, pol in terms.items():
            if " " not in term and same_word(word, term):
                hits.append(pol)
                break
    return hits
