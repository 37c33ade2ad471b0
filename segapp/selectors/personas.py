"""Reading personas: segment summaries, persona pages, comparisons and members.

Shared by the persona pages, the API and (later) the chat. "Why this
customer" is read by `selectors.customer_explanations` and the k-anonymity
rules below live in `selectors.anonymity`; both are importable from here too.
Everything here reads what the run stored (`Segment.profile`, `SegmentationRun.explain_context`) and
applies k-anonymity at read time against the current `VOXSEG_MIN_GROUP_SIZE`:

- a segment with fewer than k members is listed only as "Small segment (fewer
  than k)", with no size, share, name, traits, topics, quotes, rules or members;
- a topic row written about by fewer than k of a segment's members loses its
  sentiment;
- a rule covering fewer than k members is dropped.

Quote texts are read from `Document` rows (one query for all of a persona's
quotes); profiles keep only document ids, so an erased document simply drops out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from django.db.models import Avg, Count, Q, QuerySet

from segapp.models import (
    Document,
    DocumentResult,
    Membership,
    Segment,
    SegmentationRun,
    Topic,
)
from segapp.selectors.anonymity import (
    CustomerNotFound,
    SegmentNotFound,
    is_small,
    min_group_size,
    rule_members,
    small_segment_name,
)
from segapp.selectors.customer_explanations import (
    customer_feature_values,
    customer_memberships,
    explain_customer,
)
from segapp.selectors.placement import (
    counts_of_segment,
    segment_counts,
    with_counts,
)

__all__ = [
    "COMPARE_TOPICS",
    "MEMBER_EXPORT_FIELDS",
    "SUMMARY_TOPICS",
    "CustomerNotFound",
    "SegmentNotFound",
    "compare_personas",
    "customer_feature_values",
    "customer_memberships",
    "explain_customer",
    "get_persona",
    "is_small",
    "member_export_rows",
    "members",
    "min_group_size",
    "persona_list",
    "quotes_of",
    "sentiment_view",
    "small_segment_name",
    "small_segment_numbers",
]

MEMBER_EXPORT_FIELDS = (
    "customer", "segment", "segment_name", "probability", "outlier", "assigned_after_fit",
)  # fmt: skip
# How many topics a persona summary in a list carries, and a comparison at most.
SUMMARY_TOPICS = 3
COMPARE_TOPICS = 12


# --- personas ---------------------------------------------------------------------------------


def persona_list(run: SegmentationRun) -> list[dict[str, Any]]:
    """Every segment of a run as a short persona summary, by number (one query).

    A small segment gives only {"number", "small": True, "name", "size": None,
    "share": None}. `counts` is `selectors.placement`'s: fitted, placed after, members.
    """
    k = min_group_size()
    segments = list(_segments(run))
    counts = segment_counts(run, segments)
    return [with_counts(_summary(segment, k), counts.get(segment.number)) for segment in segments]


def get_persona(run: SegmentationRun, number: int, *, with_quotes: bool) -> dict[str, Any]:
    """The full persona of one segment: summary, traits, all top topics, rules, quotes.

    `with_quotes` is for roles that may read documents: it adds the quote texts
    and the representative customers; otherwise `quotes` is empty and
    `quotes_hidden` true. Raises SegmentNotFound for a missing or small segment.
    """
    segment = _segment(run, number)
    persona = _persona(run, segment, min_group_size(), with_quotes=with_quotes)
    return with_counts(persona, counts_of_segment(segment))


def compare_personas(
    run: SegmentationRun, a: int, b: int, *, with_quotes: bool = False
) -> dict[str, Any]:
    """Two segments side by side: traits, topic shares and sentiment, overall sentiment, rules.

    Traits cover every interpretable feature either profile has a mean for,
    most different first (standardised by the population's spread when the run
    stored it). Topic shares and sentiment are counted from the run's document
    results in one query, so a topic outside one segment's top list still gets
    its share there. Raises SegmentNotFound when either segment is missing or small.
    """
    k = min_group_size()
    first, second = _segment(run, a), _segment(run, b)
    persona_a = _persona(run, first, k, with_quotes=with_quotes)
    persona_b = _persona(run, second, k, with_quotes=with_quotes)
    return {
        "a": persona_a,
        "b": persona_b,
        "traits": _compare_traits(run, first.profile or {}, second.profile or {}),
        "topics": _compare_topics(run, first, second, k),
        "sentiment": {"a": persona_a["sentiment"], "b": persona_b["sentiment"]},
        "rules": {"a": persona_a["rules"], "b": persona_b["rules"]},
    }


def _segments(run: SegmentationRun) -> QuerySet[Segment]:
    return Segment.objects.filter(run=run).order_by("number")


def _segment(run: SegmentationRun, number: int) -> Segment:
    segment = _segments(run).filter(number=number).first()
    if segment is None:
        raise SegmentNotFound(f"No segment {number} in run {run.pk}.")
    k = min_group_size()
    if is_small(segment, k):
        raise SegmentNotFound(
            f"Segment {number} of run {run.pk} has fewer than {k} customers; "
            "nothing is reported about groups that small."
        )
    return segment


def _summary(segment: Segment, k: int) -> dict[str, Any]:
    if is_small(segment, k):
        return {
            "number": segment.number,
            "small": True,
            "name": small_segment_name(k),
            "size": None,
            "share": None,
        }
    profile = segment.profile or {}
    return {
        "number": segment.number,
        "name": segment.name,
        "size": segment.size,
        "share": segment.share,
        "small": False,
        "description": profile.get("description", ""),
        "top_topics": _safe_topics(profile.get("top_topics"), k)[:SUMMARY_TOPICS],
        **sentiment_view(profile),
    }


def sentiment_view(profile: dict) -> dict[str, Any]:
    """How the segment feels, as every surface shows it: one rounded figure per fact.

    `sentiment_mix` (shares of negative / neutral / positive texts) leads and
    `mood` puts it in words; `sentiment` (the mean) is secondary. Runs stored
    before the summary existed are read from their mix and mean, rounded here once.
    """
    from nlp.explain import mood_words
    from nlp.explain.mood import MOODS, whole_percents

    summary = profile.get("sentiment_summary")
    if summary:  # the words are read from the shares here, so every run reads alike
        mix = dict(summary["mix"])
        return {"sentiment": summary["mean"], "sentiment_mix": mix, "mood": mood_words(mix)}
    stored = profile.get("sentiment_mix") or {}
    mean = profile.get("sentiment")
    mix = {}
    if stored:
        shares = whole_percents(np.array([float(stored.get(m) or 0.0) for m in MOODS]))
        mix = dict(zip(MOODS, shares, strict=True))
    return {
        "sentiment": None if mean is None else round(float(mean), 2),
        "sentiment_mix": mix,
        "mood": mood_words(mix) if mix else None,
    }


def _persona(
    run: SegmentationRun, segment: Segment, k: int, *, with_quotes: bool
) -> dict[str, Any]:
    profile = segment.profile or {}
    persona = _summary(segment, k)
    persona.update(
        documents=profile.get("documents"),
        top_topics=_safe_topics(profile.get("top_topics"), k),
        # the mood is said once, in `sentiment`/`sentiment_mix`, not again as a trait
        traits=[t for t in profile.get("traits") or [] if t.get("feature") != "sentiment"],
        rules=[r for r in profile.get("rules") or [] if rule_members(r, segment.size) >= k],
        quotes=quotes_of(run, profile.get("quotes") or []) if with_quotes else [],
        quotes_hidden=not with_quotes,
        representative_customers=(
            list(profile.get("representative_customers") or []) if with_quotes else []
        ),
    )
    return persona


def _safe_topics(topics: list[dict] | None, k: int) -> list[dict[str, Any]]:
    """The topics a segment brings up more often than everyone (lift at or above
    `nlp.explain.NOTABLE_LIFT`), without the sentiment of any topic fewer than k
    members wrote about."""
    from nlp.explain import NOTABLE_LIFT

    safe = []
    for row in topics or []:
        if (row.get("lift") or 0.0) < NOTABLE_LIFT:
            continue
        row = dict(row)
        if (row.get("customers") or 0) < k:
            row.update(sentiment=None, sentiment_mix={}, mood=None)
        safe.append(row)
    return safe


def quotes_of(run: SegmentationRun, document_ids: list[int]) -> list[dict[str, Any]]:
    """The quoted documents' texts and any question they answer, in order, in one query.

    Erased documents and those of customers who opted out drop out.
    """
    wanted = [int(pk) for pk in document_ids]
    if not wanted:
        return []
    rows = Document.objects.filter(pk__in=wanted, customer__segmentation_consent=True).values(
        "pk", "text", "created_at", "kind", "metadata"
    )
    found = {row["pk"]: row for row in rows}
    return [
        {
            "document": pk,
            "text": found[pk]["text"],
            "created_at": found[pk]["created_at"],
            "kind": found[pk]["kind"],
            "question": _question(found[pk]["metadata"]),
        }
        for pk in wanted
        if pk in found
    ]


def _question(metadata: Any) -> str | None:
    """The survey question a document answers, when its metadata holds one."""
    question = (metadata or {}).get("question") if isinstance(metadata, dict) else None
    return str(question).strip() or None if question else None


def _compare_traits(run: SegmentationRun, a: dict, b: dict) -> list[dict[str, Any]]:
    """Every feature either segment has a mean for, most different first."""
    context = (run.explain_context or {}).get("features", {})
    traits = {t["feature"]: t for t in (b.get("traits") or []) + (a.get("traits") or [])}
    means_a, means_b = _feature_means(a), _feature_means(b)
    rows = []
    for feature in sorted(set(means_a) | set(means_b)):
        info, trait = context.get(feature, {}), traits.get(feature, {})
        value_a, value_b = means_a.get(feature), means_b.get(feature)
        difference = None if value_a is None or value_b is None else value_a - value_b
        rows.append(
            {
                "feature": feature,
                "label": info.get("label") or trait.get("label") or feature,
                "a": value_a,
                "b": value_b,
                "population": info.get("mean", trait.get("population_mean")),
                "difference": difference,
            }
        )

    def most_different(row: dict) -> tuple[float, str]:
        if row["difference"] is None:
            return (1.0, row["feature"])
        spread = context.get(row["feature"], {}).get("std") or 1.0
        return (-abs(row["difference"]) / spread, row["feature"])

    return sorted(rows, key=most_different)


def _feature_means(profile: dict) -> dict[str, float]:
    """The profile's mean of every interpretable feature (from its traits when older)."""
    means = {t["feature"]: t.get("segment_mean") for t in profile.get("traits") or []}
    means.update(profile.get("feature_means") or {})
    return {feature: value for feature, value in means.items() if value is not None}


