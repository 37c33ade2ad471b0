"""The chat's tools over a real finished run: figures equal the selectors', roles and k hold,
and every answer composed from them is grounded."""

from __future__ import annotations

import pytest
from django.db.models import Count

from segapp.models import Customer, Document, DocumentResult, Membership, Segment, Topic
from segapp.selectors import personas, trends
from segapp.services.chat import compose, grounding
from segapp.services.chat.tools import ToolContext, run_tool
from tests.segapp.chat import shared
from tests.segapp.chat.shared import copy_run

pytestmark = pytest.mark.django_db
chat_run = shared.chat_run  # the module's real run (a fixture)


def call(run, user, tool, k=10, **args):
    """Run one tool and check the answer composed from it is grounded."""
    result = run_tool(ToolContext(run=run, user=user, k=k), tool, args)
    answer = compose.compose([(tool, args, result)])
    assert grounding.check(answer, result.quotes, [result]) == [], answer
    return result, answer


def reportable(run):
    return [s for s in Segment.objects.filter(run=run) if not personas.is_small(s)]


def test_overview_gives_every_reportable_segment_and_the_extremes(chat_run, carol):
    result, answer = call(chat_run, carol, "overview")
    shown = reportable(chat_run)
    assert [r["size"] for r in result.data["sizes"]] == [s.size for s in shown]
    largest = max(shown, key=lambda s: (s.size, -s.number))
    assert result.data["largest"] == largest.number
    assert f"“{largest.name}” with {largest.size} customers" in answer


def test_ranking_by_a_behaviour_column_follows_the_profiles_means(chat_run, carol):
    result, answer = call(chat_run, carol, "rank_segments", measure="spend_12m")
    means = {s.number: s.profile["feature_means"]["spend_12m"] for s in reportable(chat_run)}
    assert result.data["answer"] == max(means, key=means.get)
    low, _ = call(chat_run, carol, "rank_segments", measure="spend_12m", order="asc")
    assert low.data["answer"] == min(means, key=means.get)
    second, text = call(chat_run, carol, "rank_segments", measure="size", position=2)
    sizes = sorted(reportable(chat_run), key=lambda s: (-s.size, s.number))
    assert second.data["answer"] == sizes[1].number and "second largest" in text


def test_ranking_by_sentiment_about_a_topic_and_by_its_share(chat_run, carol):
    topic = Topic.objects.filter(run=chat_run).order_by("-size").first().number
    share, _ = call(chat_run, carol, "rank_segments", measure="topic_share", topic=topic)
    by_segment = dict(
        DocumentResult.objects.filter(
            run=chat_run, topic=topic, document__customer__memberships__run=chat_run
        )
        .values_list("document__customer__memberships__segment__number")
        .annotate(n=Count("id"))
    )
    assert share.data["answer"] in by_segment
    mood, _ = call(chat_run, carol, "rank_segments", measure="sentiment", topic=topic, order="asc")
    assert mood.data["ranking"] and mood.data["label"].startswith("sentiment about")


def _negative_shares(run, topic=None) -> dict[int, float]:
    """Per segment with 10 or more writers: the share of its members' documents labelled
    negative (on `topic`), counted straight from the run's document results."""
    rows = DocumentResult.objects.filter(run=run, document__customer__memberships__run=run)
    if topic is not None:
        rows = rows.filter(topic=topic)
    out = {}
    for s in reportable(run):
        mine = rows.filter(document__customer__memberships__segment=s)
        writers = mine.values("document__customer").distinct().count()
        if writers >= 10:
            out[s.number] = mine.filter(sentiment_label="negative").count() / mine.count()
    return out


def test_ranking_by_the_share_of_negative_comments_counts_them(chat_run, carol):
    result, answer = call(chat_run, carol, "rank_segments", measure="negative_share")
    shares = _negative_shares(chat_run)
    assert result.data["answer"] == max(shares, key=shares.get)
    assert "share of negative comments" in answer
    topic = Topic.objects.filter(run=chat_run).order_by("-size").first().number
    on_topic, _ = call(chat_run, carol, "rank_segments", measure="negative_share", topic=topic)
    shares = _negative_shares(chat_run, topic)
    assert on_topic.data["answer"] == max(shares, key=shares.get)


def test_unknown_measures_and_positions_are_refused_plainly(chat_run, carol):
    result, answer = call(chat_run, carol, "rank_segments", measure="shoe_size")
    assert result.refused and "shoe_size" in answer and not result.facts
    far, _ = call(chat_run, carol, "rank_segments", measure="size", position=99)
    assert far.refused.startswith("Only")


def test_compare_gives_both_sizes_and_the_biggest_differences(chat_run, carol):
    a, b = [s.number for s in reportable(chat_run)][:2]
    result, answer = call(chat_run, carol, "compare_segments", segments=[a, b])
    compared = personas.compare_personas(chat_run, a, b)
    assert result.data["a"]["size"] == compared["a"]["size"]
    assert result.data["traits"][0]["feature"] in {t["feature"] for t in compared["traits"]}
    assert str(compared["b"]["size"]) in answer


