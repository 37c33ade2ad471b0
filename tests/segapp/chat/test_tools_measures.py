"""A measure's mean or median and breakdowns by an attribute, over a real finished run: figures
equal the database's, sensitive breakdowns only for the roles that may see them, every answer
grounded.

Who may see what (tests/conftest.py): bob is an analyst, carol a product manager, dave an
integration; only bob sees breakdowns by age, gender or region.
"""

from __future__ import annotations

import statistics

import pytest

from segapp.models import DocumentResult, Membership
from segapp.selectors import personas
from segapp.services.chat import compose, grounding
from segapp.services.chat.tools import ToolContext, run_tool
from tests.segapp.chat import shared

pytestmark = pytest.mark.django_db
chat_run = shared.chat_run  # the module's real run (a fixture)


def call(run, user, tool, k=10, **args):
    """Run one tool and check the answer composed from it is grounded."""
    result = run_tool(ToolContext(run=run, user=user, k=k), tool, args)
    answer = compose.compose([(tool, args, result)])
    assert grounding.check(answer, result.quotes, [result]) == [], answer
    return result, answer


def members(run, number=None):
    """The run's members outside segments below k (outliers included), or one segment's."""
    found = Membership.objects.filter(run=run).select_related("customer", "segment")
    if number is not None:
        return [m for m in found if m.segment is not None and m.segment.number == number]
    return [m for m in found if m.segment is None or not personas.is_small(m.segment)]


def test_the_mean_and_median_of_a_measure_are_the_members_values(chat_run, bob):
    values = [m.customer.features["spend_12m"] for m in members(chat_run)]
    result, answer = call(chat_run, bob, "measure_value", measure="spend_12m", stat="median")
    assert result.data["value"] == pytest.approx(statistics.median(values))
    assert result.data["other_value"] == pytest.approx(statistics.fmean(values))
    assert answer.startswith(f"Working out the median spend (12 months) of all customers in run {chat_run.pk}.")  # fmt: skip


def test_a_segments_mean_is_given_with_the_runs(chat_run, bob):
    number = members(chat_run)[0].segment.number
    values = [m.customer.features["avg_basket"] for m in members(chat_run, number)]
    result, answer = call(chat_run, bob, "measure_value", measure="avg_basket", segment=number)
    assert result.data["value"] == pytest.approx(statistics.fmean(values))
    assert result.data["run_value"] is not None and "For all customers" in answer
    assert any(row[0] == result.data["name"] for row in result.table["rows"])


def test_a_measure_the_run_lacks_is_refused_with_the_options(chat_run, bob):
    result, _ = call(chat_run, bob, "measure_value", measure="household_income")
    assert result.refused.startswith("I don't have household_income.")
    assert result.suggestions


def test_a_breakdown_by_region_counts_every_group_for_an_analyst(chat_run, bob):
    regions = [str(m.customer.sensitive.get("region", "")).lower() for m in members(chat_run)]
    result, answer = call(chat_run, bob, "breakdown", attribute="region")
    shown = {g["group"]: g["count"] for g in result.data["groups"] if not g["hidden"]}
    assert len(shown) >= 2
    for group, count in shown.items():
        assert regions.count(group) == count
    assert all(regions.count(g["group"]) < 10 for g in result.data["groups"] if g["hidden"])
    assert "by region" in answer


def test_a_breakdown_by_age_is_in_bands_with_a_measures_mean(chat_run, bob):
    result, answer = call(chat_run, bob, "breakdown", attribute="age", measure="spend_12m")
    groups = [g["group"] for g in result.data["groups"] if not g["hidden"]]
    assert groups and all(g[0].isdigit() or g.startswith("under") for g in groups)
    assert "Mean spend (12 months) by age" in answer


def test_a_breakdown_with_sentiment_gives_each_groups_mean_of_its_members_moods(chat_run, bob):
    result, answer = call(chat_run, bob, "breakdown", attribute="region", measure="sentiment")
    moods = {}
    for row in DocumentResult.objects.filter(run=chat_run).values(
        "document__customer_id", "sentiment"
    ):
        moods.setdefault(row["document__customer_id"], []).append(row["sentiment"])
    by_region: dict[str, list[float]] = {}
    for m in members(chat_run):
        if m.customer_id in moods:
            region = str(m.customer.sensitive.get("region", "")).lower()
            by_region.setdefault(region, []).append(statistics.fmean(moods[m.customer_id]))
    shown = [g for g in result.data["groups"] if not g["hidden"] and g.get("mean") is not None]
    assert shown and "Mean sentiment by region" in answer
    for g in shown:
        assert g["mean"] == pytest.approx(statistics.fmean(by_region[g["group"]]))


def test_sensitive_breakdowns_are_refused_plainly_to_other_roles(chat_run, carol, dave):
    for user in (carol, dave):
        for attribute in ("age", "region", "gender"):
            result, answer = call(chat_run, user, "breakdown", attribute=attribute)
            assert result.refused and "groups" not in result.data
            assert f"I can't show a breakdown by {attribute} to your role" in answer


def test_an_attribute_per_segment_gives_each_segments_mean(chat_run, bob):
    result, _ = call(chat_run, bob, "breakdown", attribute="age", by_segment=True)
    first = result.data["segments"][0]
    ages = [float(m.customer.sensitive["age"]) for m in members(chat_run, first["segment"])
            if m.customer.sensitive.get("age") is not None]  # fmt: skip
    assert first["mean"] == pytest.approx(statistics.fmean(ages))
