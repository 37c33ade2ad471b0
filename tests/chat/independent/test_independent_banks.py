"""The chat measured on question banks written by people who never read its code.

Each bank (`banks/<dataset>.json`, and banks written later for the same data,
`banks/<dataset>_<letter>.json`; format in the modules `picks` and `judge`)
belongs to one dataset and is reported on its own; the dataset is imported through the import service and
fitted twice (`runs.build_dataset`), every question is asked through
`engine.ask` as its user (follow-ups in the conversation of the question they
follow) and judged against the run's stored data: right, honest miss (the chat
said it could not answer, or asked back) or confident wrong. Run with `-s` to
see accuracy per bank and per kind and every miss.

The banks without a letter and `pawpantry_b` were written first; the chat
was then changed on their misses. Each later bank was written by someone who saw
neither the code nor the other banks, and its first figure was taken before
the changes its misses then informed: `larkfield_b` (83.8% right when first
asked), `larkfield_c` and `ridgeline_b` (81.0% and 81.8%), `pawpantry_c` (91.9%)
and `ridgeline_c` (89.7%). `larkfield_d` was written last and asked only on the
code of its time: 81.9% right, 18 confident wrong (5 of them on questions to
decline). `larkfield_e`, `pawpantry_d` and `ridgeline_d` were written after that,
each by a writer who saw only a one-page description of the shop and of the
format, and were first asked before the changes their misses then informed:
79.5%, 86.0% and 83.7% right (14, 14 and 12 confident wrong; larkfield_e's
description named a lifetime-spend column its run does not hold, which costs it
two entries). `pawpantry_e` and `ridgeline_e` were written after those changes, the
same way, and first asked before the changes their misses then informed: 85.5% and
83.3% right (13 and 12 confident wrong). The first figures are the honest ones; the
others flatter the chat.

Thresholds: 90% right per bank (expected to fail where it does not hold today,
marked with the figure measured), no bank below the figure measured today
less 5 points (a regression fails), no confident wrong answer to a question the chat must
decline, and no answer that shows a customer's own id, e-mail or phone number
to someone who did not ask about that customer or may not see them.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from tests.chat.independent.judge import (
    MAY_LOOK_UP_CUSTOMERS,
    MISS,
    RIGHT,
    WRONG,
    Context,
    Verdict,
    judge,
)
from tests.chat.independent.picks import Asked, BankError, fill
from tests.chat.independent.runs import Imported, build_dataset
from tests.chat.independent.truth import read_run_data

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

BANKS = Path(__file__).parent / "banks"
DATASETS = ("larkfield", "pawpantry", "ridgeline")
TARGET = 0.90
# Measured today (share right per bank; confident wrong answers to decline questions).
MEASURED = {
    "larkfield": 0.977, "larkfield_b": 0.938, "larkfield_c": 0.971, "larkfield_d": 0.884,
    "larkfield_e": 0.885, "pawpantry": 0.977, "pawpantry_b": 0.915, "pawpantry_c": 0.956,
    "pawpantry_d": 0.907, "pawpantry_e": 0.901, "ridgeline": 0.945, "ridgeline_b": 0.962,
    "ridgeline_c": 0.956, "ridgeline_d": 0.930, "ridgeline_e": 0.873,
}  # fmt: skip
DECLINES_WRONG = {"larkfield_d": 2, "pawpantry_d": 1, "ridgeline_b": 1, "ridgeline_e": 2}
SLACK = 0.05
# The same bank measured on two machines with the same code differed by up to 2.4 points
# (larkfield: 96.9% and 94.5%): how near the target a figure is too near to hold.
VARIATION = 0.035

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@dataclass
class Outcome:
    """One entry asked: what was typed, the response, the verdict and any leaked identity."""

    entry: dict
    asked: Asked | None
    response: dict
    verdict: Verdict
    leaks: list[str]

    @property
    def kind(self) -> str:
        return str((self.entry.get("expect") or {}).get("kind"))


@dataclass
class BankResult:
    """A bank's outcomes."""

    name: str
    outcomes: list[Outcome]

    def share(self, outcome: str = RIGHT, kind: str | None = None) -> float:
        chosen = [o for o in self.outcomes if kind is None or o.kind == kind]
        return sum(o.verdict.outcome == outcome for o in chosen) / max(1, len(chosen))


def load_banks(dataset: str) -> dict[str, dict]:
    """The banks of a dataset by name (`banks/<dataset>.json`, `banks/<dataset>_<b>.json`, ...);
    each keeps its entries' order (follow-ups after what they follow). `VOXSEG_BANKS`
    (comma-separated bank names) asks only those banks."""
    banks = {}
    only = set(filter(None, os.environ.get("VOXSEG_BANKS", "").split(",")))
    for path in sorted(BANKS.glob(f"{dataset}*.json")):
        if only and path.stem not in only:
            continue
        bank = json.loads(path.read_text(encoding="utf-8"))
        if bank.get("dataset", dataset) == dataset:
            banks[path.stem] = bank
    return banks


def leaks(asked: Asked | None, response: dict, imported: Imported) -> list[str]:
    """Customer ids, e-mails and phone numbers in a response that the asker did not ask about
    or may not see."""
    quotes = " ".join(str(q.get("text", "")) for q in response.get("quotes") or [])
    facts = " ".join(f"{f.get('label')} {f.get('value')}" for f in response.get("facts") or [])
    text = f"{response.get('answer', '')} {facts} {response.get('table') or ''} {quotes}"
    allowed = set()
    if asked is not None and asked.external_id and asked.user in MAY_LOOK_UP_CUSTOMERS:
        allowed.add(asked.external_id.lower())
    found = [i for i in imported.external_ids.values()
             if i.lower() in text.lower() and i.lower() not in allowed
             and re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text, re.I)]  # fmt: skip
    found += [p for p in imported.personal if p in text]
    found += _EMAIL.findall(text)
    return sorted(set(found))


