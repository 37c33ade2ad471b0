"""Filters: conditions on the run's measures ("spent over £500 in the last year", "haven't
ordered for 3 months", "use a coupon on at least half their orders", "no app sessions"),
each number attached to the measure named nearest to it, and, in counting questions,
categories of the run's customers ("in the north") as equality filters.

The question's measure phrases (:func:`mentions`: runs of measure words, a negation
before them kept) and its quantities (:mod:`nlp.chat.quantity`: numbers with comparators
before or after, money, percent and fraction marks, durations) are read first; each
quantity then goes to the nearest phrase of a fitting kind (money to spend columns, a
percent or fraction to a rate column, a duration to a column counted in days or
months, a plain count to the phrase right after it), several conditions each to its
own measure. A duration on a negated purchase ("haven't ordered for 3 months", "no
order in 60+ days") is a condition on the time since the last order; a period that
only qualifies a measure ("spend in the last year") picks the column covering it.
"""

from __future__ import annotations

import re

from nlp.chat import lexicon as lx
from nlp.chat.categories import find_categories
from nlp.chat.lexicon.quantities import LOW_WORDS
from nlp.chat.link_reserve import reserve_measure
from nlp.chat.measure_columns import behaviour_measure, metric_compound
from nlp.chat.mentions import CLAUSE_BREAKS, NEGATIONS, Mention, mentions
from nlp.chat.parse import Filter, Parse
from nlp.chat.quantity import (
    Period,
    Quantity,
    column_unit,
    convert,
    is_rate_column,
    periods,
    quantities,
)
from nlp.chat.text import column_tokens, parse_number, same_word
from nlp.chat.vocabulary_index import VocabularyIndex

_OWNERS = frozenset(["the", "their", "all", "its", "his", "her", "your", "our"])
_ARTICLES = frozenset(["a", "an", "any", "some"])
_HAVING = frozenset(["on", "use", "uses", "using", "have", "has", "with", "had"])
_COUNTING = ("what share", "what percent", "what %", "what proportion", "what fraction",
             "share of", "percentage of", "proportion of", "fraction of")  # fmt: skip


def link_filters(index: VocabularyIndex, p: Parse) -> None:
    """Filters from quantities attached to the nearest measure phrase, ranges and categories."""
    w = p.words
    spans = periods(w)
    period_words = {i for s in spans for i in range(s.start, s.end)}
    blocked = p.used - period_words
    found = [q for q in quantities(w, blocked) if _is_condition(q, w, spans)]
    # a period that is not itself a condition's number qualifies a measure ("in the last year")
    spans = [s for s in spans if not any(q.start < s.end and s.start < q.end for q in found)]
    numbered = {q.start - 1 for q in found} | {q.end for q in found}
    said = mentions(index, p, blocked | {i for q in found for i in range(q.start, q.end)}, numbered)
    consumed: set[int] = set()
    for q in found:
        _attach(index, p, q, said, spans, consumed)
    for span in spans:  # "haven't ordered in the last 2 months": the period is the condition
        if not any(i in consumed for i in range(span.start, span.end)):
            _period_condition(index, p, span, said, consumed)
    _having(p, said, consumed)
    _repeated(p, said, consumed)
    reserve_measure(index, p, said, consumed)
    if p.filters and _counting(p):
        p.loose = [(m.start, m.end, m.column) for m in said
                   if not m.taken and not _qualifies(m, consumed, w)]  # fmt: skip
    if re.search(r"\bbetween \S+ and \S+", " ".join(w)):
        _between(index, p)
    qualified = [s for s in spans if any(m.taken for m in said)]
    if (p.filters or said) and qualified and "trend" not in p.cues:
        consumed |= {i for s in qualified for i in range(s.start, s.end)}
    p.used |= consumed
    if consumed & period_words:
        p.cues.add("period_read")  # the period is a condition's, or qualifies its measure
    if p.period and consumed & period_words and "trend" not in p.cues:
        p.period = None
    if p.filters or "how_many" in p.cues:  # "how many … in the north (spent over 500)"
        for span, term in find_categories(w, p.used, index.vocabulary.categories):
            p.filters.append(Filter(term.column, "==", term.value))
            p.used.update(span)


def _is_condition(q: Quantity, w: list[str], spans: list[Period]) -> bool:
    """A number that can state a condition: with a comparator, a unit, a mark, or zero; the
    number of a period ("in the last 12 months", "5 times a month") is none."""
    if q.op is None and any(s.start <= q.at < s.end and (s.recent or s.rate) for s in spans):
        return False
    if q.op or q.unit or q.money or q.fraction:
        return not (q.at > 0 and w[q.at - 1] in {"top", "bottom", "run", "segment", "#"})
    return q.value == 0


def _want(q: Quantity, mention: Mention) -> str | None:
    if q.fraction:
        return "rate"
    if q.unit:
        return "duration"
    if q.money:
        return "money"
    return None


def _nearest_period(m: Mention, spans: list[Period]) -> Period | None:
    """The period written within a few words of a measure phrase ("orders in the last year")."""
    near = [(s.start - m.end if s.start >= m.end else m.start - s.end, s) for s in spans]
    near = [(d, s) for d, s in near if 0 <= d <= 6]
    return min(near, key=lambda x: x[0])[1] if near else None


