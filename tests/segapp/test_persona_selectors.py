"""The persona selectors: k-anonymity at read time, quotes, comparisons, members, explanations."""

from __future__ import annotations

import sys
import types

import pytest

from segapp.models import Document, Membership, RunStatus, SegmentationRun
from segapp.selectors import personas
from segapp.selectors.customer_explanations import customer_topics
from segapp.selectors.personas import CustomerNotFound, SegmentNotFound
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(settings):
    settings.VOXSEG_MIN_GROUP_SIZE = 10
    return build_persona_run()


def test_small_segments_are_listed_without_any_figure(built):
    listed = personas.persona_list(built.run)
    assert [p["number"] for p in listed] == [0, 1, 2]
    assert listed[2] == {
        "number": 2,
        "small": True,
        "name": "Small segment (fewer than 10)",
        "size": None,
        "share": None,
    }
    first = listed[0]
    assert (first["name"], first["size"], first["small"]) == ("Eco bargain hunters", 15, False)
    assert first["description"].startswith("They talk about packaging")
    # topics at 0.5x and 0.4x are not brought up more often than everyone: not listed
    assert len(first["top_topics"]) == 2 and first["sentiment"] == 0.3


def test_k_is_checked_against_the_current_setting(built, settings):
    settings.VOXSEG_MIN_GROUP_SIZE = 13
    listed = personas.persona_list(built.run)
    assert [p["small"] for p in listed] == [False, True, True]
    assert listed[1]["name"] == "Small segment (fewer than 13)"
    with pytest.raises(SegmentNotFound, match="fewer than 13"):
        personas.get_persona(built.run, 1, with_quotes=True)


def test_topics_written_about_by_fewer_than_k_members_lose_their_sentiment(built):
    persona = personas.get_persona(built.run, 0, with_quotes=False)
    sentiments = {t["topic"]: t["sentiment"] for t in persona["top_topics"]}
    assert sentiments == {0: 0.4, 2: None}
    summary = personas.persona_list(built.run)[0]["top_topics"]
    assert [t["sentiment"] for t in summary] == [0.4, None]


def test_rules_covering_fewer_than_k_members_are_dropped(built):
    persona = personas.get_persona(built.run, 0, with_quotes=False)
    assert [r["text"] for r in persona["rules"]] == [
        "coupon_share > 0.5 and writes about packaging and refills"
    ]
    assert persona["traits"][0]["feature"] == "coupon_share"


def test_quotes_are_read_in_order_for_roles_that_may_read_texts(built, django_assert_num_queries):
    with django_assert_num_queries(3):  # the segment, its counts, then every quote at once
        persona = personas.get_persona(built.run, 0, with_quotes=True)
    expected = [built.documents[c.pseudonym][0] for c in built.members[0][:3]]
    assert [q["document"] for q in persona["quotes"]] == [d.pk for d in expected]
    assert persona["quotes"][0]["text"] == expected[0].text
    assert persona["quotes"][0]["kind"] == "review" and persona["quotes"][0]["created_at"]
    assert persona["quotes_hidden"] is False
    assert persona["representative_customers"] == [c.pseudonym for c in built.members[0][:2]]


def test_a_quote_shows_the_survey_question_it_answers(built):
    first = built.documents[built.members[0][0].pseudonym][0]
    Document.objects.filter(pk=first.pk).update(metadata={"question": "What could we do better?"})
    quotes = personas.get_persona(built.run, 0, with_quotes=True)["quotes"]
    assert quotes[0]["question"] == "What could we do better?"
    assert all(q["question"] is None for q in quotes[1:])


def test_the_mood_is_read_from_the_shares_with_one_rounded_mean(built):
    persona = personas.get_persona(built.run, 0, with_quotes=False)
    assert persona["sentiment_mix"] == {"negative": 0.1, "neutral": 0.3, "positive": 0.6}
    assert persona["mood"] == "mostly positive" and persona["sentiment"] == 0.3
    assert all(t["feature"] != "sentiment" for t in persona["traits"])
    split = personas.sentiment_view(
        {
            "sentiment": 0.0712,
            "sentiment_mix": {"negative": 0.412, "neutral": 0.1, "positive": 0.488},
        }
    )
    assert split == {
        "sentiment": 0.07,
        "sentiment_mix": {"negative": 0.41, "neutral": 0.1, "positive": 0.49},
        "mood": "split between positive and negative",
    }


