"""Measures read by meaning: numbers attached to the measure nearest them, durations, fractions
and periods, a measure's statistic and breakdowns by an attribute (stub embedder)."""

from __future__ import annotations

import pytest

from nlp.chat import Interpreter
from tests.nlp.chat import vocabs
from tests.nlp.chat.stub import trigram_encode

VOCABS = {"bank": vocabs.bank, "travel": vocabs.travel, "grocery": vocabs.grocery}


@pytest.fixture(scope="module")
def interpreters() -> dict[str, Interpreter]:
    return {name: Interpreter(trigram_encode, make()) for name, make in VOCABS.items()}


def filters(u) -> list[tuple[str, str, float]]:
    return sorted((f.measure, f.op, round(float(f.value), 4)) for f in u.filters)


@pytest.mark.parametrize(
    ("vocab", "question", "expected"),
    [
        # a duration on a negated purchase is the time since the last one, in the column's unit
        ("grocery", "how many shoppers haven't shopped for 2 months", [("days_since_last_shop", ">", 60)]),
        ("grocery", "how many customers with no shop in 30+ days", [("days_since_last_shop", ">=", 30)]),
        # tenure in years from "2+ years"; a fraction on a rate column
        ("bank", "how many customers have been with us 2+ years", [("tenure_years", ">=", 2)]),
        ("grocery", "how many customers return more than a fifth of their basket",
         [("return_share", ">", 0.2)]),
        # several conditions, each to its own measure; periods pick the column, not a trend
        ("bank", "how many customers spent over 500 on their card in the last year and logged in "
                 "more than 5 times in the last 30 days",
         [("app_logins_30d", ">", 5), ("card_spend_12m", ">", 500)]),
        ("travel", "how many customers booked at least 3 trips in the last 12 months",
         [("bookings_12m", ">=", 3)]),
        # units written short, counts of times in one word, a rate of none
        ("bank", "how many customers have been with us over 3 yrs and haven't made a "
                 "transaction in 2 mths", [("days_since_last_txn", ">", 60), ("tenure_years", ">", 3)]),
        ("travel", "how many customers booked at least twice and have no cancellations",
         [("bookings_12m", ">=", 2), ("cancellation_rate", "=", 0)]),
        # what a fraction is of goes with it; a negation does not reach across another measure
        ("travel", "how many customers cancel over 20% of their bookings and haven't booked for "
                   "6 months", [("cancellation_rate", ">", 0.2), ("days_since_last_booking", ">", 180)]),
        ("grocery", "how many shoppers have no coupon redemptions and shop weekly 3 or more times",
         [("coupon_redemptions", "=", 0), ("weekly_orders", ">=", 3)]),
        # a plain number right after the people is their age; people doing what a measure counts
        ("travel", "how many customers over 65 booked more than 4 trips this year",
         [("age", ">", 65), ("bookings_12m", ">", 4)]),
        ("grocery", "how many shoppers redeem coupons", [("coupon_redemptions", ">", 0)]),
    ],
)  # fmt: skip
def test_numbers_go_to_the_measure_named_nearest(interpreters, vocab, question, expected):
    u = interpreters[vocab].understand(question)
    assert u.intent == "count_filter", u
    assert filters(u) == sorted(expected)


@pytest.mark.parametrize(
    ("vocab", "question", "measure", "stat"),
    [
        ("bank", "what's the median balance?", "balance_gbp", "median"),
        ("grocery", "average total spend per customer", "total_spend", "mean"),
        ("travel", "on average how many nights do customers book?", "nights_booked", "mean"),
    ],
)
def test_a_measures_value_is_asked_with_its_statistic(interpreters, vocab, question, measure, stat):
    u = interpreters[vocab].understand(question)
    assert (u.intent, u.measure, u.stat) == ("measure_value", measure, stat)


def test_a_segments_value_keeps_the_segment(interpreters):
    u = interpreters["grocery"].understand(
        "what's the average basket value of the organic shoppers"
    )
    assert (u.intent, u.measure, u.segments) == ("measure_value", "avg_basket_value", [0])


@pytest.mark.parametrize(
    ("question", "attribute", "per_segment"),
    [
        ("break the customers down by age", "age", False),
        ("what's the regional split of our customers?", "region", False),
        ("average age per segment", "age", True),
    ],
)
def test_breakdowns_name_their_attribute(interpreters, question, attribute, per_segment):
    u = interpreters["travel"].understand(question)
    assert (u.intent, u.attribute, u.per_segment) == ("breakdown", attribute, per_segment)


def test_a_period_beside_a_measure_picks_its_column(interpreters):
    u = interpreters["bank"].understand(
        "which segment spent the most on their card over the past year?"
    )
    assert (u.intent, u.measure, u.order) == ("rank_segments", "card_spend_12m", "desc")


