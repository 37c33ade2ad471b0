"""Which of the run's columns a measure phrase names: the words that name measures (the
terms of the measure concepts and sentiment words), and each column scored against a
phrase through the synonym table of concepts (spend/revenue/money -> columns with those
words; phrases such as "without ordering" beat single words), the unit wanted and the
period written ("spend over the last year" -> the 12-month column).
"""

from __future__ import annotations

from nlp.chat import lexicon as lx
from nlp.chat.lexicon.measures import ATTRIBUTE_TERMS
from nlp.chat.quantity import (
    Period,
    all_time,
    column_period,
    column_unit,
    is_rate_column,
    periods,
)
from nlp.chat.text import column_tokens, same_word
from nlp.chat.vocabulary_index import VocabularyIndex


def is_measure_word(word: str) -> bool:
    """Whether a word is a measure term of any concept or a sentiment term (a hyphenated
    word no term names, when one of its parts is: "app-active")."""
    parts = [x for x in word.split("-") if x]
    return _is_term(word) or len(parts) > 1 and any(_is_term(x) for x in parts)


# Nouns that name a kind of metric: "churn score", "loyalty tier", "risk index".
_METRIC_NOUNS = frozenset(["score", "scores", "tier", "tiers", "index", "grade", "grades",
                           "propensity", "probability", "likelihood", "rate", "rates",
                           "ratio", "level", "levels"])  # fmt: skip


def metric_compound(w: list[str], key: str, start: int = 0, end: int | None = None) -> str | None:
    """A measure word followed by a metric noun that the column found does not hold ("churn
    score" read as days since the last order), looked for in ``w[start:end]`` and the word
    after it: the phrase, a measure the run does not have; else None."""
    tokens = set(column_tokens(key))
    stop = len(w) if end is None else min(len(w), end + 1)
    for i in range(max(1, start), stop):
        if w[i] in _METRIC_NOUNS and not tokens & {w[i], w[i].rstrip("s")}:
            if w[i] in {"rate", "rates", "ratio"} and is_rate_column(key):
                continue  # "discount rate" of a discount share: a fraction either way
            before = _words_before(w, i)
            if not before or w[i - 1] in ATTRIBUTE_TERMS:
                continue  # "age level": the attribute, grouped
            if any(is_measure_word(x) or x in tokens for x in before):  # "churn risk score"
                return " ".join([*before, w[i]])
    return None


def names_metric(phrase: str) -> bool:
    """Whether a phrase ends with a metric noun ("churn risk score", "email open rate")."""
    words = phrase.split()
    return len(words) >= 2 and words[-1] in _METRIC_NOUNS


def unnamed_metric(w: list[str], used: set[int], known: set[str]) -> str | None:
    """A metric noun after words that name no measure ("email open rate", "NPS score"), when
    the question names no column: the phrase, a measure the run does not have; else None.
    ``known``: the tokens of the run's columns."""
    for i in range(1, len(w)):
        if w[i] not in _METRIC_NOUNS or i in used:
            continue
        before = _words_before(w, i)
        named = any(
            x in ATTRIBUTE_TERMS or any(same_word(x, t) for t in known if len(t) > 2)
            for x in before
        )
        if before and not named:
            return " ".join([*before, w[i]])
    return None


def _words_before(w: list[str], i: int) -> list[str]:
    """The one or two content words right before word ``i`` ("churn risk" of "score")."""
    found: list[str] = []
    j = i - 1
    while j >= 0 and len(found) < 2 and w[j].replace("-", "").isalpha():
        if w[j] in lx.STOP_WORDS:
            break
        found.insert(0, w[j])
        j -= 1
    return found


def _is_term(word: str) -> bool:
    for concept in lx.CONCEPTS:
        if any(" " not in t and same_word(word, t) for t in concept.terms):
            return True
    return any(same_word(word, t) for t in lx.SENTIMENT_TERMS if " " not in t)


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


def missing_measure(index: VocabularyIndex, words: list[str]) -> str | None:
    """The words' phrase for a measure the run has no column of, when it is what they ask
    best and they name it outright (a phrase, "lifetime value", or a word of its columns,
    "ltv"), else None."""
    scores, _ = column_scores(index, words)
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    concept = next((c for c in lx.CONCEPTS if f"?{c.name}" == best), None)
    if concept is None:
        return None
    text = " " + " ".join(words) + " "
    for term in sorted(concept.terms, key=len, reverse=True):
        if " " in term and f" {term} " in text:
            return term
    return next((x for x in words if x in concept.columns), None)


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
        # a phrase ("without ordering") is more specific than a single word ("ordering"),
        # and its words are not read again by another concept
        phrase = _phrase_hit(concept, text)
        if not columns:  # "lifetime value" with no column of its own: not spend's "value"
            scores.setdefault(f"?{concept.name}", 2.0 * weight_scale if phrase else 0.5)
            polarity[f"?{concept.name}"] = hit
            if phrase:
                consumed |= _phrase_indices(concept, plain)
            continue
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
