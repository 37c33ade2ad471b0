"""The chat's stop words: scikit-learn's English list adapted to what the chat reads."""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from nlp.chat.lexicon import NUMBER_WORDS, STOP_WORDS


def test_numbers_comparators_and_feedback_nouns_are_read_not_skipped():
    for word in ("two", "above", "below", "since", "without", "interest", "bill", "per"):
        assert word in ENGLISH_STOP_WORDS and word not in STOP_WORDS, word


def test_the_chats_own_nouns_and_verbs_are_stop_words():
    for word in ("segment", "customers", "compare", "rank", "verbatims", "hello"):
        assert word not in ENGLISH_STOP_WORDS and word in STOP_WORDS, word


def test_no_number_word_above_one_is_a_stop_word():
    assert not {w for w, n in NUMBER_WORDS.items() if n > 1} & STOP_WORDS
