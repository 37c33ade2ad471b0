"""Person names, without an NER model: a first-name dictionary, capitals and cues.

Two kinds of evidence make a capitalised word a name:

* on sight, a reasonably common first name that is not also an ordinary word
  ("Sophie", "Mohammed"); rarer names in the dictionary (about 50,000, many of them
  also words: "Ninja", "Core") are not taken on sight, even before a surname;
* a cue (:mod:`nlp.redact.name_cues`): "my name is" in several languages, "I'm",
  a greeting, a sign-off, a title, a reference ("spoke to"), a role ("my son"),
  a mail header or display name, "<name> here".

Brands, products and places are often named like people, so a sighted name is left
alone where the words around it make it part of one (:mod:`nlp.redact.name_brands`).
A cue's name is also taken in casual lower case where it is no English word ("ask
for priya"), and a word joined to a name by "and" is one too where it is a first
name or no English word ("X and Y at the till"). Surnames, initials and particles
after a name extend its span to the full name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from nlp.redact.name_brands import (
    ENGLISH_ARTICLE_BEFORE,
    NUMBER_AFTER,
    ends_sentence,
    in_brand_name,
    is_capitalised,
    product_follows_name,
)
from nlp.redact.name_context import is_english_form
from nlp.redact.name_cues import (
    CAPITALISED,
    CUES,
    END_CUES,
    END_WINDOW,
    GREETING_WORDS,
    GUARDS,
    LOWER_CASE_CUES,
    LOWER_WORD,
    MID_SENTENCE_CUES,
    PARTICLE,
    TRIGGERS,
    WORD,
)
from nlp.redact.name_words import (
    COMMON_WORD_NAMES,
    DEPARTMENTS,
    NOT_NAMES,
    FirstNames,
    agent_nouns,
    first_names,
    is_ordinary_word,
    key,
    stop_words,
)

__all__ = ["could_contain_name", "find_names"]

_WORD_RE = re.compile(rf"(?<![^\W\d_'’-]){WORD}")
_CUE_RES = {name: (re.compile(regex), rule) for name, regex, rule in CUES}
_TOKEN = re.compile(r"[^\W\d_]+")
# Stop words that are also real first names, so a cue can still make them one.
_STOP_WORD_NAMES = frozenset({"will", "may"})


@dataclass(frozen=True)
class _Scan:
    """What one pass over a text's words tells the cues and the pre-filter."""

    tokens: frozenset[str]  # case-folded letter runs, for the cues' trigger words
    sight: bool  # a capitalised common first name: the sight rule may fire
    mid_capital: bool  # a capitalised possible name inside a sentence


# A capitalised word wherever one starts (any capitalised word of _WORD_RE is one).
_CAPITALISED_WORD = re.compile(rf"(?<![^\W\d_]){CAPITALISED}")


def _is_stop_word(lower: str) -> bool:
    return lower in stop_words() and lower not in _STOP_WORD_NAMES


def _scan(text: str) -> _Scan:
    names = first_names()
    sight = mid_capital = False
    for match in _CAPITALISED_WORD.finditer(text):
        word = match.group()
        lower = key(word)
        if word.isupper():
            if len(word) < 2 or lower not in names.all:
                continue  # a shouted word counts only where it could be a name
        elif not sight:
            sight = lower in names.common
        if mid_capital or lower in NOT_NAMES or _is_stop_word(lower):
            continue
        mid_capital = not ends_sentence(text, match.start() - 1)
    return _Scan(frozenset(_TOKEN.findall(text.casefold())), sight, mid_capital)