def test_quotes_and_representatives_are_hidden_without_the_right(built):
    persona = personas.get_persona(built.run, 0, with_quotes=False)
    assert persona["quotes"] == [] and persona["quotes_hidden"] is True
    assert persona["representative_customers"] == []


def test_an_erased_quote_simply_drops_out(built):
    first = built.documents[built.members[0][0].pseudonym][0]
    Document.objects.filter(pk=first.pk).delete()
    persona = personas.get_persona(built.run, 0, with_quotes=True)
    assert len(persona["quotes"]) == 2 and first.pk not in [
        q["document"] for q in persona["quotes"]
    ]


def test_missing_and_small_segments_are_not_found(built):
    with pytest.raises(SegmentNotFound, match="No segment 7"):
        personas.get_persona(built.run, 7, with_quotes=True)
    with pytest.raises(SegmentNotFound, match="fewer than 10"):
        personas.get_persona(built.run, 2, with_quotes=True)


def test_compare_sets_traits_topics_sentiment_and_rules_side_by_side(built):
    compared = personas.compare_personas(built.run, 0, 1)
    assert (
        compared["a"]["name"] == "Eco bargain hunters" and compared["b"]["name"] == "Big spenders"
    )
    spend = next(t for t in compared["traits"] if t["feature"] == "spend_12m")
    assert (spend["a"], spend["b"], spend["population"], spend["difference"]) == (
        120.0, 400.0, 210.0, -280.0,
    )  # fmt: skip
    # spend differs by 2.8 standard deviations, coupon share by 2.6: spend comes first
    assert [t["feature"] for t in compared["traits"][:2]] == ["spend_12m", "coupon_share"]
    topics = {t["topic"]: t for t in compared["topics"]}
    # segment 0 wrote 15 documents with a topic, all on topic 0; segment 1 all on topic 1
    assert (topics[0]["a_share"], topics[0]["b_share"]) == (1.0, 0.0)
    assert (topics[1]["a_share"], topics[1]["b_share"]) == (0.0, 1.0)
    assert topics[0]["a_sentiment"] == 0.5 and topics[0]["b_sentiment"] is None
    assert compared["sentiment"] == {"a": 0.3, "b": -0.1}
    assert len(compared["rules"]["a"]) == 1 and len(compared["rules"]["b"]) == 1


def test_compare_refuses_a_small_segment(built):
    with pytest.raises(SegmentNotFound):
        personas.compare_personas(built.run, 0, 2)


def test_members_filter_by_probability_and_outlier(built):
    everyone = personas.members(built.run)
    # members of the small segment are left out of run-wide lists
    assert everyone.count() == 15 + 12 + 2
    assert not everyone.filter(segment__number=2).exists()
    assert personas.members(built.run, outlier=True).count() == 2
    high = personas.members(built.run, 0, min_probability=0.8)
    assert high.count() == 6 and all(m.probability >= 0.8 for m in high)
    low = personas.members(built.run, 1, max_probability=0.6)
    assert [m.probability for m in low] == [0.5, 0.5417, 0.5833]
    assert personas.members(built.run, 0, soft=True).count() == 17


def test_members_of_a_small_segment_are_never_given(built):
    with pytest.raises(SegmentNotFound):
        personas.members(built.run, 2)
    with pytest.raises(SegmentNotFound):
        list(personas.member_export_rows(built.run, 2))