def _distance(q: Quantity, m: Mention) -> float:
    if m.start >= q.end:
        gap = m.start - q.end
        return gap - 0.5 if not (q.money or q.fraction) else gap + 0.5
    gap = max(0, q.start - m.end)
    return float(gap)


def _fits(
    index: VocabularyIndex, q: Quantity, m: Mention, w: list[str], spans: list[Period]
) -> str | None:
    """The column of mention ``m`` that quantity ``q`` is a condition on, or None."""
    words = w[m.start : m.end]
    period = _nearest_period(m, spans)
    if q.unit and m.negated and m.concept in {"orders", "recency"}:
        recency = index.columns.get("recency") or []
        return recency[0].key if recency else None
    want = _want(q, m)
    found = behaviour_measure(index, words, want=want, period=period)
    if found is None:
        return None
    key = found[0]
    if want == "rate" and not is_rate_column(key):
        return None
    if want == "duration" and column_unit(key) is None:
        return None
    if not want and (is_rate_column(key) and q.value > 1):
        return None
    return key


def _attach(
    index: VocabularyIndex,
    p: Parse,
    q: Quantity,
    said: list[Mention],
    spans: list[Period],
    consumed: set[int],
) -> None:
    w = p.words
    before = q.start - 1
    while before > 0 and w[before] in {"are", "is", "who", "that", "aged", "were", "being"}:
        before -= 1  # "customers who are over 65", "shoppers aged under 30"
    after_people = before >= 0 and w[before] in lx.PEOPLE_NOUNS
    measured_after = any(m.start >= q.end for m in said)
    plain = not (q.unit or q.money or q.fraction)
    adult = 16 <= q.value <= 100 and float(q.value).is_integer()
    # "customers over 65 booked …": a plain number right after the people is their age
    bare = plain and after_people and (not measured_after or adult)
    if q.start < len(w) and w[q.start] in {"older", "younger"} or bare:  # "older than 60": age
        ages = index.columns.get("age") or []
        p.filters.append(Filter(ages[0].key if ages else "age", q.op or ">", q.value, False))
        consumed.update(range(q.start, q.end))
        return
    choices = []
    for m in said:
        if m.taken:
            continue
        key = _fits(index, q, m, w, spans)
        if key:
            choices.append((_distance(q, m), m.start, m, key))
    if not choices:
        if q.op:
            p.filters.append(Filter("", q.op, q.value, False))
            consumed.update(range(q.start, q.end))
        return
    _, _, m, key = min(choices, key=lambda c: (c[0], c[1]))
    m.taken = True
    compound = metric_compound(w, key, m.start, m.end)
    if compound:  # "a churn score over 0.7": a metric the column found is not
        p.measure_unknown.append(compound)
        consumed.update(range(q.start, q.end))
        consumed.update(range(m.start, min(len(w), m.end + 1)))
        return
    for other in said:  # "spent over 500 on their card": one measure named twice
        # "send back more than 10% of orders": what the fraction is of is the condition's too
        between = w[q.end : other.start] if other.start >= q.end else ["-"]
        # "on most orders", "more than half their spend": what the fraction is of
        after = q.fraction and (w[q.end - 1] == "of" or other.start - q.end <= 1)
        of = after and all(x in _OWNERS for x in between)
        if of or other.column == m.column and abs(other.start - m.end) <= 4:
            other.taken = True
            consumed.update(range(other.start, other.end))
    value = q.value
    op = q.op
    if q.unit:
        unit = column_unit(key) or q.unit
        value = convert(q.value, q.unit, unit)
        op = op or (">" if m.negated else ">=")
    elif op is None:
        op = "="
    p.filters.append(Filter(key, op, value, False))
    consumed.update(range(q.start, q.end))
    consumed.update(range(m.start, m.end))
    for j in range(max(0, m.start - 3), m.start):
        if w[j] in NEGATIONS or w[j].endswith("n't"):
            consumed.add(j)


def _period_condition(
    index: VocabularyIndex, p: Parse, span: Period, said: list[Mention], consumed: set[int]
) -> bool:
    """A period on a purchase or a joining with no number of its own is its condition:
    "haven't ordered in the last 2 months" (> 60 days since), "ordered in the last 30 days"
    (<= 30), "joined in the last 6 months" (tenure <= 6)."""
    if not span.recent or span.rate:
        return False
    near = [m for m in said if not m.taken and (m.end <= span.start and span.start - m.end <= 3)]
    for m in reversed(near):
        words = p.words[m.start : m.end]
        written = p.words[m.start : span.start]
        if any(_names_own_column(written, c.key) for c in index.vocabulary.behaviour()):
            continue  # "booked a class in the last 6 months": classes, not the last order
        done = m.concept == "orders" and _past_verb(words)
        if m.concept in {"orders", "recency"} and (m.negated or m.concept == "recency" or done):
            recency = index.columns.get("recency") or []
            key = recency[0].key if recency else None
            op = ">" if m.negated else "<="
        elif m.concept == "tenure" and not m.negated:
            key, op = m.column, "<="
        else:
            continue
        if key is None or column_unit(key) is None:
            continue
        m.taken = True
        value = convert(span.value, span.unit, column_unit(key) or span.unit)
        p.filters.append(Filter(key, op, value, False))
        consumed.update(range(span.start, span.end))
        consumed.update(range(m.start, m.end))
        return True
    return False


