"""Categories named in counting questions become equality filters ("in the north", "women")."""

from __future__ import annotations

import dataclasses

import pytest

from nlp.chat import Interpreter, make_plan
from nlp.chat.categories import CategoryTerm, category_terms, find_categories
from tests.nlp.chat import vocabs
from tests.nlp.chat.stub import trigram_encode

CATEGORIES = {
    "region": ["north", "south", "london", "north east"],
    "gender": ["female", "male"],
    "plan": ["gold", "silver"],
}


@pytest.fixture(scope="module")
def interpreter() -> Interpreter:
    vocabulary = dataclasses.replace(vocabs.grocery(), categories=category_terms(CATEGORIES))
    return Interpreter(trigram_encode, vocabulary)


def _categories(u) -> list[tuple[str, str]]:
    return [(f.measure, f.value) for f in u.filters if f.op == "=="]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how many customers in the north spent over 500?", [("region", "north")]),
        ("How many women are voucher-minded coupon users?", [("gender", "female")]),
        (
            "how many customers in London are on the gold plan",
            [("region", "london"), ("plan", "gold")],
        ),
        ("how many customers live in the north east", [("region", "north east")]),
        (
            "how many men in the south have a basket over 80",
            [("gender", "male"), ("region", "south")],
        ),
    ],
)
def test_counting_questions_filter_on_the_categories_they_name(interpreter, question, expected):
    u = interpreter.understand(question)
    assert u.intent == "count_filter", u
    assert sorted(_categories(u)) == sorted(expected)
    plan = make_plan(u)
    assert plan.steps[0].tool == "count_members"
    assert {
        (f["measure"], f["value"]) for f in plan.steps[0].args["filters"] if f["op"] == "=="
    } == set(expected)


def test_categories_do_not_turn_other_questions_into_counts(interpreter):
    u = interpreter.understand("what do customers in the north say about delivery?")
    assert u.intent != "count_filter" and _categories(u) == []


def test_an_ambiguous_or_near_miss_word_is_not_a_category():
    terms = category_terms({"region": ["east"], "store": ["east"], "tier": ["gold"]})
    words = ["how", "many", "east", "customers", "ate", "golden", "toast"]
    assert find_categories(words, set(), terms) == []  # east is in two columns; golden is not gold
    one = [CategoryTerm("region", "wales")]
    assert find_categories(["how", "many", "sales", "in", "wales"], set(), one) == [
        (range(4, 5), one[0])
    ]


def test_filters_with_categories_survive_the_conversation_context(interpreter):
    u = interpreter.understand("how many customers in the north spent over 500?")
    again = type(u).from_dict(u.to_dict())
    assert _categories(again) == [("region", "north")]
