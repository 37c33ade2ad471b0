"""Shares, things that do not exist, targeting evidence and the reading every answer starts
with, over a real finished run: figures equal the database's and every answer is grounded."""

from __future__ import annotations

import pytest

from segapp.models import Customer, Segment, Topic
from segapp.selectors import personas
from segapp.selectors.topics import small_topic_numbers
from segapp.services.chat import compose, figures, grounding
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


def reportable(run):
    return [s for s in Segment.objects.filter(run=run).order_by("number")
            if not personas.is_small(s)]  # fmt: skip


def spend_label(run, user) -> str:
    return ToolContext(run=run, user=user, k=10).measures()["spend_12m"]["label"].lower()


def test_a_count_answer_starts_with_how_the_question_was_read(chat_run, bob):
    result, answer = call(chat_run, bob, "count_members",
                          filters=[{"measure": "spend_12m", "op": ">", "value": 1000}])  # fmt: skip
    label = spend_label(chat_run, bob)
    reading = f"Counting customers whose {label} is above 1,000 in run {chat_run.pk}."
    assert answer.startswith(reading), answer
    spends = [c.features.get("spend_12m") for c in Customer.objects.all()]
    assert result.data["count"] == sum(1 for s in spends if s is not None and s > 1000)


def test_every_answer_starts_with_a_reading_that_names_the_run(chat_run, bob):
    a, b = [s.number for s in reportable(chat_run)][:2]
    topic = Topic.objects.filter(run=chat_run, number__gte=0).order_by("-size").first().number
    asked = [
        ("overview", {}), ("describe_segment", {"segment": a}),
        ("rank_segments", {"measure": "spend_12m"}), ("compare_segments", {"segments": [a, b]}),
        ("segment_topic", {"segment": a, "topic": topic}), ("topic_where", {"topic": topic}),
        ("negative_drivers", {}), ("positive_drivers", {"segment": a}), ("top_topics", {}),
        ("share_members", {"segment": b}), ("topic_trend", {"topic": topic}),
        ("sentiment_trend", {}), ("growing_topics", {}), ("quotes", {"segment": a}),
        ("list_customers", {"segment": a}), ("target_evidence", {"goal": "loyalty"}),
        ("unknown", {"kind": "segment", "name": "Moon walkers"}),
        ("describe_segment", {"segment": 999}),
    ]  # fmt: skip
    for tool, args in asked:
        _, answer = call(chat_run, bob, tool, **args)
        first = answer.split(". ")[0]
        assert f"run {chat_run.pk}" in first, (tool, answer)
        assert first[:1].isupper() and not first[:1].isdigit(), (tool, answer)


def test_a_share_question_is_answered_with_the_share_of_its_base_first(chat_run, carol):
    everyone = [m.customer for m in personas.members(chat_run)]  # outside segments below k
    regions = [str(c.sensitive.get("region", "")).lower() for c in everyone]
    region = max(set(regions) - {""}, key=regions.count)
    result, answer = call(chat_run, carol, "share_members",
                          filters=[{"measure": "region", "op": "==", "value": region}])  # fmt: skip
    members = result.data["members"]
    assert members == len(everyone)
    assert result.data["count"] == regions.count(region)
    assert result.data["share"] == round(regions.count(region) / members, 4)
    said = answer.split(". ", 1)[1]
    assert said.startswith(f"{figures.share(result.data['share'])} of the "), answer
    assert f"{figures.count(regions.count(region))} customers" in said


def test_the_share_of_a_segment_is_its_share_of_the_run(chat_run, carol):
    segment = reportable(chat_run)[1]
    result, answer = call(chat_run, carol, "share_members", segment=segment.number)
    assert result.data["share"] == round(segment.share, 4)
    assert f"“{segment.name}” is {figures.share(segment.share)} of the run's" in answer
    nothing, _ = call(chat_run, carol, "share_members")
    assert nothing.refused and "share of what" in nothing.refused.lower()


def test_no_share_is_given_for_a_group_below_k(chat_run, bob):
    segment = reportable(chat_run)[0]
    members = Customer.objects.filter(memberships__run=chat_run, memberships__segment=segment)
    spends = sorted(c.features["spend_12m"] for c in members)
    result, answer = call(chat_run, bob, "share_members", segment=segment.number,
                          filters=[{"measure": "spend_12m", "op": ">=", "value": spends[-3]}])  # fmt: skip
    assert result.data["fewer_than_k"] and "share" not in result.data
    assert "Fewer than 10 customers" in answer and "%" not in answer