def test_what_a_segment_says_about_a_topic_with_quotes_only_for_readers(chat_run, bob, carol):
    segment = reportable(chat_run)[0]
    topic = segment.profile["top_topics"][0]["topic"]
    result, _ = call(chat_run, bob, "segment_topic", segment=segment.number, topic=topic)
    mine = DocumentResult.objects.filter(
        run=chat_run, topic=topic, document__customer__memberships__segment=segment
    )
    assert result.data["documents"] == mine.count()
    assert result.quotes and all(
        Document.objects.get(pk=q["document"]).text == q["text"] for q in result.quotes
    )
    assert {q["document"] for q in result.quotes} <= set(mine.values_list("document_id", flat=True))
    hidden, text = call(chat_run, carol, "segment_topic", segment=segment.number, topic=topic)
    assert hidden.quotes == [] and hidden.data["quotes_hidden"] and "no quotes" in text


def test_where_a_topic_comes_up_most_is_the_segment_with_the_largest_share(chat_run, carol):
    topic = reportable(chat_run)[0].profile["top_topics"][0]["topic"]
    result, answer = call(chat_run, carol, "topic_where", topic=topic)
    shares = [r["share"] for r in result.data["ranking"]]
    assert shares == sorted(shares, reverse=True)
    # the truth, from the stored results: each segment's share of its members' documents on it
    truth = {}
    for segment in reportable(chat_run):
        results = DocumentResult.objects.filter(
            run=chat_run,
            document__customer__memberships__run=chat_run,
            document__customer__memberships__segment=segment,
        )
        if results.exists():
            truth[segment.number] = results.filter(topic=topic).count() / results.count()
    assert result.data["ranking"][0]["segment"] == max(truth, key=truth.get)
    assert result.data["ranking"][0]["name"] in answer


def test_negative_drivers_are_topics_many_customers_write_about(chat_run, bob):
    result, _ = call(chat_run, bob, "negative_drivers")
    weights = [d["weight"] for d in result.data["drivers"]]
    assert weights == sorted(weights, reverse=True) and weights[0] > 0
    assert all(
        Document.objects.get(pk=q["document"]).results.get(run=chat_run).sentiment_label
        == "negative"
        for q in result.quotes
    )


