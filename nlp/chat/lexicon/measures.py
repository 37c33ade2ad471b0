"""Measure words: the behavioural concepts people ask about and the column words they map
to (spend/revenue/money -> columns with those words), sentiment, size and document words.

Nothing here names a run's columns: a concept links to whichever of the run's columns
contain its column words.
"""

from __future__ import annotations

from dataclasses import dataclass


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


_RECENTLY = ("recently", "most recently", "least recently")


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
            **_terms("quiet quieter quietest time_since"),
            # "ordered most recently" is the lowest time since the last order
            **{
                f"{verb} {how}": -1 for verb in _GONE_VERBS for how in ("recently", "most recently")
            },
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
                "tenure seniority long-standing longstanding longest-standing joined how_long "
                "loyal loyalty been_with_us with_us_for with_us_the_longest with_us_longest "
                "been_customers been_a_customer been_customer customers_for customer_for "
                "with_us signed_up sign_up registered became_a_customer became_customers"
            ),
            **_terms(
                "newcomers newest new_customers joined_recently newbies newbie new_joiners "
                "new_starters",
                -1,
            ),
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
        "cancellations",
        frozenset(["cancellation", "cancellations", "cancelled", "canceled", "cancels"]),
        _terms("cancel cancels cancelled canceled cancelling canceling cancellation cancellations"),
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
            "coupon coupons discount discounts discounted promo promos voucher vouchers deal deals "
            "deal-driven deal-hunting bargain bargains promotion promotions promotional cashback "
            "price-driven price-sensitive price-conscious"
        ),
    ),
    MeasureConcept(
        "basket",
        frozenset(["basket", "baskets", "aov", "ticket"]),
        _terms(
            "basket baskets basket_size aov order_value average_order ticket_size per_order "
            "per_purchase per_transaction per_booking average_order_value"
        ),
    ),
    # A customer's lifetime value is a prediction of what they will be worth, not what they
    # spent: only a column of its own answers it ("clv_12m"), never spend.
    MeasureConcept(
        "lifetime_value",
        frozenset(["ltv", "clv", "cltv"]),
        _terms("ltv clv cltv lifetime_value customer_value customer_lifetime_value"),
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
            "valuable sales dollars pounds euros $ £ € "
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
            "app sessions session visits visit logins login log_in online browse browsing website "
            "opens opened app_usage logged_in logs_in log_ins signed_in signs_in"
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
            "frequency frequent transactions transaction bookings booking "
            "booked trips trip shop shopping travel travels nights stays"
        ),
    ),
    MeasureConcept(
        "subscriptions",
        frozenset(["subscription", "subscriptions", "autoship", "subscribed", "recurring"]),
        _terms(
            "subscription subscriptions subscribed subscriber subscribers subs autoship "
            "autoships auto-ship "
            "repeat_delivery repeat_deliveries recurring"
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
        "most_people how_big headcount head_count headcounts"
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
        "usage",
        "use",
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

#: Words of a bad opinion that are not in the sentiment terms.
BAD_WORDS = frozenset(["bad", "poor", "awful", "terrible", "worse", "worst", "negative"])

#: Mood words of a topic label made of opinions ("ok · bad · meh").
MOOD_WORDS = frozenset(["bad", "ok", "okay", "meh", "good", "great", "poor", "fine", "awful"])

#: Words asking for a statistic of a measure ("the average basket", "median spend").
STAT_WORDS: dict[str, str] = {
    "average": "mean",
    "avg": "mean",
    "mean": "mean",
    "averages": "mean",
    "median": "median",
    "typical": "median",
    "typically": "median",
}

#: Customer attributes people break customers down by, with the words that name them.
ATTRIBUTE_TERMS: dict[str, str] = {
    "age": "age",
    "ages": "age",
    "aged": "age",
    "age-band": "age",
    "older": "age",
    "younger": "age",
    "gender": "gender",
    "genders": "gender",
    "sex": "gender",
    "region": "region",
    "regions": "region",
    "regional": "region",
    "geography": "region",
    "geographic": "region",
    "geographical": "region",
    "location": "region",
    "locations": "region",
}

#: Words naming a gender group: two groups set against each other ("men and women") ask for a
#: breakdown by gender, whether or not the run holds it (then the answer says it does not).
GENDER_GROUPS: dict[str, str] = {
    **dict.fromkeys(["men", "man", "male", "males", "guys", "gents"], "male"),
    **dict.fromkeys(["women", "woman", "female", "females", "ladies"], "female"),
}

#: Words asking for a breakdown by an attribute ("split by region", "age profile").
BREAKDOWN_WORDS = frozenset(
    [
        "by",
        "per",
        "split",
        "splits",
        "breakdown",
        "break",
        "broken",
        "distribution",
        "profile",
        "mix",
        "across",
        "vary",
        "varies",
        "each",
        "band",
        "bands",
        "group",
        "groups",
        "bracket",
        "brackets",
    ]
)