def _matches(cue: str, regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The cue's matches; a cue that ends the text is only looked for near its end."""
    start = max(0, len(text) - END_WINDOW) if cue in END_CUES else 0
    return regex.finditer(text, start)


# Which cues each trigger word can set off, and the cues set off by characters.
_CUES_BY_WORD: dict[str, set[str]] = {}
for _cue, (_words, _) in TRIGGERS.items():
    for _word in _words:
        _CUES_BY_WORD.setdefault(_word, set()).add(_cue)
_CUES_BY_CHARACTERS = [
    (cue, re.compile(f"[{re.escape(characters)}]"))
    for cue, (_, characters) in TRIGGERS.items()
    if characters
]


def _active_cues(text: str, scan: _Scan) -> list[tuple[str, re.Pattern[str], str]]:
    """The cues that can match ``text``: their trigger words or characters occur in
    it, and where the name must be a capitalised word inside a sentence, there is one."""
    triggered: set[str] = set()
    for token in scan.tokens & _CUES_BY_WORD.keys():
        triggered |= _CUES_BY_WORD[token]
    for cue, characters in _CUES_BY_CHARACTERS:
        if cue not in triggered and characters.search(text):
            triggered.add(cue)
    if not triggered:
        return []
    triggered = {cue for cue in triggered if cue not in GUARDS or GUARDS[cue].search(text)}
    if triggered & _LOWER_NAME_CUES and not _has_lower_name(text, scan):
        triggered -= LOWER_CASE_CUES
        if not scan.mid_capital:
            triggered.discard("agent")
    return [
        (name, regex, rule)
        for name, (regex, rule) in _CUE_RES.items()
        if name in triggered and (scan.mid_capital or name not in MID_SENTENCE_CUES)
    ]


_LOWER_NAME_CUES = LOWER_CASE_CUES | {"agent"}
_LOWER_WORD_RE = re.compile(rf"(?<![^\W\d_'’-]){LOWER_WORD}")


def _has_lower_name(text: str, scan: _Scan) -> bool:
    """Whether a lower-case word of ``text`` is a first name that is no English word,
    the only names the lower-case cues take."""
    names = first_names()
    if "-" not in text:  # every word is one letter run: look its runs up first
        runs = {token if token.isascii() else key(token) for token in scan.tokens}
        if not any(not is_ordinary_word(run) for run in runs & names.all):
            return False
    return any(
        key(word) in names.all and not is_ordinary_word(key(word))
        for word in set(_LOWER_WORD_RE.findall(text))
    )


_CLAUSE_END = re.compile(r"[ \t]*(?:[,.!?;:)]|$|(?:and|from|here|speaking|again)\b)")


def _is_surname(word: str, *, shouted: bool = False) -> bool:
    """A capitalised word that can be part of a name; in a shouted (all-caps) name,
    an all-caps word ("HANNAH SCHMIDT")."""
    lower = key(word)
    shape = _is_shouted(word) if shouted else is_capitalised(word)
    return (
        shape
        and lower not in NOT_NAMES | COMMON_WORD_NAMES | DEPARTMENTS
        and lower not in stop_words()
    )


def _is_shouted(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _is_foreign(lower: str) -> bool:
    """A case-folded word that is neither an English word nor one inflected ("queues")."""
    return not is_ordinary_word(lower) and not is_english_form(lower)


def _is_unknown_lower(word: str, names: FirstNames) -> bool:
    """A lower-case word that is a first name or no English word at all ("priya", "lwazi")."""
    lower = key(word)
    return (
        word.islower()
        and len(lower) >= 3
        and lower not in DEPARTMENTS
        and not is_ordinary_word(lower)
        and (lower in names.all or not is_english_form(lower))
    )


_NEXT_PART = re.compile(
    rf"[ \t]+(?:(?P<particle>{PARTICLE})(?=[ \t])|(?P<initial>[^\W\d_]\.)|(?P<word>{WORD}))"
)
_MAX_EXTRA_PARTS = 4


def _lower_case_word_follows(text: str, end: int) -> bool:
    part = _NEXT_PART.match(text, end)
    return part is not None and part.group("word") is not None and part["word"].islower()


def _surname_follows(text: str, end: int, *, shouted: bool = False) -> bool:
    part = _NEXT_PART.match(text, end)
    return (
        part is not None
        and part.group("word") is not None
        and _is_surname(part["word"], shouted=shouted)
    )


# What follows a greeted name: a clause end or "for", in the languages thanks come in
# ("Hi Andile,", "Thanks Emeka for", "Gracias a X por").
_ADDRESSEE_END = re.compile(
    r"[ \t]*(?:[,.!?;:)]|$|(?:for|por|para|für|fur|pour|per|voor|för|pela|pelo)\b)"
)
# What follows a casual self-introduction: a clause end or a chat interjection.
_CASUAL_END = re.compile(r"[ \t]*(?:[,.!?;:)]|$|(?:lol|haha|hehe|lmao|xd|here)\b)")


def _accept(text: str, start: int, end: int, rule: str, names: FirstNames) -> bool:
    """Whether the words a cue found at ``text[start:end]`` are taken for a name."""
    words = text[start:end].split()
    shouted = all(_is_shouted(w) for w in words)
    if rule == "contact":  # "Ana Lima, +44 ...", "Ana Lima, the landlord"
        # One word alone must be a first name ("Viber: +44 ..." is an app).
        first = key(words[0])
        known = first in names.all and first not in COMMON_WORD_NAMES
        return all(_is_surname(w) for w in words) and (
            known or (len(words) >= 2 and _is_foreign(first))
        )
    if rule in {"run", "signed run"}:
        if not all(_is_surname(w, shouted=shouted) for w in words):
            return False
        first = key(words[0])
        if rule == "signed run":  # "Ana Lima" alone on a line, not "Highly Recommended"
            return len(words) >= 2 and (
                (first in names.all and first not in COMMON_WORD_NAMES)
                or not is_ordinary_word(first)
            )
        return (len(words) >= 2 and not shouted) or first in names.all
    word = words[-1]  # a title's surname may start with particles: "de Jong"
    lower = key(word)
    if lower in NOT_NAMES or _is_stop_word(lower):
        return False
    if rule == "lower":  # "hey its sven", "im mehmet", "this is x lol"
        return _is_unknown_lower(word, names) and (
            lower in names.all or _CASUAL_END.match(text, end) is not None
        )
    if rule == "aside":  # "the guy who delivered, x? idk"
        return lower in names.common and not is_ordinary_word(lower)
    if word.islower() and rule in {"proper", "known", "duty", "agent"}:
        # In casual lower case: a first name that is no English word ("ask for priya").
        return lower in names.all and _is_unknown_lower(word, names)
    if word.islower() and rule in {"strong", "open", "greeting"}:
        if rule == "greeting":  # "thanks so much bogdan", not "hola equipo"
            return lower in names.common or (lower in names.all and _is_unknown_lower(word, names))
        return lower in names.common or _is_unknown_lower(word, names)
    if _is_shouted(word) and rule in {"strong", "proper", "open", "greeting"}:
        return lower in names.all  # "ASK INGRID IN ...", "SIGNED: ALEKSANDRA NOWAK"
    if rule == "signature":  # "-- Aroha"
        return is_capitalised(word) and (lower in names.all or not is_ordinary_word(lower))
    if rule == "strong":
        return is_capitalised(word) or lower in names.common
    if lower in DEPARTMENTS:
        return False
    if rule == "open":
        # A signature is names: "Thanks, Great service!" is a sentence unless it
        # starts with a first name ("Cheers, Dave from Leeds").
        if lower in names.all:
            return is_capitalised(word) or lower in names.common
        return (
            is_capitalised(word)
            and lower not in COMMON_WORD_NAMES
            and not _lower_case_word_follows(text, end)
        )
    if rule == "proper":
        return is_capitalised(word) and (lower in names.all or lower not in COMMON_WORD_NAMES)
    if rule == "agent":  # a first name, or a word no dictionary holds: "the seller X"
        return is_capitalised(word) and (
            (lower in names.all and lower not in COMMON_WORD_NAMES) or _is_foreign(lower)
        )
    if rule == "duty":  # "X from the night shift", "X Y from your sales team"
        return is_capitalised(word) and (
            lower in names.all
            or (
                lower not in COMMON_WORD_NAMES
                and (_surname_follows(text, end) or _is_foreign(lower))
            )
        )
    if rule == "greeting":
        # "Hi Andile Dlamini" yes, "Thanks, Happy Customer" and "Thanks, Accounts" no.
        if lower in names.common:
            return True
        return is_capitalised(word) and (
            lower in names.all
            or (
                lower not in COMMON_WORD_NAMES
                and (_surname_follows(text, end) or _ADDRESSEE_END.match(text, end) is not None)
            )
        )
    if rule == "self":  # "I'm Haruto Sato": a word no dictionary knows, then a surname
        return is_capitalised(word) and (
            lower in names.all or (not is_ordinary_word(lower) and _surname_follows(text, end))
        )
    return is_capitalised(word) and lower in names.all


def _is_middle_name(word: str, names: FirstNames) -> bool:
    """A first name that is also an ordinary word, inside a full name ("Ana Carolina Souza")."""
    lower = key(word)
    return is_capitalised(word) and lower in names.all and lower in COMMON_WORD_NAMES


def _name_span(text: str, start: int, end: int, names: FirstNames) -> tuple[int, int]:
    """Extend a first name over what follows it in a full name.

    Capitalised words ("Lars Chukwu"), initials ("Sipho Y. Reddy"), particles
    followed by a capitalised word ("Erik van der Berg", "Siti binti Ahmad") and
    middle names that are also ordinary words, when a surname follows them
    ("Ana Carolina Souza", "Mary Grace Okafor").
    """
    position = end
    shouted = _is_shouted(text[start:end])
    for _ in range(_MAX_EXTRA_PARTS):
        part = _NEXT_PART.match(text, position)
        if part is None:
            break
        if part.group("particle") or part.group("initial"):
            position = part.end()
            if part.group("initial"):
                end = position
            continue
        word = part["word"]
        if not _is_surname(word, shouted=shouted) and not (
            _is_middle_name(word, names) and _surname_follows(text, part.end())
        ):
            break
        position = end = part.end()
    return start, end


def could_contain_name(text: str) -> bool:
    """Cheap check that :func:`find_names` could fire: a first name, or a cue whose
    words are taken for a name (every name :func:`find_names` finds is one of these,
    or joined to one)."""
    scan = _scan(text)
    if scan.sight:
        return True
    names = first_names()
    return any(
        _taken(text, match, rule, names)
        for cue, regex, rule in _active_cues(text, scan)
        for match in _matches(cue, regex, text)
    )


def _taken(text: str, match: re.Match[str], rule: str, names: FirstNames) -> bool:
    """Whether the words a cue matched are taken for a name, before product checks."""
    start, end = match.span("name")
    role = match.groupdict().get("role")
    if role is not None and (
        role.lower() not in agent_nouns()
        or (role[0].isupper() and not ends_sentence(text, match.start("role") - 1))
    ):
        return False  # "the Inter X": a capitalised noun inside a sentence names a thing
    if not _accept(text, start, end, rule, names):
        return False
    # "spoke to a Ingrid", not "ask a Question"
    return not match.groupdict().get("article") or key(text[start:end]) in names.all


def _from_cues(text: str, scan: _Scan, names: FirstNames) -> set[tuple[int, int]]:
    spans = set()
    for cue, regex, rule in _active_cues(text, scan):
        for match in _matches(cue, regex, text):
            if not _taken(text, match, rule, names):
                continue
            start, end = match.span("name")
            span = _name_span(text, start, end, names)
            if rule == "self" and span == (start, end) and not _CLAUSE_END.match(text, end):
                continue
            if cue == "title" and (
                ENGLISH_ARTICLE_BEFORE.search(text, max(0, match.start() - 5), match.start())
                or NUMBER_AFTER.match(text, span[1])
                or product_follows_name(text, span[1], possessive_counts=False)
            ):
                continue  # "the Dr. Martens 1460", "Mr X cakes": a brand
            if (
                cue in {"role", "agent", "greeting"}
                and text[match.start() : start].lstrip()[:1].isupper()
                and not (cue == "greeting" and _ADDRESSEE_END.match(text, span[1]))
                and product_follows_name(text, span[1])
            ):
                continue  # "Uncle X's rice", "Hello X lunchbox": a brand
            spans.add(span)
    return spans


def _on_sight(text: str, names: FirstNames) -> set[tuple[int, int]]:
    spans = set()
    covered = 0  # the words of a full name already taken or left as a brand
    for match in _WORD_RE.finditer(text):
        word = match.group()
        start, end = match.span()
        if (
            start < covered
            or not is_capitalised(word)
            or key(word) not in names.common
            or key(word) in GREETING_WORDS
        ):
            continue
        span = _name_span(text, start, end, names)
        covered = span[1]
        if not in_brand_name(text, start, end, span[1], names):
            spans.add(span)
    return spans


_AND_AFTER = re.compile(rf"[ \t]*(?:,[ \t]*)?(?:and|&)[ \t]+(?P<word>{WORD})")
_AND_BEFORE = re.compile(rf"(?<![^\W\d_'’-])(?P<word>{WORD})[ \t]+(?:and|&)[ \t]+$")


def _is_partner(word: str, casual: bool, names: FirstNames) -> bool:
    """A word joined to a name by "and" that is one too: a first name or a word no
    dictionary holds, capitalised, or in lower case after a lower-case name."""
    lower = key(word)
    if word.islower():
        return casual and lower in names.all and _is_unknown_lower(word, names)
    return _is_surname(word) and (
        (lower in names.all and lower not in COMMON_WORD_NAMES) or _is_foreign(lower)
    )


def _coordinated(text: str, spans: set[tuple[int, int]], names: FirstNames) -> set[tuple[int, int]]:
    """Names joined by "and" to a name found: "X and Y at the checkout", "my kids x and y"."""
    found = set()
    for start, end in spans:
        casual = text[start:end].islower()
        after = _AND_AFTER.match(text, end)
        if after is not None and _is_partner(after["word"], casual, names):
            span = _name_span(text, after.start("word"), after.end("word"), names)
            if not product_follows_name(text, span[1]):
                found.add(span)
        before = _AND_BEFORE.search(text, max(0, start - 40), start)
        if (
            before is not None
            and _is_partner(before["word"], casual, names)
            and not product_follows_name(text, end)
        ):
            found.add(before.span("word"))
    return found


def find_names(text: str) -> list[tuple[int, int]]:
    """Spans of person names, without an NER model.

    A capitalised, reasonably common first name that is not also an ordinary word
    ("Sophie", "Mohammed") is a name on sight, unless the words around it make it
    part of a product or company name (see the module's docstring). Any first
    name, including words like "Will" or "Grace", counts after a cue: "my name is"
    (also "me llamo", "je m'appelle", ...), "I'm"/"this is", a greeting ("Hi",
    "Dear"), a sign-off ("Regards, X", "- X"), a title ("Mrs"), a reference
    ("spoke to", "cardholder", "my son", "driver", "account name"), a mail header
    or display name, or "X here". Introductions, sign-offs, titles and references
    also take capitalised words missing from the dictionary ("Regards, Zofia",
    "our waiter Andile", "Ms Haddad"); greetings take them with a surname.
    """
    names = first_names()
    scan = _scan(text)
    spans = _from_cues(text, scan, names)
    if scan.sight:
        spans |= _on_sight(text, names)
    if spans:
        spans |= _coordinated(text, spans, names)
    return sorted(spans)
