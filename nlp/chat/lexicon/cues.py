"""Cue words: what a question's words say about what it asks (a ranking, a comparison,
a trend, an earlier run, quotes, drivers of negative sentiment, a change to the data,
something out of scope) and how a follow-up starts.
"""

from __future__ import annotations

# Words that say "the top" or "the bottom" of an ordering.
MOST_WORDS = frozenset(
    [
        "most",
        "highest",
        "biggest",
        "largest",
        "top",
        "best",
        "greatest",
        "max",
        "maximum",
        "more",
        "higher",
        "bigger",
        "larger",
        "heaviest",
        "strongest",
        "longest",
        "longer",
    ]
)

LEAST_WORDS = frozenset(
    [
        "least",
        "shortest",
        "lowest",
        "smallest",
        "fewest",
        "bottom",
        "worst",
        "min",
        "minimum",
        "less",
        "lower",
        "smaller",
        "fewer",
        "weakest",
        "lightest",
    ]
)

#: Phrases asking for a ranking.
RANK_PHRASES = ("rank", "ranking", "sort", "sorted", "order by")

COMPARE_WORDS = frozenset(
    [
        "differ",
        "differs",
        "differ?",
        "difference",
        "differences",
        "different",
        "compare",
        "compared",
        "comparing",
        "comparison",
        "versus",
        "vs",
        "vs.",
        "contrast",
        "contrasted",
        "similar",
        "similarities",
        "distinguish",
        "separates",
        "separate",
    ]
)

TREND_PHRASES = (
    "over time",
    "trend",
    "trending",
    "trends",
    "per month",
    "monthly",
    "each month",
    "every month",
    "month by month",
    "by month",
    "per week",
    "weekly",
    "each week",
    "evolution",
    "evolve",
    "evolved",
    "increasing",
    "decreasing",
    "growing",
    "shrinking",
    "rising",
    "falling",
    "going up",
    "going down",
    "getting worse",
    "getting better",
    "timeline",
    "over the last",
    "over the past",
    "in the last",
    "in the past",
    "lately",
    "history",
    "historical",
    "through time",
    "across months",
    "month on month",
    "month-on-month",
    "seasonal",
    "seasonality",
    "when did",
    "spike",
    "spiked",
    "peak",
    "peaked",
    "develop",
    "developed",
    "developing",
    "development",
    "over the year",
    "over the months",
    "during the year",
    "across the year",
    "through the year",
    "month after month",
    "year on year",
)

RUN_PHRASES = (
    "last run",
    "previous run",
    "prior run",
    "earlier run",
    "since last time",
    "last time",
    "previous segmentation",
    "last segmentation",
    "prior segmentation",
    "earlier segmentation",
    "between runs",
    "between the runs",
    "two runs",
    "run before",
    "last one",
    "the previous one",
    "old run",
    "older run",
    "re-run",
    "rerun",
    "last analysis",
    "previous analysis",
)

CHANGE_WORDS = frozenset(
    [
        "change",
        "changed",
        "changes",
        "changing",
        "shift",
        "shifted",
        "shifts",
        "new",
        "appeared",
        "disappeared",
        "vanished",
        "moved",
        "different",
        "differ",
        "difference",
        "evolved",
    ]
)

#: Forms of "change" that are never an entity mention.
CHANGE_FORMS = frozenset(["changed", "changing", "change", "changes", "shifted", "moved"])

QUOTE_WORDS = frozenset(
    [
        "quote",
        "quotes",
        "quoted",
        "verbatim",
        "verbatims",
        "example",
        "examples",
        "excerpt",
        "excerpts",
        "comment",
        "comments",
        "wrote",
        "written",
        "testimonials",
        "snippets",
    ]
)

SAY_WORDS = frozenset(
    ["say", "says", "said", "saying", "think", "thinks", "feel", "feels", "opinion", "opinions"]
)

TOPIC_VERBS = frozenset(
    [
        "talk",
        "talks",
        "talking",
        "talked",
        "mention",
        "mentions",
        "mentioned",
        "mentioning",
        "discuss",
        "discusses",
        "discussed",
        "discussing",
        "bring",
        "brings",
        "raise",
        "raises",
        "raised",
        "care",
        "cares",
        "interested",
        "comes",
        "come",
        "common",
        "popular",
        "frequent",
    ]
)

#: Prepositions that introduce what people talk about ("about delivery").
TOPIC_PREPS = frozenset(
    ["about", "on", "regarding", "concerning", "re", "around", "of", "with", "over", "for"]
)

#: Words of "by how much they talk about X": a ranking by a topic, not a measure.
TALK_WORDS = frozenset(
    ["how", "much", "often", "talk", "talks", "mention", "mentions", "discuss", "about", "share"]
)

DRIVER_WORDS = frozenset(
    [
        "behind",
        "driving",
        "drivers",
        "driver",
        "drive",
        "drives",
        "cause",
        "causes",
        "causing",
        "caused",
        "why",
        "reason",
        "reasons",
        "pain",
        "points",
        "problems",
        "problem",
        "issues",
        "issue",
        "frustrates",
        "frustrating",
        "bothers",
        "bother",
        "upsets",
        "wrong",
        "complaints",
        "complaint",
        "complain",
        "complaining",
        "complains",
        "moan",
        "moans",
        "moaning",
        "gripe",
        "gripes",
        "grumble",
        "grumbles",
        "whinge",
        "whinging",
    ]
)

WRITE_VERBS = frozenset(
    [
        "draft",
        "compose",
        "delete",
        "remove",
        "erase",
        "rename",
        "update",
        "modify",
        "edit",
        "send",
        "email",
        "drop",
        "create",
        "add",
        "insert",
        "merge",
        "split",
        "purge",
        "wipe",
        "change",
        "assign",
        "move",
        "export",
        "download",
        "reset",
        # errands in the world ("can you book ...", "please cancel ...")
        "book",
        "schedule",
        "reserve",
        "cancel",
        "refund",
        "remind",
        "arrange",
        "phone",
        "buy",
        "purchase",
        "pay",
        "publish",
        "tweet",
        "notify",
    ]
)

OFF_TOPIC_WORDS = frozenset(
    [
        "weather",
        "poem",
        "poems",
        "joke",
        "jokes",
        "stock",
        "stocks",
        "share-price",
        "password",
        "passwords",
        "league",
        "election",
        "elections",
        "recipe",
        "recipes",
        "cook",
        "cooking",
        "football",
        "soccer",
        "capital",
        "translate",
        "translation",
        "song",
        "lyrics",
        "horoscope",
        "bitcoin",
        "crypto",
        "movie",
        "movies",
        "film",
        "meaning",
        "president",
        # forecasts: the chat reports what the data holds, it does not predict
        "predict",
        "predicts",
        "prediction",
        "predictions",
        "forecast",
        "forecasts",
        "forecasting",
        "projection",
        "projections",
    ]
)

HOW_MANY = ("how many", "number of", "num of", "nr of", "count of", "count the", "how much of")

#: How a follow-up question starts ("and the second?", "what about X?").
FOLLOWUP_STARTS = (
    "and ",
    "what about",
    "how about",
    "same for",
    "and for",
    "ok and",
    "now ",
    "then ",
    "what of",
    "also ",
    "ok, ",
    "and what",
    "and how",
    "and which",
    "and who",
    "but ",
)
