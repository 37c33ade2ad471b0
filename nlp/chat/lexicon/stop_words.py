"""Stop words: function words, question words and the chat's own verbs and nouns, never
part of an entity mention, skipped when leftover words are linked by meaning.

scikit-learn's English list, less the words of it the chat reads as content, plus
the chat's own words it lacks.
"""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words of scikit-learn's list that the chat reads as content.
_READ_AS_CONTENT = _words(
    # numbers, comparators and periods: "two", "above 500", "since March", "without ordering"
    "two three four five six eight nine ten eleven twelve fifteen twenty forty fifty sixty"
    " hundred above below beyond since during until before after without within through"
    " across never once"
    # words of the chat's own tables: measures, drivers, pronouns, changes to the data
    " amount per behind him move"
    # nouns and verbs that are topic keywords in customer feedback ("interest rates", "bill")
    " back bill call cry detail empty fill fire found front full interest keep made mill"
    " name part put serious side sincere system take thick thin whole go"
    # rare words that would take typo corrections from the chat's words ("waether")
    " whereas whether hers"
)

#: The chat's own stop words that scikit-learn's list lacks.
_CHAT_STOP_WORDS = _words(
    # segments and the people in them
    "segment segments segmentation cluster clusters group groups persona personas base"
    " tribe tribes cohort cohorts"
    " customer customers people person folks crowd everybody ones members member user users"
    " shoppers buyers clients"
    # asking about what they say and how they compare
    " say says said saying talk talks talked talking mention mentions mentioned mentioning"
    " discuss discusses discussed bring brings raise raises come comes care cares"
    " interested common like likes think thinks feel feels opinion opinions view views"
    " compare compared comparing versus vs differ differs difference differences different"
    " quote quotes quoting verbatim verbatims example examples comment comments review"
    " reviews feedback write wrote written"
    # rankings, runs and figures
    " rank ranked ranking order sort sorted highest lowest biggest largest smallest best"
    " worst greatest fewer second fourth fifth previous prior earlier latest run runs"
    " average mean total number count counts overall share percentage percent proportion"
    " fraction"
    # asking, greeting and filler words
    " tell explain list overview summary summarise summarize profile characterise"
    " characterize define defines look looks looking know want need let lets let's make"
    " makes did does doing having got just really instead currently today quick quickly"
    " frequently generally typically usually concerning regarding rest kind type thing way ways"
    " things stuff ok okay hi hello hey thanks thank ya yeah yes shall lookup pls plz thx ta"
    # contractions and stray punctuation the tokenizer keeps
    " it's what's whats who's how's there's here's they're them? most-"
)

STOP_WORDS = frozenset((ENGLISH_STOP_WORDS - _READ_AS_CONTENT) | _CHAT_STOP_WORDS)