def _names_own_column(words: list[str], key: str) -> bool:
    """Whether the phrase names its column by a word of the column's own beyond purchase
    and period words ("a class" in ``classes_booked_12m``): a count of that thing."""
    orders = next(c for c in lx.CONCEPTS if c.name == "orders")
    own = [t for t in column_tokens(key) if t.isalpha() and len(t) > 2
           and not any(same_word(t, term) for term in orders.terms if " " not in term)]  # fmt: skip
    return any(same_word(x, t) for x in words for t in own)


def _past_verb(words: list[str]) -> bool:
    """Whether a purchase is written as something done ("ordered", "bought") rather than
    counted ("orders"): "ordered in the last 30 days" is a time since the last order."""
    return any(x.endswith("ed") or x in {"bought", "shopped"} for x in words)


def _qualifies(m: Mention, consumed: set[int], w: list[str], reach: int = 3) -> bool:
    """Whether a measure phrase only qualifies a condition read beside it, within a few words
    and no clause break ("spent over £500 with us", "a fifth of what they buy")."""
    for step, start in ((-1, m.start - 1), (1, m.end)):
        i = start
        for _ in range(reach + 1):
            if i < 0 or i >= len(w) or w[i] in CLAUSE_BREAKS:
                break
            if i in consumed:
                return True
            i += step
    return False


def _counting(p: Parse) -> bool:
    """Whether the question counts people ("how many", "what share of")."""
    text = " " + " ".join(p.words) + " "
    return "how_many" in p.cues or any(f" {c} " in text for c in _COUNTING)


def _having(p: Parse, said: list[Mention], consumed: set[int]) -> None:
    """In a counting question, "no autoship" is none of it and "on autoship" some of it."""
    if not (_counting(p) or p.filters):
        return
    w = p.words
    for m in said:
        if m.taken or column_unit(m.column) or is_rate_column(m.column) and not m.negated:
            continue  # "no cancellations" is a rate of none
        before = w[m.start - 1] if m.start > 0 else ""
        if before in _ARTICLES and m.start > 1:  # "have an autoship"
            before = w[m.start - 2]
        if m.negated and m.concept not in {"recency"}:
            p.filters.append(Filter(m.column, "=", 0.0, False))
        elif (before in _HAVING or _done_by_people(p, m)) and m.concept not in _AMOUNTS:
            p.filters.append(Filter(m.column, ">", 0.0, False))  # "shoppers who redeem coupons"
        else:
            continue
        m.taken = True
        consumed.update(range(m.start, m.end))


_AMOUNTS = frozenset(["spend", "basket", "balance", "recency", "tenure", "age"])


def _done_by_people(p: Parse, m: Mention) -> bool:
    """ "how many shoppers redeem coupons": a count of people doing what a measure counts,
    with no condition written, is of those who do it at all."""
    if p.filters or is_rate_column(m.column) or "stat" in p.cues:
        return False
    w = p.words
    for i in range(min(m.start, len(w) - 1)):  # "how many shoppers", "share of our customers"
        if w[i] in {"many", "of"}:
            j = i + 1 + (w[i + 1] in {"our", "the", "all", "your"})
            if j < m.start and w[j] in lx.PEOPLE_NOUNS:
                return True
    return False


def _repeated(p: Parse, said: list[Mention], consumed: set[int]) -> None:
    """A measure named twice for one condition ("rarely return anything (under 10% returned)")
    is read once: its other phrases, and a "rarely" before them, go with the condition."""
    columns = {f.measure for f in p.filters}
    for m in said:
        if not m.taken and m.column in columns:
            consumed.update(range(m.start, m.end))
            if m.start > 0 and p.words[m.start - 1] in LOW_WORDS:
                consumed.add(m.start - 1)


def _between(index: VocabularyIndex, p: Parse) -> None:
    w = p.words
    for i, word in enumerate(w[:-3]):
        if word != "between" or w[i + 2] != "and" or i in p.used:
            continue
        low, high = parse_number(w[i + 1]), parse_number(w[i + 3])
        if low is None or high is None:
            continue
        window = [w[j] for j in range(max(0, i - 3), min(len(w), i + 7)) if j not in p.used]
        found = behaviour_measure(index, window)
        measure = found[0] if found else ""
        p.filters += [Filter(measure, ">=", low), Filter(measure, "<=", high)]
        p.used.update(range(i, i + 4))


def percent_value(f: Filter) -> Filter:
    """A percentage on a rate or share column as a fraction ("20%" -> 0.2)."""
    if not f.percent:
        return f
    tokens = set(column_tokens(f.measure))
    if tokens & {"rate", "share", "ratio", "proportion", "fraction"}:
        return Filter(f.measure, f.op, round(f.value / 100, 6), True)
    return f