def _compare_topics(run: SegmentationRun, a: Segment, b: Segment, k: int) -> list[dict[str, Any]]:
    """Each topic's share of either segment's documents and their sentiment on it (one query)."""
    counts = (
        DocumentResult.objects.filter(
            run=run,
            topic__gte=0,
            document__customer__memberships__run=run,
            document__customer__memberships__segment__in=(a, b),
        )
        .values("document__customer__memberships__segment__number", "topic")
        .annotate(
            n=Count("id"),
            sentiment=Avg("sentiment"),
            writers=Count("document__customer", distinct=True),
        )
        .order_by()
    )
    by_topic: dict[int, dict[str, dict]] = {}
    totals = {"a": 0, "b": 0}
    for row in counts:
        side = "a" if row["document__customer__memberships__segment__number"] == a.number else "b"
        by_topic.setdefault(row["topic"], {})[side] = row
        totals[side] += row["n"]
    labels = dict(
        Topic.objects.filter(run=run, number__in=list(by_topic)).values_list("number", "label")
    )
    rows = []
    for topic, sides in by_topic.items():
        row: dict[str, Any] = {"topic": topic, "label": labels.get(topic, f"Topic {topic}")}
        for side in ("a", "b"):
            found = sides.get(side)
            row[f"{side}_share"] = (
                round(found["n"] / totals[side], 4) if found and totals[side] else 0.0
            )
            row[f"{side}_sentiment"] = (
                round(found["sentiment"], 4) if found and found["writers"] >= k else None
            )
        rows.append(row)
    rows.sort(key=lambda r: (-max(r["a_share"], r["b_share"]), r["topic"]))
    return rows[:COMPARE_TOPICS]


