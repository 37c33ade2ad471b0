"""Plans: one typed tool call per need, or a plain decline built from the run's names."""

from __future__ import annotations

from nlp.chat import Decline, Filter, Plan, Understanding, make_plan
from nlp.chat.plan import TOOLS, suggest_questions
from tests.nlp.chat import vocabs


def steps(u: Understanding) -> list[tuple[str, dict]]:
    plan = make_plan(u, vocabs.grocery())
    assert isinstance(plan, Plan), plan
    assert all(step.tool in TOOLS for step in plan.steps)
    return [(s.tool, s.args) for s in plan.steps]


def test_each_intent_plans_its_tool():
    assert steps(Understanding("overview")) == [("overview", {})]
    assert steps(Understanding("describe_segment", segments=[2])) == [
        ("describe_segment", {"segment": 2})
    ]
    assert steps(Understanding("rank_segments", measure="sentiment", order="asc", topics=[2])) == [
        ("rank_segments", {"measure": "sentiment", "order": "asc", "position": 1, "topic": 2})
    ]
    assert steps(Understanding("compare_segments", segments=[0, 3])) == [
        ("compare_segments", {"segments": [0, 3]})
    ]
    assert steps(Understanding("segment_topic", segments=[1], topics=[2])) == [
        ("segment_topic", {"segment": 1, "topic": 2})
    ]
    assert steps(Understanding("topic_where", topics=[4])) == [("topic_where", {"topic": 4})]
    assert steps(Understanding("negative_drivers")) == [("negative_drivers", {"segment": None})]
    count = Understanding("count_filter", segments=[0], filters=[Filter("total_spend", ">", 500)])
    assert steps(count) == [("count_members", {"segment": 0, "filters": [
        {"measure": "total_spend", "op": ">", "value": 500, "percent": False}]})]  # fmt: skip
    assert steps(Understanding("topic_trend", topics=[1], measure="sentiment")) == [
        ("sentiment_trend", {"topic": 1, "segment": None, "period": None})
    ]
    assert steps(Understanding("run_change", runs=["previous"])) == [
        ("run_change", {"against": "previous", "run": None})
    ]
    assert steps(Understanding("customer_why", customer="ab" * 32)) == [
        ("customer_why", {"customer": "ab" * 32})
    ]
    assert steps(Understanding("show_quotes", topics=[3])) == [
        ("quotes", {"segment": None, "topic": 3, "limit": 5, "tone": None, "about": None})
    ]


def test_missing_entities_decline_with_a_question_back():
    plan = make_plan(Understanding("compare_segments", segments=[1]), vocabs.grocery())
    assert isinstance(plan, Decline) and "two segments" in plan.reason


def test_suggestions_use_the_runs_own_names():
    suggestions = suggest_questions(vocabs.travel())
    assert 2 <= len(suggestions) <= 4
    assert any("Beach-minded frequent buyers" in s for s in suggestions)


def test_small_segments_are_never_suggested():
    assert not any("Small segment" in s for s in suggest_questions(vocabs.bank()))