def test_member_export_rows_name_every_member_by_pseudonym(built, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        rows = list(personas.member_export_rows(built.run, 1))
    assert [r["customer"] for r in rows] == [c.pseudonym for c in built.members[1]]
    assert set(rows[0]) == set(personas.MEMBER_EXPORT_FIELDS)
    assert rows[0] == {
        "customer": built.members[1][0].pseudonym,
        "segment": 1,
        "segment_name": "Big spenders",
        "probability": 0.5,
        "outlier": False,
        "assigned_after_fit": False,
    }
    soft = list(personas.member_export_rows(built.run, 0, soft=True, outlier=True))
    assert [(r["probability"], r["outlier"]) for r in soft] == [(0.4, True), (0.4, True)]


def test_customer_feature_values_follow_the_interpretable_definitions(built):
    customer = built.members[0][0]
    topics = customer_topics(built.run, customer)
    values = personas.customer_feature_values(customer, topics, built.run.explain_context)
    assert values["topic:0"] == 0.5 and values["topic:1"] == 0.0
    assert values["sentiment"] == pytest.approx(0.2)
    assert values["spend_12m"] == customer.behaviour["spend_12m"]
    assert values["coupon_share"] == 0.5


@pytest.fixture
def fake_explain(monkeypatch):
    """Stand-in for nlp.explain.explain_customer that records what it was given."""
    calls = []

    def explain_customer(values, profile, context):
        calls.append((values, profile, context))
        rule = profile["rules"][0]
        return {
            "pulls": [
                {
                    "feature": "coupon_share",
                    "label": "Coupon share",
                    "value": values["coupon_share"],
                    "segment_mean": 0.62,
                    "population_mean": 0.3,
                    "toward": True,
                    "score": 1.0,
                }
            ],
            "rule": rule,
        }

    module = types.ModuleType("nlp.explain")
    module.explain_customer = explain_customer
    monkeypatch.setitem(sys.modules, "nlp.explain", module)
    return calls


def test_explain_customer_gives_segment_pulls_rule_topics_and_neighbours(built, fake_explain):
    customer = built.members[0][4]
    answer = personas.explain_customer(built.run, customer.pseudonym)
    assert answer["segment"] == {"number": 0, "name": "Eco bargain hunters", "small": False}
    assert answer["probability"] == pytest.approx(0.5 + 4 / 30, abs=1e-4)
    assert answer["outlier"] is False and answer["soft_segment"] is None
    assert answer["pulls"][0]["value"] == 0.5
    assert answer["rule"]["text"].startswith("coupon_share > 0.5")
    assert [t["topic"] for t in answer["topics"]] == [-1, 0]
    assert answer["topics"][1]["label"] == "packaging and refills"
    assert answer["representative_customers"] == [c.pseudonym for c in built.members[0][:2]]
    values, profile, context = fake_explain[0]
    assert values["topic:0"] == 0.5 and profile["name"] == "Eco bargain hunters"
    assert context is not None and "features" in context


def test_an_outlier_is_explained_against_its_soft_segment(built, fake_explain):
    answer = personas.explain_customer(built.run, built.outliers[0].pseudonym)
    assert answer["segment"] is None and answer["outlier"] is True
    assert answer["soft_segment"]["number"] == 0 and answer["soft_segment"]["probability"] == 0.4
    assert answer["pulls"] and fake_explain[0][1]["segment"] == 0


def test_nothing_is_explained_about_a_small_segment(built, fake_explain):
    answer = personas.explain_customer(built.run, built.members[2][0].pseudonym)
    assert answer["segment"]["name"] == "Small segment (fewer than 10)"
    assert answer["pulls"] == [] and answer["rule"] is None
    assert answer["representative_customers"] == [] and fake_explain == []


def test_the_real_explanation_pulls_towards_the_segment(built):
    customer = built.members[1][0]  # spends 400+, like the segment (400) against 210
    answer = personas.explain_customer(built.run, customer.pseudonym)
    pulls = {p["feature"]: p for p in answer["pulls"]}
    assert pulls["spend_12m"]["toward"] is True
    assert answer["rule"]["text"] == "spend_12m > 300"


def test_unknown_customers_and_customers_outside_the_run_are_not_found(built, fake_explain):
    with pytest.raises(CustomerNotFound):
        personas.explain_customer(built.run, "0" * 64)
    other = SegmentationRun.objects.create(status=RunStatus.SUCCEEDED)
    with pytest.raises(CustomerNotFound, match=f"run {other.pk}"):
        personas.explain_customer(other, built.members[0][0].pseudonym)
    with pytest.raises(CustomerNotFound):
        personas.customer_memberships("f" * 64)


def test_customer_memberships_list_successful_runs_newest_first(built):
    later = build_persona_run(prefix="p")
    failed = SegmentationRun.objects.create(status=RunStatus.FAILED)
    customer = built.members[0][0]
    Membership.objects.create(run=failed, customer=customer, probability=1.0)
    rows = personas.customer_memberships(customer.pseudonym)
    assert [r["run"] for r in rows] == [later.run.pk, built.run.pk]
    assert rows[0]["segment"]["name"] == "Eco bargain hunters"
    small = personas.customer_memberships(built.members[2][0].pseudonym)
    assert small[0]["segment"] == {
        "number": 2,
        "name": "Small segment (fewer than 10)",
        "small": True,
    }
