"""Categories named in a question: "in the north", "women in London", "on the gold plan".

A run's vocabulary lists the values of its categorical customer columns (each
held by at least k customers); a question naming one becomes an equality
filter on that column, which counts then apply. Values are matched as whole
words (multi-word values as consecutive words; exact or same stem, never by
typo tolerance, so ordinary words are not mistaken for values), with a few
everyday synonyms for common gender values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nlp.chat.text import stem, tokenize

# Everyday words for the usual values of a gender column.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "female": ("women", "woman", "female", "females", "ladies"),
    "male": ("men", "man", "male", "males"),
    "f": ("women", "woman", "female", "females"),
    "m": ("men", "man", "male", "males"),
}
# Endings that turn a place into its people or its side ("londoners", "northern").
_PLACE_ENDINGS = ("er", "ers", "ern", "erner", "erners")
# Values too short or too common to be recognised as a category on their own.
_MIN_LETTERS = 3


@dataclass(frozen=True)
class CategoryTerm:
    """One value of a categorical customer column (``region`` = ``north``)."""

    column: str
    value: str

    def phrases(self) -> list[list[str]]:
        """The word sequences that name this value in a question."""
        words = tokenize(self.value.lower())
        found = [words] if words and len("".join(words)) >= _MIN_LETTERS else []
        found += [[w] for w in SYNONYMS.get(self.value.lower(), ())]
        if len(words) == 1 and words[0].isalpha() and len(words[0]) >= 4:
            # the people or the side of a place: "londoners", "northern", "southerners"
            found += [[words[0] + ending] for ending in _PLACE_ENDINGS]
        return found


def category_terms(categories: dict[str, Iterable[str]] | None) -> list[CategoryTerm]:
    """Terms for every (column, value) pair given."""
    return [
        CategoryTerm(str(column), str(value))
        for column, values in (categories or {}).items()
        for value in values
        if str(value).strip()
    ]


def find_categories(
    words: list[str], used: set[int], terms: list[CategoryTerm]
) -> list[tuple[range, CategoryTerm]]:
    """Spans of `words` (not yet used) naming a category value, longest first, no overlaps.

    A value of several columns at once (an ambiguous word) is not taken.
    """
    candidates: list[tuple[range, CategoryTerm]] = []
    for term in terms:
        for phrase in term.phrases():
            n = len(phrase)
            for start in range(len(words) - n + 1):
                span = range(start, start + n)
                if any(i in used for i in span):
                    continue
                if all(_same(words[i], phrase[k]) for k, i in enumerate(span)):
                    candidates.append((span, term))
    candidates.sort(key=lambda c: (-len(c[0]), c[0].start))
    taken: set[int] = set()
    chosen: list[tuple[range, CategoryTerm]] = []
    for span, term in candidates:
        if any(i in taken for i in span):
            continue
        rivals = {t.column for s, t in candidates if s == span}
        if len(rivals) > 1:
            continue
        chosen.append((span, term))
        taken.update(span)
    return sorted(chosen, key=lambda c: c[0].start)


def _same(word: str, value_word: str) -> bool:
    """Exact or the same stem (no typo tolerance here; a place's people are listed forms)."""
    return word == value_word or stem(word) == stem(value_word)