# --- members ----------------------------------------------------------------------------------


def members(
    run: SegmentationRun,
    number: int | None = None,
    *,
    min_probability: float | None = None,
    max_probability: float | None = None,
    outlier: bool | None = None,
    soft: bool = False,
) -> QuerySet[Membership]:
    """A run's memberships, optionally of one segment, filtered by probability and outlier flag.

    With `number`, the members of that segment (with `soft`, also the outliers
    softly assigned to it); raises SegmentNotFound for a missing or small
    segment. Without it, every customer of the run except the members of
    segments smaller than k. Ordered by id, customer and segments loaded.
    """
    found = Membership.objects.filter(run=run)
    if number is not None:
        segment = _segment(run, number)
        in_segment = Q(segment=segment)
        if soft:
            in_segment |= Q(segment__isnull=True, soft_segment=segment)
        found = found.filter(in_segment)
    else:
        small = [s.pk for s in _segments(run).only("pk", "size", "profile") if is_small(s)]
        if small:
            found = found.exclude(segment__in=small)
    if min_probability is not None:
        found = found.filter(probability__gte=min_probability)
    if max_probability is not None:
        found = found.filter(probability__lte=max_probability)
    if outlier is not None:
        found = found.filter(outlier=outlier)
    return found.select_related("customer", "segment", "soft_segment").order_by("id")


