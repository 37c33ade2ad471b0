"""Segments picked by their place on a measure, named by part of their name, and follow-ups
that keep the subject of the last question (a stub embedder, a grocery vocabulary with the
segments' values)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nlp.chat import Interpreter, make_plan
from nlp.chat.plan import Decline
from tests.nlp.chat import vocabs
from tests.nlp.chat.stub import trigram_encode

# size, mean sentiment and total spend of each grocery segment
VALUES = {
    0: {"size": 220, "sentiment": 0.31, "total_spend": 910.0},
    1: {"size": 300, "sentiment": 0.05, "total_spend": 420.0},
    2: {"size": 280, "sentiment": 0.12, "total_spend": 650.0},
    3: {"size": 200, "sentiment": -0.22, "total_spend": 180.0},
}


@pytest.fixture(scope="module")
def grocery() -> Interpreter:
    vocabulary = vocabs.grocery()
    segments = [replace(s, values=VALUES.get(s.number, {})) for s in vocabulary.segments]
    return Interpreter(trigram_encode, replace(vocabulary, segments=segments))


def test_the_biggest_and_the_smallest_clusters_are_the_segments_they_pick(grocery):
    u = grocery.understand("how do the biggest and the smallest clusters differ?")
    assert u.intent == "compare_segments"
    assert u.segments == [1, 3]


def test_a_segment_described_by_what_it_does_most_is_the_top_of_that_measure(grocery):
    u = grocery.understand("describe the segment that spends the most")
    assert (u.intent, u.segments) == ("describe_segment", [0])
    assert u.picks[0]["measure"] == "total_spend"


def test_asking_which_segment_is_biggest_stays_a_ranking(grocery):
    u = grocery.understand("which segment is the biggest?")
    assert (u.intent, u.segments, u.measure) == ("rank_segments", [], "size")


def test_tell_me_more_about_that_one_describes_the_top_of_the_last_ranking(grocery):
    context = grocery.understand("which segment is the unhappiest?").to_dict()
    context["result_segments"] = [3, 1, 2, 0]
    u = grocery.understand("tell me more about that one", context)
    assert (u.intent, u.segments) == ("describe_segment", [3])


def test_it_compared_with_a_picked_segment_keeps_the_segment_talked_about(grocery):
    context = grocery.understand("describe the organic shoppers").to_dict()
    context["result_segments"] = [0]
    u = grocery.understand("how does it compare with the smallest one?", context)
    assert (u.intent, u.segments) == ("compare_segments", [0, 3])


def test_of_those_adds_the_new_condition_to_the_last_ones(grocery):
    context = grocery.understand("how many customers spent over 500 in total?").to_dict()
    u = grocery.understand("and of those, how many have more than 3 weekly orders?", context)
    assert u.intent == "count_filter"
    assert {f.measure for f in u.filters} == {"total_spend", "weekly_orders"}


def test_the_most_positive_one_after_a_ranking_ranks_again(grocery):
    context = grocery.understand("which segment is the unhappiest?").to_dict()
    u = grocery.understand("and the most positive one?", context)
    assert (u.intent, u.measure, u.order) == ("rank_segments", "sentiment", "desc")


def test_a_shortened_name_links_its_segment(grocery):
    u = grocery.understand("tell me about the coupon users")
    assert (u.intent, u.segments) == ("describe_segment", [1])


def test_words_that_fit_two_segments_alike_ask_which_one(grocery):
    vocabulary = vocabs.grocery()
    twins = [
        *vocabulary.segments,
        replace(vocabulary.segments[2], number=4, name="Bakery-minded frequent buyers"),
    ]
    interpreter = Interpreter(trigram_encode, replace(vocabulary, segments=twins))
    u = interpreter.understand("tell me about the frequent buyers")
    plan = make_plan(u, interpreter.vocabulary)
    assert isinstance(plan, Decline) and "do you mean" in plan.reason
    assert len(plan.suggestions) == 2 and "Bakery-minded frequent buyers" in plan.suggestions[1]


def test_the_happiest_customers_doing_something_are_the_happiest_segment(grocery):
    u = grocery.understand("what are the happiest customers talking about?")
    assert (u.intent, u.segments) == ("top_topics", [0])
    assert u.picks[0]["phrase"] == "the happiest customers"


def test_which_region_has_the_unhappiest_customers_picks_no_segment(grocery):
    u = grocery.understand("which region has the most unhappy customers?")
    assert u.segments == [] and u.picks == []


def test_the_biggest_and_smallest_segments_without_a_second_article_are_two_picks(grocery):
    u = grocery.understand("contrast the biggest and smallest segments")
    assert (u.intent, u.segments) == ("compare_segments", [1, 3])


def test_a_group_named_by_a_measure_word_is_the_top_segment_on_that_measure(grocery):
    u = grocery.understand("give me the lowdown on the spending crowd")
    assert u.segments == [0]
    assert u.picks[0]["measure"] == "total_spend"


def test_a_thing_after_an_indefinite_article_names_no_segment(grocery):
    u = grocery.understand("how many customers bought an organic box?")
    assert u.segments == []


def test_a_duration_alone_after_a_trend_is_its_period(grocery):
    context = grocery.understand("is sentiment getting better or worse?").to_dict()
    u = grocery.understand("what about 6 months?", context)
    assert u.intent == "topic_trend"
    assert (u.measure, u.period) == ("sentiment", {"last": 6, "unit": "months"})


def test_a_period_a_count_cannot_use_is_said_not_dropped(grocery):
    u = grocery.understand("how many customers wrote a review in the last 3 months?")
    assert "the last 3 months" in u.unknown
    assert isinstance(make_plan(u, grocery.vocabulary), Decline) or u.unknown


def test_a_metric_noun_the_column_does_not_hold_is_an_unknown_measure_in_a_count(grocery):
    u = grocery.understand("how many customers have a spend score over 0.7?")
    assert u.filters == [] and "spend score" in u.unknown


def test_how_to_questions_ask_for_advice_with_the_action_as_goal(grocery):
    u = grocery.understand("any ideas how to cut returns?")
    assert (u.intent, u.goal) == ("target_advice", "cut returns")


def test_texts_shown_or_toned_are_quotes_and_counted_ones_are_not(grocery):
    assert grocery.understand("show me complaints about delivery").intent == "show_quotes"
    assert grocery.understand("negative reviews from the organic shoppers").intent == "show_quotes"
    counted = grocery.understand("which segment leaves the most negative reviews?")
    assert counted.intent == "rank_segments"


def test_a_count_with_words_it_cannot_read_as_a_condition_says_so(grocery):
    u = grocery.understand("how many customers have a strava account linked?")
    assert u.intent == "count_filter" and u.filters == []
    assert u.unknown and all(u.unknown_kinds.get(x) == "condition" for x in u.unknown)


def test_only_once_is_exactly_one(grocery):
    u = grocery.understand("how many customers ordered only once?")
    assert [(f.measure, f.op, f.value) for f in u.filters] == [("weekly_orders", "=", 1.0)]


def test_questions_about_what_will_happen_are_out_of_scope(grocery):
    for question in ("which customers are going to cancel next month?",
                     "rank segments by predicted spend for next year"):  # fmt: skip
        assert grocery.understand(question).intent == "unsupported", question


def test_what_customers_said_about_a_subject_asks_for_their_words(grocery):
    u = grocery.understand("what did customers say about freshness?")
    assert u.intent == "show_quotes"
    assert grocery.understand("what are people talking about these days?").intent == "top_topics"


def test_that_group_after_a_customer_is_their_segment_not_the_customer(grocery):
    context = grocery.understand("which segment is customer 9f86d081884c in?").to_dict()
    context["result_segments"] = [2]
    u = grocery.understand("what does that group look like?", context)
    assert u.customer is None and u.segments == [2]


@pytest.mark.parametrize(
    ("question", "spoken"),
    [
        ("are people talking more or less about delivery lately? say the last 3 months", False),
        ("how many ordered, say, 5 times or more", False),
        ("let's say over 2 years", False),
        ("what do customers say about delivery?", True),
        ("what did they say about the last delivery?", True),
    ],
)
def test_say_as_for_example_asks_for_no_words(question, spoken):
    from nlp.chat.talk import speech
    from nlp.chat.text import tokenize

    w = tokenize(question)
    assert any(speech(w, i) for i, x in enumerate(w) if x == "say") is spoken


def test_a_volume_question_with_say_for_example_is_a_trend(grocery):
    u = grocery.understand(
        "are people talking more or less about delivery lately? say the last 3 months"
    )
    assert u.intent == "topic_trend" and u.period == {"last": 3, "unit": "months"}, u