def test_counts_with_filters_match_the_customers_and_hide_groups_below_k(chat_run, bob):
    segment = reportable(chat_run)[0]
    members = Customer.objects.filter(memberships__run=chat_run, memberships__segment=segment)
    spends = sorted(c.features["spend_12m"] for c in members)
    threshold = spends[len(spends) // 2]
    result, answer = call(chat_run, bob, "count_members", segment=segment.number,
                          filters=[{"measure": "spend_12m", "op": ">", "value": threshold}])  # fmt: skip
    expected = sum(1 for s in spends if s > threshold)
    if expected >= 10:
        assert result.data["count"] == expected and f"{expected} customers" in answer
    few = spends[-3]
    result, answer = call(chat_run, bob, "count_members", segment=segment.number,
                          filters=[{"measure": "spend_12m", "op": ">=", "value": few}])  # fmt: skip
    assert result.data["count"] is None and "Fewer than 10 customers" in answer
    none, answer = call(chat_run, bob, "count_members",
                        filters=[{"measure": "spend_12m", "op": ">", "value": 10**9}])  # fmt: skip
    assert none.data["count"] == 0 and "0 customers in the run" in answer
    unknown, _ = call(chat_run, bob, "count_members",
                      filters=[{"measure": "shoe_size", "op": ">", "value": 3}])  # fmt: skip
    assert unknown.refused and "shoe_size" in unknown.refused


def test_topic_trend_reads_the_trend_selector(chat_run, carol):
    topic = Topic.objects.filter(run=chat_run).order_by("-size").first().number
    result, _ = call(chat_run, carol, "topic_trend", topic=topic)
    expected = trends.topic_trend(chat_run, topic)
    assert [m["documents"] for m in result.data["months"]] == [m.documents for m in expected.months]
    everything, _ = call(chat_run, carol, "topic_trend")
    assert sum(m["documents"] for m in everything.data["months"]) > 0


def test_run_change_finds_persisting_new_and_vanished_segments(chat_run, carol):
    shown = reportable(chat_run)
    dropped, grown = shown[0].number, shown[1].number
    later = copy_run(chat_run, drop=dropped, grow=grown)
    result, answer = call(later, carol, "run_change")
    assert result.data["previous"] == chat_run.pk
    assert [v["segment"] for v in result.data["vanished"]] == [dropped]
    changed = {p["segment"]: p["change"] for p in result.data["persisted"]}
    assert changed[grown] == 5 and len(changed) == len(shown) - 1
    assert f"run {chat_run.pk}" in answer and "1 vanished" in answer
    first, _ = call(chat_run, carol, "run_change")
    assert first.refused and "no successful run before" in first.refused


def test_why_a_customer_is_where_they_are_only_for_analysts(chat_run, bob, carol, dave):
    membership = Membership.objects.filter(run=chat_run, segment__isnull=False).first()
    pseudonym = membership.customer.pseudonym
    result, answer = call(chat_run, bob, "customer_why", customer=pseudonym)
    assert result.data["segment"] == membership.segment.number
    assert membership.segment.name in answer
    refused, text = call(chat_run, carol, "customer_why", customer=pseudonym)
    assert refused.refused and refused.facts == [] and membership.segment.name not in text
    placed, text = call(chat_run, dave, "customer_why", customer=pseudonym)  # memberships only
    assert placed.data["segment"] == membership.segment.number and placed.data["pulls"] == []
    assert placed.data["rule"] is None and "shown only to roles" in text


def test_quotes_need_the_right_to_read_documents(chat_run, bob, carol, dave):
    segment = reportable(chat_run)[0]
    result, _ = call(chat_run, bob, "quotes", segment=segment.number)
    assert result.quotes and all(q["segment"] == segment.number for q in result.quotes)
    for user in (carol, dave):
        refused, _ = call(chat_run, user, "quotes", segment=segment.number)
        assert refused.refused and refused.quotes == []


def test_segments_below_k_are_never_reported(chat_run, bob, settings):
    sizes = sorted(s.size for s in reportable(chat_run))
    k = sizes[len(sizes) // 2] + 1
    small = next(s for s in reportable(chat_run) if s.size < k)
    settings.VOXSEG_MIN_GROUP_SIZE = k
    result, answer = call(chat_run, bob, "overview", k=k)
    assert small.name not in answer and small.number not in [
        r["segment"] for r in result.data["sizes"]
    ]
    refused, text = call(chat_run, bob, "describe_segment", k=k, segment=small.number)
    assert refused.refused and small.name not in text
    ranked, _ = call(chat_run, bob, "rank_segments", k=k, measure="sentiment")
    assert small.number not in [r["segment"] for r in ranked.data["ranking"]]


def _regions(run, segment=None) -> dict[str, list]:
    """Members' region and spend, per region (from the customers' sensitive columns)."""
    found = Membership.objects.filter(run=run).select_related("customer")
    if segment is not None:
        found = found.filter(segment=segment)
    by_region: dict[str, list] = {}
    for m in found:
        region = str(m.customer.sensitive.get("region", "")).lower()
        by_region.setdefault(region, []).append(m.customer.features.get("spend_12m"))
    return by_region


def test_counts_filter_on_a_category_and_withhold_groups_below_k(chat_run, carol):
    everyone = _regions(chat_run)
    region = max((r for r in everyone if r), key=lambda r: len(everyone[r]))
    result, answer = call(chat_run, carol, "count_members",
                          filters=[{"measure": "region", "op": "==", "value": region}])  # fmt: skip
    assert result.data["count"] == len(everyone[region])
    assert f"region “{region}”" in answer
    small = None
    for segment in reportable(chat_run):
        for name, spends in _regions(chat_run, segment).items():
            if name and 0 < len(spends) < 10 and len(everyone.get(name, [])) >= 10:
                small = (segment, name)
    assert small, "the run should have a segment with fewer than 10 members in some region"
    segment, name = small
    hidden, answer = call(chat_run, carol, "count_members", segment=segment.number,
                          filters=[{"measure": "region", "op": "==", "value": name}])  # fmt: skip
    assert hidden.data["count"] is None and "Fewer than 10 customers" in answer
    print(f"\n{segment.name} in {name}: {answer}")
    unknown, _ = call(chat_run, carol, "count_members",
                      filters=[{"measure": "region", "op": "==", "value": "atlantis"}])  # fmt: skip
    assert unknown.refused and "atlantis" in unknown.refused


def test_a_counting_question_naming_a_region_and_a_spend_is_answered_exactly(chat_run, bob):
    from segapp.services.chat import engine

    everyone = _regions(chat_run)
    region = max((r for r in everyone if r), key=lambda r: len(everyone[r]))
    spends = sorted(s for s in everyone[region] if s is not None)
    threshold = round(spends[len(spends) // 3])
    expected = sum(1 for s in spends if s > threshold)
    answer = engine.ask(
        f"how many customers in the {region} spent over {threshold}?", user=bob, channel="web"
    )
    filters = answer["plan"][0]["args"]["filters"]
    assert {"measure": "region", "op": "==", "value": region} in [
        {k: f[k] for k in ("measure", "op", "value")} for f in filters
    ], answer["plan"]
    shown = f"{expected} customers" if expected >= 10 else "Fewer than 10 customers"
    assert shown in answer["answer"], answer["answer"]
    print(f"\n{answer['answer']}")