def small_segment_numbers(run: SegmentationRun) -> set[int]:
    """Numbers of the run's segments below k (so callers can hide a soft assignment to one)."""
    return {s.number for s in _segments(run).only("number", "size", "profile") if is_small(s)}


def member_export_rows(
    run: SegmentationRun,
    number: int,
    *,
    min_probability: float | None = None,
    max_probability: float | None = None,
    outlier: bool | None = None,
    soft: bool = False,
) -> Iterator[dict[str, Any]]:
    """Every member of a segment as an activation row: customer, segment, segment_name,
    probability, outlier, assigned_after_fit (placed after the run by its model; pseudonyms
    only), streamed from the database in chunks.

    Raises SegmentNotFound (before the first row) for a missing or small segment.
    """
    segment = _segment(run, number)
    chosen = members(
        run,
        number,
        min_probability=min_probability,
        max_probability=max_probability,
        outlier=outlier,
        soft=soft,
    ).values_list(
        "customer__pseudonym", "probability", "soft_probability", "segment_id", "outlier",
        "assigned_after_fit",
    )  # fmt: skip
    return _export_rows(segment, chosen)


def _export_rows(segment: Segment, chosen) -> Iterator[dict[str, Any]]:
    rows = chosen.iterator(chunk_size=5000)
    for pseudonym, probability, soft_probability, segment_id, outlier, after in rows:
        hard = segment_id is not None
        yield {
            "customer": pseudonym,
            "segment": segment.number,
            "segment_name": segment.name,
            "probability": round((probability if hard else soft_probability) or 0.0, 4),
            "outlier": outlier,
            "assigned_after_fit": after,
        }
