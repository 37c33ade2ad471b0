"""Counts cannot be differenced into single customers by roles without customer-level access.

The attack: "how many customers spent over 3005.12?" 33, "over 3005.14?" 32, and
the same pair with "in london" or "non-binary" tells where the one customer at
3005.13 lives and who they are. Here an attacker plays it against every member
of a realistic run (the answer bank's latest population: 150 + 400 demo
customers, one real run), alone and with every category filter the run offers,
first as an analyst (exact thresholds, customer-level access) and then as a
product manager (thresholds rounded to population bands). A second attacker
subtracts sibling groups ("in london" minus "female in london" minus "male in
london") to reach the rare ones. Both print their figures.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import override_settings

from segapp.models import Membership, Segment
from segapp.selectors import personas
from segapp.services.chat import differencing
from segapp.services.chat.tools import ToolContext, run_tool
from segapp.services.chat.vocabulary import run_categories

pytestmark = pytest.mark.django_db

MEASURE = "spend_12m"
COLUMNS = ("gender", "region")
FIRST, SECOND = 150, 400  # the answer bank's two imports (tests/chat/conftest.py)


# --- the grid on its own (no database) ----------------------------------------------------------


def test_population_bands_hold_k_and_five_percent_and_points_are_round_figures():
    rng = random.Random(3)
    values = [round(rng.lognormvariate(6, 1), 2) for _ in range(550)]
    grid = differencing.population_grid(values, k=10)
    edges = [-math.inf, *grid, math.inf]
    sizes = [sum(1 for v in values if a <= v < b) for a, b in zip(edges, edges[1:], strict=False)]
    assert len(grid) >= 8 and min(sizes) >= max(10, math.ceil(0.05 * 550)), sizes
    assert all(differencing.nice(p) == p for p in grid)  # round figures, not anyone's value


def test_a_group_is_never_cut_into_a_band_of_one_to_k_minus_one():
    rng = random.Random(5)
    points = sorted({differencing.nice(rng.uniform(0, 1000)) for _ in range(40)})
    cut = 0
    for _ in range(200):
        sizes = [rng.choice([0, rng.randint(10, 80)]) for _ in range(4)]
        groups = [sorted(rng.uniform(0, 1000) for _ in range(n)) for n in sizes]
        kept = differencing.question_grid(points, groups, k=10)
        cut += bool(kept)
        edges = [-math.inf, *kept, math.inf]
        for group in groups:
            for a, b in zip(edges, edges[1:], strict=False):
                n = sum(1 for v in group if a <= v < b)
                assert n == 0 or n >= 10, (kept, group)
    assert cut > 150  # most questions still get thresholds
    assert differencing.question_grid(points, [[1.0] * 9 + [999.0] * 30], k=10) == []


def test_rare_cells_are_pooled_and_a_pooled_question_gets_no_threshold():
    cells = {"female": list(range(40)), "male": list(range(30)), "non-binary": [1, 2, 3],
             None: [4]}  # fmt: skip
    groups, pooled = differencing.pool_cells(cells, "female", k=10)
    assert not pooled and sorted(len(g) for g in groups) == [34, 40]  # male joins the 4 rare
    assert differencing.pool_cells(cells, "non-binary", k=10)[1]
    assert differencing.pool_cells(cells, "male", k=10)[1]


def test_snapping_goes_to_the_nearest_point_or_to_everyone_or_no_one():
    kept = [100.0, 200.0, 400.0]
    assert differencing.snap(">", 180, kept, lowest=3, highest=900).low == 200.0
    assert differencing.snap("<", 260, kept, lowest=3, highest=900).high == 200.0
    assert differencing.snap(">", 0, kept, lowest=3, highest=900) == differencing.Band()
    assert differencing.snap(">", 5000, kept, lowest=3, highest=900).nobody
    assert differencing.snap("=", 250, kept, lowest=3, highest=900) == differencing.Band(200, 400)


# --- the attack over a realistic run --------------------------------------------------------------


@pytest.fixture(scope="module")
def population_run(django_db_setup, django_db_blocker, tmp_path_factory, data_dir):
    """One real run over the answer bank's latest population (550 demo customers)."""
    from segapp.services.chat import vocabulary
    from segapp.services.segmentation.runs import create_run, run_in_foreground
    from tests.segapp.segmentation.conftest import import_demo

    folder = tmp_path_factory.mktemp("count-privacy")
    with django_db_blocker.unblock(), override_settings(VOXSEG_DATA_DIR=data_dir):
        try:
            import_demo(folder / "first", n_customers=FIRST, seed=11)
            import_demo(folder / "second", n_customers=SECOND, seed=7)
            run = run_in_foreground(create_run(parameters={}, source="test").pk)
        except BaseException:
            call_command("flush", interactive=False, verbosity=0)
            raise
    vocabulary.forget()
    yield run
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    vocabulary.forget()


