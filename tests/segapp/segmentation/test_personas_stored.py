"""Personas are stored with a real run: names, descriptions, traits, quotes, rules, context.

One foreground run on 150 demo customers (the `finished_run` fixture) is
checked, then run again on the same data (its results, names included, are
reused), and finally names are carried into a run whose segments mostly
repeat the previous run's.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from segapp.models import Document, Membership, RunStatus, Segment, SegmentationRun
from segapp.services.segmentation.naming import carry_names
from segapp.services.segmentation.runs import create_run, run_in_foreground

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _check_personas(run: SegmentationRun) -> None:
    segments = list(Segment.objects.filter(run=run))
    assert len(segments) >= 2
    names = [s.name for s in segments]
    assert len(names) == len(set(names)), names
    members = dict(
        Membership.objects.filter(run=run, segment__isnull=False).values_list(
            "customer_id", "segment__number"
        )
    )
    pseudonyms = dict(
        Membership.objects.filter(run=run, segment__isnull=False).values_list(
            "customer__pseudonym", "segment__number"
        )
    )
    for segment in segments:
        profile = segment.profile
        assert profile["name"] == segment.name
        assert profile["small"] is (segment.size < settings.VOXSEG_MIN_GROUP_SIZE)
        if profile["small"]:
            assert profile["quotes"] == [] and profile["traits"] == [] and profile["rules"] == []
            continue
        assert profile["description"].startswith("About ")
        assert profile["traits"] and {"feature", "label", "segment_mean", "population_mean",
                                      "effect_size", "direction"} <= set(profile["traits"][0])  # fmt: skip
        quotes = profile["quotes"]
        assert 1 <= len(quotes) <= 5
        owners = dict(Document.objects.filter(pk__in=quotes).values_list("pk", "customer_id"))
        assert set(owners) == set(quotes), "quotes are Document ids"
        assert all(members[owner] == segment.number for owner in owners.values())
        assert profile["rules"], f"segment {segment.number} has no rule"
        for rule in profile["rules"]:
            assert 0 <= rule["precision"] <= 1 and 0 <= rule["coverage"] <= 1
            assert rule["support"] >= 1 and rule["text"]
            assert all(c["op"] in ("<=", ">") and c["text"] for c in rule["conditions"])
        reps = profile["representative_customers"]
        assert reps and all(pseudonyms[p] == segment.number for p in reps)
        for topic in profile["top_topics"]:
            assert topic["customers"] >= settings.VOXSEG_MIN_GROUP_SIZE
        assert set(profile["feature_means"]) <= set(run.explain_context["features"])


def test_runs_store_personas_and_keep_their_names(finished_run):
    run = finished_run
    assert run.status == RunStatus.SUCCEEDED
    context = run.explain_context
    assert context["min_group_size"] == settings.VOXSEG_MIN_GROUP_SIZE
    assert context["features"]["sentiment"]["kind"] == "sentiment"
    assert any(f["kind"] == "behaviour" for f in context["features"].values())
    assert any(f["kind"] == "topic" for f in context["features"].values())
    assert "explain" in run.timings
    _check_personas(run)
    print("\n" + "\n".join(f"{s.number}: {s.name} ({s.size}) — {s.profile['description']}"
                           for s in Segment.objects.filter(run=run)))  # fmt: skip

    again = run_in_foreground(create_run(parameters={}, source="test").pk)
    assert again.reused_from_id == run.pk
    assert again.explain_context == run.explain_context
    before = {s.number: (s.name, s.profile) for s in Segment.objects.filter(run=run)}
    after = {s.number: (s.name, s.profile) for s in Segment.objects.filter(run=again)}
    assert after == before

    _carry_names_into_a_new_run(again)


def _carry_names_into_a_new_run(previous: SegmentationRun) -> None:
    """A run whose segments repeat `previous`'s takes their names; a lost one gets a numeral."""
    run = SegmentationRun.objects.create(parameters={}, source="test", status=RunStatus.RUNNING)
    old = list(Segment.objects.filter(run=previous).order_by("number"))
    lost, kept = [s for s in old if not s.profile["small"]][:2]
    copies = {
        s.number: Segment.objects.create(
            run=run, number=s.number, name=f"Fresh name {s.number}", size=s.size, share=s.share,
            profile={**s.profile, "name": f"Fresh name {s.number}"},
        )
        for s in old
    }  # fmt: skip
    copies[lost.number].name = kept.name  # its generated name now clashes with a carried one
    copies[lost.number].save()
    rows = Membership.objects.filter(run=previous).exclude(segment=lost)
    Membership.objects.bulk_create(
        Membership(run=run, customer_id=m.customer_id, segment=copies[m.segment.number]
                   if m.segment else None, probability=m.probability, outlier=m.outlier)
        for m in rows.select_related("segment")
    )  # fmt: skip
    carried = carry_names(run)
    names = {s.number: s for s in Segment.objects.filter(run=run)}
    assert carried == sum(not s.profile["small"] for s in old) - 1
    assert names[kept.number].name == kept.name
    assert names[kept.number].profile["continues"] == {
        "run": previous.pk, "segment": kept.number, "overlap": 1.0, "kept": 1.0, "came_from": 1.0
    }  # fmt: skip
    assert names[lost.number].name == f"{kept.name} 2"
    assert "continues" not in names[lost.number].profile
    assert all(s.profile["name"] == s.name for s in names.values())
    assert len({s.name for s in names.values()}) == len(names)
