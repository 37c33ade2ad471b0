"""Per-segment profiles of a fitted segmentation: size, top topics, sentiment mix, behaviour.

`profile_segments` reads the segmenter's labels with the documents' topics and
sentiment (the `TopicsOutput` and `SentimentOutput` of :mod:`nlp.steps`) and
the behaviour table; the persona explanations (:mod:`nlp.explain`) are merged
into these profiles afterwards.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

TOP_TOPICS = 5


def profile_segments(
    segmenter,
    customer_ids: list[str],
    behaviour: pd.DataFrame,
    documents: pd.DataFrame,
    topics: Any,
    sentiment: Any,
) -> list[dict[str, Any]]:
    """Per segment: size, top topics with share, lift and sentiment, sentiment mix, behaviour."""
    labels = pd.Series(segmenter.labels_, index=customer_ids)
    docs = pd.DataFrame(
        {
            "segment": documents["customer"].map(labels).fillna(-1).astype(int).to_numpy(),
            "topic": topics.doc_topics,
            "sentiment": sentiment.compound,
            "label": sentiment.labels,
        }
    )
    topic_labels = {t.topic_id: t.label for t in topics.topics}
    overall = docs[docs["topic"] >= 0]["topic"].value_counts(normalize=True)
    numeric = behaviour.select_dtypes(include="number") if not behaviour.empty else pd.DataFrame()
    population = numeric.median() if not numeric.empty else pd.Series(dtype=float)
    profiles = []
    for number in sorted(set(labels) - {-1}):
        members = labels.index[labels == number]
        mine = docs[docs["segment"] == number]
        shares = mine[mine["topic"] >= 0]["topic"].value_counts(normalize=True)
        top = [
            {
                "topic": int(t),
                "label": topic_labels.get(int(t), ""),
                "share": round(float(share), 4),
                "lift": round(float(share / overall.get(t, np.nan)), 3) if t in overall else None,
                "sentiment": round(float(mine[mine["topic"] == t]["sentiment"].mean()), 4),
            }
            for t, share in shares.head(TOP_TOPICS).items()
        ]
        mix = mine["label"].value_counts(normalize=True)
        medians = numeric.loc[members].median() if not numeric.empty else pd.Series(dtype=float)
        profiles.append(
            {
                "segment": int(number),
                "size": int(len(members)),
                "documents": int(len(mine)),
                "top_topics": top,
                "sentiment": round(float(mine["sentiment"].mean()), 4) if len(mine) else None,
                "sentiment_mix": {k: round(float(v), 4) for k, v in mix.items()},
                "behaviour": {
                    col: {"segment": _num(medians[col]), "population": _num(population[col])}
                    for col in numeric.columns
                },
            }
        )
    return profiles


def _num(value) -> float | None:
    return None if pd.isna(value) else round(float(value), 4)
