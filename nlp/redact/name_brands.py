"""Products, firms and places named after people: what makes a first name part of one.

A sighted first name is left alone where the words around it make it part of a
product or company name: a number after it ("Air Max 90"), an article before it
("the Ted Baker bag", "del Tommy ..."), a capitalised non-name word right before
it inside a sentence ("Pro Max", "Philips Hue"), an ampersand joining it to a word
that is no common first name ("Marks & Spencer") or a pair standing for a firm
("X & Y's was melted"), product words after it (:mod:`nlp.redact.name_context`),
a product line ("X Walker Black Label", "X the Tank Engine"), or a place or
holiday (:mod:`nlp.redact.name_places`).
"""

from __future__ import annotations

import re

from nlp.redact.name_context import is_english, product_follows
from nlp.redact.name_cues import GREETING_WORDS, PARTICLE, TITLES, WORD
from nlp.redact.name_places import in_place_name
from nlp.redact.name_words import (
    NOT_NAMES,
    ROLE_WORDS,
    FirstNames,
    is_ordinary_word,
    key,
    stop_words,
    word_set,
)

__all__ = [
    "ENGLISH_ARTICLE_BEFORE",
    "NUMBER_AFTER",
    "ends_sentence",
    "in_brand_name",
    "is_capitalised",
    "product_follows_name",
]

# Abbreviations whose dot does not end a sentence ("Mr. Hughes", "Y. Reddy").
_DOTTED = word_set("mr mrs ms mx dr prof st sr sra mme mlle jr")


def ends_sentence(text: str, position: int) -> bool:
    """Whether ``text[: position + 1]`` ends with a sentence end (or is empty)."""
    while position >= 0 and text[position].isspace():
        position -= 1
    if position < 0:
        return True
    if text[position] in "!?":
        return True
    if text[position] != ".":
        return False
    before = re.search(r"([^\W\d_]+)$", text[max(0, position - 5) : position])
    return not (before and (len(before.group(1)) == 1 or before.group(1).lower() in _DOTTED))


def is_capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


# What makes a capitalised name part of a product or company name instead.
NUMBER_AFTER = re.compile(r"[ \t]+\d")
# Articles of the languages reviews come in: "the Ted Baker bag", "del Tommy ...".
_ARTICLES = (
    "the|a|an|el|la|los|las|del|al|le|les|l'|il|lo|gli|un|una|une|der|die|das|dem|den|des|"
    "ein|eine|einem|einen|einer|het|een|o|os|um|uma|do|dos|no|na"
)
_ARTICLE_BEFORE = re.compile(rf"(?i:(?<![^\W\d_])(?:{_ARTICLES}))[ \t]+$")
# Romance languages put an article before a title ("o Sr. Yamamoto"); English does
# not, so "the Dr. Martens" is a brand.
ENGLISH_ARTICLE_BEFORE = re.compile(r"(?i:(?<![^\W\d_])(?:the|a|an))[ \t]+$")
_WORD_BEFORE = re.compile(rf"(?<![^\W\d_'’-])(?P<word>{WORD})[ \t]+$")
_POSSESSIVE_BEFORE = re.compile(rf"(?<![^\W\d_'’-])(?P<word>{WORD})['’]s[ \t]+$")
_AMPERSAND_BEFORE = re.compile(rf"(?<![^\W\d_'’-])(?P<word>{WORD})[ \t]*&[ \t]*$")
_AMPERSAND_AFTER = re.compile(rf"[ \t]*&[ \t]*(?P<word>{WORD})")
# Capitalised words that may stand right before a person's name.
_BEFORE_A_NAME = TITLES | ROLE_WORDS | GREETING_WORDS | frozenset(PARTICLE[3:-1].split("|"))


def _article_before(text: str, position: int) -> bool:
    return _ARTICLE_BEFORE.search(text, max(0, position - 8), position) is not None


def _after_product_word(text: str, position: int, names: FirstNames) -> bool:
    """A capitalised non-name inside the sentence right before: "Pro Max", "Nest Hub Max"."""
    match = _WORD_BEFORE.search(text, max(0, position - 40), position)
    if match is None:
        return False
    word = match["word"]
    lower = key(word)
    return (
        word[0].isupper()
        and not ends_sentence(text, match.start() - 1)
        and lower not in names.all
        and lower not in _BEFORE_A_NAME
    )


