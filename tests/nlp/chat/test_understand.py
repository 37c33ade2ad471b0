"""The interpreter reads intents and entities over hand-built vocabularies (a stub embedder)."""

from __future__ import annotations

import pytest

from nlp.chat import Interpreter, Understanding, make_plan
from nlp.chat.plan import Decline, Step
from tests.nlp.chat import vocabs
from tests.nlp.chat.cases import CASES, HEX, Case
from tests.nlp.chat.stub import trigram_encode

VOCABS = {"bank": vocabs.bank, "travel": vocabs.travel, "grocery": vocabs.grocery}


@pytest.fixture(scope="module")
def interpreters() -> dict[str, Interpreter]:
    return {name: Interpreter(trigram_encode, make()) for name, make in VOCABS.items()}


def read(interpreters, vocab: str, question: str, after: str | None = None, result=()):
    it = interpreters[vocab]
    context = None
    if after:
        context = it.understand(after).to_dict()
        if result:
            context["result_segments"] = list(result)
    return it.understand(question, context)


def problems(case: Case, u: Understanding, plan) -> list[str]:
    """What differs between the reading and the case's expectation (empty when right)."""
    if case.expect.get("declined") or case.intent == "unsupported":
        return [] if says_missing(plan) else [f"not declined ({u.intent})"]
    out = [] if u.intent == case.intent else [f"intent {u.intent}"]
    for key, want in case.expect.items():
        if key == "first_topic":
            got = (u.topics[:1] or [None])[0]
        elif key == "filters":
            got = [(f.measure, f.op, f.value) for f in u.filters]
        else:
            got = getattr(u, key)
        if got != want:
            out.append(f"{key}={got!r}, wanted {want!r}")
    if isinstance(plan, Decline):
        out.append(f"declined: {plan.reason}")
    return out


def says_missing(plan) -> bool:
    """A decline, or the one step that says the run does not have what was named."""
    return isinstance(plan, Decline) or [s.tool for s in plan.steps] == ["unknown"]


def accuracy(interpreters, cases: list[Case]) -> tuple[float, list[str]]:
    failures = []
    for case in cases:
        u = read(interpreters, case.vocab, case.question, case.after, case.result_segments)
        found = problems(case, u, make_plan(u, interpreters[case.vocab].vocabulary))
        if found:
            failures.append(f"{case.vocab}: {case.question!r}: {found}")
    return 1 - len(failures) / len(cases), failures


def test_bank_of_cases_is_read_right_even_with_a_crude_embedder(interpreters):
    score, failures = accuracy(interpreters, CASES)
    print(f"\nstub embedder: {score:.1%} of {len(CASES)} cases", *failures, sep="\n  ")
    assert score >= 0.9


def test_segment_numbers_are_linked_in_every_spelling(interpreters):
    for question in ("describe segment 3", "tell me about #3", "what is cluster three like",
                     "who are in group no. 3"):  # fmt: skip
        assert read(interpreters, "bank", question).segments == [3], question


def test_partial_and_misspelt_names_link_to_their_segment(interpreters):
    assert read(interpreters, "bank", "tell me about the morgage people").segments == [1]
    assert read(interpreters, "grocery", "describe the organic lot").segments == [0]
    assert read(interpreters, "travel", "who are the cruise fans").segments == [2]


def test_a_customer_pseudonym_asks_why_that_customer(interpreters):
    u = read(interpreters, "bank", f"why is {HEX.upper()} in that segment?")
    assert (u.intent, u.customer) == ("customer_why", HEX)


def test_numbers_with_comparators_become_filters_on_the_runs_columns(interpreters):
    cases = {
        "how many customers spent more than $1,000": ("total_spend", ">", 1000.0),
        "how many shoppers have at least 3 weekly orders": ("weekly_orders", ">=", 3.0),
        "how many customers have a return share under 20%": ("return_share", "<", 0.2),
        "how many customers spent 2k or more": ("total_spend", ">=", 2000.0),
    }
    for question, wanted in cases.items():
        u = read(interpreters, "grocery", question)
        assert u.intent == "count_filter", question
        assert [(f.measure, f.op, f.value) for f in u.filters] == [wanted], question


def test_synonyms_map_onto_whatever_columns_exist(interpreters):
    assert read(interpreters, "bank", "which segment is worth the most money").measure == (
        "card_spend_12m"
    )
    assert read(interpreters, "travel", "which segment brings in most revenue").measure == (
        "booking_value"
    )
    assert read(interpreters, "grocery", "which segment has lapsed the most").measure == (
        "days_since_last_shop"
    )


def test_sentiment_words_set_the_order(interpreters):
    happiest = read(interpreters, "travel", "which segment is happiest")
    angriest = read(interpreters, "travel", "which segment complains the most")
    least = read(interpreters, "travel", "which segment is least happy")
    assert (happiest.measure, happiest.order) == ("sentiment", "desc")
    # who complains most writes the largest share of negative comments
    assert (angriest.measure, angriest.order) == ("negative_share", "desc")
    assert (least.measure, least.order) == ("sentiment", "asc")


def test_ordinals_give_the_position(interpreters):
    u = read(interpreters, "grocery", "what is the third largest segment")
    assert (u.intent, u.measure, u.position) == ("rank_segments", "size", 3)


def test_follow_ups_inherit_from_the_previous_question(interpreters):
    u = read(interpreters, "bank", "and the second?", after="which segment spends the most")
    assert (u.intent, u.measure, u.position) == ("rank_segments", "card_spend_12m", 2)
    u = read(interpreters, "travel", "what about them on price?", after="describe segment 2")
    assert (u.intent, u.segments, u.topics) == ("segment_topic", [2], [6])


def test_pronouns_point_at_the_segments_the_last_answer_named(interpreters):
    u = read(interpreters, "grocery", "why are they unhappy?",
             after="which segment is the least happy", result=(3, 0))  # fmt: skip
    assert (u.intent, u.segments) == ("negative_drivers", [3])


def test_out_of_scope_questions_are_declined_with_suggestions(interpreters):
    for question in ("what's the weather in leeds", "write a poem", f"delete customer {HEX}",
                     "who will win the league", "what is the share price of tesla"):  # fmt: skip
        u = read(interpreters, "grocery", question)
        plan = make_plan(u, interpreters["grocery"].vocabulary)
        assert isinstance(plan, Decline), question
        assert 2 <= len(plan.suggestions) <= 4


def test_unknown_segments_and_measures_are_named_in_the_decline(interpreters):
    u = read(interpreters, "travel", "tell me about the astronauts")
    assert "astronauts" in u.unknown
    plan = make_plan(u, interpreters["travel"].vocabulary)
    assert plan.steps == [Step("unknown", {"kind": "segment", "name": "astronauts"})]
    u = read(interpreters, "bank", "which segment has the highest average shoe size")
    plan = make_plan(u, interpreters["bank"].vocabulary)
    assert plan.steps == [Step("unknown", {"kind": "measure", "name": "shoe size"})]


def test_a_question_costs_one_encode_call_of_at_most_five_texts():
    calls: list[int] = []

    def counting(texts):
        calls.append(len(texts))
        return trigram_encode(texts)

    it = Interpreter(counting, vocabs.travel())
    it.understand("warm up")
    calls.clear()
    it.understand("how do the beach families differ from the city breakers and the hikers?")
    assert len(calls) == 1 and calls[0] <= 5


def test_understanding_survives_a_round_trip_through_json(interpreters):
    import json

    u = read(interpreters, "grocery", "how many organic shoppers spent over 500?")
    again = Understanding.from_dict(json.loads(json.dumps(u.to_dict())))
    assert again == u