def people(run) -> list[tuple[float, dict[str, str]]]:
    """(spend, {column: value}) of every member the run's counts cover (segments of k and up)."""
    small = [s.pk for s in Segment.objects.filter(run=run) if personas.is_small(s)]
    found = []
    for m in (
        Membership.objects.filter(run=run).exclude(segment__in=small).select_related("customer")
    ):
        columns = {**m.customer.attributes, **m.customer.sensitive}
        value = m.customer.features.get(MEASURE)
        if isinstance(value, int | float):
            found.append((float(value), {c: str(columns.get(c) or "").lower() for c in COLUMNS}))
    return found


class Asker:
    """Asks count_members as one user through one question context, remembering answers."""

    def __init__(self, run, user) -> None:
        self.ctx = ToolContext(run=run, user=user, k=personas.min_group_size())
        self.answers: dict[str, object] = {}
        self.calls = 0

    def result(self, filters: list[dict], segment: int | None = None):
        key = json.dumps(filters, sort_keys=True) + ("" if segment is None else f"@{segment}")
        if key not in self.answers:
            self.calls += 1
            args = {"filters": filters, "segment": segment}
            self.answers[key] = run_tool(self.ctx, "count_members", args)
        return self.answers[key]

    def count(self, filters: list[dict]) -> int | None:
        """The count, or None when the answer gives none (fewer than k, or withheld)."""
        found = self.result(filters)
        return None if found.refused else found.data["count"]


def threshold(op: str, value: float) -> dict:
    return {"measure": MEASURE, "op": op, "value": value}


def category(column: str, value: str) -> dict:
    return {"measure": column, "op": "==", "value": value}


def exact(everyone, filters: list[dict], k: int) -> int | None:
    """What an exact count answers: the count, or None for 1 to k-1 ("fewer than k")."""
    ops = {">": float.__gt__, "<": float.__lt__}
    n = sum(
        1
        for value, columns in everyone
        if all(
            columns[f["measure"]] == f["value"]
            if f["op"] == "=="
            else ops[f["op"]](value, f["value"])
            for f in filters
        )
    )
    return None if 0 < n < k else n


def difference(
    asker: Asker, value: float, eps: float, extra: list[dict]
) -> tuple[int | None, list]:
    """How many customers lie within eps of `value` (with the extra filters), from two answers:
    "over value-eps" minus "over value+eps", or the same from "under" when those give none."""
    for op, low, high in ((">", value - eps, value + eps), ("<", value + eps, value - eps)):
        a = asker.count([threshold(op, low), *extra])
        b = asker.count([threshold(op, high), *extra])
        if a is not None and b is not None:
            return a - b, [(op, low, a), (op, high, b)]
    return None, []


def attack(asker: Asker, everyone, filterable: dict[str, list[str]], k: int) -> dict:
    """Try to isolate every customer by two thresholds around their spend, alone and with each
    category value (and their own pair of values); count what the answers reveal."""
    values = sorted({v for v, _ in everyone})
    eps = min(b - a for a, b in zip(values, values[1:], strict=False)) / 2
    revealed: Counter = Counter()
    isolated = below_k = 0
    for value, columns in everyone:
        alone, _ = difference(asker, value, eps, [])
        differences = [alone]
        own = {}
        for column in COLUMNS:
            for option in filterable.get(column, []):
                got, _ = difference(asker, value, eps, [category(column, option)])
                differences.append(got)
                if option == columns[column]:
                    own[column] = got
        pair = None
        if all(columns[c] in filterable.get(c, []) for c in COLUMNS):
            pair, _ = difference(asker, value, eps, [category(c, columns[c]) for c in COLUMNS])
            differences.append(pair)
        small = alone is not None and 0 < alone < k
        isolated += small
        for column in COLUMNS:
            if small and own.get(column) == alone:
                revealed[column] += 1
        if small and pair == alone:
            revealed["both"] += 1
        below_k += any(d is not None and 0 < d < k for d in differences)
    return {"isolated": isolated, "revealed": revealed, "below_k": below_k,
            "customers": len(everyone), "calls": asker.calls}  # fmt: skip