def test_a_segment_that_does_not_exist_is_named_with_the_segments_there_are(chat_run, carol):
    result, answer = call(chat_run, carol, "unknown", kind="segment", name="Moon walkers")
    names = [s.name for s in reportable(chat_run)]
    assert result.refused.startswith("I don't have a segment called “Moon walkers”. The "
                                     "segments are: ")  # fmt: skip
    assert all(f"“{n}”" in result.refused for n in names)
    assert result.suggestions == [f"Describe the “{n}” segment." for n in names][:6]


def test_segments_below_k_are_not_offered_when_a_name_is_missing(chat_run, carol, settings):
    sizes = sorted(s.size for s in reportable(chat_run))
    k = sizes[len(sizes) // 2] + 1
    small = [s for s in reportable(chat_run) if s.size < k]
    settings.VOXSEG_MIN_GROUP_SIZE = k
    result, _ = call(chat_run, carol, "unknown", k=k, kind="segment", name="Moon walkers")
    assert small and not any(s.name in result.refused for s in small)
    assert not any(s.name in q for s in small for q in result.suggestions)


def test_a_measure_that_is_not_held_is_named_with_the_measures_there_are(chat_run, carol):
    label = spend_label(chat_run, carol)
    result, answer = call(chat_run, carol, "unknown", kind="measure", name="household income")
    assert result.refused.startswith("I don't have household income. I have: size, sentiment, ")
    assert label in result.refused
    assert f"Which segment has the highest {label}?" in result.suggestions
    ranked, _ = call(chat_run, carol, "rank_segments", measure="household_income")
    assert ranked.refused.startswith("I don't have household_income. I have:")
    assert ranked.suggestions == result.suggestions
    counted, _ = call(chat_run, carol, "count_members",
                      filters=[{"measure": "household_income", "op": ">", "value": 5}])  # fmt: skip
    assert counted.refused.startswith("I don't have household_income.") and counted.suggestions


def test_a_topic_nobody_writes_about_is_named_with_the_topics_there_are(chat_run, carol):
    result, _ = call(chat_run, carol, "unknown", kind="topic", name="space travel")
    small = small_topic_numbers(chat_run, 10)
    topics = Topic.objects.filter(run=chat_run, number__gte=0).order_by("-size", "number")
    shown = [t.label for t in topics if t.number not in small]
    assert result.refused.startswith("I don't have a topic about “space travel”")
    assert shown[0] in result.refused and result.data["options"] == shown
    assert result.suggestions[0] == f"Where does {shown[0]} come up most?"
    assert not any(t.label in result.refused for t in topics if t.number in small)


def test_a_category_value_nobody_has_is_named_with_the_values_there_are(chat_run, carol):
    result, _ = call(chat_run, carol, "count_members",
                     filters=[{"measure": "region", "op": "==", "value": "atlantis"}])  # fmt: skip
    assert result.refused.startswith("I don't have customers with region “atlantis”. The values")
    assert result.data["options"] and all(v in result.refused for v in result.data["options"])
    assert len(result.suggestions) == min(6, len(result.data["options"]))


def test_targeting_evidence_gives_the_figures_and_leaves_the_decision_to_the_asker(chat_run, carol):
    result, answer = call(chat_run, carol, "target_evidence", goal="loyalty programme")
    shown = reportable(chat_run)
    assert [r["segment"] for r in result.data["segments"]] == [s.number for s in shown]
    assert result.data["goal"] == "loyalty" and "spend_12m" in result.data["measures"]
    means = {s.name: s.profile["feature_means"]["spend_12m"] for s in shown}
    spend = next(e for e in result.data["extremes"] if e["measure"] == "spend_12m")
    assert spend["highest"]["name"] == max(means, key=means.get)
    assert answer.endswith("not a recommendation.") and "your decision" in answer
    lapsed, _ = call(chat_run, carol, "target_evidence", goal="win-back")
    assert lapsed.data["measures"][0] == "days_since_last_order"
