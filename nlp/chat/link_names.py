"""Segments named by part of their name, as people shorten and misspell them: "the frequent
visitors" for "Class-minded frequent visitors", "the big-basket shopers".

Every run of consecutive question words is aligned with every run of consecutive words
of each segment's name (its head: the words before "talking about ..."), word by word,
each pair scored by spelling (1 for the same word or inflection, the letters' similarity
for a typo, nothing below :data:`SPELLING`). A run of two words or more, one of which
says who the people are (not a generic word such as "customers"), is a candidate; its
score is the mean of its words' scores. The best candidate of a span links its segment
when it beats every other segment's by :data:`MARGIN`; when two segments score alike
("the infrequent visitors": "Mat-minded infrequent visitors" or "Bike-minded infrequent
visitors"?) the reading asks which one is meant (:attr:`Parse.clarify`).
"""

from __future__ import annotations

import difflib
from typing import Any

from nlp.chat import lexicon as lx
from nlp.chat.parse import Parse
from nlp.chat.text import stem
from nlp.chat.vocabulary_index import VocabularyIndex

SPELLING = 0.8  # the least letter similarity of a misspelt word of a name
MARGIN = 0.04  # how much the best segment must beat the next on the same words
_POINTING = frozenset(["the", "those", "these", "our", "that"])
_HEAD_ENDS = frozenset({"talking", "about", "who", "with"})


def link_name_parts(index: VocabularyIndex, p: Parse, *, pointed_only: bool = False) -> None:
    """Segments named by a run of the words of their name (see the module docstring).
    ``pointed_only``: only runs after a determiner that end the name ("how many of the
    frequent returners ..."), linked before measure words can take them."""
    spans: dict[tuple[int, int], dict[int, float]] = {}
    for number, tokens in index.name_tokens.items():
        head = _head(tokens)
        for start, end, score in _runs(p, head):
            if pointed_only and not (start > 0 and p.words[start - 1] in _POINTING):
                continue
            found = spans.setdefault((start, end), {})
            found[number] = max(score, found.get(number, 0.0))
    for (start, end), scores in sorted(spans.items(), key=lambda kv: (kv[0][0] - kv[0][1], kv[0])):
        if set(range(start, end)) & p.used:
            continue
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        best, score = ranked[0]
        rivals = [n for n, s in ranked[1:] if score - s < MARGIN]
        if rivals:
            _ask(p, start, end, [best, *rivals])
            continue
        _link(p, best, start, end)


def _head(tokens: list[str]) -> list[str]:
    """A name's words before what its people talk about ("Big spenders talking about boots")."""
    cut = next((n for n, t in enumerate(tokens) if t in _HEAD_ENDS), len(tokens))
    return tokens[:cut]


def _runs(p: Parse, head: list[str]) -> list[tuple[int, int, float]]:
    """(start, end, score) of each run of free question words that is a run of ``head``."""
    w = p.words
    parts = [(part, i) for i, word in enumerate(w) if i not in p.used for part in _split(word)]
    found = []
    for a in range(len(parts)):
        for b in range(len(head)):
            sims: list[float] = []
            while a + len(sims) < len(parts) and b + len(sims) < len(head):
                sim = spelling(parts[a + len(sims)][0], head[b + len(sims)])
                if sim < SPELLING:
                    break
                sims.append(sim)
            matched = head[b : b + len(sims)]
            if len(sims) < 2 or not _says_who(matched):
                continue
            start, end = parts[a][1], parts[a + len(sims) - 1][1] + 1
            whole = b + len(sims) == len(head) or (end < len(w) and w[end] in lx.PEOPLE_NOUNS)
            ranked = start > 0 and w[start - 1] in lx.MOST_WORDS | lx.LEAST_WORDS
            if whole and not ranked and _contiguous(parts[a : a + len(sims)]):
                found.append((start, end, sum(sims) / len(sims)))
    return found


def _split(word: str) -> list[str]:
    return [x for x in word.replace("'", "-").split("-") if x]


def _contiguous(parts: list[tuple[str, int]]) -> bool:
    return all(b[1] - a[1] <= 1 for a, b in zip(parts, parts[1:], strict=False))


def _says_who(words: list[str]) -> bool:
    """Whether matched words of a name say who the people are ("minded" alone does not)."""
    return any(x not in lx.GENERIC_NAME_WORDS and x != "minded" for x in words)


def spelling(word: str, token: str) -> float:
    """How alike a question word and a name's word are: 1 for the same word or inflection,
    the letters' similarity for a likely typo (5 letters or more), else 0."""
    if word in lx.MOST_WORDS or word in lx.LEAST_WORDS:
        return 0.0  # "the biggest baskets" ranks, it does not name "big-basket shoppers"
    if word == token or stem(word) == stem(token):
        return 1.0 if word.endswith("est") == token.endswith("est") else 0.0
    if min(len(word), len(token)) < 5:
        return 0.0
    return round(difflib.SequenceMatcher(None, word, token).ratio(), 4)


def _link(p: Parse, number: int, start: int, end: int) -> None:
    if end < len(p.words) and p.words[end] in lx.PEOPLE_NOUNS:
        end += 1  # "the frequent visitors group"
    p.used.update(range(start, end))
    if number in p.segments:
        return
    p.segments.append(number)
    p.segment_spans.append((start, end))
    p.seg_at.setdefault(number, start)


def _ask(p: Parse, start: int, end: int, options: list[int]) -> None:
    """Words that fit several segments alike: the reading asks which one is meant."""
    p.used.update(range(start, end))
    phrase = " ".join(p.words[start:end])
    p.clarify = {"phrase": phrase, "segments": options}


def clarify_question(clarify: dict[str, Any], names: dict[int, str]) -> str:
    """ "By “infrequent visitors” do you mean “A” or “B”?" """
    named = [f"“{names[n]}”" for n in clarify["segments"] if n in names]
    listed = ", ".join(named[:-1]) + f" or {named[-1]}" if len(named) > 1 else "".join(named)
    return f"By “{clarify['phrase']}” do you mean {listed}?"
