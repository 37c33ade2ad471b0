"""Reading the words of a question: tokens with typos corrected, a customer pseudonym,
run references, periods, ordinals and the comparators before and after a number.

Typo correction never turns one of the chat's own words into another: the base
lexicon (every word the cue and measure tables use) is protected in
:func:`nlp.chat.text.same_word`.
"""

from __future__ import annotations

import re
from typing import Any

from nlp.chat import lexicon as lx
from nlp.chat import text as _text
from nlp.chat.lexicon.measures import ATTRIBUTE_TERMS, BREAKDOWN_WORDS, STAT_WORDS
from nlp.chat.lexicon.quantities import ALL_TIME_WORDS, FRACTIONS, LOW_WORDS
from nlp.chat.link_customers import take_customer
from nlp.chat.parse import Parse
from nlp.chat.text import correct, normalise, parse_number, tokenize


def base_lexicon() -> set[str]:
    """Every word of the chat's own tables (stop words, cues, measure terms...)."""
    words: set[str] = set(lx.STOP_WORDS) | set(lx.PEOPLE_NOUNS) | set(lx.ORDINALS)
    words |= set(lx.NUMBER_WORDS) | set(lx.MONTHS) | set(lx.MOST_WORDS) | set(lx.LEAST_WORDS)
    words |= set(lx.COMPARE_WORDS) | set(lx.CHANGE_WORDS) | set(lx.QUOTE_WORDS)
    words |= set(lx.SAY_WORDS) | set(lx.TOPIC_VERBS) | set(lx.DRIVER_WORDS)
    words |= set(lx.WRITE_VERBS) | set(lx.OFF_TOPIC_WORDS) | set(lx.MEASURE_FILLERS)
    for terms in (lx.SENTIMENT_TERMS, lx.SIZE_TERMS, lx.DOCUMENT_TERMS):
        words |= {t for t in terms if " " not in t}
    for concept in lx.CONCEPTS:
        words |= {part for t in concept.terms for part in t.split()}
    for phrase in (*lx.TREND_PHRASES, *lx.RUN_PHRASES):
        words |= set(phrase.split())
    words |= set(STAT_WORDS) | set(ATTRIBUTE_TERMS) | set(BREAKDOWN_WORDS) | set(FRACTIONS)
    words |= set(LOW_WORDS) | set(ALL_TIME_WORDS)
    words |= _text.PROTECTED  # words other modules' tables read (never "corrected" away)
    return {w for w in words if w.isalpha()}


BASE_LEXICON = frozenset(base_lexicon())
_text.PROTECTED.update(BASE_LEXICON)


def read_words(question: str, lexicon: frozenset[str], known: frozenset[str]) -> Parse:
    """A fresh :class:`Parse` of the question's words (typos corrected towards ``lexicon``
    and ``known``), a customer's pseudonym or the shop's own id taken out as the customer
    ("customer x" in its place, :mod:`nlp.chat.link_customers`)."""
    customer, question = take_customer(question)
    text = normalise(question)
    words = correct(tokenize(text), lexicon, known)
    breaks, at = set(), 0
    for part in re.split(r",(?!\d)|;", text)[:-1]:  # "10 orders, spend above 500"
        at += len(tokenize(part))
        if at:
            breaks.add(at - 1)
    return Parse(words=words, customer=customer, breaks=breaks)


def read_runs(p: Parse) -> None:
    """Run numbers ("run 12", "runs 3 and 4"); "previous" when a cue names an earlier run."""
    w = p.words
    for i, word in enumerate(w[:-1]):
        if word in {"run", "runs"}:
            j = i + 1 + (w[i + 1] == "#")
            while j < len(w) and w[j].isdigit():
                p.runs.append(int(w[j]))
                p.used.add(j)
                j += 1
                if j < len(w) - 1 and w[j] in {"and", "vs", "to", "with", ","}:
                    j += 1
    if "run" in p.cues and not p.runs:
        p.runs.append("previous")


_SEASON_STARTS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


def read_period(p: Parse) -> None:
    """A period: "the last 6 months", "since March 2024", "in 2023", "this year" (the data's
    latest calendar year so far: ``{"year": "this"}``)."""
    w = p.words
    text = " " + " ".join(w) + " "
    if re.search(r" (this|current) (calendar )?year | year to date | ytd ", text):
        p.period = {"year": "this"}
        return
    season = re.search(r" since (?:the |last )?(spring|summer|autumn|fall|winter) ", text)
    if season:  # "since spring": since the season's first month
        p.period = {"since": f"{_SEASON_STARTS[season.group(1)]:02d}"}
        p.used.update(i for i, x in enumerate(w) if x == season.group(1))
        return
    for i, word in enumerate(w):
        if word in {"last", "past", "previous"} and i + 1 < len(w):
            value = parse_number(w[i + 1]) if i + 2 < len(w) else None
            if value is not None and w[i + 2] in lx.UNITS:
                p.period = _in_months(int(value), lx.UNITS[w[i + 2]])
                p.used.update({i, i + 1, i + 2})  # "last" here names no "last order"
                return
            if w[i + 1] in lx.UNITS:
                p.period = _in_months(1, lx.UNITS[w[i + 1]])
                p.used.update({i, i + 1})
                return
        if word in {"since", "in", "from", "during"} and i + 1 < len(w):
            nxt = w[i + 1]
            if nxt in lx.MONTHS and nxt != "may" or (nxt == "may" and word != "in"):
                month = lx.MONTHS[nxt]
                year = (
                    w[i + 2] if i + 2 < len(w) and re.fullmatch(r"(19|20)\d\d", w[i + 2]) else None
                )
                key = "since" if word in {"since", "from"} else "month"
                p.period = {key: f"{year}-{month:02d}" if year else f"{month:02d}"}
                if year:
                    p.used.add(i + 2)
                return
            if re.fullmatch(r"(19|20)\d\d", nxt):
                p.period = {"since" if word in {"since", "from"} else "year": int(nxt)}
                p.used.add(i + 1)
                return


def _in_months(n: int, unit: str) -> dict[str, Any]:
    """A period of the last ``n`` units; quarters are written as months ("last quarter": 3)."""
    if unit == "quarters":
        return {"last": 3 * n, "unit": "months"}
    return {"last": n, "unit": unit}


def read_ordinals(p: Parse) -> None:
    """An ordinal position ("the second largest"), first only before most/least words."""
    w = p.words
    for i, word in enumerate(w):
        if word in lx.ORDINALS and i not in p.used:
            nxt = w[i + 1] if i + 1 < len(w) else ""
            if word == "first" and nxt not in lx.MOST_WORDS | lx.LEAST_WORDS | {"one"}:
                continue
            p.position = lx.ORDINALS[word]
            p.ordinal = True
            p.used.add(i)
            return
        if word in {"top", "bottom"} and i + 1 < len(w) and w[i + 1].isdigit():
            p.used.add(i + 1)


def comparator_at(words: list[str], i: int) -> tuple[str, int] | None:
    """The operator of a comparator phrase starting at word ``i`` and its length, or None."""
    for phrase, op in lx.COMPARATORS:
        parts = phrase.split()
        if words[i : i + len(parts)] == parts:
            return op, len(parts)
    return None


def trailing_comparator(words: list[str], i: int) -> tuple[str, int] | None:
    """The operator of a comparator phrase after a number ("or more") and its length, or None."""
    for phrase, op in lx.TRAILING_COMPARATORS:
        parts = phrase.split()
        if words[i : i + len(parts)] == parts:
            return op, len(parts)
    return None
