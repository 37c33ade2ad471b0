"""The chat's own words, by subject: stop words (scikit-learn's list adapted to the chat),
numbers and comparators (:mod:`.quantities`), people and segment nouns (:mod:`.people`),
cue words (:mod:`.cues`) and measure synonyms (:mod:`.measures`). Exemplar questions per
intent are in :mod:`nlp.chat.intents`. Nothing here names a run's personas, topics or
columns.
"""

from __future__ import annotations

from nlp.chat.lexicon.cues import (
    CHANGE_FORMS,
    CHANGE_WORDS,
    COMPARE_WORDS,
    DRIVER_WORDS,
    FOLLOWUP_STARTS,
    HOW_MANY,
    LEAST_WORDS,
    MOST_WORDS,
    OFF_TOPIC_WORDS,
    QUOTE_WORDS,
    RANK_PHRASES,
    RUN_PHRASES,
    SAY_WORDS,
    TALK_WORDS,
    TOPIC_PREPS,
    TOPIC_VERBS,
    TREND_PHRASES,
    WRITE_VERBS,
)
from nlp.chat.lexicon.measures import (
    BAD_WORDS,
    CONCEPTS,
    DOCUMENT_TERMS,
    MEASURE_FILLERS,
    MOOD_WORDS,
    SENTIMENT_TERMS,
    SHARE_TERMS,
    SIZE_TERMS,
    MeasureConcept,
)
from nlp.chat.lexicon.people import (
    GENERIC_NAME_WORDS,
    PEOPLE_NOUNS,
    PRONOUNS,
    SEGMENT_WORDS,
)
from nlp.chat.lexicon.quantities import (
    COMPARATORS,
    MONTHS,
    NUMBER_WORDS,
    ORDINALS,
    TRAILING_COMPARATORS,
    UNITS,
)
from nlp.chat.lexicon.stop_words import (
    STOP_WORDS,
)

__all__ = [
    "BAD_WORDS",
    "CHANGE_FORMS",
    "CHANGE_WORDS",
    "COMPARATORS",
    "COMPARE_WORDS",
    "CONCEPTS",
    "DOCUMENT_TERMS",
    "DRIVER_WORDS",
    "FOLLOWUP_STARTS",
    "GENERIC_NAME_WORDS",
    "HOW_MANY",
    "LEAST_WORDS",
    "MEASURE_FILLERS",
    "MONTHS",
    "MOOD_WORDS",
    "MOST_WORDS",
    "MeasureConcept",
    "NUMBER_WORDS",
    "OFF_TOPIC_WORDS",
    "ORDINALS",
    "PEOPLE_NOUNS",
    "PRONOUNS",
    "QUOTE_WORDS",
    "RANK_PHRASES",
    "RUN_PHRASES",
    "SAY_WORDS",
    "SEGMENT_WORDS",
    "SENTIMENT_TERMS",
    "SHARE_TERMS",
    "SIZE_TERMS",
    "STOP_WORDS",
    "TALK_WORDS",
    "TOPIC_PREPS",
    "TOPIC_VERBS",
    "TRAILING_COMPARATORS",
    "TREND_PHRASES",
    "UNITS",
    "WRITE_VERBS",
]
