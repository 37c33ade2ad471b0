"""What the words after a capitalised first name say: a person, or a product named after one.

People in reviews do things ("Sophie helped", "Sophie was lovely", "Sophie rang me
back", "Sophie, the manager"); products named after people are things, followed by
what they are or how many ("Calvin Klein shirt", "Hugo Boss perfume 100ml",
"Uncle Ben's rice", "the Dr. Martens 1460"). Without a part-of-speech tagger, the
word after a name is told apart by its shape:

* a number or a quantity: a product;
* a stop word, a past tense ("-ed", or one of English's irregular pasts), an
  adverb ("-ly"), a participle ("-ing") or a contraction: a person's verb;
* an "-s" word: a verb ("Sophie knows") unless what follows makes it a plural
  subject ("... socks lost colour", "... cakes were squashed", "... heels 38");
* any other ordinary English word: a noun, so a product ("... polo", "... watch").

A possessive counts as the name's ("Ben's rice"); capitalised words of a product
line between name and noun are skipped ("Jim Beam Honey 1 L").
"""

from __future__ import annotations

import re

from nlp.redact.name_words import english_words, stop_words, word_set

__all__ = ["is_english", "is_english_form", "product_follows"]

# Simple past forms of English's irregular verbs (the forms that follow a subject).
_IRREGULAR_PAST = word_set(
    """
    arose awoke bore beat became began bent bet bit bled blew broke bred brought built
    burnt burst bought caught chose clung came cost crept cut dealt dug dove drew dreamt
    drank drove ate fell fed felt fought found fled flung flew forbade forgot forgave
    froze got gave went ground grew hung had heard hid hit held hurt kept knelt knew laid
    led leant leapt learnt left lent let lay lit lost made meant met paid put quit read
    rode rang rose ran said saw sought sold sent set shook shone shot showed shut sang
    sank sat slept slid spoke sped spent spilt spun spat split spread sprang stood stole
    stuck stung stank struck swore swept swam swung took taught tore told thought threw
    understood woke wore wove wept won wound wrote
    """
)
_AUXILIARIES = word_set(
    "is was are were has have had does did do will would can could shall should may might must"
)
_NUMBER = re.compile(r"[ \t]*[#№]?\d")
_POSSESSIVE = re.compile(r"['’]s?(?![^\W\d_])")
_PRODUCT_LINE_WORD = re.compile(r"[ \t]+[A-Z][\w'’-]*\.?(?=[ \t,.])")
_NEXT_WORD = re.compile(r"[ \t]+(?P<word>[a-z][a-z'’-]*)(?![\w'’-])")


def _is_verb_like(word: str) -> bool:
    return (
        word in _AUXILIARIES
        or word in _IRREGULAR_PAST
        or word.endswith(("ed", "ly", "ing"))
        or "'" in word
        or "’" in word
    )


def _is_noun(word: str) -> bool:
    """An ordinary English word that is no function word and not shaped like a verb, or
    a longer word no vocabulary holds ("handbag", "hoodie"): English verbs are in it, so
    such a word is a compound or borrowed noun (not a stretched "soooo")."""
    if len(word) < 3 or word in stop_words() or _is_verb_like(word):
        return False
    if word in english_words():
        return True
    return len(word) >= 5 and not is_english_form(word) and _STRETCHED.search(word) is None


_STRETCHED = re.compile(r"(.)\1\1")


def _subject_follows(text: str, position: int, depth: int = 0) -> bool:
    """Whether what follows an "-s" word makes it a plural subject rather than a verb."""
    if _NUMBER.match(text, position):
        return True
    nxt = _NEXT_WORD.match(text, position)
    if nxt is None:
        return False
    word = nxt["word"]
    if word in _AUXILIARIES or word in _IRREGULAR_PAST or word.endswith("ed"):
        return True
    # "sunglasses case arrived": a compound noun, then its verb.
    return depth == 0 and _is_noun(word) and _subject_follows(text, nxt.end(), depth + 1)


def product_follows(text: str, end: int, *, possessive_counts: bool = True) -> bool:
    """Whether the words after a name ending at ``end`` make it a product's name.

    Only for English text (see :func:`is_english`); ``possessive_counts=False``
    ignores what follows a possessive ("Dr. Ferreira's practice" is a person's).
    """
    position = end
    possessive = _POSSESSIVE.match(text, position)
    if possessive is not None:
        if not possessive_counts:
            return False
        position = possessive.end()
    skipped = 0
    for _ in range(3):
        line_word = _PRODUCT_LINE_WORD.match(text, position)
        if line_word is None:
            break
        if any(c.isdigit() for c in line_word.group()):
            return True  # a model code: "Levi's 501 W32"
        position = line_word.end()
        skipped += 1
    if possessive is not None and skipped:
        return True  # a possessive, then a product line: "X's Cookie Dough"
    if _NUMBER.match(text, position):
        return True
    nxt = _NEXT_WORD.match(text, position)
    if nxt is None:
        return False
    word = nxt["word"]
    if possessive is not None:  # what a possessive owns is a noun, known or not
        return len(word) >= 3 and word not in stop_words() and not _is_verb_like(word)
    if not _is_noun(word):
        return False
    if word.endswith("s") and not word.endswith("ss") and word in english_words():
        # "knows" or "boots": a plural before a comma or its own verb ("boots, they").
        return _CLAUSE_BREAK.match(text, nxt.end()) is not None or _subject_follows(text, nxt.end())
    return True


_CLAUSE_BREAK = re.compile(r"[ \t]*,")


_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]{2,}(?![\w'’-])")


def is_english(text: str) -> bool:
    """Whether two thirds of the lower-case words of ``text`` are English (word shapes say nothing
    about German or Spanish text, where "war" and "con" mean something else)."""
    words = _LOWER_WORD.findall(text)
    if not words:
        return True
    return sum(map(is_english_form, words)) * 3 >= len(words) * 2


def is_english_form(word: str) -> bool:
    """A vocabulary word, or one with an English inflection ("lumps", "dented")."""
    english = english_words()
    return word in english or any(
        word.endswith(ending) and word[: -len(ending)] in english
        for ending in ("s", "es", "ed", "d", "ing", "ly")
    )
