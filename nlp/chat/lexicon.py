"""The chat's own words: cue words and measure synonyms (exemplar questions are in
:mod:`nlp.chat.intents`). Nothing here names the demo's personas, topics or columns.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- words --------------------------------------------------------------------------------------

#: Function words, question words and the chat's own verbs: never part of an entity mention.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "about",
        "into",
        "over",
        "under",
        "than",
        "then",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "done",
        "have",
        "has",
        "had",
        "having",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "them",
        "they",
        "they're",
        "we",
        "our",
        "us",
        "you",
        "your",
        "i",
        "me",
        "my",
        "mine",
        "he",
        "she",
        "his",
        "her",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "why",
        "how",
        "when",
        "where",
        "whats",
        "what's",
        "who's",
        "how's",
        "if",
        "so",
        "not",
        "no",
        "yes",
        "any",
        "some",
        "all",
        "each",
        "every",
        "both",
        "either",
        "more",
        "most",
        "less",
        "least",
        "much",
        "many",
        "few",
        "fewer",
        "very",
        "really",
        "just",
        "also",
        "please",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "let",
        "lets",
        "let's",
        "tell",
        "show",
        "give",
        "me",
        "describe",
        "explain",
        "list",
        "compare",
        "compared",
        "comparing",
        "versus",
        "vs",
        "differ",
        "differs",
        "difference",
        "differences",
        "different",
        "between",
        "against",
        "like",
        "look",
        "looks",
        "looking",
        "find",
        "see",
        "know",
        "want",
        "need",
        "get",
        "got",
        "talk",
        "talks",
        "talking",
        "talked",
        "say",
        "says",
        "said",
        "saying",
        "mention",
        "mentions",
        "mentioned",
        "mentioning",
        "discuss",
        "discusses",
        "discussed",
        "bring",
        "brings",
        "raise",
        "raises",
        "come",
        "comes",
        "up",
        "down",
        "out",
        "other",
        "others",
        "rest",
        "everyone",
        "everybody",
        "anyone",
        "one",
        "ones",
        "thing",
        "things",
        "stuff",
        "kind",
        "sort",
        "type",
        "rank",
        "ranked",
        "ranking",
        "order",
        "sorted",
        "top",
        "bottom",
        "highest",
        "lowest",
        "biggest",
        "largest",
        "smallest",
        "best",
        "worst",
        "greatest",
        "second",
        "third",
        "fourth",
        "fifth",
        "first",
        "last",
        "next",
        "previous",
        "prior",
        "earlier",
        "latest",
        "run",
        "runs",
        "segmentation",
        "segment",
        "segments",
        "cluster",
        "clusters",
        "group",
        "groups",
        "persona",
        "personas",
        "customer",
        "customers",
        "people",
        "folks",
        "crowd",
        "person",
        "users",
        "user",
        "shoppers",
        "buyers",
        "clients",
        "members",
        "member",
        "base",
        "overall",
        "average",
        "mean",
        "total",
        "number",
        "count",
        "counts",
        "how's",
        "doing",
        "feel",
        "feels",
        "think",
        "thinks",
        "opinion",
        "opinions",
        "view",
        "views",
        "regarding",
        "concerning",
        "re",
        "around",
        "often",
        "frequently",
        "usually",
        "generally",
        "typically",
        "overview",
        "summary",
        "summarise",
        "summarize",
        "profile",
        "characterise",
        "characterize",
        "defines",
        "define",
        "like",
        "likes",
        "into",
        "say",
        "make",
        "makes",
        "does",
        "something",
        "anything",
        "okay",
        "ok",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "quick",
        "quickly",
        "now",
        "currently",
        "today",
        "same",
        "again",
        "instead",
        "too",
        "well",
        "only",
        "even",
        "still",
        "there's",
        "here",
        "here's",
        "them?",
        "ya",
        "yeah",
        "wrote",
        "write",
        "written",
        "quote",
        "quotes",
        "quoting",
        "verbatim",
        "verbatims",
        "example",
        "examples",
        "comment",
        "comments",
        "review",
        "reviews",
        "feedback",
        "care",
        "cares",
        "interested",
        "common",
        "biggest",
        "most-",
    ]
)

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

NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}

ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "ninth": 9,
    "9th": 9,
    "tenth": 10,
    "10th": 10,
    "runner-up": 2,
}

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

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
    ]
)
WRITE_VERBS = frozenset(
    [
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
    ]
)
HOW_MANY = ("how many", "number of", "count of", "count the", "how much of")

# --- measures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureConcept:
    """A behavioural concept: the column tokens it covers and the words people ask it with.

    ``terms`` map a word or phrase of a question to its polarity: +1 when "most <term>"
    means the highest values of the column, -1 when it means the lowest ("recent" on a
    recency column, "young" on age). ``fallbacks`` are concepts tried when the run has no
    column of this one.
    """

    name: str
    columns: frozenset[str]
    terms: dict[str, int]
    fallbacks: tuple[str, ...] = ()


#: Verbs of buying that "without", "not", "never", "since last" turn into recency.
_GONE_VERBS = [
    "ordering",
    "ordered",
    "order",
    "orders",
    "buying",
    "bought",
    "buy",
    "purchasing",
    "purchased",
    "purchase",
    "shopping",
    "shopped",
    "shop",
    "booking",
    "booked",
    "visiting",
    "visited",
    "visit",
    "transacting",
    "transaction",
    "transacted",
    "transact",
    "travelled",
    "traveled",
    "stayed",
    "renewed",
]


def _terms(words: str, polarity: int = 1) -> dict[str, int]:
    return {w.replace("_", " "): polarity for w in words.split()}


# Order matters: a column belongs to the first concept whose column tokens it contains, so
# specific subjects come before general ones ("avg_order_value" is a basket, not a spend).
CONCEPTS: tuple[MeasureConcept, ...] = (
    MeasureConcept(
        "recency",
        frozenset(
            ["recency", "since", "lapsed", "inactive", "dormant", "churn", "inactivity", "last"]
        ),
        {
            **_terms(
                "recency lapsed lapsing inactive dormant churn churned churning churners "
                "churn_risk "
                "days_since last_order last_purchase last_bought last_booking at_risk at-risk "
                "disengaged lost inactivity gone_quiet stopped_buying"
            ),
            **_terms("recent recently most_recent", -1),
            # gone without buying: "longest without ordering", "not ordered for 30 days"
            **{
                f"{lead} {verb}": 1
                for lead in ("without", "not", "never", "since last", "since their last")
                for verb in _GONE_VERBS
            },
        },
    ),
    MeasureConcept(
        "tenure",
        frozenset(["tenure", "seniority", "membership", "joined", "years_with"]),
        {
            **_terms(
                "tenure seniority long-standing longstanding joined how_long loyal loyalty longest "
                "with_us been_with_us"
            ),
            **_terms("newcomers newest", -1),
        },
        fallbacks=("orders",),
    ),
    MeasureConcept(
        "returns",
        frozenset(
            ["return", "returns", "returned", "refund", "refunds", "chargeback", "chargebacks"]
        ),
        _terms(
            "return returns returned returner returners refund refunds refunded send_back "
            "sent_back sends_back"
        ),
    ),
    MeasureConcept(
        "coupons",
        frozenset(
            [
                "coupon",
                "coupons",
                "discount",
                "discounts",
                "promo",
                "promos",
                "voucher",
                "vouchers",
                "deal",
                "deals",
                "promotion",
                "promotions",
                "cashback",
            ]
        ),
        _terms(
            "coupon coupons discount discounts promo promos voucher vouchers deal deals "
            "promotion promotions promotional cashback"
        ),
    ),
    MeasureConcept(
        "basket",
        frozenset(["basket", "baskets", "aov", "ticket"]),
        _terms(
            "basket baskets basket_size aov order_value average_order ticket_size per_order "
            "per_purchase per_transaction per_booking average_spend average_order_value"
        ),
    ),
    MeasureConcept(
        "spend",
        frozenset(
            [
                "spend",
                "spent",
                "spending",
                "monetary",
                "revenue",
                "value",
                "ltv",
                "clv",
                "sales",
                "amount",
            ]
        ),
        _terms(
            "spend spent spending spender spenders spends revenue money monetary value "
            "valuable ltv clv lifetime_value sales pay paid pays dollars pounds euros $ £ € "
            "expensive"
        ),
    ),
    MeasureConcept(
        "balance",
        frozenset(["balance", "balances", "savings", "deposit", "deposits", "assets", "aum"]),
        {
            **_terms("balance balances savings deposit deposits wealth wealthy rich assets"),
            **_terms("in_their_account in_the_account in_their_accounts in_the_bank saved_up"),
        },
        fallbacks=("spend",),
    ),
    MeasureConcept(
        "sessions",
        frozenset(
            ["sessions", "session", "visits", "visit", "logins", "login", "pageviews", "app", "web"]
        ),
        _terms(
            "app sessions session visits visit logins login log_in online browse browsing website"
        ),
    ),
    MeasureConcept(
        "orders",
        frozenset(
            [
                "orders",
                "order",
                "purchases",
                "purchase",
                "frequency",
                "transactions",
                "transaction",
                "bookings",
                "booking",
                "trips",
                "trip",
                "nights",
                "stays",
            ]
        ),
        _terms(
            "orders order ordered ordering purchases purchase purchased buy buys bought buying "
            "frequency frequent frequently often transactions transaction bookings booking "
            "booked trips trip times shop shopping travel travels nights stays"
        ),
    ),
    MeasureConcept(
        "activity",
        frozenset(["events", "activity", "interactions", "engagement"]),
        _terms("active activity engagement engaged interactions events"),
        fallbacks=("sessions",),
    ),
    MeasureConcept(
        "age",
        frozenset({"age"}),
        {**_terms("age old older oldest elderly"), **_terms("young younger youngest", -1)},
    ),
)

SENTIMENT_TERMS: dict[str, int] = {
    **_terms(
        "sentiment happy happiest happier satisfied satisfaction positive positivity love loves "
        "loved pleased delighted content praise praising enthusiastic mood tone favourable "
        "favorable glad"
    ),
    **_terms(
        "unhappy unhappiest dissatisfied unsatisfied dissatisfaction complain complains "
        "complaining complained complaint complaints negative negativity angry angriest annoyed "
        "upset frustrated frustration hate hates hated disappointed disappointment moan moaning "
        "grumpy critical unsatisfied miserable",
        -1,
    ),
}
SIZE_TERMS: dict[str, int] = {
    **_terms(
        "largest biggest size sizes populous big large most_customers most_members "
        "most_people how_big"
    ),
    **_terms("smallest tiniest fewest_customers fewest_members fewest_people"),
}
DOCUMENT_TERMS: dict[str, int] = _terms(
    "vocal talkative chatty most_reviews most_feedback most_comments write_the_most "
    "wrote_the_most most_documents most_posts most_surveys reviews_written documents"
)
SHARE_TERMS = ("share of", "proportion of", "percentage of", "percent of", "fraction of")

#: Tokens of a measure phrase that are not themselves a concept ("average", "rate").
MEASURE_FILLERS = frozenset(
    [
        "average",
        "avg",
        "mean",
        "median",
        "total",
        "number",
        "count",
        "rate",
        "ratio",
        "share",
        "percentage",
        "percent",
        "per",
        "days",
        "day",
        "months",
        "month",
        "weeks",
        "week",
        "years",
        "year",
        "12m",
        "30d",
        "90d",
        "level",
        "score",
        "amount",
        "value",
        "of",
        "the",
    ]
)

# --- words the interpreter reads structure with ------------------------------------------------

#: Prepositions that introduce what people talk about ("about delivery").
TOPIC_PREPS = frozenset(
    ["about", "on", "regarding", "concerning", "re", "around", "of", "with", "over", "for"]
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

#: Units of a period ("the last 6 months"), singular or plural, to their plural.
UNITS = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
    "quarter": "quarters",
    "quarters": "quarters",
}

#: Comparators written before a number ("more than 500"), longest phrases first.
COMPARATORS: tuple[tuple[str, str], ...] = (
    ("at least", ">="),
    ("no less than", ">="),
    ("minimum of", ">="),
    ("a minimum of", ">="),
    ("not less than", ">="),
    ("at most", "<="),
    ("no more than", "<="),
    ("not more than", "<="),
    ("maximum of", "<="),
    ("a maximum of", "<="),
    ("up to", "<="),
    ("more than", ">"),
    ("greater than", ">"),
    ("higher than", ">"),
    ("bigger than", ">"),
    ("larger than", ">"),
    ("older than", ">"),
    ("longer than", ">"),
    ("over", ">"),
    ("above", ">"),
    ("exceeding", ">"),
    ("exceeds", ">"),
    ("exceed", ">"),
    ("beyond", ">"),
    ("less than", "<"),
    ("fewer than", "<"),
    ("lower than", "<"),
    ("smaller than", "<"),
    ("younger than", "<"),
    ("shorter than", "<"),
    ("under", "<"),
    ("below", "<"),
    ("exactly", "="),
    ("equal to", "="),
    ("equals", "="),
    (">=", ">="),
    ("<=", "<="),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
)

#: Comparators written after a number ("500 or more").
TRAILING_COMPARATORS = (
    ("or more", ">="),
    ("and above", ">="),
    ("or above", ">="),
    ("and over", ">="),
    ("or over", ">="),
    ("plus", ">="),
    ("+", ">="),
    ("or less", "<="),
    ("or fewer", "<="),
    ("and below", "<="),
    ("or under", "<="),
    ("or below", "<="),
)

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

#: Phrases asking for a ranking.
RANK_PHRASES = ("rank", "ranking", "sort", "sorted", "order by")

#: Words of "by how much they talk about X": a ranking by a topic, not a measure.
TALK_WORDS = frozenset(
    ["how", "much", "often", "talk", "talks", "mention", "mentions", "discuss", "about", "share"]
)

#: Forms of "change" that are never an entity mention.
CHANGE_FORMS = frozenset(["changed", "changing", "change", "changes", "shifted", "moved"])

#: Words of a bad opinion that are not in the sentiment terms.
BAD_WORDS = frozenset(["bad", "poor", "awful", "terrible", "worse", "worst", "negative"])

#: Mood words of a topic label made of opinions ("ok · bad · meh").
MOOD_WORDS = frozenset(["bad", "ok", "okay", "meh", "good", "great", "poor", "fine", "awful"])
