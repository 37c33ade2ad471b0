"""Words of a question: normalising, tokenising, typo-tolerant word comparison, numbers."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from nlp.chat.lexicon.quantities import NUMBER_WORDS

HEX_RE = re.compile(r"\b[0-9a-fA-F]{64}\b")
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*(?:k\b)?|[a-z]+(?:['’-][a-z]+)*|[#$£€%+]|[<>]=?|=")
_SUFFIXES = ("iest", "ies", "ers", "est", "ing", "ed", "er", "es", "'s", "s")


def normalise(text: str) -> str:
    """Lower case, plain quotes and dashes, "&" as "and", single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", " - ").replace("&", " and ")
    return re.sub(r"\s+", " ", text).strip().lower()


def tokenize(text: str) -> list[str]:
    """Words, numbers ("1,000", "2.5", "3k") and the symbols # $ £ € % + < > = of ``text``."""
    return [t.replace("’", "'") for t in _TOKEN_RE.findall(text)]


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A crude stem that makes plurals and verb forms meet ("deliveries" ~ "delivery")."""
    once = _stem_once(word)
    return _stem_once(once) if once != word and once.endswith(("ing", "er")) else once


def _stem_once(word: str) -> str:
    for suffix in _SUFFIXES:
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            continue  # "class", "status", "analysis": no plural s to take off
        if suffix == "es" and not word[:-2].endswith(("ss", "x", "z", "ch", "sh")):
            continue  # "rates", "prices", "shoes": only the s is the plural's ("boxes": es)
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("iest", "ies"):
                return base + "y"
            if (
                suffix in ("ing", "ed", "er", "ers", "est")
                and len(base) > 3
                and base[-1] == base[-2]
            ):
                base = base[:-1]  # "shopping" -> "shop"
            return base
    return word


#: Words known to be distinct (the chat's lexicon): never matched to each other as typos.
PROTECTED: set[str] = set()


@lru_cache(maxsize=200_000)
def same_word(a: str, b: str) -> bool:
    """Whether two words are the same allowing inflection and a typo or two.

    Two different words that are both in :data:`PROTECTED` ("least", "last") never match.
    """
    if a == b:
        return True
    if not a or not b or a[0].isdigit() or b[0].isdigit():
        return False
    if stem(a) == stem(b):
        return True
    if a in PROTECTED or b in PROTECTED:
        return False
    shortest = min(len(a), len(b))
    if shortest < 4:
        return False
    cutoff = 0.86 if shortest < 6 else 0.8
    return difflib.SequenceMatcher(None, a, b).ratio() >= cutoff


def correct(words: list[str], lexicon: frozenset[str], known: Iterable[str]) -> list[str]:
    """Replace words that are close misspellings of a lexicon word by that word.

    Words already in ``lexicon``, short words and numbers are left alone; ``known``
    (e.g. the vocabulary's own words) is where corrections come from, with the lexicon.
    """
    # a word is never corrected to a word under five letters ("short" is not "sort")
    pool = {x for x in set(lexicon) | set(known) if len(x) >= 5}
    candidates = sorted(pool)
    out = []
    for word in words:
        if len(word) < 5 or word in lexicon or not word.isalpha() or stem(word) in lexicon:
            out.append(word)
            continue
        swapped = [x for x in _transpositions(word) if x in pool]  # "gruop" for "group"
        if swapped:
            out.append(swapped[0])
            continue
        match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.84)
        out.append(match[0] if match else word)
    return out


def _transpositions(word: str) -> list[str]:
    """The word with each pair of neighbouring letters swapped (the commonest typo)."""
    return [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)]


def parse_number(token: str) -> float | None:
    """The value of a number token ("1,000" -> 1000, "2.5k" -> 2500, "three" -> 3), or None."""
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    match = re.fullmatch(r"(\d+(?:[.,]\d+)*)(k?)", token)
    if not match:
        return None
    digits = match.group(1)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", digits):
        digits = digits.replace(",", "")
    else:
        digits = digits.replace(",", ".")
    try:
        value = float(digits)
    except ValueError:
        return None
    return value * 1000 if match.group(2) else value


def column_tokens(key: str) -> list[str]:
    """The words of a column name ("avgOrderValue_12m" -> ["average", "order", "value", "12m"])."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(key))
    words = [t for t in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if t]
    expand = {"avg": "average", "qty": "quantity", "num": "number", "pct": "percent",
              "cnt": "count", "amt": "amount", "yr": "year", "txn": "transactions",
              "txns": "transactions", "freq": "frequency"}  # fmt: skip
    return [expand.get(w, w) for w in words]
