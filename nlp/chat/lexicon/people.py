"""Words that name people and segments: "the eco people", "segment 3", pronouns, and
the generic words of segment names that say nothing about who the people are.
"""

from __future__ import annotations

#: Nouns that mark a segment mention ("the eco people", "bargain hunters").
PEOPLE_NOUNS = frozenset(
    [
        "people",
        "ppl",
        "custs",
        "cust",
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
        "tribe",
        "cohort",
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
        # collective nouns for a band of people ("the Night Owl Crew")
        "crew",
        "crews",
        "squad",
        "squads",
        "gang",
        "brigade",
        "clan",
        "posse",
        "bunch",
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
        "tribe",
        "tribes",
        "cohort",
        "cohorts",
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

#: Nouns for a group of customers the segmentation found ("how many tribes", "cohort").
GROUP_NOUNS = frozenset(
    [
        "segment",
        "segments",
        "cluster",
        "clusters",
        "group",
        "groups",
        "persona",
        "personas",
        "tribe",
        "tribes",
        "cohort",
        "cohorts",
        "archetype",
        "archetypes",
        "bucket",
        "buckets",
        "audience",
        "audiences",
    ]
)

#: Nouns that count groups when they are "of customer": "types of customer", "kinds of shopper".
KIND_NOUNS = frozenset(
    ["type", "types", "kind", "kinds", "sort", "sorts", "category", "categories"]
)

#: Words that only qualify the noun counted: "how many different customer segments".
COUNT_MODIFIERS = frozenset(
    [
        "different",
        "distinct",
        "separate",
        "unique",
        "main",
        "customer",
        "client",
        "shopper",
        "buyer",
        "user",
        "member",
        "of",
        "our",
        "the",
        "these",
        "those",
        "such",
        "total",
        "in",
        "all",
    ]
)

#: Words that ask for a share of a whole ("what share", "which proportion", "what %").
SHARE_WORDS = frozenset(
    ["share", "percentage", "percent", "proportion", "fraction", "portion", "%", "pct"]
)

#: Nouns for the whole a share is of: "of our customers", "of the base".
BASE_NOUNS = frozenset(
    [
        "customers",
        "clients",
        "shoppers",
        "buyers",
        "users",
        "members",
        "people",
        "base",
        "everyone",
        "everybody",
        "population",
        "total",
        "run",
        "them",
        "all",
    ]
)

#: Verbs that ask for a list of individual customers ("list the customers in X").
LIST_VERBS = frozenset(["list", "show", "give", "export", "name", "pull", "send", "get"])

#: Nouns for individual customers in a list ("the customers", "their ids").
MEMBER_NOUNS = frozenset(
    [
        "customers",
        "members",
        "clients",
        "people",
        "ids",
        "pseudonyms",
        "shoppers",
        "buyers",
        "users",
    ]
)