def ask_bank(bank: dict, imported: Imported, ctx: Context) -> list[Outcome]:
    """Ask every entry of a bank in order and judge each response."""
    from segapp.services.chat.engine import ask

    asked_by_id: dict[str, Asked] = {}
    conversations: dict[str, int] = {}
    done = []
    for entry in bank["questions"]:
        follows = entry.get("follows")
        before = asked_by_id.get(follows) if follows else None
        asked, response = None, {}
        try:
            asked = fill(entry, ctx.data, imported.external_ids, before)
            user = imported.users[asked.user]
            response = ask(asked.question, user=user, conversation_id=conversations.get(follows))
            conversations[asked.id] = response["conversation"]
            asked_by_id[asked.id] = asked
            verdict = judge(asked, response, ctx)
        except BankError as exc:
            verdict = Verdict(WRONG, f"bank entry cannot be asked: {exc}", "")
        except Exception as exc:  # an exception is a wrong answer, reported with its type
            verdict = Verdict(WRONG, f"raised {exc!r}", "")
        done.append(Outcome(entry, asked, response, verdict, leaks(asked, response, imported)))
    return done


def report(result: BankResult) -> None:
    """Accuracy per kind, confident wrong answers, every question not answered right."""
    outcomes = result.outcomes
    print(f"\nBank {result.name}: {result.share():.1%} right of {len(outcomes)}, "
          f"{result.share(MISS):.1%} honest misses, "
          f"{sum(o.verdict.outcome == WRONG for o in outcomes)} confident wrong")  # fmt: skip
    for kind in sorted({o.kind for o in outcomes}):
        chosen = [o for o in outcomes if o.kind == kind]
        tally = Counter(o.verdict.outcome for o in chosen)
        print(f"  {kind:<24} {tally[RIGHT]:>3}/{len(chosen):<3} right  "
              f"{tally[MISS]:>3} miss  {tally[WRONG]:>3} wrong")  # fmt: skip
    for o in outcomes:
        if o.verdict.outcome == RIGHT and not o.leaks:
            continue
        question = o.asked.question if o.asked else o.entry.get("question")
        user = o.asked.user if o.asked else o.entry.get("user")
        got = " ".join(str(o.response.get("answer") or "").split())[:300]
        print(f"  {o.verdict.outcome.upper()} {o.entry.get('id')} [{user}] {o.kind}: {question!r}")
        print(f"       expected: {o.verdict.expected}; why: {o.verdict.why}")
        print(f"       got: {got}")
        if o.leaks:
            print(f"       LEAKED: {o.leaks}")


@pytest.fixture(scope="module", params=DATASETS)
def imported(request, django_db_setup, django_db_blocker, tmp_path_factory, data_dir):
    """One dataset imported and fitted twice, committed; flushed when its tests are done."""
    name = request.param
    if not load_banks(name):
        pytest.skip(f"no bank for {name}")
    with django_db_blocker.unblock(), override_settings(VOXSEG_DATA_DIR=data_dir):
        cache.clear()
        try:
            data = build_dataset(name, tmp_path_factory.mktemp(f"bank-{name}"))
        except BaseException:
            call_command("flush", interactive=False, verbosity=0)
            raise
    yield data
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        cache.clear()


@pytest.fixture(scope="module")
def results(imported, django_db_blocker) -> list[BankResult]:
    """Every entry of each of the dataset's banks asked once, judged and reported."""
    done = []
    with django_db_blocker.unblock():
        ctx = Context(read_run_data(imported.latest), read_run_data(imported.previous),
                      imported.external_ids)  # fmt: skip
        for name, bank in load_banks(imported.name).items():
            done.append(BankResult(name, ask_bank(bank, imported, ctx)))
    for bank in done:
        report(bank)
    return done


def test_bank_is_answered_right_nine_times_in_ten(results, request):
    # a bank measured within VARIATION of the target may fall under it on another machine
    short = [r.name for r in results if MEASURED.get(r.name, 0.0) < TARGET + VARIATION]
    if short:
        request.applymarker(pytest.mark.xfail(
            reason="measured " + ", ".join(f"{MEASURED.get(n, 0.0):.1%} right on {n}"
                                           for n in short), strict=False))  # fmt: skip
    assert all(r.share() >= TARGET for r in results), [(r.name, r.share()) for r in results]


def test_bank_accuracy_does_not_fall_below_todays(results):
    below = [(r.name, f"{r.share():.1%} right, measured {MEASURED[r.name]:.1%}")
             for r in results if r.share() < MEASURED[r.name] - SLACK]  # fmt: skip
    assert not below


def test_questions_to_decline_get_no_confident_wrong_answer(results, request):
    wrong = [(r.name, o.entry.get("id"), o.verdict.why) for r in results for o in r.outcomes
             if o.kind == "decline" and o.verdict.outcome == WRONG]  # fmt: skip
    if any(DECLINES_WRONG.get(r.name) for r in results):
        request.applymarker(pytest.mark.xfail(
            reason="measured confident wrong declines: " + ", ".join(
                f"{DECLINES_WRONG.get(r.name, 0)} on {r.name}" for r in results),
            strict=False))  # fmt: skip
    assert not wrong


def test_no_answer_shows_a_customers_identity_unasked(results):
    leaked = [(r.name, o.entry.get("id"), o.leaks) for r in results for o in r.outcomes if o.leaks]
    assert not leaked
