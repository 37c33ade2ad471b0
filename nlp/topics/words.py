"""The words of customer texts as topic modelling counts them.

Stop words, redaction placeholders and the phrase analyzer that turns a text
into unigrams and bigrams of adjacent content words.
"""

from __future__ import annotations

import functools
import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from nlp.prompts import split_prompt
from nlp.redact import PLACEHOLDERS

__all__ = ["STOP_WORDS", "PhraseAnalyzer", "answer_text", "without_placeholders"]

STOP_WORDS: frozenset[str] = frozenset(
    ENGLISH_STOP_WORDS
    | {
        # contractions once apostrophes are dropped ("didn't" -> "didnt")
        "arent", "cant", "couldnt", "didnt", "doesnt", "dont", "hadnt", "hasnt", "havent",
        "hed", "hes", "id", "ill", "im", "isnt", "itd", "itll", "ive", "lets", "shes",
        "shouldnt", "thats", "theres", "theyd", "theyll", "theyre", "theyve", "wasnt", "wed",
        "well", "werent", "weve", "whats", "wont", "wouldnt", "youd", "youll", "youre", "youve",
        "ain", "don", "didn", "doesn", "isn", "wasn", "ll", "ve", "re",
        # filler of reviews and social posts, greetings and sign-offs
        "actually", "btw", "gonna", "gotta", "honestly", "idk", "imo", "lie", "like", "literally",
        "lol", "ngl", "omg", "pls", "psa", "really", "tbh", "tho", "ur", "via", "wanna", "yeah",
        "cheers", "hello", "hey", "hi", "regards", "thank", "thanks",
        # the commonest function words of the other languages customers write in, so
        # that topics of such texts read by their content words ("calidad", "lieferung")
        "al", "como", "con", "del", "el", "es", "esta", "las", "lo", "los", "muy", "para",
        "pero", "por", "su", "una", "au", "aux", "avec", "ce", "du", "est", "et", "je", "la",
        "le", "les", "mon", "pas", "pour", "sans", "sur", "très", "une", "das", "dem", "den",
        "der", "ein", "eine", "ist", "mit", "nicht", "sehr", "und", "zu", "che", "della",
        "di", "gli", "il", "molto", "per",
        # what BERTopic writes for an empty document
        "emptydoc",
    }
)  # fmt: skip
"""Words that are never keywords: scikit-learn's English list plus contractions and filler."""

_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(PLACEHOLDERS) + r")\]")
_CLAUSE_BREAK = re.compile(r"[.!?;:,()\[\]{}\"“”…/|]+|\s[-–—]+\s")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_EDGE = "'’\"“”‘*_~`"
_APOSTROPHE = re.compile(r"['’]")


def without_placeholders(text: str) -> str:
    """``text`` with redaction placeholders (``[EMAIL]`` …) removed: they are not words."""
    return _PLACEHOLDER.sub(" ", text)


def answer_text(text: str) -> str:
    """What the customer wrote: the answer of a survey prompt, without placeholders.

    Documents stored with their prompt ("[What could we do better?] …") are
    read as the answer alone, so the question's words never make a topic.
    """
    return without_placeholders(split_prompt(text)[1])


class PhraseAnalyzer:
    """Unigrams and bigrams of adjacent content words, for a ``CountVectorizer``.

    Lower-cases, drops apostrophes (``didn't`` -> ``didnt``), keeps hyphenated
    words whole (``plastic-free``) and hashtags as single words; numbers, emoji
    and stop words are never words, and a bigram never spans a stop word,
    a number or a punctuation break, so "the page said delivered" gives
    ``page said`` but "delivered but it wasn't" gives no bigram.
    """

    def __init__(self, stop_words: frozenset[str] = STOP_WORDS):
        self.stop_words = frozenset(stop_words)

    def __call__(self, text: str) -> list[str]:
        """The unigrams and bigrams of ``text``, in order.

        A fit reads every document three times (vocabulary, presence, c-TF-IDF),
        so results are memoised per text and stop-word set.
        """
        return list(_phrases(text, self.stop_words))


@functools.lru_cache(maxsize=200_000)
def _phrases(text: str, stop_words: frozenset[str]) -> tuple[str, ...]:
    grams: list[str] = []
    for clause in _CLAUSE_BREAK.split(without_placeholders(text).lower()):
        previous: str | None = None
        for raw in clause.split():
            word = _word(raw, stop_words)
            if word is None:
                previous = None
                continue
            grams.append(word)
            if raw.startswith("#"):  # a hashtag is a word of its own, never half a phrase
                previous = None
                continue
            if previous is not None:
                grams.append(f"{previous} {word}")
            previous = word
    return tuple(grams)


def _word(raw: str, stop_words: frozenset[str]) -> str | None:
    token = raw.lstrip("#@").strip(_EDGE)
    if not _WORD.fullmatch(token):
        return None
    word = _APOSTROPHE.sub("", token)
    if len(word) < 2 or word in stop_words or token in stop_words:
        return None
    return word


def content_words(text: str, analyzer: PhraseAnalyzer | None = None) -> set[str]:
    """The distinct single content words of ``text`` (no stop words, numbers or placeholders)."""
    return {gram for gram in (analyzer or PhraseAnalyzer())(text) if " " not in gram}