def steps_below_k(asker: Asker, k: int) -> int:
    """Pairs of answers to the same filters (same direction) that differ by 1 to k-1."""
    by_filters: dict[tuple, set[int]] = {}
    for key, result in asker.answers.items():
        filters = json.loads(key.split("@")[0])
        if result.refused or result.data["count"] is None:
            continue
        shape = tuple(sorted(json.dumps(f, sort_keys=True) if f["op"] == "==" else f["op"]
                             for f in filters))  # fmt: skip
        by_filters.setdefault(shape, set()).add(result.data["count"])
    found = 0
    for counts in by_filters.values():
        ordered = sorted(counts)
        found += sum(1 for a, b in zip(ordered, ordered[1:], strict=False) if b - a < k)
    return found


def test_no_customer_is_isolated_by_threshold_pairs_without_customer_level_access(
    population_run, bob, carol
):
    k = personas.min_group_size()
    everyone = people(population_run)
    filterable = {c: v for c, v in run_categories(population_run, k).items() if c in COLUMNS}
    assert "non-binary" in filterable["gender"] and "london" in filterable["region"]

    started = time.perf_counter()
    analyst = Asker(population_run, bob)
    before = attack(analyst, everyone, filterable, k)
    seconds_before = time.perf_counter() - started
    for key, result in analyst.answers.items():  # the analyst's counts are the exact ones
        assert (None if result.refused else result.data["count"]) == exact(
            everyone, json.loads(key), k
        ), key
        assert "rounded" not in (result.data.get("condition") or "")

    started = time.perf_counter()
    manager = Asker(population_run, carol)
    after = attack(manager, everyone, filterable, k)
    seconds_after = time.perf_counter() - started
    before_steps, after_steps = steps_below_k(analyst, k), steps_below_k(manager, k)

    print(
        f"\nDifferencing attack on {len(everyone)} customers ({MEASURE}; filters: "
        + ", ".join(f"{c} {len(v)} values" for c, v in filterable.items())
        + f"; k = {k})"
    )
    for who, found, steps, seconds in (
        ("analyst (exact)", before, before_steps, seconds_before),
        ("product manager (banded)", after, after_steps, seconds_after),
    ):
        print(
            f"  {who:<26} isolated {found['isolated']:>4}  revealed gender "
            f"{found['revealed']['gender']:>3}, region {found['revealed']['region']:>3}, both "
            f"{found['revealed']['both']:>3}  customers with a difference below k "
            f"{found['below_k']:>4}  answer pairs 1..k-1 apart {steps:>5}  "
            f"({found['calls']} questions, {seconds:.1f} s)"
        )
    assert before["isolated"] > 0.8 * len(everyone)
    assert before["revealed"]["gender"] > 0.5 * len(everyone)
    assert before["revealed"]["region"] > 0.5 * len(everyone)
    assert after["isolated"] == 0 and sum(after["revealed"].values()) == 0
    assert after["below_k"] == 0 and after_steps == 0


def remainders(asker: Asker, groups: list[tuple], asked: list[float], k: int) -> tuple[int, int]:
    """(threshold pairs checked, remainders of 1..k-1) of a parent minus its answered children.

    `groups` are (segment, filters): the parent first, then its children. Only
    pairs of thresholds at which the parent and the children subtracted were
    counted from the same grid points give a group's count, so only those count.
    """
    seen = []  # per threshold: group -> (lower edge counted, count)
    for t in asked:
        counted = {}
        for g, (segment, filters) in enumerate(groups):
            result = asker.result([*filters, threshold(">", t)], segment)
            if not result.refused and result.data["count"] is not None:
                edge = result.data["rounded"][0]["counted"].get("from", "nobody")
                counted[g] = (edge, result.data["count"])
        if 0 in counted:
            seen.append(counted)
    checked = leaks = 0
    for i, one in enumerate(seen):
        for two in seen[i + 1 :]:
            if one[0][0] == two[0][0]:
                continue
            aligned = [g for g in one if g and g in two and one[g][0] == one[0][0]
                       and two[g][0] == two[0][0]]  # fmt: skip
            if aligned:
                rest = (one[0][1] - two[0][1]) - sum(one[g][1] - two[g][1] for g in aligned)
                checked += 1
                leaks += 0 < abs(rest) < k
    return checked, leaks


