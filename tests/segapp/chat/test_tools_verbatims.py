"""Verbatims (by tone and by words), what customers like, the most discussed topics, trends with
a direction and a period, topics growing, a customer by the integrator's own id and member
lists, over a real finished run: figures equal the database's, roles and k hold, and every
answer composed from them is grounded."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from django.urls import reverse

from nlp.datasets import generate_demo_dataset
from segapp.models import Document, DocumentResult, Membership, Segment
from segapp.selectors import personas, trends
from segapp.services.chat import compose, grounding
from segapp.services.chat.tools import ToolContext, run_tool
from segapp.services.chat.tools.documents import search_stem
from segapp.services.chat.tools.trends import STEADY
from segapp.services.pseudonyms import pseudonymise
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


def label_of(document_id, run) -> str:
    return DocumentResult.objects.get(run=run, document_id=document_id).sentiment_label


def writers_by_word() -> dict[str, set[int]]:
    """Each word of 5+ letters in the documents, as the search reads it (its stem, at the
    start of a word, any case), and the customers whose texts hold it."""
    texts = [(c, t.lower()) for c, t in Document.objects.values_list("customer_id", "text")]
    stems = {search_stem(w) for _, text in texts for w in re.findall(r"[a-z]{5,}", text)}
    words = {w for w in stems if search_stem(w) == w}  # a stem searched for stays itself
    return {w: {c for c, text in texts if starts_a_word(w, text)} for w in words}


def starts_a_word(stem: str, text: str) -> bool:
    return re.search(rf"(^|[^a-z0-9]){re.escape(stem)}", text.lower()) is not None


def negative_writers(run, segment) -> int:
    """How many members of `segment` wrote a negative document (read from the results)."""
    members = Membership.objects.filter(run=run, segment=segment).values("customer_id")
    return (DocumentResult.objects.filter(run=run, sentiment_label="negative",
                                          document__customer_id__in=members)
            .values("document__customer_id").distinct().count())  # fmt: skip


def test_negative_comments_of_a_segment_are_its_negative_documents(chat_run, bob, carol):
    # the segment with the most members writing negatively (quotes need k of them)
    segment = max(reportable(chat_run), key=lambda s: (negative_writers(chat_run, s), -s.number))
    assert negative_writers(chat_run, segment) >= 10
    result, answer = call(chat_run, bob, "quotes", segment=segment.number, tone="negative")
    members = set(Membership.objects.filter(run=chat_run, segment=segment)
                  .values_list("customer_id", flat=True))  # fmt: skip
    assert result.quotes and all(label_of(q["document"], chat_run) == "negative"
                                 for q in result.quotes)  # fmt: skip
    assert {Document.objects.get(pk=q["document"]).customer_id for q in result.quotes} <= members
    assert "negative quotes" in answer and answer.startswith("Picking negative comments")
    hidden, _ = call(chat_run, carol, "quotes", segment=segment.number, tone="negative")
    assert hidden.refused and hidden.quotes == []


def test_comments_about_some_words_all_hold_them_and_need_k_writers(chat_run, bob):
    words = writers_by_word()
    common = max(words, key=lambda w: (len(words[w]), w))
    result, answer = call(chat_run, bob, "quotes", about=f"about {common}")
    assert result.quotes and all(starts_a_word(common, q["text"]) for q in result.quotes)
    assert result.data["writers"] == len(words[common]) and f"mentioning “{common}”" in answer
    rare = next(w for w in sorted(words) if 0 < len(words[w]) < 10)
    few, _ = call(chat_run, bob, "quotes", about=rare)
    assert few.refused.startswith("Fewer than 10 customers wrote about") and not few.quotes
    none, _ = call(chat_run, bob, "quotes", about="zeppelinised")
    assert none.refused.startswith("I don't have any comments that mention “zeppelinised”.")
    assert none.suggestions and not none.quotes


def test_what_customers_like_most_is_weighted_by_positive_documents(chat_run, bob, carol):
    result, answer = call(chat_run, carol, "positive_drivers")
    weights = [d["weight"] for d in result.data["drivers"]]
    assert weights == sorted(weights, reverse=True) and weights[0] > 0
    top = result.data["drivers"][0]
    on_topic = DocumentResult.objects.filter(run=chat_run, topic=top["topic"])
    positive = on_topic.filter(sentiment_label="positive").count()
    assert top["positive_share"] == pytest.approx(positive / on_topic.count(), abs=0.02)
    assert result.quotes == [] and f"like most is {top['label']}" in answer
    praised, _ = call(chat_run, bob, "positive_drivers")
    assert praised.quotes and all(label_of(q["document"], chat_run) == "positive"
                                  for q in praised.quotes)  # fmt: skip


def test_the_most_discussed_topics_are_ordered_by_documents(chat_run, carol):
    result, answer = call(chat_run, carol, "top_topics", limit=3)
    counts = [t["documents"] for t in result.data["topics"]]
    assert len(counts) == 3 and counts == sorted(counts, reverse=True)
    first = result.data["topics"][0]
    everyone = DocumentResult.objects.filter(run=chat_run, topic=first["topic"]).count()
    assert 0 < first["documents"] <= everyone and first["writers"] >= 10
    assert answer.split(". ", 1)[1].startswith("The most discussed topics for all customers")


def _monthly_sentiment(run) -> dict[str, tuple[int, float]]:
    found: dict[str, list[float]] = defaultdict(list)
    for created, value in DocumentResult.objects.filter(
        run=run, document__created_at__isnull=False
    ).values_list("document__created_at", "sentiment"):
        found[created.isoformat()[:7]].append(value)
    return {m: (len(v), sum(v) / len(v)) for m, v in sorted(found.items())}


def test_whether_sentiment_gets_better_compares_the_early_and_late_months_of_the_period(
    chat_run, carol
):
    months = _monthly_sentiment(chat_run)
    result, answer = call(chat_run, carol, "sentiment_trend", period={"last": 6, "unit": "months"})
    shown = [m["month"] for m in result.data["months"]]
    assert shown == list(months)[-6:]
    early, late = result.data["early"], result.data["late"]
    kept = [m for m in shown if months[m][0] >= 10]
    half = len(kept) // 2

    def mean(chosen):
        return sum(months[m][0] * months[m][1] for m in chosen) / sum(months[m][0] for m in chosen)

    assert early["sentiment"] == pytest.approx(mean(kept[:half]), abs=1e-3)
    assert late["sentiment"] == pytest.approx(mean(kept[-half:]), abs=1e-3)
    change = result.data["change"]
    expected = "better" if change >= STEADY else "worse" if change <= -STEADY else "steady"
    assert result.data["direction"] == expected
    assert "over the last 6 months" in answer.split(". ")[0]
    assert {"better": "getting better", "worse": "getting worse",
            "steady": "about the same"}[expected] in answer  # fmt: skip
    same, _ = call(chat_run, carol, "topic_trend", measure="sentiment",
                   period={"last": 6, "unit": "months"})  # fmt: skip
    assert same.data["direction"] == result.data["direction"]


def test_a_trend_over_a_period_keeps_only_that_period(chat_run, carol):
    everything, _ = call(chat_run, carol, "topic_trend")
    recent, answer = call(chat_run, carol, "topic_trend", period={"last": 3, "unit": "months"})
    assert [m["month"] for m in recent.data["months"]] == [
        m["month"] for m in everything.data["months"]
    ][-3:]
    assert "over the last 3 months" in answer
    year = everything.data["months"][-1]["month"][:4]
    since, _ = call(chat_run, carol, "topic_trend", period={"year": int(year)})
    assert {m["month"][:4] for m in since.data["months"]} == {year}


def test_topics_growing_fastest_gain_most_share_between_the_halves(chat_run, carol):
    result, answer = call(chat_run, carol, "growing_topics")
    volumes = trends.topic_volumes(chat_run)
    names = [m.isoformat()[:7] for m in volumes.months]
    half = len(names) // 2
    early, late = range(half), range(len(names) - half, len(names))

    def share(topic, months):
        return sum(volumes.counts[topic][i] for i in months) / sum(
            volumes.totals[i] for i in months
        )

    changes = [r["change"] for r in result.data["topics"]]
    assert changes == sorted(changes, reverse=True)
    top = result.data["topics"][0]
    assert top["change"] == pytest.approx(share(top["topic"], late) - share(top["topic"], early),
                                          abs=1e-3)  # fmt: skip
    assert result.data["early"]["from"] == names[0] and top["label"] in answer
    falling, _ = call(chat_run, carol, "growing_topics", order="asc")
    assert falling.data["topics"][0]["change"] == min(r["change"] for r in falling.data["topics"])


def test_a_customer_is_found_by_the_integrators_own_id_for_analysts_only(chat_run, bob, carol):
    ids = [str(c["customer_id"]) for c in generate_demo_dataset(n_customers=150, seed=7).customers]
    placed = dict(Membership.objects.filter(run=chat_run).values_list("customer__pseudonym", "id"))
    external = next(i for i in ids if pseudonymise(i) in placed)
    pseudonym = pseudonymise(external)
    membership = Membership.objects.get(pk=placed[pseudonym])
    result, answer = call(chat_run, bob, "customer_why", customer=f" {external} ")
    assert result.data["customer"] == pseudonym and result.data["given_as"] == "external_id"
    home = membership.segment or membership.soft_segment
    assert result.data["segment"] == (home.number if home else None)
    assert str(external) not in str(result.data) and str(external) not in answer
    assert answer.startswith("Looking up the customer you know by your own id")
    refused, text = call(chat_run, carol, "customer_why", customer=str(external))
    assert refused.refused and refused.facts == [] and (not home or home.name not in text)
    unknown, _ = call(chat_run, bob, "customer_why", customer="NOBODY-000")
    assert unknown.refused.startswith("I don't have a customer with this id")


def test_an_integration_gets_a_customers_segment_without_the_reasons(chat_run, dave):
    ids = [str(c["customer_id"]) for c in generate_demo_dataset(n_customers=150, seed=7).customers]
    placed = set(Membership.objects.filter(run=chat_run, segment__isnull=False)
                 .values_list("customer__pseudonym", flat=True))  # fmt: skip
    external = next(i for i in ids if pseudonymise(i) in placed)
    result, answer = call(chat_run, dave, "customer_why", customer=external.lower())
    membership = Membership.objects.get(run=chat_run, customer__pseudonym=pseudonymise(external))
    assert result.data["customer"] == pseudonymise(external)
    assert result.data["segment"] == membership.segment.number and result.data["why_hidden"]
    assert result.data["pulls"] == [] and result.data["rule"] is None
    assert membership.segment.name in answer and "shown only to roles" in answer


def test_member_lists_are_for_roles_that_may_see_members_with_a_link_to_the_export(
    chat_run, bob, carol, dave
):
    segment = reportable(chat_run)[0]
    members = Membership.objects.filter(run=chat_run, segment=segment)
    result, answer = call(chat_run, bob, "list_customers", segment=segment.number)
    shown = [c["customer"] for c in result.data["customers"]]
    assert len(shown) == min(10, members.count()) and result.data["members"] == members.count()
    assert set(shown) <= set(members.values_list("customer__pseudonym", flat=True))
    export = reverse("segment-export", kwargs={"run_id": chat_run.pk, "number": segment.number,
                                               "fmt": "csv"})  # fmt: skip
    assert result.data["export"] == export and export in answer
    integration, _ = call(chat_run, dave, "list_customers", segment=segment.number)
    assert not integration.refused
    refused, _ = call(chat_run, carol, "list_customers", segment=segment.number)
    assert refused.refused and "not allow listing customers" in refused.refused
    assert refused.table is None
