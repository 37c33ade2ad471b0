"""The chat's answer quality over real demo runs: accuracy per kind, declines, invented figures.

Every question of `tests.chat.bank` is asked through the engine
(`segapp.services.chat.engine.ask`) as its user, follow-ups in one
conversation, and judged by the case's check against the answer computed from
the data. Prints the per-kind accuracy, the overall figure and every failing
question with the reason. Thresholds: accuracy >= 0.90, every decline right,
no invented figure (grounding of every answer, the engine's and the bank's own).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from tests.chat.bank import Bank, Case, build_bank, grounding_problems

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MIN_ACCURACY = 0.90
MIN_ANSWERABLE, MIN_DECLINES = 80, 15
KINDS = ("overview", "describe_segment", "rank", "compare_segments", "segment_topic",
         "topic_where", "negative_drivers", "count_filter", "topic_trend", "run_change",
         "customer_why", "follow_up", "decline")  # fmt: skip


@dataclass
class Outcome:
    """One case asked: the response, whether it was right and why, grounding problems, time."""

    case: Case
    response: dict
    right: bool
    why: str
    invented: list[str]
    seconds: float


def engine_grounding(response: dict) -> list[str]:
    """The engine's own grounding check over the plan's results, facts and table."""
    from segapp.services.chat import grounding

    results = [
        {"data": step.get("result"), "facts": [], "table": None} for step in response["plan"]
    ]
    results.append(
        {
            "data": {},
            "facts": response.get("facts") or [],
            "table": response.get("table"),
            "quotes": response.get("quotes") or [],  # checked against the documents by the bank
        }
    )
    return grounding.check(response.get("answer") or "", response.get("quotes") or [], results)


def ask_case(case: Case, users: dict) -> tuple[dict, float]:
    """Ask a case's earlier turns, then its question, in one conversation; the last response."""
    from segapp.services.chat.engine import ask

    conversation = None
    for earlier in case.before:
        conversation = ask(earlier, user=users[case.user], conversation_id=conversation)[
            "conversation"
        ]
    started = time.perf_counter()
    response = ask(case.question, user=users[case.user], conversation_id=conversation)
    return response, time.perf_counter() - started


@pytest.fixture(scope="module")
def outcomes(bank_data, django_db_blocker) -> tuple[Bank, list[Outcome]]:
    """Every case of the bank asked once (the answers are shared by the tests below)."""
    with django_db_blocker.unblock():
        bank = build_bank(bank_data.latest, bank_data.previous)
        done = []
        for case in bank.cases:
            try:
                response, seconds = ask_case(case, bank_data.users)
            except Exception as exc:  # an exception is a wrong answer, reported with its type
                done.append(Outcome(case, {}, False, f"raised {exc!r}", [], 0.0))
                continue
            right, why = case.judge(response)
            invented = [] if case.decline else engine_grounding(response)
            invented += grounding_problems(
                response, case.question, vocabulary=bank.facts.vocabulary
            )
            done.append(Outcome(case, response, right, why, invented, seconds))
    return bank, done


def kind_of(case: Case) -> str:
    return case.kind.split("/")[0]


def report(done: list[Outcome]) -> None:
    """Print accuracy per kind (and sub-kind), overall, latency and every failure."""
    print("\nChat answer bank")
    groups: dict[str, list[Outcome]] = {}
    for outcome in done:
        groups.setdefault(outcome.case.kind, []).append(outcome)
    for kind in sorted(groups):
        right = sum(o.right for o in groups[kind])
        print(f"  {kind:<28} {right:>3}/{len(groups[kind]):<3} {right / len(groups[kind]):.0%}")
    answerable = [o for o in done if not o.case.decline]
    declines = [o for o in done if o.case.decline]
    accuracy = sum(o.right for o in answerable) / max(1, len(answerable))
    print(f"  answerable accuracy: {accuracy:.1%} of {len(answerable)}")
    print(f"  declines right: {sum(o.right for o in declines)}/{len(declines)}")
    print(f"  answers with invented figures: {sum(bool(o.invented) for o in done)}")
    times = sorted(o.seconds for o in done if o.seconds)
    if times:
        print(
            f"  latency: median {times[len(times) // 2] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
        )
    for outcome in done:
        if not outcome.right or outcome.invented:
            answer = (outcome.response.get("answer") or "").replace("\n", " ")[:160]
            plan = [(s.get("tool"), s.get("args")) for s in outcome.response.get("plan") or []]
            print(f"  FAIL [{outcome.case.user}] {outcome.case.kind}: {outcome.case.question!r}")
            print(f"       why: {outcome.why}; invented: {outcome.invented}")
            print(f"       plan: {plan}")
            print(f"       answer: {answer}")


def test_bank_covers_every_kind_with_enough_questions(outcomes):
    bank, _ = outcomes
    answerable = [c for c in bank.cases if not c.decline]
    assert len(answerable) >= MIN_ANSWERABLE
    assert sum(c.decline for c in bank.cases) >= MIN_DECLINES
    assert {kind_of(c) for c in bank.cases} >= set(KINDS)
    assert all(sum(kind_of(c) == kind for c in bank.cases) >= 3 for kind in KINDS)


def test_answers_are_right_at_least_nine_times_in_ten(outcomes):
    _, done = outcomes
    report(done)
    answerable = [o for o in done if not o.case.decline]
    accuracy = sum(o.right for o in answerable) / len(answerable)
    wrong = [(o.case.kind, o.case.question, o.why) for o in answerable if not o.right]
    assert accuracy >= MIN_ACCURACY, wrong


def test_every_question_out_of_reach_is_declined_plainly(outcomes):
    _, done = outcomes
    wrong = [(o.case.user, o.case.question, o.why) for o in done if o.case.decline and not o.right]
    assert not wrong


def test_no_answer_invents_a_figure(outcomes):
    _, done = outcomes
    invented = [(o.case.question, o.invented) for o in done if o.invented]
    assert not invented