@pytest.mark.parametrize(
    ("vocab", "question", "measure", "order"),
    [
        ("grocery", "which segment sends the most stuff back", "return_share", "desc"),
        ("bank", "most app-active segment?", "app_logins_30d", "desc"),
        ("grocery", "smallest cluster by headcount", "size", "asc"),
    ],
)
def test_rankings_read_compounds_and_split_phrases(interpreters, vocab, question, measure, order):
    u = interpreters[vocab].understand(question)
    assert (u.intent, u.measure, u.order) == ("rank_segments", measure, order)


def test_a_measure_phrase_ends_at_a_grouping_word(interpreters):
    u = interpreters["grocery"].understand("what's the average basket value across all customers?")
    assert (u.intent, u.measure, u.unknown) == ("measure_value", "avg_basket_value", [])


@pytest.mark.parametrize(
    ("vocab", "question", "missing"),
    [
        # a lifetime value is a prediction of worth, not the spend column beside it
        ("grocery", "which segment has the highest customer lifetime value?", "lifetime value"),
        ("grocery", "what's the average LTV of the organic shoppers?", "ltv"),
        ("grocery", "how many customers have a lifetime value over 500?", "lifetime value"),
        # how many of a thing customers have, where the thing is only something they write about
        ("grocery", "which segment has the most fruit trees?", "number of fruit trees"),
        ("bank", "which group has the fewest mortgages?", "number of mortgage"),
    ],
)
def test_a_measure_the_run_lacks_is_named_not_replaced(interpreters, vocab, question, missing):
    u = interpreters[vocab].understand(question)
    assert u.measure in (None, "size", "topic_share"), u
    assert any(missing in x.lower() for x in u.unknown), u


@pytest.mark.parametrize(
    ("vocab", "question", "measure", "order"),
    [
        # a count the run holds is measured
        ("grocery", "which segment has the most coupon redemptions?", "coupon_redemptions", "desc"),
        ("grocery", "which segment has the highest total spend?", "total_spend", "desc"),
        # who complains most writes the largest share of negative comments
        ("grocery", "which segment complains the most about delivery?", "negative_share", "desc"),
        ("grocery", "who moans least?", "negative_share", "asc"),
        ("grocery", "which segment is unhappiest about delivery?", "sentiment", "asc"),
    ],
)
def test_owned_things_and_complaints_rank_by_what_the_run_holds(
    interpreters, vocab, question, measure, order
):
    u = interpreters[vocab].understand(question)
    assert (u.intent, u.measure, u.order, u.unknown) == ("rank_segments", measure, order, [])


@pytest.mark.parametrize(
    "question",
    ["which segment has the most organic shoppers?", "which segment has the most fruit lovers?",
     "which segment has the most issues with delivery slots?"],
)  # fmt: skip
def test_people_or_talk_after_having_the_most_is_no_missing_count(interpreters, question):
    u = interpreters["grocery"].understand(question)
    assert not any(x.startswith("number of") for x in u.unknown), u


def test_plurals_of_words_ending_in_e_meet_their_singular():
    from nlp.chat.text import same_word, stem

    for forms in [("rates", "rate"), ("prices", "price"), ("packages", "package"),
                  ("boxes", "box"), ("classes", "class"), ("purchases", "purchase"),
                  ("issues", "issue")]:  # fmt: skip
        assert len({stem(x) for x in forms}) == 1, forms
    assert same_word("rates", "rate")


def test_a_measure_named_in_the_plural_is_that_measure(interpreters):
    u = interpreters["grocery"].understand("which segment has the highest return shares?")
    assert (u.intent, u.measure, u.unknown) == ("rank_segments", "return_share", [])


def test_a_typical_value_of_a_measure_the_run_lacks_is_named(interpreters):
    u = interpreters["grocery"].understand(
        "what's the typical household income of the organic shoppers?"
    )
    assert "household income" in u.unknown and u.measure is None, u


@pytest.mark.parametrize(
    "question", ["are men happier than women?", "how does spend differ between men and women?"]
)
def test_men_set_against_women_ask_for_gender_whether_or_not_the_run_holds_it(
    interpreters, question
):
    u = interpreters["grocery"].understand(question)
    assert (u.intent, u.attribute) == ("breakdown", "gender"), u


def test_a_gender_group_the_run_lacks_is_never_counted_as_everyone(interpreters):
    u = interpreters["grocery"].understand("how many women spent over 500?")
    assert u.intent == "count_filter" and "gender" in u.unknown, u


@pytest.mark.parametrize(
    "question", ["what's the NPS for the organic shoppers?", "and what's their CSAT like?"]
)
def test_a_metric_written_in_capitals_that_names_nothing_is_named(interpreters, question):
    u = interpreters["grocery"].understand(question)
    assert any(x.isupper() for x in u.unknown), u


def test_how_many_segments_then_and_now_since_the_previous_run_sets_the_runs_side_by_side(
    interpreters,
):
    u = interpreters["grocery"].understand(
        "What changed since the previous run? How many segments then vs now?"
    )
    assert u.intent == "run_change", u
    assert interpreters["grocery"].understand("how many segments are there?").intent == "overview"
