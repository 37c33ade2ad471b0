"""A finished run built directly in the database, with persona profiles shaped as the pipeline stores them.

`build_persona_run(n_customers)` writes customers, documents over twelve
months, a succeeded run, its segments (one of them smaller than k), memberships
with map positions (some outliers, one customer placed after the fit), topics
and per-document results, and profiles with every persona key (traits, topics
by lift, rules, quotes, representative customers, feature means) computed from
the generated data. It takes a second for 10,000 customers, so the page
benchmark uses it too; the real pipeline's output is tested elsewhere.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import numpy as np

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

TOPICS = [
    ("packaging · refills", ["packaging", "refill", "plastic"]),
    ("late · delivery", ["late", "delivery", "courier"]),
    ("discount · coupon", ["discount", "coupon", "code"]),
    ("size · fit", ["size", "fit", "small"]),
    ("app · checkout", ["app", "checkout", "crash"]),
    ("quality · fabric", ["quality", "fabric", "wash"]),
]
FEATURES = {
    "spend_12m": "Spend (12 months)",
    "orders_12m": "Orders (12 months)",
    "coupon_share": "Coupon share",
    "return_share": "Return share",
}
# name, share of customers, behaviour means, favourite topics, mean sentiment
PERSONAS = [
    ("Eco-minded refillers", 0.34, (420, 9, 0.10, 0.05), (0, 5), 0.45),
    ("Impatient trackers", 0.28, (180, 4, 0.15, 0.12), (1, 4), -0.40),
    ("Coupon hunters", 0.22, (120, 12, 0.65, 0.08), (2, 3), 0.10),
    ("Serial returners", 0.11, (260, 6, 0.20, 0.45), (3, 5), -0.15),
]
SMALL = ("Quiet few", 6, (90, 2, 0.05, 0.02), (4,), 0.0)
TEXTS = {
    0: "Love that the refill pouches cut down on plastic packaging.",
    1: "My parcel was late again and the courier tracking never updated.",
    2: "Only bought because of the discount code, great coupon deal.",
    3: "The size runs small, had to send it back for a better fit.",
    4: "The app crashed twice at checkout before the payment went through.",
    5: "Fabric quality is excellent and it survives every wash.",
}


def _pseudonym(i: int, seed: int) -> str:
    return hashlib.sha256(f"factory-{seed}-{i}".encode()).hexdigest()


def _label(value: float) -> str:
    return "positive" if value > 0.05 else "negative" if value < -0.05 else "neutral"


def build_persona_run(n_customers: int = 120, *, seed: int = 3) -> SegmentationRun:
    """Write a succeeded run over `n_customers` generated customers and return it."""
    rng = np.random.default_rng(seed)
    n_small = SMALL[1]
    n_rest = n_customers - n_small - 1  # one customer is placed after the fit
    shares = np.array([p[1] for p in PERSONAS])
    sizes = np.floor(shares / shares.sum() * n_rest).astype(int)
    sizes[0] += n_rest - sizes.sum()
    personas = list(PERSONAS) + [SMALL]
    assignment = np.concatenate(
        [np.full(s, i) for i, s in enumerate(sizes)] + [np.full(n_small, len(PERSONAS))]
    )
    assignment = np.concatenate([assignment, [0]])
    after_fit = np.zeros(n_customers, dtype=bool)
    after_fit[-1] = True
    outlier = (rng.random(n_customers) < 0.06) & ~after_fit & (assignment < len(PERSONAS))

    features = np.zeros((n_customers, len(FEATURES)))
    for i, persona in enumerate(personas):
        idx = assignment == i
        means = np.array(persona[2], dtype=float)
        features[idx] = means * (1 + 0.25 * rng.standard_normal((idx.sum(), len(FEATURES))))
    features = np.abs(features)
    features[:, 2:] = np.clip(features[:, 2:], 0, 1)

    customers = Customer.objects.bulk_create(
        Customer(
            pseudonym=_pseudonym(i, seed),
            behaviour={f: round(float(v), 3) for f, v in zip(FEATURES, features[i], strict=True)},
        )
        for i in range(n_customers)
    )

    doc_rows = []  # (customer index, topic, sentiment, month)
    for i in range(n_customers):
        persona = personas[assignment[i]]
        for _ in range(int(rng.integers(2, 5))):
            topic = int(rng.choice(persona[3])) if rng.random() < 0.7 else int(rng.integers(0, 6))
            if rng.random() < 0.05:
                topic = -1
            sentiment = float(np.clip(persona[4] + 0.35 * rng.standard_normal(), -1, 1))
            doc_rows.append((i, topic, round(sentiment, 4), int(rng.integers(1, 13))))
    documents = Document.objects.bulk_create(
        Document(
            customer=customers[i],
            kind="review",
            created_at=datetime(2025, month, 1 + (n % 27), tzinfo=UTC),
            text=TEXTS.get(topic, "Nothing much to say."),
            text_hash=hashlib.sha256(f"{seed}-{n}".encode()).hexdigest(),
            content_hash=hashlib.sha256(f"doc-{seed}-{n}".encode()).hexdigest(),
            original_length=40,
        )
        for n, (i, topic, _, month) in enumerate(doc_rows)
    )
    # one document without a date
    documents[-1].created_at = None
    documents[-1].save(update_fields=["created_at"])

    doc_topic = np.array([r[1] for r in doc_rows])
    doc_sent = np.array([r[2] for r in doc_rows])
    doc_customer = np.array([r[0] for r in doc_rows])
    topic_share = np.zeros((n_customers, len(TOPICS)))
    for c, t in zip(doc_customer, doc_topic, strict=True):
        if t >= 0:
            topic_share[c, t] += 1
    counts = np.bincount(doc_customer, minlength=n_customers)
    topic_share /= np.maximum(counts, 1)[:, None]
    sent_sum = np.bincount(doc_customer, weights=doc_sent, minlength=n_customers)
    customer_sent = sent_sum / np.maximum(counts, 1)

    interpretable = {f: features[:, j] for j, f in enumerate(FEATURES)}
    interpretable.update({f"topic:{t}": topic_share[:, t] for t in range(len(TOPICS))})
    interpretable["sentiment"] = customer_sent
    context = {
        "features": {
            name: {
                "label": FEATURES.get(name)
                or (f"Writes about {TOPICS[int(name[6:])][0]}" if name.startswith("topic:") else "")
                or "Sentiment",
                "kind": "topic"
                if name.startswith("topic:")
                else ("sentiment" if name == "sentiment" else "behaviour"),
                "mean": round(float(v[~after_fit].mean()), 4),
                "std": round(float(v[~after_fit].std()) or 1.0, 4),
                "median": round(float(np.median(v[~after_fit])), 4),
            }
            for name, v in interpretable.items()
        },
        "min_group_size": 10,
    }

    fitted = ~after_fit
    n_fit = int(fitted.sum())
    segment_of = np.where(outlier | after_fit, -1, assignment)
    run = SegmentationRun.objects.create(
        status=RunStatus.SUCCEEDED,
        parameters={"seed": seed},
        n_customers=n_fit,
        n_documents=len(doc_rows),
        n_segments=len(personas),
        outlier_share=round(float(outlier.sum() / n_fit), 4),
        metrics={"dbcv": 0.41, "silhouette": 0.33},
        explain_context=context,
        stage="done",
        finished_at=datetime.now(UTC),
    )
    topics = Topic.objects.bulk_create(
        Topic(
            run=run,
            number=t,
            label=label,
            keywords=keywords,
            size=int((doc_topic == t).sum()),
            sentiment=round(float(doc_sent[doc_topic == t].mean()), 4),
            aspect_sentiment=round(float(doc_sent[doc_topic == t].mean()) * 0.9, 4),
            representative_documents=[
                documents[n].pk for n in np.flatnonzero(doc_topic == t)[:3].tolist()
            ],
        )
        for t, (label, keywords) in enumerate(TOPICS)
    )
    del topics
    overall_topic = np.bincount(doc_topic[doc_topic >= 0], minlength=len(TOPICS))
    overall_topic = overall_topic / overall_topic.sum()

    segments = []
    for number, persona in enumerate(personas):
        members = np.flatnonzero(segment_of == number)
        segments.append(
            Segment(
                run=run,
                number=number,
                name=persona[0],
                size=len(members),
                share=round(len(members) / n_fit, 4),
                profile=_profile(
                    number, persona, members, documents, doc_customer, doc_topic, doc_sent,
                    overall_topic, interpretable, fitted, customers, context,
                ),
            )
        )  # fmt: skip
    segments = Segment.objects.bulk_create(segments)

    centres = [np.array([np.cos(a), np.sin(a)]) * 6 for a in np.linspace(0, 6, len(personas))]
    memberships = []
    for i, customer in enumerate(customers):
        s = segment_of[i]
        centre = centres[assignment[i]]
        xy = centre + rng.standard_normal(2) * (2.5 if outlier[i] else 1.0)
        memberships.append(
            Membership(
                run=run,
                customer=customer,
                segment=segments[s] if s >= 0 else None,
                probability=0.0 if s < 0 else round(float(rng.uniform(0.5, 1.0)), 3),
                outlier=bool(outlier[i]),
                soft_segment=segments[assignment[i]] if outlier[i] else None,
                soft_probability=round(float(rng.uniform(0.1, 0.4)), 3) if outlier[i] else None,
                x=0.0 if after_fit[i] else round(float(xy[0]), 4),
                y=0.0 if after_fit[i] else round(float(xy[1]), 4),
                assigned_after_fit=bool(after_fit[i]),
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=2000)
    DocumentResult.objects.bulk_create(
        (
            DocumentResult(
                run=run,
                document=doc,
                topic=int(doc_topic[n]),
                sentiment=float(doc_sent[n]),
                sentiment_label=_label(doc_sent[n]),
            )
            for n, doc in enumerate(documents)
        ),
        batch_size=2000,
    )
    return run


def _profile(
    number, persona, members, documents, doc_customer, doc_topic, doc_sent,
    overall_topic, interpretable, fitted, customers, context,
) -> dict:  # fmt: skip
    """A persona profile in the shape the pipeline stores."""
    k = context["min_group_size"]
    name, small = persona[0], len(members) < k
    in_segment = np.isin(doc_customer, members)
    docs_topic, docs_sent = doc_topic[in_segment], doc_sent[in_segment]
    labels = [_label(v) for v in docs_sent]
    mix = {lab: round(labels.count(lab) / max(len(labels), 1), 4) for lab in set(labels)}
    base = {
        "segment": number,
        "size": len(members),
        "documents": int(in_segment.sum()),
        "sentiment": round(float(docs_sent.mean()), 4) if len(docs_sent) else None,
        "sentiment_mix": mix,
        "behaviour": {
            f: {
                "segment": round(float(np.median(interpretable[f][members])), 4),
                "population": round(float(np.median(interpretable[f][fitted])), 4),
            }
            for f in FEATURES
        },
        "name": name,
        "small": small,
    }
    if small:
        return {**base, "description": "", "traits": [], "top_topics": [], "quotes": [],
                "rules": [], "representative_customers": [], "feature_means": {}}  # fmt: skip
    traits = []
    for f in [*FEATURES, "sentiment"]:
        meta = context["features"][f]
        seg_mean = float(interpretable[f][members].mean())
        effect = (seg_mean - meta["mean"]) / (meta["std"] or 1.0)
        traits.append(
            {
                "feature": f,
                "label": meta["label"],
                "segment_mean": round(seg_mean, 4),
                "population_mean": meta["mean"],
                "effect_size": round(effect, 3),
                "direction": "higher" if effect >= 0 else "lower",
            }
        )
    traits.sort(key=lambda t: -abs(t["effect_size"]))
    shares = np.bincount(docs_topic[docs_topic >= 0], minlength=len(TOPICS))
    shares = shares / max(shares.sum(), 1)
    top_topics = []
    for t in np.argsort(-(shares / overall_topic)):
        writers = len(set(doc_customer[in_segment & (doc_topic == t)].tolist()))
        if shares[t] < 0.03:
            continue
        top_topics.append(
            {
                "topic": int(t),
                "label": TOPICS[t][0],
                "share": round(float(shares[t]), 4),
                "lift": round(float(shares[t] / overall_topic[t]), 3),
                "sentiment": round(float(docs_sent[docs_topic == t].mean()), 4),
                "customers": writers,
            }
        )
    strongest = traits[0]
    f = strongest["feature"]
    threshold = round((strongest["segment_mean"] + strongest["population_mean"]) / 2, 2)
    op = ">" if strongest["direction"] == "higher" else "<="
    values = interpretable[f][fitted]
    covered = values > threshold if op == ">" else values <= threshold
    member_mask = np.isin(np.flatnonzero(fitted), members)
    hits = int((covered & member_mask).sum())
    rule_text = f"{strongest['label']} {op} {threshold:g}"
    rule = {
        "text": rule_text,
        "conditions": [
            {
                "feature": f,
                "label": strongest["label"],
                "op": op,
                "threshold": threshold,
                "text": rule_text,
            }
        ],  # fmt: skip
        "precision": round(hits / max(int(covered.sum()), 1), 3),
        "coverage": round(hits / max(len(members), 1), 3),
        "support": int(covered.sum()),
    }
    quote_docs = [documents[n].pk for n in np.flatnonzero(in_segment)[:4].tolist()]
    words = ", ".join(t["label"] for t in top_topics[:2])
    return {
        **base,
        "description": (
            f"About {round(100 * len(members) / int(fitted.sum()))}% of customers. "
            f"They talk about {words} more than others and their {strongest['label'].lower()} "
            f"is {strongest['direction']} than average."
        ),
        "traits": traits,
        "top_topics": top_topics,
        "quotes": quote_docs,
        "rules": [rule],
        "representative_customers": [customers[i].pseudonym for i in members[:5].tolist()],
        "feature_means": {n: round(float(v[members].mean()), 4) for n, v in interpretable.items()},
    }