def _joined_by_ampersand(text: str, start: int, end: int, names: FirstNames) -> bool:
    """Part of a firm's name: "Marks & Spencer", "the Ben & Jerry's" (not "Tom & Sarah")."""
    before = _AMPERSAND_BEFORE.search(text, max(0, start - 40), start)
    if before is not None:
        partner, partner_start = before["word"], before.start()
    else:
        after = _AMPERSAND_AFTER.match(text, end)
        if after is None:
            return False
        partner, partner_start = after["word"], start
    if not is_capitalised(partner):
        return False
    pair_end = end if before is not None else after.end()
    return (
        key(partner) not in names.common
        or _article_before(text, partner_start)
        or _firm_possessive(text, pair_end)
    )


# A possessive that stands for a firm or its shop: "X & Y's was melted", "at X & Y's."
_POSSESSIVE_THEN = re.compile(r"['’]s(?![^\W\d_])[ \t]*(?P<next>[^\W\d_]+)?")


def _firm_possessive(text: str, end: int) -> bool:
    """A possessive after a pair of names that owns nothing: a function word or none follows."""
    match = _POSSESSIVE_THEN.match(text, end)
    return match is not None and (match["next"] is None or match["next"].lower() in stop_words())


# A quantity before the word: "5 Tage", "2 Hue bulbs" are things.
_NUMBER_BEFORE = re.compile(r"\d[ \t]*$")
# A region code after a comma: "Charlotte, NC" is a place.
_REGION_AFTER = re.compile(r",[ \t]*[A-Z]{2}(?![\w'’-])")


def _after_brand(text: str, start: int) -> bool:
    """A word that is never a name right before, even at a sentence start ("Philips Hue")."""
    match = _WORD_BEFORE.search(text, max(0, start - 40), start)
    return match is not None and key(match["word"]) in NOT_NAMES - _BEFORE_A_NAME


def in_brand_name(text: str, start: int, end: int, span_end: int, names: FirstNames) -> bool:
    """Whether the name at ``text[start:end]`` (full name to ``span_end``) names a product
    or place."""
    return (
        NUMBER_AFTER.match(text, end) is not None
        or NUMBER_AFTER.match(text, span_end) is not None
        or _NUMBER_BEFORE.search(text, max(0, start - 4), start) is not None
        or _REGION_AFTER.match(text, span_end) is not None
        or in_place_name(text, start, end, span_end)
        or _product_line(text, end, span_end)
        or _article_before(text, start)
        or _after_product_word(text, start, names)
        or _after_brand(text, start)
        or _joined_by_ampersand(text, start, end, names)
        or (_product_position(text, start) and product_follows_name(text, span_end))
    )


# Words after which a name may be a product's: determiners and prepositions ("my
# Tommy X jacket", "with X rice"); after a verb it is a person's ("let Ines know").
_PRODUCT_POSITION = word_set(
    "my your our his her their this that these those some any no every each another "
    "of with for from in on at by to and or"
)


def _product_position(text: str, start: int) -> bool:
    """A sentence start, right after a determiner or preposition, or inside a
    capitalised compound ("Papa X's", "Trader X's", "Y & X's")."""
    if ends_sentence(text, start - 1) or text[max(0, start - 3) : start].rstrip().endswith(
        ("&", ":")
    ):
        return True
    match = _WORD_BEFORE.search(text, max(0, start - 40), start) or _POSSESSIVE_BEFORE.search(
        text, max(0, start - 40), start
    )
    if match is None:
        return False
    word = match["word"]
    return word.lower() in _PRODUCT_POSITION or (
        is_capitalised(word) and ends_sentence(text, match.start() - 1)
    )


def product_follows_name(text: str, end: int, *, possessive_counts: bool = True) -> bool:
    """Product words after the name, or after its partner ("Ben & Jerry's Cookie Dough")."""
    if not is_english(text):
        return False
    partner = _PARTNER_AFTER.match(text, end)
    if partner is not None and is_capitalised(partner["word"]):
        end = partner.end()
    return product_follows(text, end, possessive_counts=possessive_counts)


_PARTNER_AFTER = re.compile(rf"[ \t]*(?:&|and\b)[ \t]*(?P<word>{WORD})")


def _product_line(text: str, end: int, span_end: int) -> bool:
    """Two ordinary English words after the first name make a product line
    ("X Walker Black Label"), as does a capitalised epithet ("X the Tank Engine")."""
    later = text[end:span_end].split()
    return (
        sum(is_ordinary_word(key(word)) for word in later) >= 2
        or _EPITHET_AFTER.match(text, span_end) is not None
    )


_EPITHET_AFTER = re.compile(r"[ \t]+the[ \t]+[A-Z]")