def test_subtracting_sibling_groups_never_leaves_a_group_below_k(population_run, carol):
    """ "Everyone" minus "female" minus "male" … (or "in london" minus "female in london" …), at
    two thresholds counted at the same grid points, leaves 0 or at least k customers."""
    k = personas.min_group_size()
    everyone = people(population_run)
    filterable = {c: v for c, v in run_categories(population_run, k).items() if c in COLUMNS}
    manager = Asker(population_run, carol)
    spends = sorted(v for v, _ in everyone)
    asked = sorted({spends[i] for i in range(0, len(spends), 5)} | {0.0, spends[-1] + 1})
    parents = [[]] + [[category(c, v)] for c in COLUMNS for v in filterable[c]]
    checked = leaks = 0
    for parent in parents:
        for column in [c for c in COLUMNS if not any(f["measure"] == c for f in parent)]:
            groups = [(None, parent)] + [(None, [*parent, category(column, v)])
                                         for v in filterable[column]]  # fmt: skip
            found = remainders(manager, groups, asked, k)
            checked, leaks = checked + found[0], leaks + found[1]
    segments = [s.number for s in Segment.objects.filter(run=population_run)
                if not personas.is_small(s)]  # fmt: skip
    by_segment = remainders(manager, [(None, [])] + [(s, []) for s in segments], asked, k)
    withheld = sum(1 for r in manager.answers.values() if r.refused)
    print(
        f"\nSibling subtraction over categories: {checked} pairs of thresholds checked over "
        f"{len(parents)} parent groups, {leaks} remainders of 1..k-1 ({withheld} of "
        f"{len(manager.answers)} answers withheld: two categories and a threshold rarely fit)."
        f"\nOver segments (whose members these roles cannot list): {by_segment[0]} pairs, "
        f"{by_segment[1]} remainders of 1..k-1 (customers of the other segments and outliers "
        "within one band)"
    )
    assert checked >= 20 and leaks == 0
    assert by_segment[0] > 0


def test_ordinary_questions_are_answered_and_say_the_threshold_was_rounded(
    population_run, bob, carol
):
    from segapp.services.chat import engine

    k = personas.min_group_size()
    everyone = people(population_run)
    question = "how many customers spent over 500?"
    manager = engine.ask(question, user=carol)
    analyst = engine.ask(question, user=bob)
    step, exact_step = manager["plan"][0], analyst["plan"][0]
    assert step["tool"] == exact_step["tool"] == "count_members", manager["plan"]
    assert exact_step["result"]["count"] == exact(everyone, [threshold(">", 500)], k)
    assert "rounded" not in analyst["answer"]
    banded = step["result"]["rounded"][0]["counted"]["from"]
    assert step["result"]["count"] == sum(1 for v, _ in everyone if v >= banded)
    assert f"thresholds are rounded to population bands of at least {k} customers for your " \
           "role" in manager["answer"]  # fmt: skip
    assert any(f["label"] == "Threshold rounded for your role" for f in manager["facts"])
    print(f"\nProduct manager: {manager['answer']}\nAnalyst: {analyst['answer']}")

    asker, off = Asker(population_run, carol), []
    spends = sorted(v for v, _ in everyone)
    answered = 0
    quantiles = [spends[int(q / 100 * (len(spends) - 1))] for q in range(5, 100, 5)]
    for t in quantiles:
        got = asker.count([threshold(">", t)])
        if got is not None:
            answered += 1
            off.append(abs(got - exact(everyone, [threshold(">", t)], 0)) / len(everyone))
    with_region = [
        asker.count([category("region", "london"), threshold(">", t)]) for t in quantiles
    ]
    print(
        f"Product manager, 'over' the 19 5%-quantiles of {MEASURE}: {answered}/19 answered, "
        f"mean error {sum(off) / max(1, len(off)):.1%} of the customers; with region london: "
        f"{sum(n is not None for n in with_region)}/19 answered"
    )
    assert answered == len(quantiles) and max(off) <= 0.1
