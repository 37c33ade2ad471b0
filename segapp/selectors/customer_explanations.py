"""Why a customer is where they are: their segment in one run, explained, and in every run.

The customer's feature values are computed here from `Customer.features` and
the run's document results; the reasoning is `nlp.explain.explain_customer`.
Nothing about a segment below k is given.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count

from segapp.models import (
    Customer,
    DocumentResult,
    Membership,
    RunStatus,
    Segment,
    SegmentationRun,
    Topic,
)
from segapp.selectors.anonymity import (
    CustomerNotFound,
    is_small,
    min_group_size,
    rule_members,
    small_segment_name,
)
from segapp.selectors.placement import waiting_reason

__all__ = [
    "customer_feature_values",
    "customer_memberships",
    "customer_topics",
    "explain_customer",
    "feature_number",
]


def explain_customer(run: SegmentationRun, pseudonym: str) -> dict[str, Any]:
    """Why one customer is where they are in a run.

    Their segment (or soft segment when an outlier), probability, the features
    pulling them towards it (their values against the segment's and the
    population's), the rule they satisfy, the topics they write about and the
    segment's representative customers. The feature values are computed here
    from `Customer.features` and the run's document results; the reasoning is
    `nlp.explain.explain_customer`. Nothing about a segment below k is given.
    Raises CustomerNotFound when the customer does not exist or was not in the run.
    """
    customer = Customer.objects.filter(pseudonym=pseudonym).first()
    if customer is None:
        raise CustomerNotFound("No customer with this pseudonym.")
    membership = (
        Membership.objects.filter(run=run, customer=customer)
        .select_related("segment", "soft_segment")
        .first()
    )
    if membership is None:
        waiting = waiting_reason(run, customer)
        if waiting is not None:
            raise CustomerNotFound(
                f"This customer arrived after run {run.pk} and waits for the next run: "
                f"{waiting['text'][0].lower()}{waiting['text'][1:]}."
            )
        raise CustomerNotFound(f"This customer was not part of run {run.pk}.")
    k = min_group_size()
    topics = customer_topics(run, customer)
    explained = membership.segment or membership.soft_segment
    answer: dict[str, Any] = {
        "customer": customer.pseudonym,
        "run": run.pk,
        "segment": _segment_ref(membership.segment, k),
        "probability": membership.probability,
        "outlier": membership.outlier,
        "soft_segment": (
            None
            if membership.soft_segment is None or membership.segment is not None
            else {
                **_segment_ref(membership.soft_segment, k),
                "probability": membership.soft_probability,
            }
        ),
        "assigned_after_fit": membership.assigned_after_fit,
        "pulls": [],
        "rule": None,
        "topics": topics,
        "representative_customers": [],
    }
    if explained is None or is_small(explained, k):
        return answer
    # Imported here: the reasoning lives in nlp/, needed only once a segment is explained.
    from nlp.explain import explain_customer as explain

    profile = explained.profile or {}
    context = run.explain_context or {}
    values = customer_feature_values(customer, topics, context)
    reasons = explain(values, profile, context)
    rule = reasons.get("rule")
    answer.update(
        pulls=list(reasons.get("pulls") or []),
        rule=rule if rule and rule_members(rule, explained.size) >= k else None,
        representative_customers=[
            p for p in profile.get("representative_customers") or [] if p != customer.pseudonym
        ],
    )
    return answer


def _segment_ref(segment: Segment | None, k: int) -> dict[str, Any] | None:
    if segment is None:
        return None
    small = is_small(segment, k)
    return {
        "number": segment.number,
        "name": small_segment_name(k) if small else segment.name,
        "small": small,
    }


def customer_topics(run: SegmentationRun, customer: Customer) -> list[dict[str, Any]]:
    """The customer's documents in the run per topic (-1: no clear topic), in one query."""
    rows = (
        DocumentResult.objects.filter(run=run, document__customer=customer)
        .values("topic")
        .annotate(documents=Count("id"), sentiment=Avg("sentiment"))
        .order_by("-documents", "topic")
    )
    rows = list(rows)
    labels = dict(
        Topic.objects.filter(run=run, number__in=[r["topic"] for r in rows]).values_list(
            "number", "label"
        )
    )
    return [
        {
            "topic": row["topic"],
            "label": labels.get(row["topic"], "No clear topic" if row["topic"] < 0 else ""),
            "documents": row["documents"],
            "sentiment": round(row["sentiment"], 4),
        }
        for row in rows
    ]


def customer_feature_values(
    customer: Customer, topics: list[dict[str, Any]], context: dict
) -> dict[str, float | None]:
    """The customer's interpretable feature values (nlp.explain's definitions).

    Behaviour columns are the customer's own numbers; "topic:<n>" is the share
    of their documents in topic n (0 without documents); "sentiment" the mean
    compound sentiment of their documents (None without documents). Every feature the run's context
    names gets a value (None when unknown).
    """
    behaviour = customer.features
    written = sum(t["documents"] for t in topics)
    shares = {f"topic:{t['topic']}": t["documents"] / written for t in topics if written}
    sentiment = sum(t["sentiment"] * t["documents"] for t in topics) / written if written else None
    values: dict[str, float | None] = {}
    for feature in (context.get("features") or {}).keys() | _numeric_keys(behaviour):
        if feature == "sentiment":
            values[feature] = sentiment
        elif feature.startswith("topic:"):
            values[feature] = shares.get(feature, 0.0)
        else:
            values[feature] = feature_number(behaviour.get(feature))
    return values


def _numeric_keys(values: dict) -> set[str]:
    return {key for key, value in values.items() if feature_number(value) is not None}


def feature_number(value: Any) -> float | None:
    """A stored feature value as a number; None for a bool, NaN or anything not a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number  # NaN is unknown


def customer_memberships(pseudonym: str) -> list[dict[str, Any]]:
    """The customer's place in every successful run, newest first (one query).

    Raises CustomerNotFound for an unknown pseudonym.
    """
    if not Customer.objects.filter(pseudonym=pseudonym).exists():
        raise CustomerNotFound("No customer with this pseudonym.")
    k = min_group_size()
    rows = (
        Membership.objects.filter(customer__pseudonym=pseudonym, run__status=RunStatus.SUCCEEDED)
        .select_related("run", "segment", "soft_segment")
        .order_by("-run__created_at", "-run_id")
    )
    return [
        {
            "run": m.run_id,
            "run_finished_at": m.run.finished_at,
            "segment": _segment_ref(m.segment, k),
            "probability": m.probability,
            "outlier": m.outlier,
            "soft_segment": (
                None
                if m.soft_segment is None or m.segment is not None
                else {**_segment_ref(m.soft_segment, k), "probability": m.soft_probability}
            ),
            "assigned_after_fit": m.assigned_after_fit,
        }
        for m in rows
    ]
