"""Questions with their expected reading, over the hand-built vocabularies of ``vocabs.py``.

Each case: (vocabulary, question, expected fields). ``after`` is a previous question
(and the segments its answer named) for follow-ups. Expected fields left out are not checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@dataclass(frozen=True)
class Case:
    """One question and what the interpreter should read in it."""

    vocab: str
    question: str
    intent: str
    expect: dict[str, Any] = field(default_factory=dict)
    after: str | None = None
    result_segments: tuple[int, ...] = ()


def C(
    vocab: str,
    question: str,
    intent: str,
    after: str | None = None,  # noqa: N802
    result: tuple[int, ...] = (),
    **expect: Any,
) -> Case:
    """Shorthand for a :class:`Case`."""
    return Case(vocab, question, intent, expect, after, result)


CASES: list[Case] = [
    # overview
    C("bank", "give me an overview of the segments", "overview"),
    C("travel", "how many segments are there?", "overview"),
    C("grocery", "what customer groups did you find", "overview"),
    C("bank", "summarise the segmentation", "overview"),
    C("travel", "list all personas with their sizes", "overview"),
    C("grocery", "how many clusters do we have and how big are they", "overview"),
    # describe a segment
    C("bank", "tell me about the mobile people", "describe_segment", segments=[0]),
    C("bank", "describe segment 3", "describe_segment", segments=[3]),
    C("travel", "who are the cruise lovers?", "describe_segment", segments=[2]),
    C("travel", "what are the beach crowd like", "describe_segment", segments=[0]),
    C("grocery", "tell me about cluster two", "describe_segment", segments=[2]),
    C("grocery", "describe the organic shoppers", "describe_segment", segments=[0]),
    C("grocery", "who are the deal hunters?", "describe_segment", segments=[1]),
    C("bank", "what do we know about #4", "describe_segment", segments=[4]),
    C("travel", "describe the hikers", "describe_segment", segments=[4]),
    C("bank", "tell me about the morgage segment", "describe_segment", segments=[1]),
    # rank segments
    C(
        "bank",
        "which segment spends the most on their card?",
        "rank_segments",
        measure="card_spend_12m",
        order="desc",
    ),
    C("bank", "which segment is the happiest", "rank_segments", measure="sentiment", order="desc"),
    C(
        "bank",
        "which segments complain most about fees",
        "rank_segments",
        measure="sentiment",
        order="asc",
        topics=[2],
    ),
    C("bank", "what's the second largest segment", "rank_segments", measure="size", position=2),
    C("travel", "which segment books the most trips", "rank_segments", measure="bookings_12m"),
    C("travel", "who are our most valuable customers", "rank_segments", measure="booking_value"),
    C(
        "travel",
        "which group is least satisfied",
        "rank_segments",
        measure="sentiment",
        order="asc",
    ),
    C(
        "travel",
        "which segment is most likely to churn",
        "rank_segments",
        measure="days_since_last_booking",
        order="desc",
    ),
    C("grocery", "rank the segments by total spend", "rank_segments", measure="total_spend"),
    C(
        "grocery",
        "which segment uses coupons the most",
        "rank_segments",
        measure="coupon_redemptions",
        order="desc",
    ),
    C("grocery", "what is the smallest segment", "rank_segments", measure="size", order="asc"),
    C(
        "grocery",
        "which segment has the biggest baskets",
        "rank_segments",
        measure="avg_basket_value",
    ),
    C("bank", "which segmnet is the hapiest", "rank_segments", measure="sentiment"),
    C("travel", "which customers are the youngest", "rank_segments", measure="age", order="asc"),
    # compare
    C(
        "bank",
        "how do the mortgage people differ from the savers",
        "compare_segments",
        segments=[1, 4],
    ),
    C("travel", "compare segment 0 and segment 2", "compare_segments", segments=[0, 2]),
    C("travel", "beach families vs city breakers", "compare_segments", segments=[0, 1]),
    C(
        "grocery",
        "what's the difference between the organic shoppers and the coupon users",
        "compare_segments",
        segments=[0, 1],
    ),
    C("grocery", "contrast clusters 2 and 3", "compare_segments", segments=[2, 3]),
    C(
        "bank",
        "how are the branch customers different from the app users",
        "compare_segments",
        segments=[2, 0],
    ),
    # segment topic
    C(
        "bank",
        "what do branch customers say about staff",
        "segment_topic",
        segments=[2],
        topics=[3],
    ),
    C(
        "travel",
        "how do the cruise people feel about the price",
        "segment_topic",
        segments=[2],
        topics=[6],
    ),
    C(
        "grocery",
        "what do the organic shoppers think of delivery",
        "segment_topic",
        segments=[0],
        topics=[2],
    ),
    C("travel", "what does segment 0 say about flights", "segment_topic", segments=[0], topics=[5]),
    C(
        "bank",
        "what are the savers saying about interest rates",
        "segment_topic",
        segments=[4],
        topics=[5],
    ),
    # topic where
    C("bank", "where does the app come up most", "topic_where", topics=[0]),
    C("travel", "which segment talks most about luggage", "topic_where", topics=[5]),
    C("grocery", "who mentions delivery slots the most", "topic_where", topics=[2]),
    C("grocery", "which customers care most about plastic packaging", "topic_where", topics=[0]),
    C("bank", "which group brings up branch closures", "topic_where", topics=[3]),
    # negative drivers
    C(
        "bank",
        "what is driving negative sentiment in the fraud segment",
        "negative_drivers",
        segments=[3],
    ),
    C("travel", "why are the refund people unhappy", "negative_drivers", segments=[3]),
    C("grocery", "what do the lapsed customers complain about", "negative_drivers", segments=[3]),
    C("travel", "what are the main pain points of segment 1", "negative_drivers", segments=[1]),
    C("grocery", "what are customers complaining about", "negative_drivers"),
    # count filter
    C(
        "bank",
        "how many customers in segment 1 have a balance over 5,000",
        "count_filter",
        segments=[1],
        filters=[("balance_gbp", ">", 5000.0)],
    ),
    C(
        "travel",
        "how many customers booked at least 3 trips",
        "count_filter",
        filters=[("bookings_12m", ">=", 3.0)],
    ),
    C(
        "grocery",
        "how many of the organic shoppers spent more than $1,000",
        "count_filter",
        segments=[0],
        filters=[("total_spend", ">", 1000.0)],
    ),
    C(
        "grocery",
        "number of customers with a return share under 20%",
        "count_filter",
        filters=[("return_share", "<", 0.2)],
    ),
    C(
        "travel",
        "how many cruise customers are older than 60",
        "count_filter",
        segments=[2],
        filters=[("age", ">", 60.0)],
    ),
    C(
        "bank",
        "count customers with 3 or more products",
        "count_filter",
        filters=[("products_held", ">=", 3.0)],
    ),
    # topic trend
    C("bank", "how has talk about mortgages changed over time", "topic_trend", topics=[1]),
    C("travel", "is flight delay chatter trending up", "topic_trend", first_topic=5),
    C("grocery", "monthly volume of delivery complaints", "topic_trend", topics=[2]),
    C(
        "bank",
        "sentiment about fees over the last 6 months",
        "topic_trend",
        topics=[2],
        measure="sentiment",
    ),
    C("travel", "are complaints about refunds increasing", "topic_trend", topics=[3]),
    # run change
    C("bank", "what changed since the last run", "run_change"),
    C("travel", "how do the segments differ from the previous run", "run_change"),
    C("grocery", "which segments are new compared with the last segmentation", "run_change"),
    C("bank", "compare this run with the previous one", "run_change"),
    C("travel", "did anything shift since last time", "run_change"),
    # customer
    C("bank", f"why is customer {HEX} in their segment", "customer_why", customer=HEX),
    C("travel", f"which segment is {HEX} in?", "customer_why", customer=HEX),
    C("grocery", f"explain customer {HEX.upper()}", "customer_why", customer=HEX),
    C("bank", f"tell me about {HEX}", "customer_why", customer=HEX),
    C("travel", f"where does customer {HEX} belong and why", "customer_why", customer=HEX),
    # quotes
    C("bank", "show me quotes about overdraft fees", "show_quotes", topics=[2]),
    C("travel", "give me some examples of what the hikers wrote", "show_quotes", segments=[4]),
    C("grocery", "any verbatims from segment 3?", "show_quotes", segments=[3]),
    C("bank", "let me read some comments from the fraud victims", "show_quotes", segments=[3]),
    C("travel", "show me customer quotes on cancellations", "show_quotes", topics=[3]),
    # follow-ups
    C(
        "bank",
        "and the smallest?",
        "rank_segments",
        after="which segment is the largest",
        measure="size",
        order="asc",
    ),
    C(
        "bank",
        "and the second largest?",
        "rank_segments",
        after="which segment is the biggest",
        measure="size",
        position=2,
    ),
    C(
        "travel",
        "what about them on price?",
        "segment_topic",
        after="describe the cruise people",
        segments=[2],
        topics=[6],
    ),
    C("travel", "show me quotes", "show_quotes", after="describe the cruise people", segments=[2]),
    C(
        "grocery",
        "what do they complain about?",
        "negative_drivers",
        after="which segment is the unhappiest",
        result=(3, 1),
        segments=[3],
    ),
    C(
        "grocery",
        "and about delivery?",
        "segment_topic",
        after="what do the organic shoppers say about price",
        segments=[0],
        topics=[2],
    ),
    C(
        "bank",
        "and for the savers?",
        "describe_segment",
        after="tell me about the mortgage people",
        segments=[4],
    ),
    C(
        "travel",
        "how many of them are older than 50",
        "count_filter",
        after="tell me about the beach people",
        segments=[0],
        filters=[("age", ">", 50.0)],
    ),
    C(
        "grocery",
        "and the least?",
        "rank_segments",
        after="which segment spends the most",
        measure="total_spend",
        order="asc",
    ),
    C(
        "bank",
        "compare them",
        "compare_segments",
        after="which segments spend the most",
        result=(1, 0),
        segments=[1, 0],
    ),
    # declines
    C("bank", "what's the weather tomorrow", "unsupported"),
    C("travel", "write me a poem about holidays", "unsupported"),
    C("grocery", "who will win the election?", "unsupported"),
    C("bank", "what is the stock price of apple", "unsupported"),
    C("travel", f"delete customer {HEX}", "unsupported"),
    C("grocery", "tell me a joke", "unsupported"),
    C("bank", "which segment has the highest average shoe size", "rank_segments", declined=True),
    C("travel", "tell me about the astronauts", "describe_segment", declined=True),
    C("grocery", "which segment has the most pets", "rank_segments", declined=True),
    C("bank", "what do the astronauts say about fees", "segment_topic", declined=True),
]

# Written after the interpreter was tuned on CASES and not tuned on: an honest figure.
HELD_OUT: list[Case] = [
    C("travel", "what segments exist?", "overview"),
    C("bank", "break our customers down for me", "overview"),
    C("grocery", "what are the personas in this run", "overview"),
    C("travel", "who are the city folks?", "describe_segment", segments=[1]),
    C("bank", "profile of segment #2 please", "describe_segment", segments=[2]),
    C("grocery", "what characterises the freshness complainers", "describe_segment", segments=[3]),
    C("travel", "give me the lowdown on the adventure crowd", "describe_segment", segments=[4]),
    C(
        "bank",
        "which segment holds the most money in their account",
        "rank_segments",
        measure="balance_gbp",
    ),
    C(
        "travel",
        "which segment is the grumpiest",
        "rank_segments",
        measure="sentiment",
        order="asc",
    ),
    C(
        "grocery",
        "which cluster orders most often each week",
        "rank_segments",
        measure="weekly_orders",
    ),
    C("bank", "who has been with us the longest", "rank_segments", measure="tenure_years"),
    C("travel", "third biggest segment?", "rank_segments", measure="size", position=3),
    C(
        "grocery",
        "which group is most negative about checkout queues",
        "rank_segments",
        measure="sentiment",
        order="asc",
        topics=[4],
    ),
    C(
        "bank",
        "which customers log into the app the most",
        "rank_segments",
        measure="app_logins_30d",
    ),
    C("travel", "cruise people versus hikers", "compare_segments", segments=[2, 4]),
    C("grocery", "how similar are segment 0 and segment 3", "compare_segments", segments=[0, 3]),
    C("bank", "set the savers against the mortgage holders", "compare_segments", segments=[4, 1]),
    C(
        "travel",
        "how do beach holidaymakers feel about kids clubs",
        "segment_topic",
        segments=[0],
        first_topic=0,
    ),
    C(
        "grocery",
        "what's the view of the coupon users on prices",
        "segment_topic",
        segments=[1],
        topics=[1],
    ),
    C(
        "bank",
        "what do the fraud victims think about blocked cards",
        "segment_topic",
        segments=[3],
        topics=[4],
    ),
    C("travel", "who talks about museums the most", "topic_where", topics=[1]),
    C("grocery", "in which segment do rude staff come up most", "topic_where", topics=[5]),
    C("bank", "which segments discuss overdraft charges", "topic_where", topics=[2]),
    C(
        "travel",
        "what's behind the bad reviews from cruise customers",
        "negative_drivers",
        segments=[2],
    ),
    C("grocery", "why are the delivery shoppers frustrated", "negative_drivers", segments=[2]),
    C(
        "bank",
        "what are the biggest problems for the branch crowd",
        "negative_drivers",
        segments=[2],
    ),
    C(
        "grocery",
        "how many shoppers spend above 2000 in total",
        "count_filter",
        filters=[("total_spend", ">", 2000.0)],
    ),
    C(
        "travel",
        "how many customers have a cancellation rate above 10%",
        "count_filter",
        filters=[("cancellation_rate", ">", 0.1)],
    ),
    C(
        "bank",
        "how many mortgage customers have been with us at least 5 years",
        "count_filter",
        segments=[1],
        filters=[("tenure_years", ">=", 5.0)],
    ),
    C("grocery", "has talk about vouchers grown month on month", "topic_trend", topics=[1]),
    C("travel", "show me the trend for luggage complaints", "topic_trend", topics=[5]),
    C("bank", "how has app sentiment evolved over the past year", "topic_trend", topics=[0]),
    C("grocery", "what's different compared with the previous run", "run_change"),
    C("travel", "which segments disappeared since the last segmentation", "run_change"),
    C("bank", f"what segment is customer {HEX} part of", "customer_why", customer=HEX),
    C("grocery", f"why was {HEX} placed in that segment", "customer_why", customer=HEX),
    C("travel", "quotes from the city crowd please", "show_quotes", segments=[1]),
    C("bank", "show some verbatims about branch closures", "show_quotes", topics=[3]),
    C(
        "travel",
        "and the runner-up?",
        "rank_segments",
        after="which segment spends the most",
        measure="booking_value",
        position=2,
    ),
    C(
        "bank",
        "what about fees?",
        "segment_topic",
        after="what do the savers say about interest",
        segments=[4],
        topics=[2],
    ),
    C(
        "grocery",
        "show me what they wrote",
        "show_quotes",
        after="describe the lapsed customers",
        segments=[3],
    ),
    # full persona names, with typos (linked before "big" can read as size)
    C(
        "bank",
        "Who exactly are the Mortgage-minded big spenders?",
        "describe_segment",
        segments=[1],
    ),
    C(
        "grocery",
        "give me the rundown on Lapsed customers talking about freshnes",
        "describe_segment",
        segments=[3],
    ),
    C("travel", "what are the Cruse-minded big spenders like", "describe_segment", segments=[2]),
    C("grocery", "describe Organic-minded big-baskit shoppers", "describe_segment", segments=[0]),
    # a segment named by what it talks about
    C(
        "travel",
        "describe the group that keeps talking about museums",
        "describe_segment",
        segments=[1],
    ),
    C(
        "bank",
        "tell me about the people who write about remortgages",
        "describe_segment",
        segments=[1],
    ),
    # recency: "without", "haven't ... for N days"
    C(
        "travel",
        "which segment has gone longest without booking",
        "rank_segments",
        measure="days_since_last_booking",
        order="desc",
    ),
    C(
        "grocery",
        "how many shoppers haven't shopped for more than 30 days",
        "count_filter",
        filters=[("days_since_last_shop", ">", 30.0)],
    ),
    # a topic named by a later (multi-word) keyword
    C(
        "bank",
        "what does segment 2 think about the phone wait",
        "segment_topic",
        segments=[2],
        first_topic=6,
    ),
    # compare by aliases and full names
    C(
        "grocery",
        "the voucher people versus the lapsed customers",
        "compare_segments",
        segments=[1, 3],
    ),  # fmt: skip
    C(
        "travel",
        "how are the Cruise-minded big spenders different from Adventure-minded customers",
        "compare_segments",
        segments=[2, 4],
    ),
    # counts in a segment named in full
    C(
        "travel",
        "how many Beach-minded frequent buyers are older than 40",
        "count_filter",
        segments=[0],
        filters=[("age", ">", 40.0)],
    ),
    # segment + topic, negative drivers, trends, unknown measures, new subjects
    C(
        "travel",
        "Refund-minded frequent returners: views on delays?",
        "segment_topic",
        segments=[3],
        topics=[3],
    ),
    C(
        "bank",
        "what's behind the negative reviews from Fraud-minded critical customers",
        "negative_drivers",
        segments=[3],
    ),
    C(
        "grocery", "how did talk about vouchers develop during the year", "topic_trend", topics=[1]
    ),  # fmt: skip
    C("travel", "sort the segments by shoe size", "rank_segments", declined=True),
    C(
        "travel",
        "how has talk about luggage changed over time?",
        "topic_trend",
        after="give me an overview",
        topics=[5],
        segments=[],
    ),
    C("bank", "who are the app users who talk about logins", "describe_segment", segments=[0]),
    C(
        "bank",
        "tell me about the customers who talk about overdraft fees",
        "describe_segment",
        segments=[1],
    ),
    C(
        "travel",
        "which segment has gone the shortest time without a booking",
        "rank_segments",
        measure="days_since_last_booking",
        order="asc",
    ),
    C(
        "bank",
        "which customers have not transacted for the longest",
        "rank_segments",
        measure="days_since_last_txn",
        order="desc",
    ),
    C("grocery", "sort the clusters by star sign", "rank_segments", declined=True),
    C(
        "grocery",
        "what do the Organic-minded big-basket shoppers think of plastic packaging?",
        "segment_topic",
        segments=[0],
        first_topic=0,
    ),
    # a name that holds a topic: the topic alone is not the name
    C("grocery", "who is talking about freshness", "topic_where", topics=[3], segments=[]),
    C(
        "grocery",
        "describe the Lapsed customers talking about freshness",
        "describe_segment",
        segments=[3],
    ),
    C("bank", "how is the weather in london", "unsupported"),
    C("travel", "who won the world cup", "unsupported"),
    C("grocery", "remove segment 2", "unsupported"),
    C("bank", "which segment has the highest credit score", "rank_segments", declined=True),
    C("travel", "describe the dragon slayers", "describe_segment", declined=True),
]
