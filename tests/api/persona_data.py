"""A small succeeded run built directly in the database, with contract-shaped persona profiles.

Fast (no model): for tests of the persona selectors and API that need known
figures. Three segments: 0 "Eco bargain hunters" (15 members), 1 "Big
spenders" (12) and 2 (3 members, below k = 10), plus 2 outliers softly
assigned to segment 0. Each customer wrote two documents.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from segapp.models import (
    Customer,
    Document,
    DocumentResult,
    Membership,
    RunStatus,
    Segment,
    SegmentationRun,
    Topic,
)
from segapp.services.pseudonyms import pseudonymise

SIZES = (15, 12, 3)
OUTLIERS = 2
TOPIC_LABELS = {0: "packaging and refills", 1: "delivery speed", 2: "store staff"}


@dataclass
class PersonaRun:
    """The run and handles on what it holds."""

    run: SegmentationRun
    segments: dict[int, Segment]
    members: dict[int, list[Customer]]
    outliers: list[Customer]
    documents: dict[str, list[Document]] = field(default_factory=dict)


def _document(customer: Customer, n: int, text: str, when: datetime) -> Document:
    digest = hashlib.sha256(f"{customer.pseudonym}-{n}-{text}".encode()).hexdigest()
    document, _ = Document.objects.get_or_create(
        content_hash=digest,
        defaults={
            "customer": customer,
            "kind": "review",
            "channel": "web",
            "created_at": when,
            "rating": 4.0,
            "text": text,
            "text_hash": hashlib.sha256(text.encode()).hexdigest(),
            "original_length": len(text),
        },
    )
    return document


def _profile(number: int, size: int, quotes: list[int], representative: list[str]) -> dict:
    if size < 10:
        return {"segment": number, "size": size, "small": True, "name": "Small segment"}
    if number == 0:
        traits = [
            {
                "feature": "coupon_share",
                "label": "Coupon share",
                "segment_mean": 0.62,
                "population_mean": 0.30,
                "effect_size": 1.4,
                "direction": "higher",
            },
            {
                "feature": "spend_12m",
                "label": "Spend (12 months)",
                "segment_mean": 120.0,
                "population_mean": 210.0,
                "effect_size": -0.8,
                "direction": "lower",
            },
        ]
        topics = [
            {
                "topic": 0,
                "label": TOPIC_LABELS[0],
                "share": 0.7,
                "lift": 2.1,
                "sentiment": 0.4,
                "customers": 14,
            },
            {
                "topic": 2,
                "label": TOPIC_LABELS[2],
                "share": 0.1,
                "lift": 1.2,
                "sentiment": -0.3,
                "customers": 4,  # fewer than k: its sentiment is never shown
            },
            {
                "topic": 1,
                "label": TOPIC_LABELS[1],
                "share": 0.1,
                "lift": 0.5,
                "sentiment": 0.1,
                "customers": 10,
            },
            {
                "topic": 3,
                "label": "returns",
                "share": 0.1,
                "lift": 0.4,
                "sentiment": 0.0,
                "customers": 11,
            },
        ]
        rules = [
            {
                "text": "coupon_share > 0.5 and writes about packaging and refills",
                "conditions": [
                    {
                        "feature": "coupon_share",
                        "label": "Coupon share",
                        "op": ">",
                        "threshold": 0.5,
                        "text": "coupon share > 0.5",
                    },
                    {
                        "feature": "topic:0",
                        "label": TOPIC_LABELS[0],
                        "op": ">",
                        "threshold": 0.25,
                        "text": "writes about packaging and refills",
                    },
                ],
                "precision": 0.9,
                "coverage": 0.8,
                "support": 13,
            },
            {
                "text": "spend_12m <= 20",
                "conditions": [
                    {
                        "feature": "spend_12m",
                        "label": "Spend (12 months)",
                        "op": "<=",
                        "threshold": 20.0,
                        "text": "spend (12 months) <= 20",
                    }
                ],
                "precision": 1.0,
                "coverage": 0.2,  # 3 of 15 members: fewer than k, never shown
                "support": 3,
            },
        ]
        means = {"coupon_share": 0.62, "spend_12m": 120.0, "topic:0": 0.7, "sentiment": 0.35}
        name, description = "Eco bargain hunters", "They talk about packaging and use coupons."
    else:
        traits = [
            {
                "feature": "spend_12m",
                "label": "Spend (12 months)",
                "segment_mean": 400.0,
                "population_mean": 210.0,
                "effect_size": 1.9,
                "direction": "higher",
            }
        ]
        topics = [
            {
                "topic": 1,
                "label": TOPIC_LABELS[1],
                "share": 0.9,
                "lift": 2.5,
                "sentiment": -0.2,
                "customers": 12,
            }
        ]
        rules = [
            {
                "text": "spend_12m > 300",
                "conditions": [
                    {
                        "feature": "spend_12m",
                        "label": "Spend (12 months)",
                        "op": ">",
                        "threshold": 300.0,
                        "text": "spend (12 months) > 300",
                    }
                ],
                "precision": 0.95,
                "coverage": 1.0,
                "support": 13,
            }
        ]
        means = {"coupon_share": 0.1, "spend_12m": 400.0, "topic:1": 0.9, "sentiment": -0.1}
        name, description = "Big spenders", "They spend a lot and talk about delivery."
    return {
        "segment": number,
        "size": size,
        "documents": size * 2,
        "name": name,
        "description": description,
        "small": False,
        "sentiment": 0.3 if number == 0 else -0.1,
        "sentiment_mix": {"positive": 0.6, "neutral": 0.3, "negative": 0.1},
        "behaviour": {},
        "traits": traits,
        "top_topics": topics,
        "quotes": quotes,
        "rules": rules,
        "representative_customers": representative,
        "feature_means": means,
    }


CONTEXT = {
    "features": {
        "coupon_share": {"label": "Coupon share", "kind": "behaviour", "mean": 0.3, "std": 0.2,
                         "median": 0.3},
        "spend_12m": {"label": "Spend (12 months)", "kind": "behaviour", "mean": 210.0,
                      "std": 100.0, "median": 200.0},
        "topic:0": {"label": TOPIC_LABELS[0], "kind": "topic", "mean": 0.35, "std": 0.3,
                    "median": 0.3},
        "topic:1": {"label": TOPIC_LABELS[1], "kind": "topic", "mean": 0.4, "std": 0.3,
                    "median": 0.3},
        "sentiment": {"label": "Sentiment", "kind": "sentiment", "mean": 0.1, "std": 0.3,
                      "median": 0.1},
    },
    "min_group_size": 10,
}  # fmt: skip


def build_persona_run(*, prefix: str = "p", finished_at: datetime | None = None) -> PersonaRun:
    """Create the run, its customers, documents, topics, segments and memberships."""
    finished_at = finished_at or datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    run = SegmentationRun.objects.create(
        status=RunStatus.SUCCEEDED,
        n_customers=sum(SIZES) + OUTLIERS,
        n_segments=len(SIZES),
        n_documents=2 * (sum(SIZES) + OUTLIERS),
        outlier_share=OUTLIERS / (sum(SIZES) + OUTLIERS),
        explain_context=CONTEXT,
        started_at=finished_at - timedelta(minutes=1),
        finished_at=finished_at,
        source="test",
    )
    for number, label in TOPIC_LABELS.items():
        Topic.objects.create(run=run, number=number, label=label, keywords=[label], size=10)
    built = PersonaRun(run=run, segments={}, members={}, outliers=[])
    when = datetime(2026, 1, 1, tzinfo=UTC)
    serial = 0
    groups = [(n, size) for n, size in enumerate(SIZES)] + [(None, OUTLIERS)]
    for number, size in groups:
        customers = []
        for _ in range(size):
            serial += 1
            spend = 100.0 + serial if number != 1 else 400.0 + serial
            customer, _ = Customer.objects.get_or_create(
                pseudonym=pseudonymise(f"{prefix}-{serial}"),
                defaults={"behaviour": {"spend_12m": spend, "coupon_share": 0.5}},
            )
            customers.append(customer)
            topic = {0: 0, 1: 1, 2: 2, None: 0}[number]
            docs = [
                _document(customer, 1, f"Text one of {prefix} {serial} about {topic}", when),
                _document(customer, 2, f"Text two of {prefix} {serial}", when),
            ]
            built.documents[customer.pseudonym] = docs
            DocumentResult.objects.create(
                run=run, document=docs[0], topic=topic, sentiment=0.5, sentiment_label="positive"
            )
            DocumentResult.objects.create(
                run=run, document=docs[1], topic=-1, sentiment=-0.1, sentiment_label="neutral"
            )
        if number is None:
            built.outliers = customers
            continue
        quotes = [built.documents[c.pseudonym][0].pk for c in customers[:3]]
        segment = Segment.objects.create(
            run=run,
            number=number,
            name={0: "Eco bargain hunters", 1: "Big spenders", 2: "Small segment"}[number],
            size=size,
            share=size / (sum(SIZES) + OUTLIERS),
            profile=_profile(number, size, quotes, [c.pseudonym for c in customers[:2]]),
        )
        built.segments[number], built.members[number] = segment, customers
        for i, customer in enumerate(customers):
            Membership.objects.create(
                run=run,
                customer=customer,
                segment=segment,
                probability=round(0.5 + i / (2 * size), 4),
                x=float(i),
                y=float(number),
            )
    for customer in built.outliers:
        Membership.objects.create(
            run=run,
            customer=customer,
            segment=None,
            probability=0.0,
            outlier=True,
            soft_segment=built.segments[0],
            soft_probability=0.4,
        )
    return built
