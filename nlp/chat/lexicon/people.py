"""Words that name people and segments: "the eco people", "segment 3", pronouns, and
the generic words of segment names that say nothing about who the people are.
"""

from __future__ import annotations

#: Nouns that mark a segment mention ("the eco people", "bargain hunters").
PEOPLE_NOUNS = frozenset(
    [
        "people",
        "customers",
        "customer",
        "shoppers",
        "shopper",
        "buyers",
        "buyer",
        "users",
        "user",
        "folks",
        "crowd",
        "segment",
        "group",
        "cluster",
        "persona",
        "ones",
        "fans",
        "lovers",
        "types",
        "clients",
        "members",
        "guys",
        "families",
        "travellers",
        "travelers",
        "savers",
        "spenders",
        "hunters",
        "seekers",
    ]
)

PRONOUNS = frozenset(
    [
        "them",
        "they",
        "their",
        "theirs",
        "those",
        "these",
        "it",
        "its",
        "that",
        "this",
        "he",
        "she",
        "him",
        "her",
    ]
)

#: Words that name a segment by its number ("segment 3", "cluster #3").
SEGMENT_WORDS = frozenset(
    [
        "segment",
        "segments",
        "cluster",
        "clusters",
        "group",
        "groups",
        "persona",
        "personas",
        "seg",
        "#",
    ]
)

#: Words of segment names that say nothing about who the people are.
GENERIC_NAME_WORDS = frozenset(
    [
        "customers",
        "customer",
        "shoppers",
        "shopper",
        "people",
        "buyers",
        "buyer",
        "users",
        "user",
        "segment",
        "group",
        "the",
        "and",
        "of",
        "with",
        "minded",
        "who",
        "talking",
        "about",
        "clients",
        "members",
        "folks",
        "high",
        "low",
        "small",
        "mainstream",
        "fewer",
        "than",
        "a",
        "an",
        "in",
        "for",
        "to",
        "on",
    ]
)
